/**
 * PutLogEvents (CloudWatch Logs API reference): at most 10,000 events and 1,048,576 bytes (each
 * event's UTF-8 message plus 26 bytes), in chronological order, the events it takes spanning at most 24 hours. Events
 * more than 14 days old (or older than the group's retention) or more than 2 hours in the future are
 * not stored and reported in `rejectedLogEventsInfo`. Sequence tokens are ignored, as AWS now ignores
 * them.
 */
import type {Operation} from '../../protocol/context.js'
import {appendEvents, eventSize, retentionCutoff} from '../model.js'
import {invalidParameter, logsStore, requireGroup, requireStream} from './shared.js'

const MAX_BATCH_BYTES = 1_048_576
const DAY_MS = 86_400_000
const TOO_OLD_MS = 14 * DAY_MS
const TOO_NEW_MS = 2 * 3_600_000

export const putLogEvents: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const group = requireGroup(store, input['logGroupName'] as string)
  const stream = requireStream(group, input['logStreamName'] as string)
  const events = input['logEvents'] as {timestamp: number; message: string}[]
  let bytes = 0
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as {timestamp: number; message: string}
    bytes += eventSize(e.message)
    if (i > 0 && e.timestamp < (events[i - 1] as {timestamp: number}).timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.')
    }
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`)
  }
  const now = ctx.state.now()
  // The 24-hour span counts only the events AWS would take (between 14 days old and 2 hours ahead):
  // the current API reference (read 2026-12-06) says so; older versions counted the whole batch.
  const valid = events.filter((e) => e.timestamp <= now + TOO_NEW_MS && e.timestamp >= now - TOO_OLD_MS)
  const first = valid[0]
  const last = valid[valid.length - 1]
  if (first && last && last.timestamp - first.timestamp > DAY_MS) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.')
  }
  const cutoff = retentionCutoff(group, now)
  let tooOldEnd = -1
  let expiredEnd = -1
  let tooNewStart = -1
  const accepted: {timestamp: number; message: string}[] = []
  events.forEach((e, i) => {
    if (e.timestamp > now + TOO_NEW_MS) {
      if (tooNewStart < 0) tooNewStart = i
    } else if (e.timestamp < now - TOO_OLD_MS) {
      tooOldEnd = i
    } else if (e.timestamp < cutoff) {
      expiredEnd = i
    } else {
      accepted.push(e)
    }
  })
  appendEvents(store, group, stream, accepted, now)
  const rejected = {
    ...(tooNewStart >= 0 ? {tooNewLogEventStartIndex: tooNewStart} : {}),
    ...(tooOldEnd >= 0 ? {tooOldLogEventEndIndex: tooOldEnd} : {}),
    ...(expiredEnd >= 0 ? {expiredLogEventEndIndex: expiredEnd} : {}),
  }
  return Object.keys(rejected).length > 0 ? {rejectedLogEventsInfo: rejected} : {}
}
