import type {SqsOperation} from '../validation.js'
import {checkHandle, eachEntry} from './shared.js'

export const changeMessageVisibilityBatch: SqsOperation = (request, ctx) => {
  const queue = request.queue
  return eachEntry(request.entries('Entries'), (entry) => {
    const handle = entry.requiredString('ReceiptHandle')
    checkHandle(queue.changeVisibility(handle, entry.requiredInt('VisibilityTimeout'), ctx.state.now()), handle)
  })
}
