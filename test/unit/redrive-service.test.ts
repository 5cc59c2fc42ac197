import {describe, expect, it} from 'vitest'

import {RemoteError} from '../../src/core/errors.js'
import {memoryJournal} from '../../src/core/journal.js'
import type {RuleStatus} from '../../src/core/redrive-plan.js'
import {redriveQueue, redriveRecords, type RedriveDeps} from '../../src/services/redrive.js'
import {deadLetterEverything, FakeEvents, FakeQueue, rawMessage, record, RULE_ON_BUS} from './redrive-fakes.js'

const noSleep = async () => {}

function setup(count: number, spec: Parameters<typeof rawMessage>[0] extends infer S ? Partial<S> : never = {}) {
  const queue = new FakeQueue(Array.from({length: count}, (_, i) => rawMessage({id: `m${i}`, ...spec})))
  const events = new FakeEvents()
  const journal = memoryJournal()
  const deps: RedriveDeps = {queue, events, journal, sleep: noSleep}
  return {queue, events, journal, deps}
}

describe('redriveQueue', () => {
  it('publishes every message, then deletes it, journaling published before deleted', async () => {
    const {queue, events, journal, deps} = setup(25)
    const order: string[] = []
    const del = queue.delete.bind(queue)
    queue.delete = async (handles) => {
      // At the moment of the delete, every message in it is already published and journaled.
      for (const h of handles) {
        expect(events.published.some((e) => JSON.parse(e.Detail).key === `k-${h.messageId}`)).toBe(true)
        expect(journal.lines.some((l) => l.messageId === h.messageId && l.phase === 'published')).toBe(true)
        order.push(h.messageId)
      }
      return del(handles)
    }
    const summary = await redriveQueue(deps, {rate: 0})
    expect(summary).toMatchObject({received: 25, selected: 25, redriven: 25, failed: 0, skipped: 0})
    expect(queue.messages.size).toBe(0)
    expect(events.published).toHaveLength(25)
    expect(order).toHaveLength(25)
    expect(journal.lines.filter((l) => l.phase === 'deleted')).toHaveLength(25)
    expect(summary.eventIds[0]).toMatchObject({
      oldEventId: expect.stringMatching(/^ev-m/),
      newEventId: expect.stringMatching(/^new-/),
    })
  })

  it('leaves entries that failed in the queue and releases them (visibility 0)', async () => {
    const {queue, events, deps} = setup(10)
    events.behave = (entries) =>
      entries.map((e) =>
        JSON.parse(e.Detail).key === 'k-m3' ? {errorCode: 'AccessDeniedException', errorMessage: 'no'} : {eventId: 'x'},
      )
    const released: string[] = []
    const change = queue.changeVisibility.bind(queue)
    queue.changeVisibility = async (handles, seconds) => {
      if (seconds === 0) released.push(...handles.map((h) => h.messageId))
      return change(handles, seconds)
    }
    const summary = await redriveQueue(deps, {rate: 0})
    expect(summary).toMatchObject({
      redriven: 9,
      failed: 1,
      failures: [{messageId: 'm3', errorCode: 'AccessDeniedException'}],
    })
    expect([...queue.messages.keys()]).toEqual(['m3'])
    expect(released).toEqual(['m3'])
    expect(queue.messages.get('m3')?.visibleAt).toBeLessThanOrEqual(Date.now())
  })

  it('retries throttled entries, backs the pace off, and delivers everything once', async () => {
    const {queue, events, deps} = setup(40)
    let throttledOnce = 0
    events.behave = (entries, call) =>
      call % 2 === 1
        ? entries.map((_, i) => {
            if (i % 2 === 0) return {eventId: `t-${call}-${i}`}
            throttledOnce++
            return {errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded'}
          })
        : undefined
    const summary = await redriveQueue(deps, {rate: 1000, workers: 1})
    expect(throttledOnce).toBeGreaterThan(0)
    expect(summary).toMatchObject({redriven: 40, failed: 0})
    expect(summary.rate.decreases).toBeGreaterThan(0)
    expect(summary.rate.current).toBeLessThan(1000)
    expect(queue.messages.size).toBe(0)
    const keys = events.published.map((e) => JSON.parse(e.Detail).key)
    expect(new Set(keys).size).toBe(40)
    expect(keys).toHaveLength(40)
  })

  it('retries a whole throttled request', async () => {
    const {queue, events, deps} = setup(5)
    events.behave = (_entries, call) => {
      if (call === 1) throw new RemoteError('throttled', {cause: {name: 'ThrottlingException'}})
      return undefined
    }
    const summary = await redriveQueue(deps, {rate: 100})
    expect(summary).toMatchObject({redriven: 5, failed: 0})
    expect(summary.rate.decreases).toBe(1)
    expect(queue.messages.size).toBe(0)
  })

  it('stops and deletes nothing more when the bus disappears mid-redrive (PutEvents still gives EventIds)', async () => {
    const {queue, events, deps} = setup(50, {ruleArn: RULE_ON_BUS})
    events.afterPut = (call) => {
      if (call === 2) events.buses.delete('orders-bus')
    }
    const summary = await redriveQueue(deps, {rate: 0, workers: 1})
    // Batch 1 confirmed; batch 2 got EventIds but the bus was gone when checked after the put.
    expect(summary.redriven).toBe(10)
    expect(summary.failed).toBe(10)
    expect(summary.failures[0]).toMatchObject({errorCode: 'BusNotFound'})
    expect(summary.stoppedBecause).toContain('orders-bus')
    expect(queue.messages.size).toBe(40)
  })

  it('checks the bus before the first PutEvents', async () => {
    const {queue, events, deps} = setup(5)
    events.buses.clear()
    const summary = await redriveQueue(deps, {rate: 0})
    expect(events.calls).toBe(0)
    expect(summary.failed).toBe(5)
    expect(queue.messages.size).toBe(5)
  })

  it('re-receives a message whose receipt handle expired and deletes it without publishing it again', async () => {
    const {queue, events, journal, deps} = setup(10)
    queue.expireOnDelete = new Set(['m4'])
    const summary = await redriveQueue(deps, {rate: 0, workers: 1})
    expect(queue.messages.size).toBe(0)
    expect(events.published.filter((e) => JSON.parse(e.Detail).key === 'k-m4')).toHaveLength(1)
    expect(summary).toMatchObject({redriven: 10, deleteFailed: 0})
    expect(journal.lines.filter((l) => l.messageId === 'm4').map((l) => l.phase)).toEqual(['published', 'deleted'])
  })

  it('deletes what an interrupted run published, without publishing it again', async () => {
    const {queue, events, deps} = setup(5)
    deps.journal = memoryJournal(
      new Map([
        [
          'm1',
          {messageId: 'm1', oldEventId: 'ev-m1', newEventId: 'n', runId: 'old-run', time: new Date().toISOString()},
        ],
      ]),
    )
    const summary = await redriveQueue(deps, {rate: 0})
    expect(summary).toMatchObject({recovered: 1, redriven: 4})
    expect(summary.interruptedRuns).toMatchObject([{runId: 'old-run', pending: 1}])
    expect(events.published.map((e) => JSON.parse(e.Detail).key)).not.toContain('k-m1')
    expect(queue.messages.size).toBe(0)
  })

  it('matches an interrupted run by old event id too', async () => {
    const {queue, events, deps} = setup(0)
    queue.messages.set('copy', {raw: rawMessage({id: 'copy', eventId: 'ev-original'}), receives: 0, visibleAt: 0})
    deps.journal = memoryJournal(
      new Map([
        [
          'gone',
          {messageId: 'gone', oldEventId: 'ev-original', newEventId: 'n', runId: 'r', time: new Date().toISOString()},
        ],
      ]),
    )
    const summary = await redriveQueue(deps, {rate: 0})
    expect(summary.recovered).toBe(1)
    expect(events.calls).toBe(0)
  })

  it('dry run: reports the exact entries, publishes and deletes nothing, releases everything', async () => {
    const {queue, events, journal, deps} = setup(12)
    const summary = await redriveQueue(deps, {rate: 0, dryRun: true})
    expect(summary.entries).toHaveLength(12)
    expect(summary.entries[0]?.entry).toMatchObject({
      Source: 'momento-eb',
      DetailType: 'cacheSet',
      EventBusName: 'default',
    })
    expect(events.calls).toBe(0)
    expect(journal.lines).toEqual([])
    expect(queue.messages.size).toBe(12)
    expect([...queue.messages.values()].every((m) => m.visibleAt <= Date.now())).toBe(true)
  })

  it('selects by filter and by id, leaving the rest untouched', async () => {
    const {queue, events, deps} = setup(20)
    const byId = await redriveQueue(deps, {rate: 0, ids: new Set(['m3', 'ev-m7'])})
    expect(byId).toMatchObject({selected: 2, redriven: 2})
    expect(events.published.map((e) => JSON.parse(e.Detail).key).sort()).toEqual(['k-m3', 'k-m7'])
    expect(queue.messages.size).toBe(18)
    const filtered = await redriveQueue(deps, {rate: 0, select: (r) => r.messageId.endsWith('1')})
    expect(filtered.redriven).toBe(2) // m1, m11
    expect(queue.messages.size).toBe(16)
  })

  it('stops receiving on abort (Ctrl-C), finishes nothing half-way, and releases what it holds', async () => {
    const {queue, events, deps} = setup(100)
    const controller = new AbortController()
    events.afterPut = (call) => {
      if (call === 3) controller.abort()
    }
    const summary = await redriveQueue(deps, {rate: 0, workers: 2, signal: controller.signal})
    expect(summary.interrupted).toBe(true)
    expect(summary.redriven).toBe(events.published.length)
    expect(queue.messages.size).toBe(100 - summary.redriven)
    expect([...queue.messages.values()].every((m) => m.visibleAt <= Date.now())).toBe(true)
  })

  it('skips expired and superseded events and counts them by reason; the superseded one is deleted with its newer event, the rest stay', async () => {
    // Sent (SQS clock) before the run's injected start, as every pre-run message is.
    const sent = Date.parse('2026-11-26T11:00:00Z')
    const queue = new FakeQueue([
      rawMessage({
        id: 'old',
        sent,
        time: '2026-01-01T00:00:00Z',
        detail: {cacheName: 'c', key: 'k', message: 'a', ttl: 60},
      }),
      rawMessage({
        id: 'a',
        sent,
        time: '2026-11-26T10:00:00Z',
        detail: {cacheName: 'c', key: 'same', message: 'a', ttl: 86_400},
      }),
      rawMessage({
        id: 'b',
        sent,
        time: '2026-11-26T10:01:00Z',
        detail: {cacheName: 'c', key: 'same', message: 'b', ttl: 86_400},
      }),
      rawMessage({id: 'junk', sent, body: '"hello"'}),
    ])
    const events = new FakeEvents()
    const summary = await redriveQueue(
      {queue, events, journal: memoryJournal(), sleep: noSleep, now: () => Date.parse('2026-11-26T12:00:00Z')},
      {rate: 0},
    )
    expect(summary).toMatchObject({
      redriven: 1,
      skipped: 3,
      skippedByReason: {expired: 1, superseded: 1, 'not-redrivable': 1},
      supersededDeleted: 1,
    })
    // 'a' (older, same key as 'b') is settled with 'b': a later run can't put its value back.
    expect([...queue.messages.keys()].sort()).toEqual(['junk', 'old'])
  })

  describe('collapse settles the older events with the newer one', () => {
    const sent = Date.parse('2026-11-26T11:00:00Z')
    const now = () => Date.parse('2026-11-26T12:00:00Z')
    const pair = () =>
      new FakeQueue([
        rawMessage({id: 'new', sent, time: '2026-11-26T10:01:00Z', detail: {cacheName: 'c', key: 'k', message: 'NEW'}}),
        rawMessage({id: 'old', sent, time: '2026-11-26T10:00:00Z', detail: {cacheName: 'c', key: 'k', message: 'OLD'}}),
      ])

    it('in a later batch of the same run: deleted, journaled as published with the newer event id, not released', async () => {
      const queue = pair()
      const events = new FakeEvents()
      const journal = memoryJournal()
      const released: string[] = []
      const change = queue.changeVisibility.bind(queue)
      queue.changeVisibility = async (handles, seconds) => {
        if (seconds === 0) released.push(...handles.map((h) => h.messageId))
        return change(handles, seconds)
      }
      // Rate 5: one message per receive, so 'old' comes in a batch after 'new' was published.
      const summary = await redriveQueue({queue, events, journal, sleep: noSleep, now}, {rate: 5, workers: 1})
      expect(summary).toMatchObject({redriven: 1, supersededDeleted: 1})
      expect(events.published.map((e) => JSON.parse(e.Detail).message)).toEqual(['NEW'])
      expect(queue.messages.size).toBe(0)
      expect(released).toEqual([])
      const newId = summary.eventIds[0]?.newEventId
      const lines = journal.lines.filter((l) => l.messageId === 'old')
      expect(lines.map((l) => l.phase)).toEqual(['published', 'deleted'])
      expect(lines[0]?.newEventId).toBe(newId)
    })

    it('when the newer one fails, the older one stays in the queue with it', async () => {
      const queue = pair()
      const events = new FakeEvents()
      events.behave = (entries) => entries.map(() => ({errorCode: 'AccessDeniedException', errorMessage: 'no'}))
      const summary = await redriveQueue({queue, events, journal: memoryJournal(), sleep: noSleep, now}, {rate: 0})
      expect(summary).toMatchObject({redriven: 0, failed: 1, supersededDeleted: 0})
      expect([...queue.messages.keys()].sort()).toEqual(['new', 'old'])
    })

    it('a dry run deletes nothing', async () => {
      const queue = pair()
      const events = new FakeEvents()
      const summary = await redriveQueue(
        {queue, events, journal: memoryJournal(), sleep: noSleep, now},
        {rate: 0, dryRun: true},
      )
      expect(summary).toMatchObject({redriven: 1, supersededDeleted: 0})
      expect(queue.messages.size).toBe(2)
    })
  })

  describe("the message's rule", () => {
    const TARGET = 'arn:aws:events:us-east-1:000000000000:api-destination/set/1'
    const ruleDeps = (count: number, status: () => RuleStatus) => {
      const s = setup(count)
      let describes = 0
      s.deps.describeRule = async () => {
        describes++
        return status()
      }
      return {...s, describes: () => describes}
    }

    it('disabled before the run: nothing published, all kept, stops naming the rule and the fix', async () => {
      const {queue, events, deps} = ruleDeps(25, () => ({found: true, state: 'DISABLED', targetArns: [TARGET]}))
      const summary = await redriveQueue(deps, {rate: 0})
      expect(events.calls).toBe(0)
      expect(queue.messages.size).toBe(25)
      expect(summary.redriven).toBe(0)
      expect(summary.failures[0]).toMatchObject({errorCode: 'RuleDisabled'})
      expect(summary.stoppedBecause).toContain('Rule momento-cacheSet is DISABLED')
      expect(summary.stoppedBecause).toContain(
        'aws events enable-rule --name momento-cacheSet --event-bus-name default',
      )
    })

    it('deleted, or without the target: RuleNotFound / TargetNotFound, nothing published', async () => {
      for (const [status, code] of [
        [{found: false}, 'RuleNotFound'],
        [{found: true, state: 'ENABLED', targetArns: ['arn:other']}, 'TargetNotFound'],
      ] as const) {
        const {queue, events, deps} = ruleDeps(5, () => status)
        const summary = await redriveQueue(deps, {rate: 0})
        expect(events.calls).toBe(0)
        expect(queue.messages.size).toBe(5)
        expect(summary.failures[0]?.errorCode).toBe(code)
      }
    })

    it('disabled mid-run: the batch published after it is kept (not deleted), the run stops', async () => {
      let enabled = true
      const {queue, events, deps} = ruleDeps(50, () => ({
        found: true,
        state: enabled ? 'ENABLED' : 'DISABLED',
        targetArns: [TARGET],
      }))
      events.afterPut = (call) => {
        if (call === 2) enabled = false
      }
      const summary = await redriveQueue(deps, {rate: 0, workers: 1})
      expect(summary.redriven).toBe(10)
      expect(summary.failed).toBe(10)
      expect(summary.failures[0]?.errorMessage).toContain('reached nothing')
      expect(summary.stoppedBecause).toContain('DISABLED')
      expect(queue.messages.size).toBe(40)
    })

    it('a rule check that fails (no permission) publishes nothing and releases the batch', async () => {
      const {queue, events, deps} = setup(5)
      deps.describeRule = async () => {
        throw new RemoteError('AccessDenied: events:DescribeRule')
      }
      await expect(redriveQueue(deps, {rate: 0, workers: 1})).rejects.toThrow('Redrive stopped part-way')
      expect(events.calls).toBe(0)
      expect(queue.messages.size).toBe(5)
      for (const m of queue.messages.values()) expect(m.visibleAt).toBeLessThanOrEqual(Date.now())
    })

    it('is checked per rule, not per message, and not at all with --bus', async () => {
      const {events, deps, describes} = ruleDeps(200, () => ({found: true, state: 'ENABLED', targetArns: [TARGET]}))
      const summary = await redriveQueue(deps, {rate: 0, workers: 8})
      expect(summary.redriven).toBe(200)
      // One before the first put, then about one per round of batches (20 batches here), never one per message.
      expect(describes()).toBeLessThanOrEqual(events.calls + 1)
      expect(describes()).toBeLessThan(200)

      const other = ruleDeps(5, () => ({found: false}))
      const withBus = await redriveQueue(other.deps, {rate: 0, bus: 'orders-bus'})
      expect(withBus.redriven).toBe(5)
      expect(other.describes()).toBe(0)
    })
  })

  it('uses the discovered API destination rate when none is given', async () => {
    const {deps} = setup(3)
    let asked = ''
    deps.discoverRate = async (arn) => {
      asked = arn
      return 7
    }
    const summary = await redriveQueue(deps, {})
    expect(asked).toContain(':rule/')
    expect(summary.rate.target).toBe(7)
  })
})

describe('a run never feeds on itself (cause not fixed: every event comes back)', () => {
  it('publishes each message once, leaves the returns in the queue and counts them by reason', async () => {
    // Given 25 dead letters whose cause is not fixed, and returns that beat the PutEvents response
    // (the first call answers late: other loops receive its returns while it is still in flight)
    const {queue, events, deps} = setup(25)
    deadLetterEverything(events, queue, {beforeResponseMs: (call) => (call === 1 ? 60 : 0)})
    const released: string[] = []
    const change = queue.changeVisibility.bind(queue)
    queue.changeVisibility = async (handles, seconds) => {
      if (seconds === 0) released.push(...handles.map((h) => h.messageId))
      return change(handles, seconds)
    }
    // When the whole queue is redriven with no rate cap (64 loops)
    const summary = await redriveQueue(deps, {rate: 0, workers: 3})
    // Then each original was published exactly once and deleted; its return was not published
    expect(events.published).toHaveLength(25)
    expect(new Set(events.published.map((e) => JSON.parse(e.Detail).key)).size).toBe(25)
    expect(summary).toMatchObject({received: 25, redriven: 25, failed: 0, newArrivals: 0})
    expect(summary.cameBack).toMatchObject({total: 25, byReason: {'cache-not-found': 25}})
    expect(summary.cameBack.messages.every((m) => m.by === 'event-id' && m.eventId?.startsWith('new-'))).toBe(true)
    // And the returns are in the queue, released for the next run
    expect([...queue.messages.keys()].every((id) => id.startsWith('back-'))).toBe(true)
    expect(queue.messages.size).toBe(25)
    expect(released.sort()).toEqual([...queue.messages.keys()].sort())
    expect([...queue.messages.values()].every((m) => m.visibleAt <= Date.now())).toBe(true)
  })

  it('does the same when paced (one loop, returns arriving between receives)', async () => {
    const {queue, events, deps} = setup(12)
    deadLetterEverything(events, queue)
    const summary = await redriveQueue(deps, {rate: 1000})
    expect(events.published).toHaveLength(12)
    expect(summary.cameBack.total).toBe(12)
    expect(queue.messages.size).toBe(12)
  })

  it('leaves messages that reached the DLQ after the run started for the next run', async () => {
    const {queue, events, deps} = setup(3)
    queue.add(rawMessage({id: 'later', sent: Date.now() + 10 * 60_000}))
    const summary = await redriveQueue(deps, {rate: 0})
    expect(summary).toMatchObject({redriven: 3, newArrivals: 1})
    expect(events.published.map((e) => JSON.parse(e.Detail).key)).not.toContain('k-later')
    expect([...queue.messages.keys()]).toEqual(['later'])
  })

  it('ends even when new failures keep arriving on every receive', async () => {
    const {queue, events, deps} = setup(30)
    let arrivals = 0
    queue.onReceive = () => {
      for (let i = 0; i < 10; i++)
        queue.add(rawMessage({id: `new-failure-${++arrivals}`, sent: Date.now() + 3_600_000}))
    }
    const summary = await redriveQueue(deps, {rate: 0, workers: 2})
    expect(events.published).toHaveLength(30)
    expect(summary.redriven).toBe(30)
    expect(summary.newArrivals).toBeGreaterThan(0)
    expect(queue.messages.size).toBe(arrivals)
  })

  it('a dry run sends nothing and reports no returns', async () => {
    const {queue, events, deps} = setup(5)
    deadLetterEverything(events, queue)
    const summary = await redriveQueue(deps, {rate: 0, dryRun: true})
    expect(events.calls).toBe(0)
    expect(summary.cameBack.total).toBe(0)
    expect(queue.messages.size).toBe(5)
  })
})

describe('redriveRecords (the watch view’s r / R / e)', () => {
  it('publishes the given records once even when they come back at once', async () => {
    const {queue, events, deps} = setup(3)
    deadLetterEverything(events, queue)
    const raws = await queue.receive({max: 10, visibilityTimeoutSeconds: 60, waitSeconds: 0})
    const records = raws
      .map((raw) => record({id: raw.messageId}))
      .map((r, i) => ({...r, receiptHandle: raws[i]!.receiptHandle}))
    // A stale handle forces the run to receive again, where it meets the returns.
    queue.expireOnDelete.add('m1')
    const summary = await redriveRecords(records, deps, {rate: 0})
    expect(events.published).toHaveLength(3)
    expect(summary.redriven).toBe(3)
    expect([...queue.messages.keys()].every((id) => id.startsWith('back-'))).toBe(true)
    expect(queue.messages.size).toBe(3)
  })

  it('redrives held records with their handles and applies edits', async () => {
    const {queue, events, deps} = setup(3)
    const raws = await queue.receive({max: 10, visibilityTimeoutSeconds: 60, waitSeconds: 0})
    const records = raws
      .map((raw) => record({id: raw.messageId}))
      .map((r, i) => ({...r, receiptHandle: raws[i]!.receiptHandle}))
    const edits = new Map([['m0', {cacheName: 'orders', key: 'fixed', message: 'v', ttl: 60, ttl_seconds: 60}]])
    const summary = await redriveRecords(records, deps, {rate: 0, edits})
    expect(summary.redriven).toBe(3)
    expect(events.published.map((e) => JSON.parse(e.Detail).key).sort()).toEqual(['fixed', 'k-m1', 'k-m2'])
    expect(queue.messages.size).toBe(0)
  })

  it('finds a message again when its handle went stale and deletes it without republishing', async () => {
    const {queue, events, deps} = setup(2)
    const stale = [record({id: 'm0'}), record({id: 'm1'})] // handles #0: never valid in the fake queue
    const summary = await redriveRecords(stale, deps, {rate: 0})
    expect(events.published).toHaveLength(2)
    expect(summary.redriven).toBe(2)
    expect(queue.messages.size).toBe(0)
  })
})
