import type {Operation} from '../../protocol/context.js'
import {resolveQueue} from '../validation.js'
import {storeOf} from './shared.js'

export const deleteQueue: Operation = (input, ctx) => {
  const store = storeOf(ctx)
  const queue = resolveQueue(input, ctx, store)
  store.delete(queue.name)
  return {}
}
