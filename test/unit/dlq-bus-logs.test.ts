/**
 * The log join in the services: one lookup per page of DLQ messages (not one per message) for
 * `dlq list | export` (peek), `dlq watch` (the feed) and `dlq redrive` (dry run and --reason), through
 * an injected lookup; a failing lookup never fails the decode and is reported once.
 */
import {describe, expect, it} from 'vitest'

import {parseBusLogRecord, type BusLogRecord} from '../../src/core/bus-log.js'
import type {RawDlqMessage} from '../../src/core/dlq.js'
import {
  busLogDecoder,
  DEFAULT_MARGIN_MS,
  DEFAULT_MAX_EVENT_AGE_MS,
  lookupStartMs,
  type BusLogLookupQuery,
} from '../../src/services/dlq-bus-logs.js'
import {eventRefOfDlqBody} from '../../src/core/dlq-decode.js'
import {plainDecoder} from '../../src/services/dlq-diagnose.js'
import {exportDlq} from '../../src/services/dlq-export.js'
import {peekDlq} from '../../src/services/dlq-list.js'
import {DlqWatchFeed} from '../../src/services/dlq-watch.js'
import {memoryJournal} from '../../src/core/journal.js'
import {redriveQueue} from '../../src/services/redrive.js'
import {FakeEvents, FakeQueue, rawMessage, RULE_DEFAULT} from './redrive-fakes.js'

const TARGET = 'arn:aws:events:us-east-1:000000000000:api-destination/set/1'
// Recent, to the second (an event's `time` has whole seconds): redrive skips cacheSet events whose TTL has passed.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000
const TIME = new Date(T0).toISOString().replace(/\.\d+Z$/, 'Z')

/** A DLQ message as the opaque mode writes it: no status, not retried. */
function opaque(i: number, time = TIME): RawDlqMessage {
  const raw = rawMessage({id: `m${i}`, eventId: `ev-${i}`, time, sent: T0 + 60_000 + i})
  return {
    ...raw,
    attributes: {...raw.attributes, ERROR_CODE: 'UNKNOWN', ERROR_MESSAGE: 'Unable to invoke ApiDestination endpoint.'},
  }
}

/** The ERROR-level record of a 404 for event `ev-i`. */
function notFound(eventId: string): BusLogRecord {
  const record = parseBusLogRecord(
    JSON.stringify({
      resource_arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
      request_id: 'r',
      event_id: eventId,
      invocation_id: `inv-${eventId}`,
      message_timestamp_ms: String(T0 + 1000),
      message_type: 'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
      log_level: 'ERROR',
      details: {rule_arn: RULE_DEFAULT, target_arn: TARGET, attempt_count: 1},
      error: {http_status_code: 404, error_message: 'Not Found', aws_service: 'ApiDestinations'},
    }),
  )
  if (!record) throw new Error('bad record')
  return record
}

/** A lookup that answers a 404 for every asked event whose number is even, and records each query. */
function fakeLookup(fail?: () => Error | undefined) {
  const queries: BusLogLookupQuery[] = []
  const lookup = async (query: BusLogLookupQuery) => {
    queries.push(query)
    const error = fail?.()
    if (error) throw error
    return new Map(
      query.eventIds.filter((id) => Number(id.slice(3)) % 2 === 0).map((id) => [id, [notFound(id)]] as const),
    )
  }
  return {lookup, queries}
}

describe('busLogDecoder', () => {
  it('dlq list (peek): one lookup per page of 10, with the page’s event ids and the window', async () => {
    const queue = new FakeQueue(Array.from({length: 25}, (_, i) => opaque(i)))
    const {lookup, queries} = fakeLookup()
    const decoder = busLogDecoder(plainDecoder(), lookup)
    const peek = await peekDlq(queue, {decoder, waitSeconds: 0})
    expect(peek.records).toHaveLength(25)
    // 25 messages in receives of 10: three pages, three lookups (not 25).
    expect(queries.map((q) => q.eventIds.length)).toEqual([10, 10, 5])
    expect(new Set(queries.flatMap((q) => q.eventIds)).size).toBe(25)
    expect(queries[0]?.startTimeMs).toBe(T0 - DEFAULT_MARGIN_MS)
    const byEvent = new Map(peek.records.map((r) => [r.event?.id, r]))
    expect([byEvent.get('ev-4')?.reason, byEvent.get('ev-4')?.evidence, byEvent.get('ev-4')?.httpStatus]).toEqual([
      'cache-not-found',
      'bus-log',
      404,
    ])
    expect([byEvent.get('ev-5')?.reason, byEvent.get('ev-5')?.evidence]).toEqual(['refused', 'retry-pattern'])
    expect(decoder.busLogs()).toEqual({lookups: 3, looked: 25, decided: 13})
  })

  it('dlq list --reason: the filter selects by the reason the log decided', async () => {
    const queue = new FakeQueue(Array.from({length: 12}, (_, i) => opaque(i)))
    const {lookup, queries} = fakeLookup()
    const peek = await peekDlq(queue, {
      decoder: busLogDecoder(plainDecoder(), lookup),
      filter: {reasons: ['cache-not-found']},
      waitSeconds: 0,
    })
    expect(peek.records.map((r) => r.event?.id).sort()).toEqual(['ev-0', 'ev-10', 'ev-2', 'ev-4', 'ev-6', 'ev-8'])
    expect(queries).toHaveLength(2)
  })

  it('dlq export: the lines carry what the log says, one lookup per page', async () => {
    const queue = new FakeQueue(Array.from({length: 3}, (_, i) => opaque(i)))
    const {lookup, queries} = fakeLookup()
    const lines: string[] = []
    // The export writes a batch of whole lines at a time.
    const sink = {write: (text: string) => void lines.push(...text.split('\n').filter(Boolean))}
    await exportDlq(queue, sink, {decoder: busLogDecoder(plainDecoder(), lookup)})
    expect(queries).toHaveLength(1)
    const decoded = lines.map(
      (l) => (JSON.parse(l) as {decoded: {evidence: string; busLog?: {httpStatus: number}}}).decoded,
    )
    expect(decoded.map((d) => [d.evidence, d.busLog?.httpStatus])).toEqual([
      ['bus-log', 404],
      ['retry-pattern', undefined],
      ['bus-log', 404],
    ])
  })

  it('dlq watch: one lookup per sweep that finds new messages, none for what it has seen', async () => {
    const queue = new FakeQueue(Array.from({length: 4}, (_, i) => opaque(i)))
    const {lookup, queries} = fakeLookup()
    const feed = new DlqWatchFeed({
      port: queue,
      decode: busLogDecoder(plainDecoder(), lookup),
      concurrency: 1,
      intervalMs: 0,
      sleep: async () => undefined,
    })
    const controller = new AbortController()
    const seen: string[] = []
    let sweeps = 0
    for await (const update of feed.updates(controller.signal)) {
      seen.push(...update.added.map((r) => `${r.event?.id}:${r.evidence}`))
      if (++sweeps >= 3) controller.abort()
    }
    expect(seen.sort()).toEqual(['ev-0:bus-log', 'ev-1:retry-pattern', 'ev-2:bus-log', 'ev-3:retry-pattern'])
    expect(queries).toHaveLength(1)
    expect(queries[0]?.eventIds).toHaveLength(4)
  })

  it('dlq redrive --dry-run: one lookup per received page, entries carry the log’s reason', async () => {
    const queue = new FakeQueue(Array.from({length: 15}, (_, i) => opaque(i)))
    const {lookup, queries} = fakeLookup()
    const summary = await redriveQueue(
      {queue, events: new FakeEvents(), journal: memoryJournal(), sleep: async () => undefined},
      {rate: 0, dryRun: true, decoder: busLogDecoder(plainDecoder(), lookup)},
    )
    expect(summary.entries).toHaveLength(15)
    expect(summary.entries.filter((e) => e.evidence === 'bus-log')).toHaveLength(8)
    // Receives of 10: one lookup per received page, never one per message.
    expect(queries.map((q) => q.eventIds.length)).toEqual([10, 5])
  })

  it('a failed lookup: the page decodes without logs, said once, and later pages skip the lookup', async () => {
    const queue = new FakeQueue(Array.from({length: 25}, (_, i) => opaque(i)))
    const {lookup, queries} = fakeLookup(() => new Error('Log group /aws/vendedlogs/events/gone does not exist'))
    const warnings: string[] = []
    const decoder = busLogDecoder(plainDecoder(), lookup, {onFailure: (m) => warnings.push(m)})
    const peek = await peekDlq(queue, {decoder, waitSeconds: 0})
    expect(peek.records).toHaveLength(25)
    expect(peek.records.every((r) => r.evidence === 'retry-pattern')).toBe(true)
    expect(queries).toHaveLength(1)
    expect(warnings).toEqual(['Log group /aws/vendedlogs/events/gone does not exist'])
    expect(decoder.busLogs()).toMatchObject({lookups: 1, decided: 0, failure: warnings[0]})
  })

  it('retryAfterMs: a watch tries the log again later, and warns again only after it worked in between', async () => {
    let clock = T0
    let failing = true
    const {lookup, queries} = fakeLookup(() => (failing ? new Error('AccessDenied') : undefined))
    const warnings: string[] = []
    const decode = busLogDecoder(plainDecoder(), lookup, {
      retryAfterMs: 60_000,
      now: () => clock,
      onFailure: (m) => warnings.push(m),
    })
    await decode([opaque(0)])
    await decode([opaque(2)]) // within the pause: no lookup
    expect(queries).toHaveLength(1)
    clock += 61_000
    await decode([opaque(4)]) // tried again, fails again: not said twice
    expect([queries.length, warnings.length]).toEqual([2, 1])
    clock += 61_000
    failing = false
    const [record] = await decode([opaque(6)])
    expect([queries.length, record?.evidence]).toEqual([3, 'bus-log'])
  })

  it('a page without any event id (bodies that are not events) makes no lookup', async () => {
    const {lookup, queries} = fakeLookup()
    const decode = busLogDecoder(plainDecoder(), lookup)
    const [r] = await decode([{...opaque(0), body: '"hello"'}])
    expect([r?.reason, queries.length]).toEqual(['not-redrivable', 0])
  })
})

describe('lookupStartMs: the oldest event’s time minus the margin, never trusting a producer-set time', () => {
  const sent = T0 + 60_000
  it('takes the oldest trustworthy event time', () => {
    expect(
      lookupStartMs([
        {timeMs: T0, sentMs: sent},
        {timeMs: T0 - 10_000, sentMs: sent},
      ]),
    ).toBe(T0 - 10_000 - DEFAULT_MARGIN_MS)
  })
  it('a time after the DLQ write (a producer set Time ahead) stands back to the longest event age', () => {
    expect(lookupStartMs([{timeMs: sent + 3_600_000, sentMs: sent}])).toBe(
      sent - DEFAULT_MAX_EVENT_AGE_MS - DEFAULT_MARGIN_MS,
    )
  })
  it('a time far before the DLQ write is bounded by the longest event age', () => {
    expect(lookupStartMs([{timeMs: T0 - 30 * 86_400_000, sentMs: sent}])).toBe(
      sent - DEFAULT_MAX_EVENT_AGE_MS - DEFAULT_MARGIN_MS,
    )
  })
  it('neither time nor SentTimestamp: no bound', () => {
    expect(
      lookupStartMs([
        {timeMs: T0, sentMs: sent},
        {timeMs: undefined, sentMs: undefined},
      ]),
    ).toBeUndefined()
  })
})

describe('eventRefOfDlqBody: the event id and time a lookup needs', () => {
  const envelope = {
    version: '0',
    id: 'ev-1',
    'detail-type': 'cacheSet',
    source: 'a "quoted" \\ source',
    account: '000000000000',
    time: '2026-12-06T08:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {id: 'not-this-one', time: 'nor this', cacheName: 'c'},
  }
  it('reads the head of an envelope as EventBridge writes it, escapes included', () => {
    expect(eventRefOfDlqBody(JSON.stringify(envelope))).toEqual({id: 'ev-1', time: '2026-12-06T08:00:00Z'})
  })
  it('any other key order, or an id inside detail first, takes the full parse and still finds the top-level id', () => {
    const {id, time, detail, ...rest} = envelope
    const reordered = JSON.stringify({detail, ...rest, time, id})
    expect(reordered.startsWith('{"detail":{"id":"not-this-one"')).toBe(true)
    expect(eventRefOfDlqBody(reordered)).toEqual({id: 'ev-1', time: '2026-12-06T08:00:00Z'})
    expect(eventRefOfDlqBody(` ${JSON.stringify(envelope)}`)).toEqual({id: 'ev-1', time: '2026-12-06T08:00:00Z'})
  })
  it('the newer failure document: its first event; a body that is no event: nothing', () => {
    const doc = JSON.stringify({failedMessages: [JSON.stringify(envelope)], errorCode: 'X', errorMessage: 'y'})
    expect(eventRefOfDlqBody(doc)?.id).toBe('ev-1')
    expect(eventRefOfDlqBody('"hello"')).toBeUndefined()
    expect(eventRefOfDlqBody('{"version":"0","id":"x"')).toBeUndefined()
  })
})
