import {describe, expect, it} from 'vitest'

import type {DlqBatchResult, DlqHandle, RawDlqMessage} from '../../src/core/dlq.js'
import {plainDecoder} from '../../src/services/dlq-diagnose.js'
import {IdTable, idKey, QueueTally} from '../../src/services/dlq-tally.js'
import {DlqWatchFeed, type DlqWatchPort, type DlqWatchUpdate} from '../../src/services/dlq-watch.js'
import {isSample, reasonParts, sampleBasis, sampleLine, type SampleStats} from '../../src/ui/dlq/sample-text.js'
import {record, rawMessage} from './dlq-watch-fixtures.js'

/** A rotation like the sandbox's: receive from the front, released messages go to the back. */
class RotatingQueue implements DlqWatchPort {
  visible: RawDlqMessage[] = []
  hidden = new Map<string, RawDlqMessage>()
  receives = 0

  async receive(options: {max: number}): Promise<RawDlqMessage[]> {
    this.receives++
    const out = this.visible.splice(0, options.max)
    for (const m of out) this.hidden.set(m.messageId, m)
    return out.map((m) => ({...m, receiptHandle: `${m.messageId}#${this.receives}`}))
  }

  async changeVisibility(handles: readonly DlqHandle[]): Promise<DlqBatchResult> {
    for (const h of handles) {
      const m = this.hidden.get(h.messageId)
      if (m) this.visible.push(m)
      this.hidden.delete(h.messageId)
    }
    return {succeeded: handles.map((h) => h.messageId), failed: []}
  }

  async depth() {
    return {visible: this.visible.length, inFlight: this.hidden.size, delayed: 0}
  }
}

const kinds = ['not-found', 'timeout', 'rate-limited'] as const
const mixed = (i: number) => rawMessage(i, kinds[i % 10 === 0 ? 1 : i % 10 === 1 ? 2 : 0])

async function take(feed: DlqWatchFeed, count: number, between?: (u: DlqWatchUpdate, n: number) => void) {
  const controller = new AbortController()
  const out: DlqWatchUpdate[] = []
  for await (const update of feed.updates(controller.signal)) {
    out.push(update)
    between?.(update, out.length)
    if (out.length >= count) controller.abort()
  }
  return out
}

describe('IdTable and QueueTally', () => {
  it('counts each message id once, grows, and forgets by id without keeping the ids', () => {
    const table = new IdTable(16)
    for (let i = 0; i < 10_000; i++) expect(table.see(idKey(`m-${i}`), 1, {reason: 1, cache: 2, type: 3})).toBe(true)
    expect(table.see(idKey('m-5'), 2, undefined)).toBe(false)
    expect(table.size).toBe(10_000)
    expect(table.lastSweep(idKey('m-5'))).toBe(2)
    expect(table.remove(idKey('m-7'))).toEqual({reason: 1, cache: 2, type: 3, sent: 0})
    expect(table.remove(idKey('m-7'))).toBeUndefined()
    expect(table.size).toBe(9_999)
    // 21 bytes a slot, at most half the slots empty after a growth: under 90 bytes a message.
    expect(table.bytes / table.size).toBeLessThan(90)
  })

  it('removes the messages not seen in a sweep, longest unseen first, at most the limit', () => {
    const table = new IdTable()
    for (let i = 0; i < 10; i++) table.see(idKey(`m-${i}`), i < 3 ? 1 : i < 6 ? 2 : 3, undefined)
    // Sweep 3 is done: m-0..m-5 were not seen in it; only 4 may go (the counts say so).
    const gone = table.removeUnseen(3, 4)
    expect(gone).toHaveLength(4)
    // All three of sweep 1 and one of sweep 2.
    expect(table.lastSweep(idKey('m-0'))).toBeUndefined()
    expect(table.lastSweep(idKey('m-2'))).toBeUndefined()
    expect([3, 4, 5].filter((i) => table.lastSweep(idKey(`m-${i}`)) !== undefined)).toHaveLength(2)
    expect(table.size).toBe(6)
  })

  it('keeps exact counts by reason, cache and type over every record read, not twice for a re-read', () => {
    const tally = new QueueTally()
    for (let i = 0; i < 100; i++) tally.add(record(i, i % 4 === 0 ? 'timeout' : 'not-found'), 1)
    for (let i = 0; i < 100; i++) expect(tally.add(record(i), 2)).toBe(false)
    tally.remove('msg-000000')
    const snap = tally.snapshot()
    expect(snap.read).toBe(99)
    expect(snap.byReason).toEqual([
      {name: 'cache-not-found', count: 75},
      {name: 'timeout', count: 24},
    ])
    expect(snap.byType).toEqual([{name: 'cacheSet', count: 99}])
    expect(snap.byCache.map((c) => c.count).reduce((a, b) => a + b)).toBe(99)
    // msg-000000 (the oldest) is gone: the oldest still counted is msg-000001, a second younger.
    expect(snap.oldestSentAt).toBe(Date.UTC(2026, 10, 26, 12, 0, 1))
  })

  it('names as "oldest read" only a message still counted: deleted or found gone, the next oldest', () => {
    const tally = new QueueTally()
    // Read newest first: the oldest arrives last.
    for (let i = 99; i >= 0; i--) tally.add(record(i), 1)
    expect(tally.snapshot().oldestSentAt).toBe(Date.UTC(2026, 10, 26, 12, 0, 0))
    tally.remove('msg-000000')
    tally.remove('msg-000001')
    expect(tally.snapshot().oldestSentAt).toBe(Date.UTC(2026, 10, 26, 12, 0, 2))
    // Removing a younger one changes nothing; a re-read of a removed one counts it again.
    tally.remove('msg-000050')
    expect(tally.snapshot().oldestSentAt).toBe(Date.UTC(2026, 10, 26, 12, 0, 2))
    tally.add(record(1), 2)
    expect(tally.snapshot().oldestSentAt).toBe(Date.UTC(2026, 10, 26, 12, 0, 1))
    // Found gone after a sweep (not seen in sweep 2): every one but msg-000001 goes.
    tally.removeUnseen(2, 1_000)
    expect(tally.snapshot()).toMatchObject({read: 1, oldestSentAt: Date.UTC(2026, 10, 26, 12, 0, 1)})
    tally.remove('msg-000001')
    expect(tally.snapshot()).toMatchObject({read: 0, oldestSentAt: undefined})
  })

  it('finds the oldest again after the table grows and rebuilds', () => {
    const tally = new QueueTally()
    for (let i = 0; i < 20_000; i++) tally.add(record(i), 1)
    for (let i = 0; i < 10_000; i++) tally.remove(`msg-${String(i).padStart(6, '0')}`)
    expect(tally.snapshot().oldestSentAt).toBe(Date.UTC(2026, 10, 26, 12, 0, 0) + 10_000 * 1000)
  })
})

describe('the summary wording', () => {
  const base: SampleStats = {
    read: 2_000,
    byReason: [
      {name: 'cache-not-found', count: 1_600},
      {name: 'timeout', count: 396},
      {name: 'rate-limited', count: 4},
    ],
    byCache: [
      {name: 'orders', count: 1_000},
      {name: 'carts', count: 1_000},
    ],
    byType: [{name: 'cacheSet', count: 2_000}],
    oldestSentAt: Date.UTC(2026, 11, 6, 9, 0, 0),
    depthTotal: 1_000_000,
    complete: false,
    newByDepth: 0,
    kept: 2_000,
    windowSize: 5_000,
  }
  const now = Date.UTC(2026, 11, 6, 12, 30, 0)

  it('says "estimated", the sample size and the queue size while only a sample is read', () => {
    expect(isSample(base)).toBe(true)
    expect(sampleBasis(base)).toBe('estimated from 2,000 of ≈1,000,000 read')
    const {lead, parts} = reasonParts(base)
    expect(lead).toBe('estimated from 2,000 of ≈1,000,000 read: ')
    // The share is the estimate; the count in brackets is exact for what was read.
    expect(parts.map((p) => p.text)).toEqual([
      'cache-not-found ~80% (1,600)',
      'timeout ~20% (396)',
      'rate-limited <1% (4)',
    ])
    expect(sampleLine(base, now)).toBe(
      'read 2,000 of ≈1,000,000, reading on: shares are estimates · oldest read 3h ago (SentTimestamp) · ' +
        'types cacheSet 100% · caches orders 50%, carts 50%',
    )
  })

  it('gives plain exact counts once the whole queue is read', () => {
    const all = {...base, read: 1_000_000, complete: true, kept: 5_000}
    expect(isSample(all)).toBe(false)
    expect(reasonParts({...all, byReason: [{name: 'timeout', count: 1_000_000}]})).toEqual({
      lead: '1,000,000 total: ',
      parts: [{reason: 'timeout', text: 'timeout 1,000,000'}],
    })
    expect(sampleLine(all, now)).toBe('1,000,000 messages read · showing the newest 5,000 · peeking, nothing is held')
  })

  it('after a sweep that read less than the queue holds, exact counts of what was read, never "total"', () => {
    // A sweep closed (a receive timed out and left a batch hidden, the rotation came round early on
    // AWS, or 1,010 are new or in flight elsewhere): the depth says 6,000, 4,990 were read.
    const short = {...base, read: 4_990, depthTotal: 6_000, complete: true, kept: 4_990}
    expect(isSample(short)).toBe(false)
    expect(reasonParts({...short, byReason: [{name: 'timeout', count: 4_990}]})).toEqual({
      lead: '4,990 read of ≈6,000: ',
      parts: [{reason: 'timeout', text: 'timeout 4,990'}],
    })
  })
})

describe('dlq watch feed at scale', () => {
  it('keeps at most windowSize records while counting every message read exactly', async () => {
    const queue = new RotatingQueue()
    queue.visible = Array.from({length: 3_000}, (_, i) => mixed(i))
    const feed = new DlqWatchFeed({
      port: queue,
      decode: plainDecoder(),
      windowSize: 500,
      concurrency: 4,
      maxPerPoll: 400,
      intervalMs: 0,
      sleep: async () => undefined,
    })
    let inView = new Set<string>()
    const updates = await take(feed, 12, (u) => {
      for (const r of u.added) inView.add(r.messageId)
      for (const id of [...u.gone, ...(u.evicted ?? [])]) inView.delete(id)
      expect(feed.kept).toBeLessThanOrEqual(500)
    })
    const last = updates.at(-1) as DlqWatchUpdate
    expect(last.loaded).toBe(true)
    expect(last.stats?.read).toBe(3_000)
    expect(last.stats?.complete).toBe(true)
    // Exact: every 10th a timeout, every 10th + 1 rate limited.
    expect(last.stats?.byReason).toEqual([
      {name: 'cache-not-found', count: 2_400},
      {name: 'rate-limited', count: 300},
      {name: 'timeout', count: 300},
    ])
    // The view holds the window: the newest 500 by SentTimestamp.
    expect(inView.size).toBe(500)
    expect([...inView].sort()[0]).toBe('msg-002500')
    expect(feed.latestHandle('msg-002999')).toMatch(/^msg-002999#/)
    expect(feed.latestHandle('msg-000001')).toBeUndefined()
    inView = new Set()
  })

  it('keeps the record the user holds (selected or open) in the window while newer ones push it out', async () => {
    const queue = new RotatingQueue()
    queue.visible = Array.from({length: 2_000}, (_, i) => mixed(i))
    const feed = new DlqWatchFeed({
      port: queue,
      decode: plainDecoder(),
      windowSize: 100,
      maxPerPoll: 40,
      intervalMs: 0,
      sleep: async () => undefined,
    })
    const inView = new Set<string>()
    const evicted = new Set<string>()
    const updates = await take(feed, 60, (u, n) => {
      for (const r of u.added) inView.add(r.messageId)
      for (const id of [...u.gone, ...(u.evicted ?? [])]) inView.delete(id)
      for (const id of u.evicted ?? []) evicted.add(id)
      // After the first update the user selects the oldest record in view and reads it.
      if (n === 1) feed.hold([[...inView].sort()[0] as string])
      expect(feed.kept).toBeLessThanOrEqual(100)
    })
    const held = [...inView].sort()[0] as string
    expect(held).toBe('msg-000000')
    expect(evicted.has(held)).toBe(false)
    expect(inView.has(held)).toBe(true)
    // Its receipt handle is still the latest the feed saw (a delete or redrive needs it).
    expect(feed.latestHandle(held)).toMatch(/^msg-000000#/)
    expect(updates.at(-1)?.stats?.read).toBe(2_000)
    // Released (the selection moved on): the next newer record read pushes it out like any other.
    feed.hold([])
    queue.visible.unshift(mixed(5_000))
    await take(feed, 3)
    expect(feed.latestHandle(held)).toBeUndefined()
    expect(feed.kept).toBe(100)
  })

  it('the first update comes after the first poll budget, with depth and a labelled sample', async () => {
    let now = 0
    const queue = new RotatingQueue()
    queue.visible = Array.from({length: 5_000}, (_, i) => mixed(i))
    // Each receive round "takes" 20 ms.
    const slow: DlqWatchPort = {
      receive: async (o) => {
        now += 5
        return queue.receive(o)
      },
      changeVisibility: (h) => queue.changeVisibility(h),
      depth: () => queue.depth(),
    }
    const feed = new DlqWatchFeed({port: slow, decode: plainDecoder(), now: () => now, sleep: async () => undefined})
    const [first] = await take(feed, 1)
    expect(first?.depth).toEqual({visible: 5_000, inFlight: 0})
    expect(first?.stats?.complete).toBe(false)
    expect(first?.stats?.read).toBeGreaterThan(0)
    expect(first?.stats?.read).toBeLessThan(5_000)
    expect(isSample(first?.stats as SampleStats)).toBe(true)
  })

  it('counts growth of the queue as new at once, before the rotation reaches the new messages', async () => {
    const queue = new RotatingQueue()
    queue.visible = Array.from({length: 2_000}, (_, i) => mixed(i))
    const feed = new DlqWatchFeed({
      port: queue,
      decode: plainDecoder(),
      maxPerPoll: 100,
      intervalMs: 0,
      sleep: async () => undefined,
    })
    const updates = await take(feed, 3, (_, n) => {
      if (n === 1) queue.visible.push(mixed(9_000), mixed(9_001), mixed(9_002))
    })
    // The second poll's depth reading already shows them; its reads are still in the backlog.
    expect(updates[1]?.stats?.newByDepth).toBe(3)
    expect(updates[1]?.added.some((r) => r.messageId === 'msg-009000')).toBe(false)
  })

  it('forget() takes deleted messages off the exact counts', async () => {
    const queue = new RotatingQueue()
    queue.visible = Array.from({length: 20}, (_, i) => mixed(i))
    const feed = new DlqWatchFeed({port: queue, decode: plainDecoder(), intervalMs: 0, sleep: async () => undefined})
    const updates = await take(feed, 2, (_, n) => {
      if (n === 1) {
        queue.visible = queue.visible.filter((m) => m.messageId !== 'msg-000000')
        feed.forget(['msg-000000'])
      }
    })
    expect(updates[0]?.stats?.byReason.find((r) => r.name === 'timeout')?.count).toBe(2)
    expect(updates[1]?.stats?.byReason.find((r) => r.name === 'timeout')?.count).toBe(1)
    expect(updates[1]?.stats?.read).toBe(19)
  })
})
