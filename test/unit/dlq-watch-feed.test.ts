import {describe, expect, it} from 'vitest'

import type {DlqBatchResult, DlqHandle, RawDlqMessage} from '../../src/core/dlq.js'
import {decodeDlqMessage} from '../../src/core/dlq-decode.js'
import {DlqWatchFeed, type DlqWatchPort, type DlqWatchUpdate} from '../../src/services/dlq-watch.js'
import {plainDecoder} from '../../src/services/dlq-diagnose.js'
import {reasonParts, type SampleStats} from '../../src/ui/dlq/sample-text.js'
import {rawMessage} from './dlq-watch-fixtures.js'

/**
 * An in-memory queue that behaves like the sandbox's: receive takes from the front of the visible
 * messages, and a released message goes to the back. It records how long messages stay hidden.
 */
class FakeQueue implements DlqWatchPort {
  visible: RawDlqMessage[] = []
  hidden = new Map<string, RawDlqMessage>()
  /** Held by "someone else": in flight, not visible to the feed. */
  heldElsewhere = 0
  receives = 0
  maxHidden = 0
  failNext: Error | undefined
  /** Fail the receive with this number (1-based), once. */
  failAtReceive: {n: number; error: Error} | undefined
  /**
   * Like an AWS short poll on a small queue: each receive samples some servers and returns fewer
   * messages than asked (cycling 0, 1, 2, 3), even none while messages are there.
   */
  sampled = false

  add(...messages: RawDlqMessage[]): void {
    this.visible.push(...messages)
  }

  remove(id: string): void {
    this.visible = this.visible.filter((m) => m.messageId !== id)
    this.hidden.delete(id)
  }

  async receive(options: {max: number; visibilityTimeoutSeconds: number}): Promise<RawDlqMessage[]> {
    if (this.failNext) {
      const error = this.failNext
      this.failNext = undefined
      throw error
    }
    this.receives++
    if (this.failAtReceive?.n === this.receives) {
      const {error} = this.failAtReceive
      this.failAtReceive = undefined
      throw error
    }
    expect(options.visibilityTimeoutSeconds).toBeLessThanOrEqual(10)
    const out = this.visible.splice(0, this.sampled ? Math.min(options.max, this.receives % 4) : options.max)
    for (const m of out) this.hidden.set(m.messageId, m)
    this.maxHidden = Math.max(this.maxHidden, this.hidden.size)
    return out.map((m) => ({...m, receiptHandle: `${m.messageId}#${this.receives}`}))
  }

  async changeVisibility(handles: readonly DlqHandle[], seconds: number): Promise<DlqBatchResult> {
    expect(seconds).toBe(0)
    for (const h of handles) {
      const m = this.hidden.get(h.messageId)
      if (m) {
        this.hidden.delete(h.messageId)
        this.visible.push(m)
      }
    }
    return {succeeded: handles.map((h) => h.messageId), failed: []}
  }

  async depth() {
    return {visible: this.visible.length, inFlight: this.hidden.size + this.heldElsewhere, delayed: 0}
  }
}

function feedFor(queue: FakeQueue, options: {maxPerPoll?: number; now?: () => number} = {}) {
  return new DlqWatchFeed({
    port: queue,
    decode: plainDecoder(),
    concurrency: 2,
    intervalMs: 0,
    sleep: async () => undefined,
    ...options,
  })
}

/** Take `count` updates from the feed, then stop it. */
async function take(feed: DlqWatchFeed, count: number, between?: (update: DlqWatchUpdate, n: number) => void) {
  const controller = new AbortController()
  const out: DlqWatchUpdate[] = []
  for await (const update of feed.updates(controller.signal)) {
    out.push(update)
    between?.(update, out.length)
    if (out.length >= count) controller.abort()
  }
  return out
}

describe('dlq watch feed', () => {
  it('reads a small queue in one poll, decodes each message once, and releases everything', async () => {
    // Given 25 messages
    const queue = new FakeQueue()
    queue.add(...Array.from({length: 25}, (_, i) => rawMessage(i)))
    // When the feed polls three times
    const updates = await take(feedFor(queue), 3)
    // Then the first update has all 25, decoded, and later ones add nothing
    expect(updates[0]?.added.map((r) => r.messageId)).toHaveLength(25)
    expect(updates[0]?.added[0]?.reason).toBe('cache-not-found')
    expect(updates[0]?.loaded).toBe(true)
    expect(updates[1]?.added).toEqual([])
    expect(updates[2]?.gone).toEqual([])
    // And nothing stays hidden: at most one round (2 receives × 10) is in flight at a time
    expect(queue.hidden.size).toBe(0)
    expect(queue.maxHidden).toBeLessThanOrEqual(20)
    expect(updates[2]?.depth).toEqual({visible: 25, inFlight: 0})
  })

  it('walks a large queue in slices (cap per poll) without holding more than a round', async () => {
    const queue = new FakeQueue()
    queue.add(...Array.from({length: 1_000}, (_, i) => rawMessage(i)))
    const updates = await take(feedFor(queue, {maxPerPoll: 200}), 6)
    expect(updates[0]?.added).toHaveLength(200)
    expect(updates[0]?.loaded).toBe(false)
    const total = updates.reduce((n, u) => n + u.added.length, 0)
    expect(total).toBe(1_000)
    expect(updates.at(-1)?.loaded).toBe(true)
    expect(queue.maxHidden).toBeLessThanOrEqual(20)
    expect(queue.hidden.size).toBe(0)
  })

  it('reports arrivals and their rate, and messages that are gone', async () => {
    let now = Date.UTC(2026, 10, 26, 12, 0, 0)
    const queue = new FakeQueue()
    queue.add(...Array.from({length: 10}, (_, i) => rawMessage(i, 'not-found', now - 60_000)))
    const feed = feedFor(queue, {now: () => now})
    const updates = await take(feed, 4, (_, n) => {
      now += 1_000
      if (n === 1) {
        // Two new failures arrive, one old message is deleted by someone else
        queue.add(rawMessage(100, 'timeout', now), rawMessage(101, 'timeout', now))
        queue.remove('msg-000003')
      }
    })
    expect(updates[0]?.added).toHaveLength(10)
    expect(updates[0]?.arrivalsPerSecond).toBe(0) // the backlog is not an arrival
    expect(updates[1]?.added.map((r) => r.messageId)).toEqual(['msg-000100', 'msg-000101'])
    expect(updates[1]?.arrivalsPerSecond).toBeGreaterThan(0)
    expect(updates[1]?.gone).toEqual(['msg-000003'])
    expect(updates[1]?.goneTotal).toBe(1)
    expect(updates[3]?.gone).toEqual([])
  })

  it('does not declare messages gone that another consumer holds in flight', async () => {
    const queue = new FakeQueue()
    queue.add(...Array.from({length: 10}, (_, i) => rawMessage(i)))
    const updates = await take(feedFor(queue), 3, (_, n) => {
      if (n === 1) {
        // A redrive elsewhere holds 3 messages invisible
        const held = queue.visible.splice(0, 3)
        queue.heldElsewhere = held.length
      }
    })
    expect(updates.flatMap((u) => u.gone)).toEqual([])
  })

  it('forget() counts our own deletes as gone in the next update and tracks the latest handle', async () => {
    const queue = new FakeQueue()
    queue.add(rawMessage(1), rawMessage(2))
    const feed = feedFor(queue)
    const updates = await take(feed, 2, (_, n) => {
      if (n === 1) {
        expect(feed.latestHandle('msg-000001')).toMatch(/^msg-000001#/)
        queue.remove('msg-000001')
        feed.forget(['msg-000001'])
      }
    })
    expect(updates[1]?.gone).toEqual(['msg-000001'])
    expect(updates[1]?.goneTotal).toBe(1)
    expect(feed.latestHandle('msg-000001')).toBeUndefined()
  })

  it('on short batches (an AWS short poll samples some servers) reads on, and never calls a part the total', async () => {
    // Given 60 messages and receives that return 0–3 of the 10 asked for
    const queue = new FakeQueue()
    queue.sampled = true
    queue.add(...Array.from({length: 60}, (_, i) => rawMessage(i)))
    const feed = feedFor(queue)
    // When the feed polls until it has read everything
    const updates = await take(feed, 40, (u) => {
      // Then no update claims exact totals while it has read less than the queue holds
      const stats = u.stats as SampleStats
      if (stats.read < 60) expect(reasonParts(stats).lead).not.toMatch(/total/)
    })
    expect(updates.reduce((n, u) => n + u.added.length, 0)).toBe(60)
    const last = updates.at(-1)?.stats as SampleStats
    expect(reasonParts(last).lead).toBe('60 total: ')
    expect(queue.hidden.size).toBe(0)
  })

  it('a poll that fails halfway keeps what it read: those records come with the error update', async () => {
    // Given 100 messages read 20 a round (2 receives), and the fourth receive times out
    const queue = new FakeQueue()
    queue.add(...Array.from({length: 100}, (_, i) => rawMessage(i)))
    let polls = 0
    const feed = feedFor(queue, {maxPerPoll: 40})
    const updates = await take(feed, 3, () => {
      polls++
      if (polls === 1) queue.failAtReceive = {n: queue.receives + 4, error: new Error('call timed out')}
    })
    expect(updates[1]?.error?.message).toBe('call timed out')
    expect(updates[1]?.added.length).toBeGreaterThan(0)
    // Every message reached the view once: none was counted and then dropped with the failed poll.
    const ids = updates.flatMap((u) => u.added.map((r) => r.messageId))
    expect(new Set(ids).size).toBe(ids.length)
    expect(updates[2]?.stats?.read).toBe(ids.length)
  })

  it('after the first sweep, polls go intervalMs apart and read at most steadyPerPoll', async () => {
    // Given 300 messages, 100 a poll while loading and 40 a poll after
    const queue = new FakeQueue()
    queue.add(...Array.from({length: 300}, (_, i) => rawMessage(i)))
    const sleeps: number[] = []
    const feed = new DlqWatchFeed({
      port: queue,
      decode: plainDecoder(),
      concurrency: 2,
      maxPerPoll: 100,
      steadyPerPoll: 40,
      intervalMs: 1_000,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
    })
    const receivesAt: number[] = []
    const updates = await take(feed, 8, () => receivesAt.push(queue.receives))
    // Loading: back to back (sleep 0) until the sweep closed, then 1 s between polls
    const loadedAt = updates.findIndex((u) => u.loaded)
    expect(loadedAt).toBeGreaterThan(0)
    expect(sleeps.slice(0, loadedAt)).toEqual(Array.from({length: loadedAt}, () => 0))
    expect(sleeps.slice(loadedAt)).toEqual(Array.from({length: sleeps.length - loadedAt}, () => 1_000))
    // Each later poll read at most two rounds of 20 (40 messages, 4 receives), not 100
    const perPoll = receivesAt.slice(loadedAt + 1).map((r, i) => r - (receivesAt[loadedAt + i] as number))
    expect(perPoll.length).toBeGreaterThan(3)
    expect(Math.max(...perPoll)).toBe(4)
  })

  it('throws the first poll error, then reports later ones and keeps going', async () => {
    const queue = new FakeQueue()
    queue.failNext = new Error('queue does not exist')
    await expect(take(feedFor(queue), 1)).rejects.toThrow('queue does not exist')

    queue.add(rawMessage(1))
    const feed = feedFor(queue)
    const updates = await take(feed, 3, (_, n) => {
      if (n === 1) queue.failNext = new Error('connection reset')
    })
    expect(updates[1]?.error?.message).toBe('connection reset')
    expect(updates[2]?.error).toBeUndefined()
  })
})

describe('compactRecord', () => {
  it('shares repeated strings between records without changing them', async () => {
    const {compactRecord} = await import('../../src/services/dlq-watch.js')
    const pool = new Map<string, string>()
    const decode = (i: number) =>
      decodeDlqMessage(JSON.parse(JSON.stringify(rawMessage(i))) as ReturnType<typeof rawMessage>)
    const a = compactRecord(decode(1), pool)
    const plain = decode(3)
    const b = compactRecord(decode(3), pool)
    expect(b).toEqual(plain)
    expect(b.explanation).toBe(a.explanation)
    expect(pool.get(b.errorMessage ?? '')).toBe(a.errorMessage)
  })
})
