import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import type {Secret} from '../model.js'
import {findSecret, secretsStore} from '../secrets.js'
import {secretMetadata} from './describe-secret.js'
import {defined} from './shared.js'

interface Filter {
  Key?: string
  Values?: string[]
}

/** Filters match by prefix, as the console's search does; `!` negates a value. */
function matches(secret: Secret, filter: Filter): boolean {
  const fields: Record<string, (string | undefined)[]> = {
    name: [secret.Name],
    description: [secret.Description],
    'owning-service': [secret.OwningService],
    'tag-key': (secret.Tags ?? []).map((t) => t.Key),
    'tag-value': (secret.Tags ?? []).map((t) => t.Value),
  }
  fields['all'] = Object.values(fields).flat()
  const candidates = fields[filter.Key ?? 'all'] ?? []
  return (filter.Values ?? []).some((value) => {
    const negate = value.startsWith('!')
    const needle = negate ? value.slice(1) : value
    const hit = candidates.some((c) => c !== undefined && c.startsWith(needle))
    return negate ? !hit : hit
  })
}

/** ListSecrets: by name, optionally filtered; scheduled deletions only with `IncludePlannedDeletion`. */
export const listSecrets: Operation = (input, ctx) => {
  const store = secretsStore(ctx)
  const filters = (input['Filters'] as Filter[] | undefined) ?? []
  const secrets = [...store.secrets.keys()]
    .sort()
    .map((name) => findSecret(store, name, ctx.state))
    .filter((s): s is Secret => s !== undefined)
    .filter((s) => input['IncludePlannedDeletion'] === true || s.DeletedDate === undefined)
    .filter((s) => filters.every((f) => matches(s, f)))
  if (input['SortOrder'] === 'desc') secrets.reverse()
  let start = 0
  if (typeof input['NextToken'] === 'string') {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(input['NextToken'], 'base64url').toString('utf8'))
    if (!decoded) throw new ServiceError('InvalidNextTokenException', 'The NextToken value is invalid.')
    start = Number(decoded[1])
  }
  const max = (input['MaxResults'] as number | undefined) ?? 100
  const next = start + max
  return defined({
    SecretList: secrets.slice(start, next).map((secret) => {
      const {VersionIdsToStages, ...rest} = secretMetadata(secret)
      return {...rest, SecretVersionsToStages: VersionIdsToStages}
    }),
    NextToken: next < secrets.length ? Buffer.from(`o:${next}`).toString('base64url') : undefined,
  })
}
