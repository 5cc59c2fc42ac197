import type {Operation} from '../../protocol/context.js'
import {batchRequestTooLong} from '../errors.js'
import {entrySize, MAX_BATCH_BYTES, validateMessage, type ValidatedMessage} from './message-input.js'
import {batchEntries, type BatchFailure, failure, queueOf, store} from './shared.js'

export const sendMessageBatch: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const entries = batchEntries(input, 'SendMessageBatchRequestEntry')
  // AWS limits the batch as a whole before looking at entries: an entry too big for the service
  // fails the request with BatchRequestTooLong, not as a per-entry failure (it cannot be smaller
  // than the total). An entry within the total but over the queue's MaximumMessageSize still fails
  // on its own, below.
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0)
  if (total > MAX_BATCH_BYTES) throw batchRequestTooLong(MAX_BATCH_BYTES, total)
  const validated: (ValidatedMessage | BatchFailure)[] = entries.map((entry) => {
    try {
      return validateMessage(entry, queue)
    } catch (error) {
      return failure(entry['Id'] as string, error)
    }
  })
  const Successful: Record<string, unknown>[] = []
  const Failed: BatchFailure[] = []
  validated.forEach((item, index) => {
    if (!('size' in item)) return void Failed.push(item)
    const sent = store(queue, item, ctx)
    Successful.push({
      Id: entries[index]?.['Id'],
      MessageId: sent.MessageId,
      MD5OfMessageBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MD5OfMessageSystemAttributes: sent.MD5OfMessageSystemAttributes,
    })
  })
  return {Successful, Failed}
}
