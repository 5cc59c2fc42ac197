import type {SqsOperation} from '../validation.js'
import {checkHandle, eachEntry} from './shared.js'

export const deleteMessageBatch: SqsOperation = (request) => {
  const queue = request.queue
  return eachEntry(request.entries('Entries'), (entry) => {
    const handle = entry.requiredString('ReceiptHandle')
    checkHandle(queue.deleteMessage(handle), handle)
  })
}
