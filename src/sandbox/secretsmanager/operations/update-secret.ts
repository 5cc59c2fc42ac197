import type {Operation} from '../../protocol/context.js'
import {addVersion, epochSeconds, requireLiveSecret, secretsStore} from '../secrets.js'
import {defined, refuseManaged, valueOf} from './shared.js'

/** UpdateSecret: description/KMS key, and a new `AWSCURRENT` version when a value is given. */
export const updateSecret: Operation = (input, ctx) => {
  const secret = requireLiveSecret(secretsStore(ctx), input['SecretId'] as string, ctx.state)
  refuseManaged(secret)
  const value = valueOf(input)
  if (typeof input['Description'] === 'string') secret.Description = input['Description']
  if (typeof input['KmsKeyId'] === 'string') secret.KmsKeyId = input['KmsKeyId']
  secret.LastChangedDate = epochSeconds(ctx.state)
  const token = (input['ClientRequestToken'] as string | undefined) ?? ctx.state.newId()
  const version = value ? addVersion(secret, token, value, ['AWSCURRENT'], ctx.state) : undefined
  return defined({ARN: secret.ARN, Name: secret.Name, VersionId: version?.VersionId})
}
