/**
 * Redrive and export at outage scale, on fakes (pure logic): the compact tables they keep for a whole
 * run, the bounded window of hidden messages under SQS's in-flight quota, OverLimit, and the progress
 * line's ETA and resize. The same behaviour against the sandbox's SQS is in test/e2e/dlq-outage.test.ts.
 */
import {EventEmitter} from 'node:events'

import {describe, expect, it} from 'vitest'

import {expectedPace, formatDuration, progressReporter, progressText} from '../../src/cli/redrive-progress.js'
import type {DlqBatchResult, DlqHandle} from '../../src/core/dlq.js'
import {FingerprintTable} from '../../src/core/fingerprint-table.js'
import {HeldMessages} from '../../src/core/held-messages.js'
import {exportDlq} from '../../src/services/dlq-export.js'
import {memoryJournal} from '../../src/core/journal.js'
import {redriveQueue} from '../../src/services/redrive.js'
import {FakeEvents, FakeQueue, rawMessage} from './redrive-fakes.js'
import {progressAt} from '../helpers/redrive-progress.js'

/**
 * A FakeQueue with SQS's in-flight quota: a receive while `limit` messages are hidden answers OverLimit
 * (as a short poll does). Released messages go to the back, as the sandbox does; `peak` is the most
 * messages ever hidden at once.
 */
class LimitedQueue extends FakeQueue {
  peak = 0
  overLimits = 0

  constructor(
    count: number,
    private readonly limit: number,
  ) {
    super(Array.from({length: count}, (_, i) => rawMessage({id: `m-${String(i).padStart(6, '0')}`})))
  }

  hidden(): number {
    const now = this.clock()
    let n = 0
    for (const m of this.messages.values()) if (m.visibleAt > now) n++
    return n
  }

  override async receive(options: {max: number; visibilityTimeoutSeconds: number; waitSeconds: number}) {
    if (this.hidden() >= this.limit) {
      this.overLimits++
      throw Object.assign(new Error('Too many messages in flight.'), {name: 'OverLimit'})
    }
    const out = await super.receive({...options, max: Math.min(options.max, this.limit - this.hidden())})
    this.peak = Math.max(this.peak, this.hidden())
    return out
  }

  override async changeVisibility(handles: readonly DlqHandle[], seconds: number): Promise<DlqBatchResult> {
    const result = await super.changeVisibility(handles, seconds)
    if (seconds === 0) {
      for (const id of result.succeeded) {
        const m = this.messages.get(id)
        if (m) {
          this.messages.delete(id)
          this.messages.set(id, m)
        }
      }
    }
    return result
  }
}

const noSleep = async () => undefined

describe('FingerprintTable', () => {
  it('finds every key it was given across growth, keeps their values, and nothing else', () => {
    const table = new FingerprintTable(1, 16)
    for (let i = 0; i < 100_000; i++) table.set(table.slot(`msg-${i}`), 0, i * 2)
    expect(table.size).toBe(100_000)
    // One assertion a loop, over what differed: 24,000 expect() calls cost about a second of CPU.
    const wrong: string[] = []
    for (let i = 0; i < 100_000; i += 7) if (table.get(table.find(`msg-${i}`), 0) !== i * 2) wrong.push(`msg-${i}`)
    for (let i = 100_000; i < 110_000; i++) if (table.has(`msg-${i}`)) wrong.push(`has msg-${i}`)
    expect(wrong).toEqual([])
    expect(table.add('msg-5')).toBe(false)
    expect(table.add('msg-new')).toBe(true)
    // A 2^18-slot index of 4 bytes, and 12 + 8 bytes a key in chunks of 4,096: about 3 MB for 100,000
    // keys (values in every slot of the index took 5 MB; a Map takes 15–20 MB).
    expect(table.bytes).toBeLessThanOrEqual(2 ** 18 * 4 + Math.ceil(100_000 / 4096) * 4096 * 20)
  })

  it('numbers entries in insertion order, keeps typed columns apart, and finds them again after growth', () => {
    const table = new FingerprintTable(['u32', 'f64'], 16)
    const wrong: string[] = []
    for (let i = 0; i < 20_000; i++) {
      const entry = table.slot(`event-${i}`)
      if (entry !== i) wrong.push(`event-${i} numbered ${entry}`)
      table.set(entry, 0, 2 ** 32 - 1 - i)
      table.set(entry, 1, i + 0.5)
    }
    expect(table.slot('event-123')).toBe(123)
    for (let i = 0; i < 20_000; i += 13) {
      const entry = table.find(`event-${i}`)
      const [u32, f64] = [table.get(entry, 0), table.get(entry, 1)]
      if (u32 !== 2 ** 32 - 1 - i || f64 !== i + 0.5) wrong.push(`event-${i}: ${u32}, ${f64}`)
    }
    expect(wrong).toEqual([])
    // A u32 column stores 32 bits: 4 bytes a key instead of 8.
    const narrow = new FingerprintTable(['u32'])
    const wide = new FingerprintTable(1)
    for (let i = 0; i < 10_000; i++) {
      narrow.add(`k${i}`)
      wide.add(`k${i}`)
    }
    expect(wide.bytes - narrow.bytes).toBe(Math.ceil(10_000 / 4096) * 4096 * 4)
    // 64-bit fingerprints: 8 bytes a key instead of 12, the same answers.
    const short = new FingerprintTable(0, 1024, {bits: 64})
    const long = new FingerprintTable(0)
    const refused: string[] = []
    for (let i = 0; i < 10_000; i++) {
      if (!short.add(`m${i}`)) refused.push(`m${i}`)
      long.add(`m${i}`)
    }
    expect(refused).toEqual([])
    expect(short.add('m42')).toBe(false)
    expect(short.has('m10000')).toBe(false)
    expect(long.bytes - short.bytes).toBe(Math.ceil(10_000 / 4096) * 4096 * 4)
  })
})

describe('HeldMessages', () => {
  it('hands back the oldest beyond its limit, forgets what became visible by itself, and moves a re-held one to the end', () => {
    let now = 0
    const held = new HeldMessages(3, 60_000, () => now)
    for (const id of ['a', 'b', 'c', 'd', 'e']) held.set(id, `${id}#1`)
    expect(held.overflow().map((h) => h.messageId)).toEqual(['a', 'b'])
    held.set('c', 'c#2')
    held.set('f', 'f#1')
    expect(held.overflow()).toEqual([{messageId: 'd', receiptHandle: 'd#1'}])
    now = 61_000
    held.set('g', 'g#1')
    // e, c and f were hidden 60 s ago: SQS has made them visible again.
    expect(held.drain().map((h) => h.messageId)).toEqual(['g'])
  })
})

describe('redrive under the in-flight quota', () => {
  it('a filtered redrive over many more messages than the quota keeps its hidden count bounded and reads everything', async () => {
    const queue = new LimitedQueue(3_000, 400)
    const events = new FakeEvents()
    const wanted = (id: string) => Number(id.slice(2)) % 10 === 0
    const summary = await redriveQueue(
      {queue, events, journal: memoryJournal(), sleep: noSleep},
      {rate: 0, workers: 8, maxHeld: 200, select: (r) => wanted(r.messageId), waitSeconds: 0},
    )
    // Every matching message redriven, every other one still in the queue and visible again.
    expect(summary.redriven).toBe(300)
    expect(summary.received).toBe(3_000)
    expect(queue.messages.size).toBe(2_700)
    expect(queue.hidden()).toBe(0)
    // Never more hidden than the held window plus one batch per loop: the quota was never reached.
    expect(queue.peak).toBeLessThanOrEqual(200 + 8 * 10)
    expect(summary.maxHeldSeen).toBeLessThanOrEqual(200 + 8 * 10)
    expect(summary.overLimit).toBe(0)
    expect(summary.releasedEarly).toBeGreaterThan(2_000)
    expect(summary.leftInQueue).toBe(2_700)
  })

  it('OverLimit from ReceiveMessage: releases what it holds, waits, goes on, and never crashes', async () => {
    // A quota smaller than the held window: the run runs into OverLimit and must release to go on.
    const queue = new LimitedQueue(1_000, 150)
    const events = new FakeEvents()
    const slept: number[] = []
    const summary = await redriveQueue(
      {queue, events, journal: memoryJournal(), sleep: async (ms) => void slept.push(ms)},
      {rate: 0, workers: 4, maxHeld: 1_000, select: (r) => r.messageId.endsWith('5'), waitSeconds: 0},
    )
    expect(queue.overLimits).toBeGreaterThan(0)
    expect(summary.overLimit).toBe(queue.overLimits)
    expect(slept.length).toBeGreaterThanOrEqual(summary.overLimit)
    expect(summary.redriven).toBe(100)
    expect(queue.messages.size).toBe(900)
    expect(queue.hidden()).toBe(0)
  })
})

describe('dlq redrive --dry-run at scale', () => {
  it('hands every entry over as it is planned, keeps only the first 1,000 and counts all by reason, and sends nothing', async () => {
    const queue = new LimitedQueue(2_500, 1_000)
    const events = new FakeEvents()
    const streamed: string[] = []
    const summary = await redriveQueue(
      {queue, events, journal: memoryJournal(), sleep: noSleep},
      {rate: 0, workers: 8, maxHeld: 600, dryRun: true, waitSeconds: 0, onEntry: (e) => streamed.push(e.messageId)},
    )
    expect(streamed).toHaveLength(2_500)
    expect(new Set(streamed).size).toBe(2_500)
    expect(summary.redriven).toBe(2_500)
    // Bounded: the summary lists the first 1,000 (those streamed first), the counts cover every entry.
    expect(summary.entries.map((e) => e.messageId)).toEqual(streamed.slice(0, 1_000))
    expect(summary.entryReasons.reduce((n, r) => n + r.count, 0)).toBe(2_500)
    expect(summary.entryReasons[0]).toMatchObject({reason: summary.entries[0]?.reason})
    expect(events.calls).toBe(0)
    expect(queue.messages.size).toBe(2_500)
    expect(queue.hidden()).toBe(0)
    expect(queue.peak).toBeLessThanOrEqual(600 + 8 * 10)
  })
})

describe('dlq export at scale', () => {
  it('streams every message once with a bounded hidden window, deletes nothing and releases everything', async () => {
    const queue = new LimitedQueue(5_000, 500)
    const ids: string[] = []
    const summary = await exportDlq(
      queue,
      {
        write: (text) =>
          void ids.push(
            ...text
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l).messageId),
          ),
      },
      {maxHeld: 300, loops: 8, waitSeconds: 0, sleep: noSleep},
    )
    expect(ids).toHaveLength(5_000)
    expect(new Set(ids).size).toBe(5_000)
    expect(summary).toMatchObject({exported: 5_000, scanned: 5_000, overLimit: 0, depthAtStart: 5_000})
    expect(summary.receivedAgain).toBeGreaterThan(0)
    expect(queue.peak).toBeLessThanOrEqual(300 + 8 * 10)
    expect(queue.messages.size).toBe(5_000)
    expect(queue.hidden()).toBe(0)
    expect(summary.bytes).toBeGreaterThan(5_000 * 100)
  })

  it('a sink that fails (disk full) stops the export, releases what it held and deletes nothing', async () => {
    const queue = new LimitedQueue(2_000, 500)
    let writes = 0
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
    await expect(
      exportDlq(
        queue,
        {
          write: async () => {
            if (++writes > 5) throw full
          },
        },
        {maxHeld: 300, waitSeconds: 0, sleep: noSleep},
      ),
    ).rejects.toBe(full)
    expect(queue.messages.size).toBe(2_000)
    expect(queue.hidden()).toBe(0)
  })
})

const progress = progressAt

describe('redrive progress at scale', () => {
  it('takes the ETA from the lowest of the measured pace, --rate and the API destination limit, and says which', () => {
    const scope = {total: 1_000_000, filtering: false}
    const capped = progress({redriven: 100_000, rate: 500, rateSource: 'flag', destinationRate: 300})
    expect(expectedPace(capped, 2_000, scope)).toEqual({perSecond: 300, by: 'api-destination'})
    expect(progressText(capped, scope, expectedPace(capped, 2_000, scope))).toBe(
      "100000/1000000 redriven 100000 failed 0 skipped 0 · 300/s (API destination's limit) · ETA 50m 00s",
    )
    // --rate 0 at 2,400/s measured, no destination found: the measured pace.
    const uncapped = progress({redriven: 400_000, rate: Infinity, rateSource: 'flag'})
    expect(expectedPace(uncapped, 2_400, scope)).toEqual({perSecond: 2_400, by: 'measured'})
    expect(progressText(uncapped, scope, expectedPace(uncapped, 2_400, scope))).toMatch(
      /2400\/s \(measured\) · ETA 4m 10s$/,
    )
    expect(formatDuration(3_725)).toBe('1h 02m')
  })

  it('redraws the bar at the new width when the terminal is resized, never wider than the terminal', () => {
    const writes: string[] = []
    const stream = Object.assign(new EventEmitter(), {
      columns: 120,
      write: (text: string) => writes.push(text) > 0,
    })
    let clock = 10_000
    const reporter = progressReporter(stream, {total: 1_000_000, filtering: false}, {terminal: true, now: () => clock})
    reporter.update(progress({redriven: 250_000, rate: 100, rateSource: 'api-destination', destinationRate: 100}))
    const visible = (text: string) =>
      text
        // eslint-disable-next-line no-control-regex
        .replace(/\u001B\[[0-9]*[A-Za-z]/g, '')
        .replace(/\r/g, '')
    const wide = writes.at(-1) as string
    expect(wide.startsWith('\r\u001B[2K[')).toBe(true)
    expect(visible(wide).length).toBeLessThanOrEqual(119)
    // Narrower: the last frame (re-flowed by the terminal over two rows) is cleared from its first row,
    // and the new one fits in 50 columns.
    stream.columns = 50
    stream.emit('resize')
    const narrow = writes.at(-1) as string
    expect(narrow.startsWith('\u001B[')).toBe(true)
    const ESC = String.fromCharCode(27)
    expect(narrow).toMatch(new RegExp(`^${ESC}\\[\\d+A\r${ESC}\\[J`))
    expect(visible(narrow).length).toBeLessThanOrEqual(49)
    // Wider again: one row to clear, the bar comes back.
    stream.columns = 140
    stream.emit('resize')
    expect(writes.at(-1)).toMatch(new RegExp(`^\r${ESC}\\[2K\\[#+-+\\] `))
    clock += 1_000
    reporter.update(progress({redriven: 260_000, rate: 100, rateSource: 'api-destination', destinationRate: 100}))
    reporter.done()
    expect(writes.at(-1)).toBe('\n')
    // Done: a resize no longer draws.
    const count = writes.length
    stream.emit('resize')
    expect(writes).toHaveLength(count)
  })
})
