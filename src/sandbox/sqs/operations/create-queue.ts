import type {Operation} from '../../protocol/context.js'
import {invalidParameterValue, queueNameExists, unsupportedOperation} from '../errors.js'
import {QUEUE_NAME, requiredString, stringMap} from '../validation.js'
import {validateAttributes} from './queue-attributes.js'
import {queueUrl, storeOf} from './shared.js'

export const createQueue: Operation = (input, ctx) => {
  const name = requiredString(input, 'QueueName')
  const requested = stringMap(input, 'Attributes')
  if (name.endsWith('.fifo') || requested['FifoQueue'] === 'true') {
    throw unsupportedOperation('FIFO queues are not supported by the momento-eb sandbox.')
  }
  if (!QUEUE_NAME.test(name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length')
  }
  const store = storeOf(ctx)
  const attributes = validateAttributes(requested, store)
  const tags = stringMap(input, 'tags')
  const existing = store.get(name)
  if (existing) {
    // Idempotent only when every attribute the caller names has the value the queue already has.
    const current = existing.attributes()
    for (const [key, value] of Object.entries(attributes)) {
      if ((current[key] ?? '') !== value) {
        throw queueNameExists(`A queue already exists with the same name and a different value for attribute ${key}`)
      }
    }
    return {QueueUrl: queueUrl(ctx, name)}
  }
  for (const key of Object.keys(attributes)) if (attributes[key] === '') delete attributes[key]
  if (attributes['KmsMasterKeyId'] && requested['SqsManagedSseEnabled'] === undefined) {
    attributes['SqsManagedSseEnabled'] = 'false'
  }
  store.create({
    name,
    arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`,
    attributes,
    tags,
    now: ctx.state.now(),
  })
  return {QueueUrl: queueUrl(ctx, name)}
}
