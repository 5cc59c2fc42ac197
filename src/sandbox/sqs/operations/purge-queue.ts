import type {Operation} from '../../protocol/context.js'
import {purgeQueueInProgress} from '../errors.js'
import {resolveQueue} from '../validation.js'
import {storeOf} from './shared.js'

export const purgeQueue: Operation = (input, ctx) => {
  const queue = resolveQueue(input, ctx, storeOf(ctx))
  const now = ctx.state.now()
  if (now - queue.lastPurgeAt < 60_000) throw purgeQueueInProgress(queue.name)
  queue.purge(now)
  return {}
}
