import type {SqsOperation} from '../validation.js'
import {storeOf} from './shared.js'

export const deleteQueue: SqsOperation = (request, ctx) => {
  storeOf(ctx).delete(request.queue.name)
  return {}
}
