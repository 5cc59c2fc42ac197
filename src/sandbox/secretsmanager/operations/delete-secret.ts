import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {epochSeconds, requireSecret, secretsStore} from '../secrets.js'
import {refuseManaged} from './shared.js'

const DAY = 86_400

/**
 * DeleteSecret: schedules deletion after a 7–30 day recovery window (default 30), or deletes at
 * once with `ForceDeleteWithoutRecovery`. A scheduled secret can still be described or restored.
 */
export const deleteSecret: Operation = (input, ctx) => {
  const store = secretsStore(ctx)
  const secret = requireSecret(store, input['SecretId'] as string, ctx.state)
  refuseManaged(secret)
  const window = input['RecoveryWindowInDays'] as number | undefined
  const force = input['ForceDeleteWithoutRecovery'] === true
  if (force && window !== undefined) {
    throw new ServiceError(
      'InvalidParameterException',
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    )
  }
  if (window !== undefined && (window < 7 || window > 30)) {
    throw new ServiceError(
      'InvalidParameterException',
      'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    )
  }
  const now = epochSeconds(ctx.state)
  if (force) {
    store.secrets.delete(secret.Name)
    return {ARN: secret.ARN, Name: secret.Name, DeletionDate: now}
  }
  if (secret.DeletedDate !== undefined) {
    throw new ServiceError(
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was already scheduled for deletion.",
    )
  }
  secret.DeletedDate = now
  secret.DeletionDate = now + (window ?? 30) * DAY
  return {ARN: secret.ARN, Name: secret.Name, DeletionDate: secret.DeletionDate}
}
