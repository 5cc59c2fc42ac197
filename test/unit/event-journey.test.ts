import {describe, expect, it} from 'vitest'

import {buildJourney, formatMs, NO_FAILURE_LOGGED, timelineRows} from '../../src/core/event-journey.js'
import {reasonOfAttemptError} from '../../src/core/dlq-decode.js'
import {
  atLevel,
  cacheNotFoundStory,
  deliveredStory,
  EVENT_ID,
  INVOCATION_ID,
  rec,
  serverErrorStory,
  T0,
  throttledThenDeliveredStory,
  timeoutRetryingStory,
  unmatchedStory,
} from './bus-log-fixtures.js'

describe('buildJourney: a delivered event', () => {
  it('at TRACE: accepted, matched, one FIRST attempt with its duration, delivered', () => {
    const j = buildJourney(EVENT_ID, deliveredStory(), {level: 'TRACE'})
    expect(j).toMatchObject({outcome: 'delivered', final: true, reason: undefined, recordCount: 8})
    expect(j.ingest.status).toBe('accepted')
    expect(j.rules.matched).toEqual([
      expect.objectContaining({ruleName: 'momento-cacheSet', invocationIds: [INVOCATION_ID]}),
    ])
    const [inv] = j.invocations
    expect(inv).toMatchObject({outcome: 'delivered', totalAttempts: 1, ingestionToCompleteMs: 53})
    expect(inv?.attempts).toEqual([
      expect.objectContaining({number: 1, type: 'FIRST', result: 'succeeded', durationMs: 42, startedAtMs: T0 + 10}),
    ])
    expect(j.summary).toBe('Delivered to Momento after 1 attempt.')
    expect(j.notes).toEqual([])
  })

  it('at INFO: delivered from INVOCATION_SUCCESS alone', () => {
    const j = buildJourney(EVENT_ID, atLevel(deliveredStory(), 'INFO'), {level: 'INFO'})
    expect(j).toMatchObject({outcome: 'delivered', final: true})
    expect(j.level).toEqual({configured: 'INFO', seen: 'INFO'})
  })

  it('at ERROR: no record, and absence proves nothing', () => {
    const records = atLevel(deliveredStory(), 'ERROR')
    expect(records).toEqual([])
    const j = buildJourney(EVENT_ID, records, {level: 'ERROR'})
    expect(j).toMatchObject({outcome: 'unknown', final: false, summary: NO_FAILURE_LOGGED})
    expect(j.notes.join(' ')).toMatch(/only failures are logged/)
    expect(j.notes.join(' ')).toMatch(/--logs info/)
  })

  it('with the level unknown and no record, assumes the worst (ERROR) in its wording', () => {
    const j = buildJourney(EVENT_ID, [])
    expect(j.outcome).toBe('unknown')
    expect(j.summary).toBe(NO_FAILURE_LOGGED)
  })
})

describe('buildJourney: failures', () => {
  it.each(['ERROR', 'INFO', 'TRACE'] as const)(
    'a 404 at %s: dead-lettered, cache-not-found, Momento message',
    (level) => {
      const j = buildJourney(EVENT_ID, atLevel(cacheNotFoundStory(), level), {level})
      expect(j).toMatchObject({outcome: 'dead-lettered', final: true, reason: 'cache-not-found'})
      const attempt = j.invocations[0]?.attempts[0]
      expect(attempt).toMatchObject({
        number: 1,
        result: 'permanent-failure',
        httpStatus: 404,
        reason: 'cache-not-found',
        message: 'Not Found — Cache momento-missing not found',
        durationMs: 30,
      })
      expect(j.summary).toMatch(/^Dead-lettered after 1 attempt: cache-not-found/)
      // At ERROR there is no ingest or rule record, but an invocation proves both.
      expect(j.ingest.status).toBe('accepted')
      expect(j.rules.status).toBe('matched')
    },
  )

  it.each(['ERROR', 'INFO', 'TRACE'] as const)(
    '5xx until retries run out at %s: each attempt and the wait before the next',
    (level) => {
      const j = buildJourney(EVENT_ID, atLevel(serverErrorStory(), level), {level})
      expect(j).toMatchObject({outcome: 'dead-lettered', reason: 'server-error'})
      const attempts = j.invocations[0]?.attempts ?? []
      expect(attempts.map((a) => [a.number, a.type, a.result, a.httpStatus])).toEqual([
        [1, 'FIRST', 'retryable-failure', 500],
        [2, 'RETRY', 'retryable-failure', 500],
        [3, 'RETRY', 'permanent-failure', 500],
      ])
      // With start records (TRACE) the wait is exact; without them, the start is end - duration.
      expect(attempts.map((a) => a.waitBeforeNextMs)).toEqual([1000, 2000, undefined])
      expect(j.invocations[0]?.totalAttempts).toBe(3)
    },
  )

  it('a throttle, a 503, then delivered (TRACE), and what ERROR alone shows of it', () => {
    const trace = buildJourney(EVENT_ID, throttledThenDeliveredStory(), {level: 'TRACE'})
    expect(trace.outcome).toBe('delivered')
    const inv = trace.invocations[0]
    expect(inv?.throttles).toEqual([T0 + 5])
    expect(inv?.attempts.map((a) => a.result)).toEqual(['throttled', 'retryable-failure', 'succeeded'])
    expect(inv?.attempts[1]).toMatchObject({reason: 'server-error', httpStatus: 503, waitBeforeNextMs: 1000})
    const rows = timelineRows(trace).map((r) => r.text)
    expect(rows.indexOf('Throttled (destination rate limit)')).toBeLessThan(
      rows.findIndex((t) => t.startsWith('Attempt 1')),
    )

    // At ERROR only the 503 remains: not final, and the journey says a success would be invisible.
    const error = buildJourney(EVENT_ID, atLevel(throttledThenDeliveredStory(), 'ERROR'), {level: 'ERROR'})
    expect(error).toMatchObject({outcome: 'in-flight', final: false})
    expect(error.notes.join(' ')).toMatch(/successful retry leaves no record/)
  })

  it('a timeout without status is in flight with reason timeout', () => {
    const j = buildJourney(EVENT_ID, timeoutRetryingStory(), {level: 'TRACE'})
    expect(j).toMatchObject({outcome: 'in-flight', final: false})
    expect(j.invocations[0]).toMatchObject({outcome: 'in-flight', reason: 'timeout'})
    expect(j.invocations[0]?.attempts[0]).toMatchObject({httpStatus: undefined, durationMs: 5000})
  })

  it('INVOCATION_FAILURE without a DLQ record is dropped, and a late DLQ record revises it', () => {
    const story = cacheNotFoundStory()
    const withoutDlq = story.filter((r) => r.message_type !== 'INVOCATION_DLQ')
    const dropped = buildJourney(EVENT_ID, withoutDlq, {level: 'ERROR'})
    expect(dropped).toMatchObject({outcome: 'dropped', final: true, reason: 'cache-not-found'})
    expect(dropped.notes.join(' ')).toMatch(/InvocationsFailedToBeSentToDlq/)
    expect(buildJourney(EVENT_ID, [...withoutDlq, ...story], {level: 'ERROR'}).outcome).toBe('dead-lettered')
  })

  it('a permanent failure alone (its final records lost or late) is failed for good', () => {
    const only = cacheNotFoundStory().filter((r) => r.message_type === 'INVOCATION_ATTEMPT_PERMANENT_FAILURE')
    const j = buildJourney(EVENT_ID, only, {level: 'ERROR'})
    expect(j).toMatchObject({outcome: 'failed', final: true, reason: 'cache-not-found'})
  })

  it('ingest failure is rejected; no rule matched is unmatched', () => {
    const rejected = buildJourney(EVENT_ID, [
      rec('EVENT_INGEST_FAILURE', T0, {error: {error_message: 'Detail is malformed', aws_service: 'EventBridge'}}),
    ])
    expect(rejected).toMatchObject({
      outcome: 'rejected',
      final: true,
      summary: 'Rejected at ingestion: Detail is malformed.',
    })
    const unmatched = buildJourney(EVENT_ID, atLevel(unmatchedStory(), 'INFO'), {level: 'INFO'})
    expect(unmatched).toMatchObject({outcome: 'unmatched', final: true})
    expect(unmatched.rules.status).toBe('none')
  })
})

describe('buildJourney: records late, out of order, duplicated, missing', () => {
  it('gives the same journey for shuffled and duplicated records, and ignores other events', () => {
    const story = serverErrorStory()
    const shuffled = [...story].reverse()
    const other = rec('INVOCATION_DLQ', T0, {eventId: '00000000-0000-4000-8000-000000000000'})
    const j = buildJourney(EVENT_ID, [...shuffled, ...story.slice(0, 4), other], {level: 'TRACE'})
    expect(j).toEqual(buildJourney(EVENT_ID, story, {level: 'TRACE'}))
  })

  it('keeps an invocation announced by RULE_MATCH in flight until its records come', () => {
    const j = buildJourney(
      EVENT_ID,
      atLevel(deliveredStory(), 'INFO').filter((r) => r.message_type !== 'INVOCATION_SUCCESS'),
    )
    expect(j).toMatchObject({outcome: 'in-flight', final: false})
    expect(j.invocations).toEqual([
      expect.objectContaining({invocationId: INVOCATION_ID, outcome: 'in-flight', attempts: []}),
    ])
  })

  it('says which steps are missing: a lost attempt record, a lost ingest record', () => {
    const story = serverErrorStory().filter(
      (r) => !(r.message_type === 'INVOCATION_ATTEMPT_RETRYABLE_FAILURE' && r.details?.attempt_count === 2),
    )
    const j = buildJourney(
      EVENT_ID,
      atLevel(story, 'INFO').filter(
        (r) => r.message_type !== 'EVENT_RECEIPT' && r.message_type !== 'EVENT_INGEST_SUCCESS',
      ),
      {level: 'INFO'},
    )
    expect(j.outcome).toBe('dead-lettered')
    expect(j.notes.join(' ')).toMatch(/No record for 1 of 3 attempts of momento-cacheSet/)
    expect(j.notes.join(' ')).toMatch(/ingestion record is missing/)
  })
})

describe('timelineRows', () => {
  it('lists the steps with tones: attempts warn or fail, the outcome last', () => {
    const rows = timelineRows(buildJourney(EVENT_ID, serverErrorStory(), {level: 'TRACE'}))
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.text} [${r.tone}]`)).toEqual([
      'Accepted by the bus [normal]',
      'Matched rule momento-cacheSet [normal]',
      '  Invocation of momento-cacheSet → api-destination momento-cache-set [normal]',
      '    Attempt 1 (FIRST) failed (will retry): HTTP 500 Internal Server Error in 20 ms; next attempt 1.0 s later [warn]',
      '    Attempt 2 (RETRY) failed (will retry): HTTP 500 Internal Server Error in 20 ms; next attempt 2.0 s later [warn]',
      '    Attempt 3 (RETRY) failed (not retried): HTTP 500 Internal Server Error in 20 ms [error]',
      '  Dead-lettered after 3 attempts: server-error (Momento server error (5xx)) [error]',
    ])
  })
})

describe('timelineRows at ERROR level', () => {
  it('marks the steps it infers (no ingest or match record) instead of giving them a time', () => {
    const rows = timelineRows(buildJourney(EVENT_ID, atLevel(cacheNotFoundStory(), 'ERROR'), {level: 'ERROR'}))
    expect(rows.slice(0, 2)).toEqual([
      {atMs: undefined, depth: 0, text: 'Accepted by the bus (no ingest record; later steps prove it)', tone: 'muted'},
      {
        atMs: undefined,
        depth: 0,
        text: 'Matched rule momento-cacheSet (no match record; its invocation proves it)',
        tone: 'muted',
      },
    ])
  })
})

describe('reasonOfAttemptError (the decoder mapping, shared)', () => {
  it.each([
    [400, undefined, 'bad-request'],
    [401, undefined, 'key-invalid'],
    [403, undefined, 'forbidden'],
    [404, undefined, 'cache-not-found'],
    [429, undefined, 'rate-limited'],
    [502, undefined, 'server-error'],
    [undefined, 'Timeout calling endpoint for API Destination: socket closed.', 'timeout'],
    [undefined, 'API destination endpoint cannot be reached.', 'connection-failure'],
    [undefined, 'something else', undefined],
  ])('%s %s → %s', (httpStatus, message, reason) => {
    expect(reasonOfAttemptError({httpStatus, message})).toBe(reason)
  })

  it('formats durations', () => {
    expect([formatMs(850), formatMs(1200), formatMs(12_000), formatMs(185_000)]).toEqual([
      '850 ms',
      '1.2 s',
      '12 s',
      '3 min 5 s',
    ])
  })
})
