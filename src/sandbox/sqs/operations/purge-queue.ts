import {purgeQueueInProgress} from '../errors.js'
import type {SqsOperation} from '../validation.js'

export const purgeQueue: SqsOperation = (request, ctx) => {
  const queue = request.queue
  const now = ctx.state.now()
  if (now - queue.lastPurgeAt < 60_000) throw purgeQueueInProgress(queue.name)
  queue.purge(now)
  return {}
}
