import {describe, expect, it} from 'vitest'

import type {BusLogRecord} from '../../src/core/bus-log.js'
import {traceEvent, type TracePorts} from '../../src/services/trace.js'
import {
  atLevel,
  cacheNotFoundStory,
  deliveredStory,
  EVENT_ID,
  serverErrorStory,
  T0,
  timeoutRetryingStory,
} from './bus-log-fixtures.js'

/**
 * A fake clock and a log that reveals records over time: `script(tMs)` says what the log holds
 * `tMs` after the start. `sleep` advances the clock; every fetch and sleep is recorded.
 */
function fakeLog(script: (elapsedMs: number) => BusLogRecord[], onSleep?: (ms: number) => void) {
  let clock = 0
  const fetches: Array<{at: number; sinceMs: number}> = []
  const sleeps: number[] = []
  const ports: TracePorts = {
    async fetchRecords(eventId, sinceMs) {
      expect(eventId).toBe(EVENT_ID)
      fetches.push({at: clock, sinceMs})
      return script(clock)
    },
    now: () => clock,
    async sleep(ms) {
      sleeps.push(ms)
      clock += ms
      onSleep?.(ms)
    },
  }
  return {ports, fetches, sleeps}
}

describe('traceEvent', () => {
  it('looks the event up once without --follow: exit 0 delivered, 1 dead-lettered, 8 not final', async () => {
    const delivered = await traceEvent(fakeLog(() => deliveredStory()).ports, {eventId: EVENT_ID, sinceMs: T0})
    expect(delivered).toMatchObject({end: 'looked-up', polls: 1, exitCode: 0})
    const failed = await traceEvent(fakeLog(() => cacheNotFoundStory()).ports, {eventId: EVENT_ID, sinceMs: T0})
    expect(failed).toMatchObject({exitCode: 1, journey: {outcome: 'dead-lettered', reason: 'cache-not-found'}})
    const nothing = await traceEvent(fakeLog(() => []).ports, {eventId: EVENT_ID, sinceMs: T0, level: 'ERROR'})
    expect(nothing).toMatchObject({exitCode: 8, journey: {outcome: 'unknown', final: false}})
  })

  it('follows until final: records arrive over time, each change is reported, polls back off 1 s → 5 s', async () => {
    const story = serverErrorStory()
    // Nothing for 9 s, then the attempts one by one, then the DLQ record.
    const log = fakeLog((t) => (t < 9000 ? [] : t < 14_000 ? story.slice(0, 8) : story))
    const updates: string[] = []
    const result = await traceEvent(log.ports, {
      eventId: EVENT_ID,
      sinceMs: T0,
      follow: true,
      timeoutMs: 60_000,
      level: 'TRACE',
      onUpdate: (j) => updates.push(`${j.outcome}:${j.recordCount}`),
    })
    expect(result).toMatchObject({end: 'final', exitCode: 1, journey: {outcome: 'dead-lettered'}})
    expect(updates).toEqual(['unknown:0', 'in-flight:8', 'dead-lettered:12'])
    // Quiet polls back off by half each time up to 5 s; a change brings the interval back to 1 s.
    expect(log.sleeps.slice(0, 6)).toEqual([1000, 1500, 2250, 3375, 5000, 1000])
    expect(Math.max(...log.sleeps)).toBeLessThanOrEqual(5000)
    // Every poll asks for the whole window: late records may carry old timestamps.
    expect(new Set(log.fetches.map((f) => f.sinceMs))).toEqual(new Set([T0]))
  })

  it('still in flight at --timeout: exit 8, and never sleeps past the timeout', async () => {
    const log = fakeLog(() => timeoutRetryingStory())
    const result = await traceEvent(log.ports, {eventId: EVENT_ID, sinceMs: T0, follow: true, timeoutMs: 7000})
    expect(result).toMatchObject({end: 'timed-out', exitCode: 8, journey: {outcome: 'in-flight'}})
    expect(log.sleeps.reduce((a, b) => a + b, 0)).toBe(7000)
  })

  it('at ERROR level a delivered event stays unknown until the timeout (exit 8), never "delivered"', async () => {
    const log = fakeLog(() => atLevel(deliveredStory(), 'ERROR'))
    const result = await traceEvent(log.ports, {
      eventId: EVENT_ID,
      sinceMs: T0,
      follow: true,
      timeoutMs: 3000,
      level: 'ERROR',
    })
    expect(result).toMatchObject({end: 'timed-out', exitCode: 8, journey: {outcome: 'unknown'}})
  })

  it('waits a little for a late DLQ record before calling an invocation dropped', async () => {
    const story = cacheNotFoundStory()
    const withoutDlq = story.filter((r) => r.message_type !== 'INVOCATION_DLQ')
    const log = fakeLog((t) => (t < 2000 ? withoutDlq : story))
    const result = await traceEvent(log.ports, {eventId: EVENT_ID, sinceMs: T0, follow: true, settleMs: 5000})
    expect(result).toMatchObject({end: 'final', exitCode: 1, journey: {outcome: 'dead-lettered'}})

    const lost = fakeLog(() => withoutDlq)
    const dropped = await traceEvent(lost.ports, {eventId: EVENT_ID, sinceMs: T0, follow: true, settleMs: 3000})
    expect(dropped).toMatchObject({end: 'final', exitCode: 1, journey: {outcome: 'dropped'}})
    expect(dropped.waitedMs).toBe(3000)
  })

  it('stops on abort (Ctrl-C) with the journey so far and exit 130', async () => {
    const controller = new AbortController()
    const log = fakeLog(
      () => timeoutRetryingStory(),
      () => {
        if (log.sleeps.length === 2) controller.abort()
      },
    )
    const result = await traceEvent(log.ports, {
      eventId: EVENT_ID,
      sinceMs: T0,
      follow: true,
      timeoutMs: 60_000,
      signal: controller.signal,
    })
    expect(result).toMatchObject({end: 'aborted', exitCode: 130, polls: 2, journey: {outcome: 'in-flight'}})
  })

  it('an abort during a fetch ends quietly; other fetch errors are thrown', async () => {
    const controller = new AbortController()
    const aborting: TracePorts = {
      async fetchRecords() {
        controller.abort()
        throw new Error('aborted')
      },
    }
    const result = await traceEvent(aborting, {eventId: EVENT_ID, sinceMs: T0, follow: true, signal: controller.signal})
    expect(result).toMatchObject({end: 'aborted', exitCode: 130})
    const failing: TracePorts = {
      async fetchRecords() {
        throw new Error('throttled by CloudWatch Logs')
      },
    }
    await expect(traceEvent(failing, {eventId: EVENT_ID, sinceMs: T0})).rejects.toThrow('throttled by CloudWatch Logs')
  })
})
