import {describe, expect, it} from 'vitest'

import {
  type EventsPort,
  packEntries,
  parseEventLine,
  type PutEntry,
  type PutEntryResult,
} from '../../src/core/put-entries.js'
import {type NumberedEntry, PublishAbortedError, publishEntries} from '../../src/services/publish-events.js'

const defaults = {source: 'momento-eb', bus: 'default', maxEntryBytes: 262_144}

function entry(n: number, size = 10): NumberedEntry {
  return {line: n, entry: {Source: 's', DetailType: 'cacheDelete', Detail: 'x'.repeat(size), EventBusName: 'default'}}
}

async function* from<T>(items: T[]): AsyncIterable<T> {
  yield* items
}

/** A fake EventBridge: records calls; `script` decides each entry's result per call. */
function fakePort(script: (entry: PutEntry, call: number) => PutEntryResult): EventsPort & {calls: PutEntry[][]} {
  const calls: PutEntry[][] = []
  return {
    calls,
    async putEvents(entries) {
      calls.push([...entries])
      return entries.map((e) => script(e, calls.length))
    },
    async describeEventBus(name) {
      return `arn:aws:events:us-east-1:000000000000:event-bus/${name}`
    },
  }
}

const noSleep = async (): Promise<void> => {}

describe('packEntries', () => {
  it('splits by count and by total size, in order', () => {
    expect(packEntries(Array(23).fill(1), 1000).map((g) => g.length)).toEqual([10, 10, 3])
    expect(packEntries([400, 400, 400, 100], 1000)).toEqual([
      [0, 1],
      [2, 3],
    ])
  })
})

describe('parseEventLine', () => {
  it('accepts our shape and the PutEvents entry shape', () => {
    const ours = parseEventLine('{"detailType":"cacheDelete","detail":{"cacheName":"c","key":"k"}}', defaults)
    expect(ours).toEqual({
      ok: true,
      entry: {
        Source: 'momento-eb',
        DetailType: 'cacheDelete',
        Detail: '{"cacheName":"c","key":"k"}',
        EventBusName: 'default',
      },
    })
    const line = JSON.stringify({
      DetailType: 'cacheDelete',
      Detail: '{"cacheName":"c","key":"k"}',
      Source: 'app',
      EventBusName: 'b',
    })
    const theirs = parseEventLine(line, defaults)
    expect(theirs.ok && theirs.entry).toMatchObject({Source: 'app', EventBusName: 'b'})
  })

  it.each([
    ['{not json', /Malformed JSON/],
    ['[1]', /not a JSON object/],
    ['{"detailType":"cacheGet","detail":{}}', /Unknown detail type/],
    ['{"DetailType":"cacheSet","Detail":"{oops"}', /Detail is not valid JSON/],
  ])('reports %s', (line, expected) => {
    const result = parseEventLine(line, defaults)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.issues[0]?.message).toMatch(expected)
  })

  it('reports an entry over the size limit', () => {
    const line = JSON.stringify({
      detailType: 'cacheSet',
      detail: {cacheName: 'c', key: 'k', ttl: 1, message: 'x'.repeat(300)},
    })
    const result = parseEventLine(line, {...defaults, maxEntryBytes: 200})
    expect(!result.ok && result.issues[0]?.message).toMatch(/at most 200 bytes/)
  })
})

describe('publishEntries', () => {
  it('sends everything in calls of at most 10 entries', async () => {
    const port = fakePort(() => ({eventId: 'id'}))
    const summary = await publishEntries(from(Array.from({length: 25}, (_, i) => entry(i + 1))), {
      port,
      maxEntryBytes: 1000,
      sleep: noSleep,
    })
    expect(summary).toMatchObject({sent: 25, failed: 0, retried: 0})
    expect(port.calls.map((c) => c.length).sort()).toEqual([10, 10, 5])
  })

  it('retries only the throttled entries and reports non-retryable ones per line', async () => {
    // Given: line 2 is throttled on the first call only, line 3 is always malformed.
    const port = fakePort((e, call) => {
      if (e.Detail === 'x'.repeat(2) && call === 1) return {errorCode: 'ThrottlingException', errorMessage: 'slow down'}
      if (e.Detail === 'x'.repeat(3)) return {errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.'}
      return {eventId: `id-${e.Detail.length}`}
    })
    // When
    const summary = await publishEntries(from([entry(1, 1), entry(2, 2), entry(3, 3)]), {
      port,
      maxEntryBytes: 1000,
      sleep: noSleep,
      keepEventIds: true,
    })
    // Then
    expect(port.calls.map((c) => c.map((e) => e.Detail.length))).toEqual([[1, 2, 3], [2]])
    expect(summary).toMatchObject({sent: 2, failed: 1, retried: 1})
    expect(summary.failures).toEqual([{line: 3, errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.'}])
    expect(summary.eventIds.get(2)).toBe('id-2')
  })

  it('gives up after maxAttempts with growing, jittered backoff', async () => {
    const delays: number[] = []
    const port = fakePort(() => ({errorCode: 'InternalFailure', errorMessage: 'boom'}))
    const summary = await publishEntries(from([entry(1)]), {
      port,
      maxEntryBytes: 1000,
      maxAttempts: 4,
      baseDelayMs: 100,
      random: () => 0.5,
      sleep: async (ms) => void delays.push(ms),
    })
    expect(port.calls).toHaveLength(4)
    expect(delays).toEqual([50, 100, 200])
    expect(summary).toMatchObject({sent: 0, failed: 1, retried: 3})
  })

  it('stops and says what was sent when a whole call fails', async () => {
    let calls = 0
    const port: EventsPort = {
      async putEvents(entries) {
        if (++calls === 2) throw new Error('connection refused')
        return entries.map(() => ({eventId: 'ok'}))
      },
      describeEventBus: async () => 'arn',
    }
    const error = await publishEntries(from(Array.from({length: 30}, (_, i) => entry(i + 1))), {
      port,
      maxEntryBytes: 1000,
      concurrency: 1,
      sleep: noSleep,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PublishAbortedError)
    expect((error as PublishAbortedError).summary.sent).toBe(10)
  })

  it('keeps at most `concurrency` calls in flight', async () => {
    let active = 0
    let peak = 0
    const port: EventsPort = {
      async putEvents(entries) {
        peak = Math.max(peak, ++active)
        await new Promise((r) => setTimeout(r, 2))
        active--
        return entries.map(() => ({eventId: 'ok'}))
      },
      describeEventBus: async () => 'arn',
    }
    await publishEntries(from(Array.from({length: 200}, (_, i) => entry(i))), {
      port,
      maxEntryBytes: 1000,
      concurrency: 3,
    })
    expect(peak).toBe(3)
  })
})

describe('publishEntries: settled prefix and stopping (put --file --resume)', () => {
  /** A port whose calls resolve only when the test says so, in any order. */
  function manualPort() {
    const pending: Array<{entries: readonly PutEntry[]; resolve: (r: PutEntryResult[]) => void}> = []
    const port: EventsPort = {
      putEvents: (entries) => new Promise((resolve) => pending.push({entries, resolve})),
      describeEventBus: async (name) => name,
    }
    const answer = (index: number) => {
      const call = pending[index] as (typeof pending)[number]
      call.resolve(call.entries.map(() => ({eventId: 'id'})))
    }
    return {port, pending, answer}
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve))

  it('reports only the contiguous settled prefix when calls finish out of order', async () => {
    const {port, pending, answer} = manualPort()
    const settled: number[] = []
    const run = publishEntries(from(Array.from({length: 30}, (_, i) => entry(i + 1))), {
      port,
      maxEntryBytes: 1000,
      concurrency: 3,
      sleep: noSleep,
      onSettled: (through) => settled.push(through),
    })
    await tick()
    expect(pending).toHaveLength(3)
    answer(2) // lines 21–30 first: nothing before them is settled yet
    await tick()
    expect(settled).toEqual([])
    answer(0)
    await tick()
    expect(settled).toEqual([10])
    answer(1)
    await run
    expect(settled).toEqual([10, 30])
  })

  it('stops reading on the signal, waits for the calls in flight, and does not retry after it', async () => {
    const {port, pending} = manualPort()
    const controller = new AbortController()
    let read = 0
    async function* source() {
      for (let i = 1; i <= 1000; i++) {
        read = i
        yield entry(i)
      }
    }
    const settled: number[] = []
    const run = publishEntries(source(), {
      port,
      maxEntryBytes: 1000,
      concurrency: 2,
      sleep: noSleep,
      signal: controller.signal,
      onSettled: (through) => settled.push(through),
    })
    await tick()
    expect(pending).toHaveLength(2)
    controller.abort()
    // The first call comes back half throttled: those entries are not retried, they fail as Interrupted.
    const first = pending[0] as (typeof pending)[number]
    first.resolve(
      first.entries.map((_, i) => (i < 5 ? {eventId: 'id'} : {errorCode: 'ThrottlingException', errorMessage: 'slow'})),
    )
    const second = pending[1] as (typeof pending)[number]
    second.resolve(second.entries.map(() => ({eventId: 'id'})))
    const summary = await run
    expect(summary).toMatchObject({stopped: true, sent: 15, failed: 5})
    expect(summary.failures.map((f) => [f.line, f.errorCode])).toEqual([6, 7, 8, 9, 10].map((l) => [l, 'Interrupted']))
    expect(pending).toHaveLength(2)
    expect(read).toBeLessThan(40)
    expect(settled.at(-1)).toBe(20)
  })
})

describe('publishEntries: a slow batch holds the window', () => {
  it('never has more than `concurrency` batches past the settled prefix', async () => {
    const pending: Array<{entries: readonly PutEntry[]; resolve: (r: PutEntryResult[]) => void}> = []
    const port: EventsPort = {
      putEvents: (entries) => new Promise((resolve) => pending.push({entries, resolve})),
      describeEventBus: async (name) => name,
    }
    const ok = (i: number) => {
      const call = pending[i] as (typeof pending)[number]
      call.resolve(call.entries.map(() => ({eventId: 'id'})))
    }
    const tick = () => new Promise((resolve) => setImmediate(resolve))
    const run = publishEntries(from(Array.from({length: 100}, (_, i) => entry(i + 1))), {
      port,
      maxEntryBytes: 1000,
      concurrency: 3,
      sleep: noSleep,
    })
    await tick()
    // The first batch is slow; the next two settle: no fourth call while the first is out.
    ok(1)
    ok(2)
    await tick()
    await tick()
    expect(pending).toHaveLength(3)
    ok(0)
    await tick()
    expect(pending).toHaveLength(6)
    for (let i = 3; i < 10; i++) {
      ok(i)
      await tick()
    }
    await run
  })
})
