import type {Operation} from '../../protocol/context.js'
import {queueDoesNotExist} from '../errors.js'
import {optionalString, requiredString} from '../validation.js'
import {queueUrl, storeOf} from './shared.js'

export const getQueueUrl: Operation = (input, ctx) => {
  const name = requiredString(input, 'QueueName')
  const owner = optionalString(input, 'QueueOwnerAWSAccountId')
  if ((owner !== undefined && owner !== ctx.accountId) || !storeOf(ctx).get(name)) throw queueDoesNotExist()
  return {QueueUrl: queueUrl(ctx, name)}
}
