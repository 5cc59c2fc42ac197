import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {addVersion, requireLiveSecret, secretsStore} from '../secrets.js'
import {refuseManaged, valueOf} from './shared.js'

/**
 * PutSecretValue: a new version, `AWSCURRENT` unless `VersionStages` says otherwise. Repeating a
 * `ClientRequestToken` with the same value is a no-op; with another value it is refused.
 */
export const putSecretValue: Operation = (input, ctx) => {
  const secret = requireLiveSecret(secretsStore(ctx), input['SecretId'] as string, ctx.state)
  refuseManaged(secret)
  const value = valueOf(input)
  if (!value)
    throw new ServiceError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.')
  const token = input['ClientRequestToken'] as string | undefined
  const stages = (input['VersionStages'] as string[] | undefined) ?? ['AWSCURRENT']
  const existing = token === undefined ? undefined : secret.versions.get(token)
  if (existing) {
    const same =
      existing.SecretString === value.SecretString &&
      (existing.SecretBinary?.toString('base64') ?? '') === (value.SecretBinary?.toString('base64') ?? '')
    if (!same) {
      throw new ServiceError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      )
    }
    return {
      ARN: secret.ARN,
      Name: secret.Name,
      VersionId: existing.VersionId,
      VersionStages: [...existing.VersionStages],
    }
  }
  const version = addVersion(secret, token ?? ctx.state.newId(), value, stages, ctx.state)
  return {ARN: secret.ARN, Name: secret.Name, VersionId: version.VersionId, VersionStages: [...version.VersionStages]}
}
