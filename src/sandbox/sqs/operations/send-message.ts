import type {SqsOperation} from '../validation.js'
import {messageOf} from './message-input.js'
import {store} from './shared.js'

export const sendMessage: SqsOperation = (request, ctx) => {
  const sent = store(request.queue, messageOf(request, request.queue), ctx)
  return {
    MD5OfMessageBody: sent.MD5OfMessageBody,
    MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
    MD5OfMessageSystemAttributes: sent.MD5OfMessageSystemAttributes,
    MessageId: sent.MessageId,
  }
}
