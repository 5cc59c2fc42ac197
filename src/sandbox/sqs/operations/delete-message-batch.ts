import type {Operation} from '../../protocol/context.js'
import {requiredString} from '../validation.js'
import {checkHandle, eachEntry, queueOf} from './shared.js'

export const deleteMessageBatch: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  return eachEntry(input, 'DeleteMessageBatchRequestEntry', (entry) => {
    const handle = requiredString(entry, 'ReceiptHandle')
    checkHandle(queue.deleteMessage(handle), handle)
  })
}
