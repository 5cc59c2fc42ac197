import {render} from 'ink-testing-library'
import {afterEach, describe, expect, it, vi} from 'vitest'

import type {DlqRecord} from '../../src/core/dlq.js'
import type {RedriveCounts, WatchActions} from '../../src/core/dlq-watch-actions.js'
import type {FeedSource, FeedUpdate} from '../../src/ui/dlq/hooks/use-feed.js'
import type {WatchState} from '../../src/ui/dlq/state.js'
import {WatchApp} from '../../src/ui/dlq/WatchApp.js'
import {createTheme} from '../../src/ui/theme.js'
import {record, records} from '../unit/dlq-watch-fixtures.js'

const SIZE = {rows: 24, columns: 80}
const ESC = '\u001B'
const DOWN = '\u001B[B'
const ENTER = '\r'

/** A feed the test pushes updates into. */
function manualFeed() {
  const queued: FeedUpdate[] = []
  let wake: (() => void) | undefined
  const source: FeedSource = {
    async *updates(signal) {
      while (!signal.aborted) {
        const next = queued.shift()
        if (next) yield next
        else await new Promise<void>((resolve) => (wake = resolve))
      }
    },
  }
  return {
    source,
    push(added: readonly DlqRecord[], extra: Partial<FeedUpdate> = {}) {
      queued.push({
        added,
        gone: [],
        depth: {visible: added.length, inFlight: 0},
        arrivalsPerSecond: 0,
        goneTotal: 0,
        loaded: true,
        known: added.length,
        ...extra,
      })
      wake?.()
    },
  }
}

function fakeActions(overrides: Partial<WatchActions> = {}) {
  return {
    delete: vi.fn(async (rs: readonly DlqRecord[]) => rs.map((r) => r.messageId)),
    export: vi.fn(async () => 'dlq-watch-20261126T120000Z.ndjson'),
    forget: vi.fn(),
    ...overrides,
  } satisfies WatchActions
}

let unmount: (() => void) | undefined
afterEach(() => unmount?.())

function mount(
  actions: WatchActions = fakeActions(),
  onState?: (s: WatchState) => void,
  clock?: {now: () => number; tickMs: number; staleAfterMs: number},
) {
  const feed = manualFeed()
  const app = render(
    <WatchApp
      queue="momento-dlq"
      feed={feed.source}
      actions={actions}
      theme={createTheme(false)}
      size={SIZE}
      onState={onState}
      {...(clock ?? {})}
    />,
  )
  unmount = app.unmount
  const frame = () => app.lastFrame() ?? ''
  const waitFor = async (predicate: (frame: string) => boolean, what: string) => {
    const deadline = Date.now() + 3_000
    while (!predicate(frame())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return frame()
  }
  const press = async (keys: string, until: (frame: string) => boolean, what: string) => {
    app.stdin.write(keys)
    return waitFor(until, what)
  }
  return {app, feed, frame, waitFor, press}
}

function expectFits(frame: string, columns = SIZE.columns) {
  const lines = frame.split('\n')
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(columns)
  // The frame never grows past the terminal (pageSize + 8 rows)
  expect(lines.length).toBeLessThanOrEqual(SIZE.rows)
}

describe('dlq watch view', () => {
  it('shows reading, then an empty queue', async () => {
    const {feed, waitFor, frame} = mount()
    await waitFor((f) => f.includes('reading the queue'), 'reading')
    feed.push([], {depth: {visible: 0, inFlight: 0}})
    await waitFor((f) => f.includes('the queue is empty'), 'empty queue')
    expect(frame()).toContain('DLQ momento-dlq · 0 visible · 0 in flight · 0/s new · 0 gone')
    expect(frame()).toContain('no messages')
    expectFits(frame())
  })

  it('lists messages newest first with the header, the grouped reasons and every key in the footer', async () => {
    const {feed, waitFor} = mount()
    feed.push(records(40), {depth: {visible: 40, inFlight: 2}, arrivalsPerSecond: 2.5, goneTotal: 3})
    const frame = await waitFor((f) => f.includes('order-39'), 'rows')
    expect(frame).toContain('40 visible · 2 in flight · 2.5/s new · 3 gone')
    expect(frame).toContain('40 total: cache-not-found 28  timeout 8  rate-limited 4')
    expect(frame).toMatch(/^> 12:00:39 cache-not-found {4}cacheSet {5}orders {5}order-39 +404 *$/m)
    expect(frame).toContain('1–15 of 40')
    for (const key of [
      '↑↓ move',
      'PgUp/PgDn',
      'Enter details',
      '/ filter',
      'r redrive',
      'R redrive all',
      'e edit',
      'd delete',
      'x export',
      '? help',
      'q quit',
    ]) {
      expect(frame).toContain(key)
    }
    expectFits(frame)
  })

  it('moves with the arrows, opens the detail with Enter and goes back with Esc', async () => {
    const {feed, waitFor, press} = mount()
    feed.push(records(10))
    await waitFor((f) => f.includes('> 12:00:09'), 'first row selected')
    await press(DOWN, (f) => f.includes('> 12:00:08'), 'second row selected')
    const detail = await press(ENTER, (f) => f.includes('Reason'), 'detail')
    expect(detail).toContain('Message  msg-000008')
    expect(detail).toMatch(/Reason {3}cache-not-found \(HTTP 404, ERROR_FROM_TARGET, 0 retries\)/)
    expect(detail).toContain('Why      ')
    expect(detail).toMatch(/Evidence error-text/)
    expect(detail).toContain('Run      momento cache create carts')
    expect(detail).toContain('rule     arn:aws:events:us-east-1:000000000000:rule/momento-cacheSet')
    expect(detail).toContain('Esc/Enter back')
    expect(detail).toMatch(/… \d+ more lines \(PgDn\)/)
    expectFits(detail)
    const scrolled = await press('\u001B[6~', (f) => f.includes('lines above (PgUp)'), 'scrolled detail')
    expect(scrolled).toContain('"detail-type": "cacheSet"')
    expectFits(scrolled)
    await press(ESC, (f) => f.includes('SENT UTC'), 'list again')
  })

  it('filters with / and clears with c', async () => {
    const {feed, waitFor, press} = mount()
    feed.push(records(20))
    await waitFor((f) => f.includes('20 total'), 'list')
    await press('/', (f) => f.includes('type a filter'), 'filter mode')
    const typing = await press('reason:timeout', (f) => f.includes('/ reason:timeout'), 'typed filter')
    expect(typing).toContain('Enter apply  Esc cancel')
    const applied = await press(ENTER, (f) => f.includes('4 total: timeout 4'), 'filtered list')
    expect(applied).toContain('1–4 of 4 matching "reason:timeout"')
    expect(applied).toContain('filter: reason:timeout')
    await press('c', (f) => f.includes('20 total'), 'cleared')
  })

  it('handles every key of a burst: "jjj" in one write moves the selection 3 rows', async () => {
    let last: WatchState | undefined
    const {app, feed, waitFor, frame} = mount(fakeActions(), (s) => (last = s))
    feed.push(records(10))
    await waitFor((f) => f.includes('> 12:00:09'), 'first row selected')
    app.stdin.write('jjj')
    await waitFor((f) => f.includes('> 12:00:06'), 'fourth row selected')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(frame()).toContain('> 12:00:06')
    expect(last?.cursor).toBe(3)
    app.stdin.write('kk')
    await waitFor((f) => f.includes('> 12:00:08'), 'second row selected')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(last?.cursor).toBe(1)
  })

  it('handles a pasted filter with its Enter in one write: "/reason:timeout\r"', async () => {
    const {app, feed, waitFor} = mount()
    feed.push(records(20))
    await waitFor((f) => f.includes('20 total'), 'list')
    app.stdin.write('/reason:timeout\r')
    const applied = await waitFor((f) => f.includes('filter: reason:timeout'), 'filtered list')
    expect(applied).toContain('4 total: timeout 4')
    expect(applied).toContain('1–4 of 4 matching "reason:timeout"')
  })

  it('asks before redriving all; n cancels, y redrives with progress in the header', async () => {
    let report: ((c: RedriveCounts) => void) | undefined
    let finish: (() => void) | undefined
    const redrive = vi.fn(
      (rs: readonly DlqRecord[], onProgress: (c: RedriveCounts) => void) =>
        new Promise<{total: number; sent: number; failed: number; skipped: number; redrivenIds: string[]}>(
          (resolve) => {
            report = onProgress
            finish = () =>
              resolve({
                total: rs.length,
                sent: rs.length,
                failed: 0,
                skipped: 0,
                redrivenIds: rs.map((r) => r.messageId),
              })
          },
        ),
    )
    const actions = fakeActions({redrive})
    const {feed, waitFor, press} = mount(actions)
    feed.push(records(4))
    await waitFor((f) => f.includes('4 total'), 'list')
    const asked = await press('R', (f) => f.includes('CONFIRM'), 'confirmation')
    // Half the records are cache-not-found: the question says they need a fix first.
    expect(asked).toMatch(/CONFIRM Redrive 4 messages\? \d need a fix first \(cache-not-found\)/)
    expect(asked).toContain('y yes  n/Esc no')
    await press('n', (f) => f.includes('cancelled'), 'cancelled')
    expect(redrive).not.toHaveBeenCalled()
    await press('R', (f) => f.includes('CONFIRM'), 'confirmation again')
    await press('y', (f) => f.includes('redrive RUNNING 0/4'), 'running')
    report?.({total: 4, sent: 2, failed: 0, skipped: 0})
    await waitFor((f) => f.includes('redrive RUNNING 2/4 · 2 sent'), 'progress')
    // The view stays responsive while the redrive runs
    await press(DOWN, (f) => f.includes('> 12:00:02'), 'moved during redrive')
    finish?.()
    const done = await waitFor((f) => f.includes('redrive DONE 4/4'), 'done')
    expect(done).toContain('OK redrove 4 messages')
    expect(done).toContain('the queue is empty')
    expect(actions.forget).toHaveBeenCalledWith(['msg-000003', 'msg-000002', 'msg-000001', 'msg-000000'])
  })

  it('says redrive is unavailable when there is no redrive service', async () => {
    const {feed, waitFor, press} = mount(fakeActions())
    feed.push(records(2))
    await waitFor((f) => f.includes('2 total'), 'list')
    // The selected message needs a fix first, so r asks; y goes on to the (missing) redrive service.
    await press('r', (f) => f.includes('needs a fix first'), 'asked first')
    const frame = await press('y', (f) => f.includes('UNAVAILABLE'), 'unavailable')
    expect(frame).toContain('WARNING redrive unavailable in this build')
  })

  it('deletes after confirmation and exports to a file it names', async () => {
    const actions = fakeActions()
    const {feed, waitFor, press} = mount(actions)
    feed.push([record(1), record(2)])
    await waitFor((f) => f.includes('2 total'), 'list')
    await press('d', (f) => f.includes('CONFIRM Delete message msg-0000'), 'delete confirmation')
    await press('y', (f) => f.includes('OK deleted 1 message'), 'deleted')
    expect(actions.delete).toHaveBeenCalledTimes(1)
    expect(actions.delete).toHaveBeenCalledWith([expect.objectContaining({messageId: 'msg-000002'})])
    await waitFor((f) => f.includes('1 total'), 'one left')
    // x asks where, suggesting a new file here; Enter takes the suggestion.
    await press('x', (f) => f.includes('export 1 message to:') && f.includes('dlq-watch-TIME.ndjson'), 'export prompt')
    await press('\r', (f) => f.includes('exported 1 message to dlq-watch-20261126T120000Z.ndjson'), 'exported')
    expect(actions.export).toHaveBeenLastCalledWith([expect.anything()], undefined)
  })

  it('exports to the path typed at the prompt; Esc cancels; a failure is shown as the action says it', async () => {
    const actions = fakeActions({
      export: vi.fn(async (_rs: readonly DlqRecord[], path?: string) => {
        if (path === '/nope/out.ndjson')
          throw new Error("can't write /nope/out.ndjson: its directory doesn't exist; press x and give another path")
        return path ?? 'default.ndjson'
      }),
    })
    const {feed, waitFor, press} = mount(actions)
    feed.push([record(1), record(2)])
    await waitFor((f) => f.includes('2 total'), 'list')
    await press('x', (f) => f.includes('export 2 messages to:'), 'export prompt')
    await press('\u001B', (f) => f.includes('export cancelled'), 'cancelled')
    expect(actions.export).not.toHaveBeenCalled()
    await press('x', (f) => f.includes('export 2 messages to:'), 'export prompt again')
    await press('/nope/out.ndjson\r', (f) => f.includes("ERROR can't write /nope/out.ndjson"), 'a clean error')
    await press('x', (f) => f.includes('export 2 messages to:'), 'export prompt once more')
    await press('mine.ndjson\r', (f) => f.includes('exported 2 messages to mine.ndjson'), 'exported to the path')
  })

  it('edits, then asks before redriving the edited event', async () => {
    const redrive = vi.fn(async (rs: readonly DlqRecord[], _p: unknown, edits?: ReadonlyMap<string, unknown>) => {
      expect(edits?.get('msg-000001')).toEqual({cacheName: 'orders'})
      return {total: 1, sent: 1, failed: 0, skipped: 0, redrivenIds: rs.map((r) => r.messageId)}
    })
    const edit = vi.fn(async () => ({
      kind: 'edited' as const,
      summary: 'cacheName: "carts" → "orders"',
      edits: new Map([['msg-000001', {cacheName: 'orders'}]]),
    }))
    const {feed, waitFor, press, app} = mount(fakeActions({redrive, edit}))
    feed.push([record(1)])
    await waitFor((f) => f.includes('1 total'), 'list')
    const asked = await press('e', (f) => f.includes('CONFIRM'), 'confirmation of the edit')
    expect(asked).toContain('CONFIRM Redrive the edited event (cacheName: "carts" → "orders")? [y/N]')
    expect(edit).toHaveBeenCalledTimes(1)
    // Input comes back after the editor: wait for Ink to listen to stdin again.
    await waitFor(() => app.stdin.listenerCount('readable') > 0, 'input listener')
    await press('y', (f) => f.includes('OK redrove 1 message'), 'redriven')
    expect(redrive).toHaveBeenCalledTimes(1)
  })

  it('shows help with ? and closes it', async () => {
    const {feed, waitFor, press} = mount()
    feed.push(records(3))
    await waitFor((f) => f.includes('3 total'), 'list')
    const help = await press('?', (f) => f.includes('Keys'), 'help')
    expect(help).toContain('e              edit in $EDITOR, then redrive')
    expect(help).toContain('q Ctrl-C       quit')
    expectFits(help)
    await press('?', (f) => f.includes('SENT UTC'), 'list again')
  })

  it('quits on q and on Ctrl-C', async () => {
    for (const key of ['q', '\u0003']) {
      let last: WatchState | undefined
      const {feed, waitFor, app} = mount(fakeActions(), (s) => (last = s))
      feed.push(records(1))
      await waitFor((f) => f.includes('1 total'), 'list')
      app.stdin.write(key)
      const deadline = Date.now() + 2_000
      while (!last?.quit && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
      expect(last?.quit).toBe(true)
      app.unmount()
    }
  })

  it('says how stale the data is once reads stall, and again when they fail; a good read clears it', async () => {
    let now = 1_000_000
    const {feed, waitFor, frame} = mount(fakeActions(), undefined, {now: () => now, tickMs: 10, staleAfterMs: 6_000})
    feed.push(records(3))
    await waitFor((f) => f.includes('3 total'), 'list')
    // A few intervals without a read, but not past the limit: nothing to say yet.
    now += 5_000
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(frame()).not.toContain('STALE')
    // The feed stalls (a read that never answers yields nothing): the clock shows it.
    now += 30_000
    let stale = await waitFor((f) => f.includes('last read 35 s ago'), 'stale after a stall')
    expect(stale).toMatch(/^STALE last read 35 s ago, still retrying *$/m)
    expect(stale).toContain('order-2')
    expectFits(stale)
    now += 90_000
    await waitFor((f) => f.includes('last read 2 min 5 s ago'), 'older')
    // A good read clears it.
    feed.push([])
    await waitFor((f) => !f.includes('STALE'), 'fresh again')
    // A failed read is stale at once, with the error in the header.
    now += 1_000
    feed.push([], {
      error: new Error('Can’t read the queue: No answer from http://127.0.0.1:9 within 10 s (3 attempts).'),
    })
    stale = await waitFor((f) => f.includes('STALE last read 1 s ago'), 'stale after an error')
    expect(stale).toContain('FEED ERROR')
    expectFits(stale)
  })

  it('says the queue has not answered when nothing was ever read', async () => {
    let now = 5_000_000
    const {waitFor} = mount(fakeActions(), undefined, {now: () => now, tickMs: 10, staleAfterMs: 6_000})
    now += 8_000
    await waitFor((f) => f.includes('STALE no answer from the queue for 8 s'), 'never read')
  })

  it('colours only through the theme, and not at all without colour', () => {
    expect(createTheme(true).style('warn')).toEqual({color: 'yellow'})
    expect(createTheme(true).style('error')).toMatchObject({color: 'red'})
    for (const tone of ['muted', 'ok', 'warn', 'error', 'accent'] as const) {
      expect(createTheme(false).style(tone)).not.toHaveProperty('color')
    }
    expect(createTheme(false).style('selected')).toEqual({inverse: true})
  })
})
