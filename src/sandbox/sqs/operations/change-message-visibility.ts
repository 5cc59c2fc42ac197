import type {SqsOperation} from '../validation.js'
import {checkHandle} from './shared.js'

export const changeMessageVisibility: SqsOperation = (request, ctx) => {
  const handle = request.requiredString('ReceiptHandle')
  const seconds = request.requiredInt('VisibilityTimeout')
  checkHandle(request.queue.changeVisibility(handle, seconds, ctx.state.now()), handle)
  return {}
}
