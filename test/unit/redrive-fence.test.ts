import {describe, expect, it} from 'vitest'

import {CLOCK_SKEW_ALLOWANCE_MS, contentIdentity, RunFence} from '../../src/core/redrive-plan.js'
import {record} from './redrive-fakes.js'

const START = Date.parse('2026-03-01T12:00:00Z')
const detail = {cacheName: 'orders', key: 'k', message: 'v', ttl: 60, ttl_seconds: 60}
const content = contentIdentity('cacheSet', 'momento-eb', detail)
const event = {detailType: 'cacheSet', source: 'momento-eb', detail}

/** One PutEvents call of `event` that returned `eventIds` (one entry each). */
function publish(fence: RunFence, eventIds: string[], sourceTime: number, calledAt: number): void {
  const ticket = fence.beginPublish(eventIds.map(() => event))
  fence.endPublish(
    ticket,
    eventIds.map((eventId, index) => ({index, eventId, sourceTime})),
    calledAt,
  )
}
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

describe('RunFence', () => {
  it('lets through what was in the DLQ before the run started', () => {
    // Given a fresh fence
    const fence = new RunFence(START)
    // Then messages sent before the start, and up to the allowance after it (clock skew), are eligible
    expect(fence.classify(record({id: 'a', sent: START - 3_600_000}))).toEqual({kind: 'eligible'})
    expect(fence.classify(record({id: 'b', sent: START + CLOCK_SKEW_ALLOWANCE_MS}))).toEqual({kind: 'eligible'})
    // And a message with no SentTimestamp at all is not held back
    const noSent = record({id: 'c'})
    noSent.sentAt = undefined
    expect(fence.classify(noSent)).toEqual({kind: 'eligible'})
  })

  it('leaves messages sent after start + allowance alone (someone else’s new failures)', () => {
    const fence = new RunFence(START)
    expect(fence.classify(record({id: 'late', sent: START + CLOCK_SKEW_ALLOWANCE_MS + 1}))).toEqual({
      kind: 'arrived-later',
    })
  })

  it('recognises its own events by EventId, whatever their SentTimestamp', () => {
    const fence = new RunFence(START)
    publish(fence, ['new-1'], START - 60_000, START + 1_000)
    // Sent "before" the run by a clock that is behind ours: still ours.
    const back = record({id: 'm2', eventId: 'new-1', detail, sent: START - 10_000})
    expect(fence.classify(back)).toEqual({kind: 'came-back', by: 'event-id'})
    expect(fence.publishedCount).toBe(1)
  })

  it('holds a message whose content is in flight until the PutEvents answers, then decides by id', () => {
    const fence = new RunFence(START)
    const ticket = fence.beginPublish([event])
    // The event failed and was dead-lettered before our PutEvents response arrived.
    const early = record({id: 'm2', eventId: 'new-1', detail, sent: START + 500})
    expect(fence.classify(early)).toEqual({kind: 'undecided'})
    expect(fence.publishing).toBe(true)
    fence.endPublish(ticket, [{index: 0, eventId: 'new-1', sourceTime: -1}], START + 100)
    expect(fence.publishing).toBe(false)
    expect(fence.classify(early)).toEqual({kind: 'came-back', by: 'event-id'})
    // Meanwhile another key is decided at once.
    const other = record({id: 'o', detail: {...detail, key: 'other'}, sent: START - 1_000})
    expect(fence.classify(other)).toEqual({kind: 'eligible'})
    // A pre-run message with the same content (a duplicate) is eligible once the call answered.
    expect(fence.classify(record({id: 'dup', eventId: 'other', detail, sent: START - 1_000}))).toEqual({
      kind: 'eligible',
    })
  })

  it('falls back to content (counted, newer event time) when ids do not match, until ids prove to work', () => {
    const fence = new RunFence(START)
    const sourceTime = START - 3_600_000
    publish(fence, ['new-1'], sourceTime, START)
    // An envelope with an unknown id but our content, stamped at redrive time: ours.
    const returned = {id: 'r1', eventId: 'changed-id', detail, time: iso(START + 1_000), sent: START + 2_000}
    expect(fence.classify(record(returned))).toEqual({kind: 'came-back', by: 'content'})
    // Same cache and key, another value: not ours.
    const otherValue = {...returned, id: 'v', eventId: 'changed-v', detail: {...detail, message: 'other'}}
    expect(fence.classify(record(otherValue))).toEqual({kind: 'eligible'})
    // One publish matches one message only.
    expect(fence.classify(record({...returned, id: 'r2', eventId: 'changed-2'}))).toEqual({kind: 'eligible'})
    // An exact duplicate of the source (same old time) never matches by content.
    publish(fence, ['new-2'], sourceTime, START)
    expect(
      fence.classify(record({id: 'old', eventId: 'orig', detail, time: iso(sourceTime), sent: START - 5})),
    ).toEqual({
      kind: 'eligible',
    })
    // Content identity ignores key order.
    expect(
      contentIdentity('cacheSet', 'momento-eb', {
        ttl_seconds: 60,
        ttl: 60,
        message: 'v',
        key: 'k',
        cacheName: 'orders',
      }),
    ).toBe(content)
    expect(contentIdentity('cacheDelete', 'momento-eb', detail)).not.toBe(content)
  })

  it('switches content matching off once an event came back by id', () => {
    const fence = new RunFence(START)
    publish(fence, ['new-1', 'new-2'], -1, START)
    expect(fence.classify(record({id: 'r1', eventId: 'new-1', detail, sent: START + 100}))).toEqual({
      kind: 'came-back',
      by: 'event-id',
    })
    const stranger = {id: 'x', eventId: 'someone-else', detail, time: iso(START + 1_000), sent: START - 1_000}
    expect(fence.classify(record(stranger))).toEqual({kind: 'eligible'})
  })

  it('never holds back a pre-run message when SQS’s clock is ahead by more than the allowance, if receives prove it', () => {
    // SQS is 10 minutes ahead of this machine.
    const skew = 10 * 60_000
    const fence = new RunFence(START)
    // A message sent 1 s before the run started (SQS clock), first received by this run's receive.
    const preRun = record({id: 'p', sent: START + skew - 1_000})
    expect(fence.cutoff).toBe(START + CLOCK_SKEW_ALLOWANCE_MS)
    fence.observeReceive([START + skew + 20], START + 50)
    expect(fence.cutoff).toBeGreaterThanOrEqual(START + skew)
    expect(fence.classify(preRun)).toEqual({kind: 'eligible'})
  })

  it('tightens the cut-off to what its own returned events prove about the skew', () => {
    const fence = new RunFence(START)
    publish(fence, ['new-1'], -1, START + 1_000)
    // Came back 300 ms after the call started, by a clock 2 s behind ours: SQS is at most 1.7 s behind.
    fence.classify(record({id: 'r', eventId: 'new-1', detail, sent: START + 1_000 - 2_000 + 300}))
    expect(fence.cutoff).toBe(START - 1_700)
    // A message sent (SQS clock) before the run started stays eligible; one after it is left alone.
    expect(fence.classify(record({id: 'p', sent: START - 2_000 - 1}))).toEqual({kind: 'eligible'})
    expect(fence.classify(record({id: 'n', sent: START - 2_000 + 5_000}))).toEqual({kind: 'arrived-later'})
  })
})
