/**
 * FilterLogEvents: the group's events (or those of `logStreamNames` / `logStreamNamePrefix`) in
 * [startTime, endTime] (both inclusive) that match the filter pattern, oldest first across streams,
 * at most `limit` (default and maximum 10,000) and 1 MB per page. `nextToken` continues after the
 * last event returned; no token means the search is complete. Events past the group's retention
 * are not visible.
 */
import type {Operation} from '../../protocol/context.js'
import {compileFilterPattern} from '../filter-pattern.js'
import {lowerBound, retentionCutoff, type LogStream, type StoredEvent} from '../model.js'
import {
  decodeToken,
  encodeToken,
  groupNameOf,
  invalidParameter,
  logsStore,
  requireGroup,
  requireStream,
} from './shared.js'

const MAX_EVENTS = 10_000
const MAX_BYTES = 1_048_576

interface Cursor {
  /** Timestamp and sequence number of the last event returned. */
  t: number
  q: number
}

export const filterLogEvents: Operation = (input, ctx) => {
  const group = requireGroup(logsStore(ctx), groupNameOf(input))
  const names = input['logStreamNames'] as string[] | undefined
  const prefix = input['logStreamNamePrefix'] as string | undefined
  if (names !== undefined && prefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.')
  }
  const streams: LogStream[] = names
    ? [...new Set(names)].map((n) => requireStream(group, n))
    : [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix))
  const filter = compileFilterPattern(input['filterPattern'] as string | undefined)
  const cursor = decodeToken<Cursor>(input['nextToken'], 'c')
  const cutoff = retentionCutoff(group, ctx.state.now())
  const startTime = Math.max(typeof input['startTime'] === 'number' ? input['startTime'] : 0, cutoff)
  const endTime = typeof input['endTime'] === 'number' ? input['endTime'] : Number.POSITIVE_INFINITY
  const limit = typeof input['limit'] === 'number' ? Math.min(input['limit'], MAX_EVENTS) : MAX_EVENTS

  // One position per stream; a k-way merge by (timestamp, seq) keeps the pages in time order.
  const heads = streams.map((stream) => {
    const list = stream.events
    let i = lowerBound(list, Math.max(startTime, cursor?.t ?? 0))
    if (cursor) while (i < list.length && isAtOrBefore(list[i] as StoredEvent, cursor)) i++
    return {stream, i}
  })
  const out: {logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string}[] = []
  let bytes = 0
  let last: StoredEvent | undefined
  let more = false
  for (;;) {
    let best: (typeof heads)[number] | undefined
    for (const head of heads) {
      const e = head.stream.events[head.i]
      if (!e || e.timestamp > endTime) continue
      const b = best ? (best.stream.events[best.i] as StoredEvent) : undefined
      if (!b || e.timestamp < b.timestamp || (e.timestamp === b.timestamp && e.seq < b.seq)) best = head
    }
    if (!best) break
    const e = best.stream.events[best.i] as StoredEvent
    if (!filter.matches(e.message)) {
      best.i++
      continue
    }
    const size = Buffer.byteLength(e.message, 'utf8') + 26
    if (out.length >= limit || (bytes + size > MAX_BYTES && out.length > 0)) {
      more = true
      break
    }
    best.i++
    bytes += size
    last = e
    out.push({
      logStreamName: best.stream.name,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: String(e.seq).padStart(56, '0'),
    })
  }
  return {
    events: out,
    searchedLogStreams: streams.map((s) => ({logStreamName: s.name, searchedCompletely: !more})),
    ...(more && last ? {nextToken: encodeToken('c', {t: last.timestamp, q: last.seq} satisfies Cursor)} : {}),
  }
}

function isAtOrBefore(e: StoredEvent, cursor: Cursor): boolean {
  return e.timestamp < cursor.t || (e.timestamp === cursor.t && e.seq <= cursor.q)
}
