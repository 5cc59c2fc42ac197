/** Store access, lookups and paging tokens the CloudWatch Logs operations share. */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {logGroupNameOfArn, logsStoreOf, type LogGroup, type LogsStore, type LogStream} from '../model.js'

export function logsStore(ctx: RequestContext): LogsStore {
  return logsStoreOf(ctx.state, ctx.region)
}

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message)
}

/** `logGroupName` or `logGroupIdentifier` (a name or an ARN); exactly one (AWS refuses both). */
export function groupNameOf(input: Record<string, unknown>): string {
  const name = input['logGroupName']
  const identifier = input['logGroupIdentifier']
  if (typeof name === 'string' && typeof identifier === 'string') {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.')
  }
  if (typeof identifier === 'string') return logGroupNameOfArn(identifier) ?? identifier
  if (typeof name === 'string') return name
  throw invalidParameter('Either LogGroupName or LogGroupIdentifier must be specified.')
}

/** The group, or ResourceNotFoundException worded as AWS words it. */
export function requireGroup(store: LogsStore, name: string): LogGroup {
  const group = store.groups.get(name)
  if (!group) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.')
  return group
}

export function requireStream(group: LogGroup, name: string): LogStream {
  const stream = group.streams.get(name)
  if (!stream) throw new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.')
  return stream
}

/** An opaque token carrying a small JSON state; refused as AWS refuses a token it did not issue. */
export function encodeToken(prefix: string, state: unknown): string {
  return `${prefix}/${Buffer.from(JSON.stringify(state)).toString('base64url')}`
}

export function decodeToken<T>(token: unknown, prefix: string): T | undefined {
  if (token === undefined || token === null) return undefined
  if (typeof token !== 'string' || !token.startsWith(`${prefix}/`))
    throw invalidParameter('The specified nextToken is invalid.')
  try {
    return JSON.parse(Buffer.from(token.slice(prefix.length + 1), 'base64url').toString('utf8')) as T
  } catch {
    throw invalidParameter('The specified nextToken is invalid.')
  }
}

/** One page of a name-sorted listing, the token being the last name returned. */
export function pageByName<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  input: Record<string, unknown>,
  defaultLimit: number,
): {page: T[]; nextToken?: string} {
  const after = decodeToken<{after: string}>(input['nextToken'], 'n')?.after
  const limit = typeof input['limit'] === 'number' ? input['limit'] : defaultLimit
  const start = after === undefined ? 0 : items.findIndex((item) => nameOf(item) > after)
  const rest = start < 0 ? [] : items.slice(start)
  const page = rest.slice(0, limit)
  const last = page[page.length - 1]
  return rest.length > limit && last !== undefined ? {page, nextToken: encodeToken('n', {after: nameOf(last)})} : {page}
}

export function byKey<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}
