import {batchRequestTooLong} from '../errors.js'
import type {SqsOperation} from '../validation.js'
import {entrySize, MAX_BATCH_BYTES, messageOf, type ValidatedMessage} from './message-input.js'
import {type BatchFailure, failure, store} from './shared.js'

export const sendMessageBatch: SqsOperation = (request, ctx) => {
  const queue = request.queue
  const entries = request.entries('Entries')
  // AWS limits the batch as a whole before looking at entries: an entry too big for the service
  // fails the request with BatchRequestTooLong, not as a per-entry failure (it cannot be smaller
  // than the total). An entry within the total but over the queue's MaximumMessageSize still fails
  // on its own, below. (The walker has checked each entry's members; their errors fail only the entry.)
  const total = entries.reduce((sum, entry) => sum + entrySize(entry.raw), 0)
  if (total > MAX_BATCH_BYTES) throw batchRequestTooLong(MAX_BATCH_BYTES, total)
  const validated: (ValidatedMessage | BatchFailure)[] = entries.map((entry) => {
    try {
      if (entry.error) throw entry.error
      return messageOf(entry.checked, queue)
    } catch (error) {
      return failure(entry.id, error)
    }
  })
  const Successful: Record<string, unknown>[] = []
  const Failed: BatchFailure[] = []
  validated.forEach((item, index) => {
    if (!('size' in item)) return void Failed.push(item)
    const sent = store(queue, item, ctx)
    Successful.push({
      Id: entries[index]?.id,
      MessageId: sent.MessageId,
      MD5OfMessageBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MD5OfMessageSystemAttributes: sent.MD5OfMessageSystemAttributes,
    })
  })
  return {Successful, Failed}
}
