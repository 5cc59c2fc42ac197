import {describe, expect, it} from 'vitest'

import {startEarly} from '../../src/services/dlq-watch-run.js'
import {firstFrameLines} from '../../src/ui/dlq/first-frame.js'
import type {SampleStats} from '../../src/ui/dlq/sample-text.js'

/** A stream that counts how many values were produced (read from the "queue") and stops on its signal. */
function counting(limit = 100) {
  const produced: number[] = []
  const start = (signal: AbortSignal) =>
    (async function* () {
      for (let i = 0; i < limit && !signal.aborted; i++) {
        produced.push(i)
        yield i
        await new Promise((r) => setTimeout(r, 1))
      }
    })()
  return {produced, start}
}

describe('dlq watch starts reading before the view listens (startEarly)', () => {
  it('reads the first update at once and hands the same stream, first update included, to the view', async () => {
    const {produced, start} = counting()
    const early = startEarly(start, new AbortController().signal)
    expect(await early.first).toBe(0)
    // Nothing more is read until someone listens.
    expect(produced).toEqual([0])
    const view = new AbortController()
    const seen: number[] = []
    for await (const value of early.updates(view.signal)) {
      seen.push(value)
      if (seen.length === 3) view.abort()
    }
    expect(seen).toEqual([0, 1, 2])
    // The view's signal stopped the stream: no more reads.
    const after = produced.length
    await new Promise((r) => setTimeout(r, 10))
    expect(produced.length).toBe(after)
  })

  it('hands a failing first read to the view (which exits with it) and never leaves it unhandled', async () => {
    const early = startEarly(
      () =>
        (async function* () {
          yield* []
          throw new Error('queue not found')
        })(),
      new AbortController().signal,
    )
    expect(await early.first).toBeUndefined()
    const iterate = async () => {
      for await (const _ of early.updates(new AbortController().signal)) void _
    }
    await expect(iterate()).rejects.toThrow('queue not found')
  })

  it('stops when the command is interrupted before the view mounted', async () => {
    const {produced, start} = counting()
    const command = new AbortController()
    const early = startEarly(start, command.signal)
    await early.first
    command.abort()
    const seen: number[] = []
    for await (const value of early.updates(new AbortController().signal)) seen.push(value)
    // The update already read is handed over; nothing further is read.
    expect(seen.length).toBeLessThanOrEqual(2)
    expect(produced.length).toBeLessThanOrEqual(2)
  })
})

describe('the plain-text first frame', () => {
  const stats: SampleStats = {
    read: 40,
    byReason: [
      {name: 'cache-not-found', count: 28},
      {name: 'timeout', count: 12},
    ],
    byCache: [{name: 'orders', count: 40}],
    byType: [{name: 'cacheSet', count: 40}],
    oldestSentAt: Date.UTC(2026, 11, 6, 9, 0, 0),
    depthTotal: 1_000_000,
    complete: false,
    newByDepth: 0,
    kept: 40,
    windowSize: 5_000,
  }
  const now = Date.UTC(2026, 11, 6, 12, 0, 0)

  it("shows the depth, the oldest read and the estimated reason mix in the view's own words", () => {
    const lines = firstFrameLines('momento-dlq', {depth: {visible: 999_960, inFlight: 40}, stats}, 160, now)
    expect(lines).toEqual([
      'DLQ momento-dlq · 999,960 visible · 40 in flight',
      'read 40 of ≈1,000,000, reading on: shares are estimates · oldest read 3h ago (SentTimestamp) · types cacheSet 100% · caches orders 100%',
      'estimated from 40 of ≈1,000,000 read: cache-not-found ~70% (28)  timeout ~30% (12)',
      '',
      'loading the view… (keys work in a moment)',
    ])
  })

  it('fits the terminal, and draws nothing without a depth or counts', () => {
    const lines = firstFrameLines('momento-dlq', {depth: {visible: 999_960, inFlight: 40}, stats}, 40, now) ?? []
    expect(lines.every((l) => l.length <= 40)).toBe(true)
    expect(firstFrameLines('q', {depth: undefined, stats}, 80, now)).toBeUndefined()
    expect(firstFrameLines('q', {depth: {visible: 1, inFlight: 0}}, 80, now)).toBeUndefined()
    expect(firstFrameLines('q', {depth: {visible: 0, inFlight: 0}, stats: {...stats, read: 0}}, 80, now)?.[1]).toBe(
      'no messages read yet',
    )
  })
})
