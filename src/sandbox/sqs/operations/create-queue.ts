import {queueNameExists} from '../errors.js'
import type {SqsOperation} from '../validation.js'
import {queueUrl, storeOf} from './shared.js'

export const createQueue: SqsOperation = (request, ctx) => {
  const name = request.requiredString('QueueName')
  const requested = request.map('Attributes')
  // FIFO, the name's characters and the attribute values were checked after Attributes (rules.ts).
  const attributes = request.derived<Record<string, string>>('Attributes')
  const tags = request.map('tags')
  const store = storeOf(ctx)
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
