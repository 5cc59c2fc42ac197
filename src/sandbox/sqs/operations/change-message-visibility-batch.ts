import type {Operation} from '../../protocol/context.js'
import {missingParameter} from '../errors.js'
import {optionalInt, requiredString} from '../validation.js'
import {checkHandle, eachEntry, queueOf} from './shared.js'

export const changeMessageVisibilityBatch: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  return eachEntry(input, 'ChangeMessageVisibilityBatchRequestEntry', (entry) => {
    const handle = requiredString(entry, 'ReceiptHandle')
    const seconds = optionalInt(entry, 'VisibilityTimeout', 0, 43_200)
    if (seconds === undefined) throw missingParameter('VisibilityTimeout')
    checkHandle(queue.changeVisibility(handle, seconds, ctx.state.now()), handle)
  })
}
