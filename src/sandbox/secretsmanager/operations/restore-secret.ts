import type {Operation} from '../../protocol/context.js'
import {requireSecret, secretsStore} from '../secrets.js'

/** RestoreSecret: cancel a scheduled deletion. */
export const restoreSecret: Operation = (input, ctx) => {
  const secret = requireSecret(secretsStore(ctx), input['SecretId'] as string, ctx.state)
  delete secret.DeletedDate
  delete secret.DeletionDate
  return {ARN: secret.ARN, Name: secret.Name}
}
