/**
 * GetLogEvents with the paging tokens real clients follow: `nextForwardToken` (`f/…`) continues after
 * the last event returned and comes back unchanged when there is nothing newer (the SDK paginator and
 * `aws logs get-log-events` stop on an unchanged token); `nextBackwardToken` (`b/…`) reads the page
 * before. Without a token the newest page comes back, or the oldest with `startFromHead`. startTime
 * is inclusive, endTime exclusive; events past the group's retention are not visible.
 */
import type {Operation} from '../../protocol/context.js'
import {lowerBound, retentionCutoff, type StoredEvent} from '../model.js'
import {groupNameOf, invalidParameter, logsStore, requireGroup, requireStream} from './shared.js'

const MAX_EVENTS = 10_000
const MAX_BYTES = 1_048_576

const token = (direction: 'f' | 'b', position: number) => `${direction}/${String(position).padStart(20, '0')}/s`

export const getLogEvents: Operation = (input, ctx) => {
  const group = requireGroup(logsStore(ctx), groupNameOf(input))
  const stream = requireStream(group, input['logStreamName'] as string)
  const list = stream.events
  const cutoff = retentionCutoff(group, ctx.state.now())
  const startTime = typeof input['startTime'] === 'number' ? input['startTime'] : 0
  const endTime = typeof input['endTime'] === 'number' ? input['endTime'] : Number.POSITIVE_INFINITY
  // Window of visible events as array indexes [lo, hi).
  const lo = lowerBound(list, Math.max(startTime, cutoff))
  const hi = Math.max(lo, endTime === Number.POSITIVE_INFINITY ? list.length : lowerBound(list, endTime))
  const limit = typeof input['limit'] === 'number' ? Math.min(input['limit'], MAX_EVENTS) : MAX_EVENTS
  const clamp = (i: number) => Math.min(hi, Math.max(lo, i))

  let forward: boolean
  let at: number
  const given = input['nextToken']
  if (typeof given === 'string') {
    const m = /^([fb])\/(\d{20})\/s$/.exec(given)
    if (!m) throw invalidParameter('The specified nextToken is invalid.')
    forward = m[1] === 'f'
    at = clamp(Number(m[2]) - stream.base)
  } else {
    forward = input['startFromHead'] === true
    at = forward ? lo : hi
  }
  let start: number
  let end: number
  if (forward) {
    start = at
    end = Math.min(hi, at + limit)
    end = start + fitBytes(list, start, end, true)
  } else {
    end = at
    start = Math.max(lo, at - limit)
    start = end - fitBytes(list, start, end, false)
  }
  const events = list
    .slice(start, end)
    .map((e) => ({timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime}))
  return {
    events,
    nextForwardToken: token('f', stream.base + end),
    nextBackwardToken: token('b', stream.base + start),
  }
}

/** How many events of [start, end) fit in one response, counted from the start or from the end. */
function fitBytes(list: readonly StoredEvent[], start: number, end: number, fromStart: boolean): number {
  let bytes = 0
  let n = 0
  for (let k = 0; k < end - start; k++) {
    const e = list[fromStart ? start + k : end - 1 - k] as StoredEvent
    bytes += Buffer.byteLength(e.message, 'utf8') + 26
    if (bytes > MAX_BYTES && n > 0) break
    n++
  }
  return n
}
