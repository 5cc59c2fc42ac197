import type {SqsOperation} from '../validation.js'
import {checkHandle} from './shared.js'

export const deleteMessage: SqsOperation = (request) => {
  const handle = request.requiredString('ReceiptHandle')
  checkHandle(request.queue.deleteMessage(handle), handle)
  return {}
}
