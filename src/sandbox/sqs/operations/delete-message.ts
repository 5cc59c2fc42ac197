import type {Operation} from '../../protocol/context.js'
import {requiredString} from '../validation.js'
import {checkHandle, queueOf} from './shared.js'

export const deleteMessage: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const handle = requiredString(input, 'ReceiptHandle')
  checkHandle(queue.deleteMessage(handle), handle)
  return {}
}
