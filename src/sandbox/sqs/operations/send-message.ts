import type {Operation} from '../../protocol/context.js'
import {validateMessage} from './message-input.js'
import {queueOf, store} from './shared.js'

export const sendMessage: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const sent = store(queue, validateMessage(input, queue), ctx)
  return {
    MD5OfMessageBody: sent.MD5OfMessageBody,
    MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
    MD5OfMessageSystemAttributes: sent.MD5OfMessageSystemAttributes,
    MessageId: sent.MessageId,
  }
}
