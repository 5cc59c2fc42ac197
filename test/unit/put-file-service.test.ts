/**
 * The `put --file` workflow (services/put-file.ts) over fake ports: what it sends, what it records
 * for --resume, and when it refuses. Pure logic: no file system, no SDK, no process; the journeys with
 * the real file, the built CLI and the sandbox are in test/e2e/put-resume.test.ts and put.test.ts.
 */
import {describe, expect, it} from 'vitest'

import {type MomentoEbError, type StopSignal, UsageError} from '../../src/core/errors.js'
import type {EventsPort, PutEntry, PutEntryResult} from '../../src/core/put-entries.js'
import type {FileIdentity, PutProgress} from '../../src/core/put-progress.js'
import {
  publishFile,
  type PutFileHooks,
  type PutFileInput,
  type PutFileOptions,
  type PutFilePorts,
} from '../../src/services/put-file.js'

const identity: FileIdentity = {
  path: '/data/events.ndjson',
  size: 1234,
  mtimeMs: 1_700_000_000_000,
  head: 'ab'.repeat(32),
}

const line = (key: string) => JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key}})

/** The input as the edge opens it; `null` for stdin (no identity). */
function input(lines: string[], id: FileIdentity | null = identity): PutFileInput {
  const text = `${lines.join('\n')}\n`
  return {
    // Two chunks that split a line: the reader must join them.
    open: async function* () {
      yield text.slice(0, 7)
      yield text.slice(7)
    },
    label: id ? id.path : 'stdin',
    identity: id ?? undefined,
  }
}

/** PutEvents that accepts every entry except the keys in `refuse` (a non-retryable entry error). */
function fakeEvents(refuse: ReadonlySet<string> = new Set(), onCall?: (entries: readonly PutEntry[]) => void) {
  const sent: string[] = []
  const buses: string[] = []
  const port: EventsPort = {
    async putEvents(entries) {
      onCall?.(entries)
      return entries.map((entry): PutEntryResult => {
        const key = (JSON.parse(entry.Detail ?? '{}') as {key: string}).key
        if (refuse.has(key)) return {errorCode: 'MalformedDetail', errorMessage: `refused ${key}`}
        sent.push(key)
        return {eventId: `id-${key}`}
      })
    },
    async describeEventBus(name) {
      buses.push(name)
      return `arn:aws:events:us-east-1:000000000000:event-bus/${name}`
    },
  }
  return {port, sent, buses}
}

/** A progress store in memory: path → the last record written. */
function memoryStore(initial: Record<string, PutProgress> = {}) {
  const records = new Map(Object.entries(initial))
  let closed = 0
  return {
    records,
    closed: () => closed,
    store: {
      pathFor: (id: FileIdentity) => `/state/${id.head.slice(0, 8)}.json`,
      read: (path: string) => records.get(path),
      writer: (path: string) => ({
        path,
        write: (progress: PutProgress) => void records.set(path, progress),
        close: () => void closed++,
      }),
    },
  }
}

function ports(events: EventsPort, store: ReturnType<typeof memoryStore>['store']): PutFilePorts {
  return {events: () => events, publishPort: (direct) => direct, closePublishPort: async () => {}, progress: store}
}

function options(over: Partial<PutFileOptions> = {}, stoppedBy?: () => StopSignal | undefined): PutFileOptions {
  return {
    entryDefaults: {source: 'test', bus: 'default', maxEntryBytes: 256 * 1024},
    resume: false,
    skipInvalid: false,
    concurrency: 2,
    signal: new AbortController().signal,
    stoppedBy: stoppedBy ?? (() => undefined),
    ...over,
  }
}

function hooks(): PutFileHooks & {notes: string[]} {
  const notes: string[] = []
  return {
    notes,
    note: (l) => void notes.push(l),
    logToStderr: (l) => void notes.push(l),
    resumeCommand: () => 'momento-eb put --file /data/events.ndjson --resume',
  }
}

describe('publishFile (services/put-file.ts) over fake ports', () => {
  it('sends every line, checks the bus first, and records the whole file as complete', async () => {
    const keys = Array.from({length: 25}, (_, i) => `k${i}`)
    const events = fakeEvents()
    const memory = memoryStore()
    const result = await publishFile(input(keys.map(line)), ports(events.port, memory.store), options(), hooks())
    expect(result).toMatchObject({lines: 25, sent: 25, failed: 0, skippedInvalid: 0, skippedAlreadySent: 0})
    expect([...events.sent].sort()).toEqual([...keys].sort())
    expect(events.buses).toEqual(['default'])
    const record = memory.records.get('/state/abababab.json')
    expect(record).toMatchObject({acceptedThrough: 25, failedLines: [], complete: true, identity})
    expect(memory.closed()).toBe(1)
  })

  it('an invalid line: nothing sent, a usage error naming the line; --skip-invalid sends the rest', async () => {
    const lines = [line('a'), '{"detailType":"cacheDelete","detail":{}}', line('c')]
    const events = fakeEvents()
    const error = await publishFile(input(lines), ports(events.port, memoryStore().store), options(), hooks()).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as MomentoEbError).code).toBe('EB_INVALID_INPUT')
    expect((error as Error).message).toMatch(
      /1 of 3 lines in \/data\/events.ndjson are invalid, so nothing was sent:\n {2}line 2:/,
    )
    expect(events.sent).toEqual([])
    expect(events.buses).toEqual([])

    const skipped = await publishFile(
      input(lines),
      ports(events.port, memoryStore().store),
      options({skipInvalid: true}),
      hooks(),
    )
    expect(skipped).toMatchObject({sent: 2, skippedInvalid: 1})
    expect(events.sent.sort()).toEqual(['a', 'c'])
  })

  it('an empty input is refused with nothing sent', async () => {
    const events = fakeEvents()
    const error = await publishFile(input([]), ports(events.port, memoryStore().store), options(), hooks()).catch(
      (e: unknown) => e,
    )
    expect((error as Error).message).toMatch(/has no events, so nothing was sent/)
    expect(events.buses).toEqual([])
  })

  it('records refused lines; --resume skips the accepted ones and sends only those again', async () => {
    const keys = Array.from({length: 12}, (_, i) => `k${i}`)
    const memory = memoryStore()
    const first = fakeEvents(new Set(['k3', 'k7']))
    const result = await publishFile(input(keys.map(line)), ports(first.port, memory.store), options(), hooks())
    expect(result).toMatchObject({sent: 10, failed: 2})
    expect(memory.records.get('/state/abababab.json')).toMatchObject({acceptedThrough: 12, failedLines: [4, 8]})

    const second = fakeEvents()
    const out = hooks()
    const resumed = await publishFile(
      input(keys.map(line)),
      ports(second.port, memory.store),
      options({resume: true}),
      out,
    )
    expect(second.sent.sort()).toEqual(['k3', 'k7'])
    expect(resumed).toMatchObject({sent: 2, failed: 0, skippedAlreadySent: 10})
    expect(out.notes.join('\n')).toMatch(
      /skipping 10 lines already accepted \(lines 1–12, except 2 that failed and are sent again\); 2 to send/,
    )
    expect(memory.records.get('/state/abababab.json')).toMatchObject({failedLines: [], complete: true})
  })

  it('--resume with no record, or a record of another version of the file, sends nothing', async () => {
    const events = fakeEvents()
    const none = await publishFile(
      input([line('a')]),
      ports(events.port, memoryStore().store),
      options({resume: true}),
      hooks(),
    ).catch((e: unknown) => e)
    expect((none as MomentoEbError).code).toBe('EB_NOTHING_TO_RESUME')

    const memory = memoryStore({
      '/state/abababab.json': {
        version: 1,
        identity: {...identity, size: 999},
        acceptedThrough: 1,
        failedLines: [],
        complete: true,
        updatedAt: '2026-12-06T00:00:00Z',
      },
    })
    const changed = await publishFile(
      input([line('a')]),
      ports(events.port, memory.store),
      options({resume: true}),
      hooks(),
    ).catch((e: unknown) => e)
    expect((changed as Error).message).toMatch(/another version of the file: its size changed/)
    expect(events.sent).toEqual([])
  })

  it('stopped by a signal after the first call: the error follows the signal, progress covers what settled', async () => {
    const keys = Array.from({length: 100}, (_, i) => `k${i}`)
    for (const [signal, exitCode] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const controller = new AbortController()
      let stopped: StopSignal | undefined
      const events = fakeEvents(new Set(), () => {
        if (!stopped) {
          stopped = signal
          controller.abort()
        }
      })
      const memory = memoryStore()
      const error = (await publishFile(
        input(keys.map(line)),
        ports(events.port, memory.store),
        options({signal: controller.signal, concurrency: 1}, () => stopped),
        hooks(),
      ).catch((e: unknown) => e)) as MomentoEbError
      expect(error.exitCode, signal).toBe(exitCode)
      expect(error.message).toMatch(new RegExp(`\\(${signal}\\): ${events.sent.length} of 100 events were sent`))
      expect(error.hints).toEqual(['To send the rest: momento-eb put --file /data/events.ndjson --resume'])
      expect(events.sent.length).toBeGreaterThan(0)
      expect(events.sent.length).toBeLessThan(100)
      const record = memory.records.get('/state/abababab.json')
      expect(record?.complete).toBe(false)
      expect(record?.acceptedThrough).toBe(events.sent.length)
    }
  })

  it('stdin (no identity) records nothing and says it cannot be resumed when stopped', async () => {
    const controller = new AbortController()
    let stopped: StopSignal | undefined
    const events = fakeEvents(new Set(), () => {
      stopped = 'SIGINT'
      controller.abort()
    })
    const memory = memoryStore()
    const error = (await publishFile(
      input(
        Array.from({length: 50}, (_, i) => line(`s${i}`)),
        null,
      ),
      ports(events.port, memory.store),
      options({signal: controller.signal, concurrency: 1}, () => stopped),
      hooks(),
    ).catch((e: unknown) => e)) as MomentoEbError
    expect(error.exitCode).toBe(130)
    expect(error.hints[0]).toMatch(/Stdin cannot be resumed/)
    expect(memory.records.size).toBe(0)
  })

  it('a progress store that cannot be written warns and still sends everything', async () => {
    const events = fakeEvents()
    const out = hooks()
    const broken = {
      ...memoryStore().store,
      writer: () => {
        throw new Error('ENOSPC: no space left on device')
      },
    }
    const result = await publishFile(input([line('a'), line('b')]), ports(events.port, broken), options(), out)
    expect(result.sent).toBe(2)
    expect(out.notes.join('\n')).toMatch(
      /can't record progress in \/state\/abababab.json \(ENOSPC.*--resume won't work/,
    )
  })
})
