import {queueDoesNotExist} from '../errors.js'
import type {SqsOperation} from '../validation.js'
import {queueUrl, storeOf} from './shared.js'

export const getQueueUrl: SqsOperation = (request, ctx) => {
  const name = request.requiredString('QueueName')
  const owner = request.string('QueueOwnerAWSAccountId')
  if ((owner !== undefined && owner !== ctx.accountId) || !storeOf(ctx).get(name)) throw queueDoesNotExist()
  return {QueueUrl: queueUrl(ctx, name)}
}
