import type {Operation} from '../../protocol/context.js'
import {missingParameter} from '../errors.js'
import {optionalInt, requiredString} from '../validation.js'
import {checkHandle, queueOf} from './shared.js'

export const changeMessageVisibility: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const handle = requiredString(input, 'ReceiptHandle')
  const seconds = optionalInt(input, 'VisibilityTimeout', 0, 43_200)
  if (seconds === undefined) throw missingParameter('VisibilityTimeout')
  checkHandle(queue.changeVisibility(handle, seconds, ctx.state.now()), handle)
  return {}
}
