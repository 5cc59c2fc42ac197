import {render} from 'ink-testing-library'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {
  buildSnapshot,
  type MetricSeries,
  metricSpecs,
  type SnapshotInput,
  TOP_WINDOWS,
  type TopSnapshot,
  type TopTarget,
  type TopWindowKey,
  windowRange,
} from '../../src/core/top-model.js'
import {createTheme} from '../../src/ui/theme.js'
import {TopApp, type TopExit, type TopFeed} from '../../src/ui/top/TopApp.js'
import {asciiFromEnv, plainText, topLines} from '../../src/ui/top/lines.js'

const NOW = Date.UTC(2026, 11, 6, 12, 30, 20)

const target: TopTarget = {
  stack: 'momento-api',
  bus: 'default',
  rules: [
    {detailType: 'cacheSet', ruleName: 'momento-api-CacheSetRule-AB'},
    {detailType: 'cacheDelete', ruleName: 'momento-api-CacheDeleteRule-CD'},
    {detailType: 'topicPublish', ruleName: 'momento-api-TopicPublishRule-EF'},
  ],
  dlq: {queueUrl: 'http://localhost/000000000000/momento-dlq', queueName: 'momento-dlq'},
  alarms: [
    {key: 'dlqMessages', name: 'a-dlq'},
    {key: 'eventsLost', name: 'a-lost'},
    {key: 'throttled', name: 'a-throttled'},
    {key: 'failureRatio', name: 'a-ratio'},
  ],
}

/** A snapshot with every series filled: invocations ramping up, a few failures, retries and DLQ writes. */
function snapshot(window: TopWindowKey = '1h', overrides: Partial<SnapshotInput> = {}): TopSnapshot {
  const range = windowRange(TOP_WINDOWS[window], NOW)
  const n = (range.endMs - range.startMs) / (range.periodSeconds * 1000)
  const series = new Map<string, MetricSeries>()
  for (const spec of metricSpecs(target)) {
    const timestamps = Array.from({length: n}, (_, i) => range.startMs + i * range.periodSeconds * 1000)
    const value = (i: number): number => {
      if (spec.id.endsWith('_invocations')) return 10 + i
      if (spec.id.endsWith('_latency')) return 120
      if (spec.id === 'r0_failures' || spec.id === 'r0_dlqWrites') return i === n - 2 ? 3 : 0
      if (spec.id === 'r0_retries') return i % 7 === 0 ? 2 : 0
      if (spec.id === 'r2_dlqWriteFailures') return i === 1 ? 1 : 0
      if (spec.id === 'dlq_visible') return i > n - 3 ? 3 : 0
      if (spec.id === 'dlq_age') return 300
      return 0
    }
    series.set(spec.id, {id: spec.id, timestamps, values: timestamps.map((_, i) => value(i)), status: 'Complete'})
  }
  return buildSnapshot({
    target,
    window,
    nowMs: NOW,
    metrics: {status: 'ok', value: {range, series}, at: NOW - 2_000},
    depth: {status: 'ok', value: {visible: 3, inFlight: 0, delayed: 0}, at: NOW},
    alarms: {
      status: 'ok',
      value: [
        {name: 'a-dlq', state: 'ALARM', reason: 'Threshold crossed'},
        {name: 'a-lost', state: 'ALARM', reason: 'Threshold crossed'},
        {name: 'a-throttled', state: 'OK', reason: ''},
        {name: 'a-ratio', state: 'INSUFFICIENT_DATA', reason: ''},
      ],
      at: NOW,
    },
    sample: {
      status: 'ok',
      value: {
        sampled: 3,
        limit: 50,
        truncated: false,
        reasons: [
          {reason: 'cache-not-found', count: 2, example: 'cacheSet · cache orders · HTTP 404 · Cache not found'},
          {reason: 'server-error', count: 1, example: 'cacheSet · cache orders · HTTP 500'},
        ],
        oldestSentMs: NOW - 400_000,
      },
      at: NOW - 10_000,
    },
    ...overrides,
  })
}

/** A feed the test drives: snapshots pushed by hand, window switches recorded. */
function manualFeed(initial: TopWindowKey = '1h') {
  const queued: TopSnapshot[] = []
  let wake: (() => void) | undefined
  let window = initial
  const feed: TopFeed & {switches: TopWindowKey[]; push(s: TopSnapshot): void} = {
    get window() {
      return window
    },
    switches: [],
    setWindow(key) {
      window = key
      this.switches.push(key)
    },
    async *snapshots(signal) {
      while (!signal.aborted) {
        const next = queued.shift()
        if (next) yield next
        else await new Promise<void>((resolve) => (wake = resolve))
      }
    },
    push(s) {
      queued.push(s)
      wake?.()
    },
  }
  return feed
}

let unmount: (() => void) | undefined
afterEach(() => unmount?.())

function mount(size = {rows: 24, columns: 80}, extra: {ascii?: boolean; onExit?: (how: TopExit) => void} = {}) {
  const feed = manualFeed()
  const app = render(
    <TopApp
      feed={feed}
      theme={createTheme(false)}
      title="momento-api · bus default"
      size={size}
      now={() => NOW}
      {...extra}
    />,
  )
  unmount = app.unmount
  const frame = () => app.lastFrame() ?? ''
  const waitFor = async (predicate: (f: string) => boolean, what: string) => {
    const deadline = Date.now() + 3_000
    while (!predicate(frame())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return frame()
  }
  return {app, feed, frame, waitFor}
}

function expectFits(frame: string, size: {rows: number; columns: number}) {
  const lines = frame.split('\n')
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(size.columns)
  expect(lines.length).toBeLessThanOrEqual(size.rows)
}

describe('top dashboard', () => {
  it('says it is reading, then shows rules, sparklines, the DLQ, alarms and failure reasons in 80×24', async () => {
    const {feed, waitFor} = mount()
    await waitFor((f) => f.includes('Reading metrics'), 'loading')
    feed.push(snapshot())
    const f = await waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    if (process.env['SHOW_FRAME']) console.log(f)
    expect(f).toContain('momento-eb top  momento-api · bus default · 1 hour (1m points) · 12:30:20')
    expect(f).toMatch(/^metrics ok 2s ago · rates per minute · matched on all buses 0\/min$/m)
    expect(f).toMatch(/^RULE +INV\/min +FAIL +RETRY +THROT +DLQ +LATENCY +invocations, 1 hour/m)
    // 10+11+…+69 = 2,370 invocations over 59⅓ minutes ≈ 40/min; 3 failures; 18 retries; 3 DLQ writes.
    expect(f).toMatch(/^cacheSet +40 +3 +18 +0 +3 +120ms +[▁▂▃▄▅▆▇█]+$/m)
    expect(f).toMatch(/^ +fail [▁▂▃▄▅▆▇█ ]+retry [▁▂▃▄▅▆▇█ ]+dlq [▁▂▃▄▅▆▇█ ]+$/m)
    expect(f).toMatch(/^DLQ depth 3 visible · 0 in flight · oldest 5m {2}momento-dlq$/m)
    expect(f).toContain('LOST: 1 events failed to reach the DLQ (InvocationsFailedToBeSentToDlq)')
    expect(f).toContain('ALARMS dlq ALARM · lost ALARM · throttled OK · failures no data')
    expect(f).toContain('TOP FAILURES of 3 DLQ messages, sampled 10s ago')
    expect(f).toMatch(/^ {2}cache-not-found +×2 +cacheSet · cache orders · HTTP 404 · Cache not found$/m)
    expect(f).toContain('all sources read')
    expect(f).toContain('1 5m · 2 1h · 3 24h · w window · d dlq watch · q quit')
    expectFits(f, {rows: 24, columns: 80})
  })

  it('switches the window with 1, 2, 3 and w, and says it is refreshing', async () => {
    const {app, feed, waitFor} = mount()
    feed.push(snapshot())
    await waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    app.stdin.write('1')
    await waitFor((x) => x.includes('Window: 5m, refreshing…'), 'the notice')
    feed.push(snapshot('5m'))
    let f = await waitFor((x) => x.includes('5 min (1m points)'), 'the 5-minute window')
    expect(f).not.toContain('refreshing')
    app.stdin.write('3')
    app.stdin.write('w')
    app.stdin.write('2')
    await waitFor(() => feed.switches.length === 4, 'four switches')
    expect(feed.switches).toEqual(['5m', '24h', '5m', '1h'])
    feed.push(snapshot('24h'))
    f = await waitFor((x) => x.includes('24 hours (24m points)'), 'the 24-hour window')
    expect(f).toContain('invocations, 24 hours')
  })

  it('q quits; d asks the command to open dlq watch', async () => {
    const quit = vi.fn()
    const first = mount(undefined, {onExit: quit})
    first.feed.push(snapshot())
    await first.waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    first.app.stdin.write('q')
    await first.waitFor(() => quit.mock.calls.length > 0, 'exit')
    expect(quit).toHaveBeenCalledWith('quit')
    first.app.unmount()

    const handOff = vi.fn()
    const second = mount(undefined, {onExit: handOff})
    second.feed.push(snapshot())
    await second.waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    second.app.stdin.write('d')
    await second.waitFor(() => handOff.mock.calls.length > 0, 'exit')
    expect(handOff).toHaveBeenCalledWith('dlq-watch')
  })

  it('shows a source that failed, and unread metrics as "-" instead of zeros', async () => {
    const {feed, waitFor} = mount()
    feed.push(
      snapshot('1h', {
        metrics: {status: 'error', error: "Can't read CloudWatch metrics: can't reach the endpoint."},
        alarms: {status: 'error', error: 'AccessDenied'},
      }),
    )
    const f = await waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    expect(f).toMatch(/^metrics UNAVAILABLE/m)
    expect(f).toMatch(/^cacheSet +- +- +- +- +- +-$/m)
    expect(f).not.toMatch(/fail [▁▂▃▄▅▆▇█]/)
    expect(f).toMatch(/^\[\+1 more\] metrics unavailable: Can't read CloudWatch metrics: can't reach the e…$/m)
    expect(f).toContain('ALARMS UNAVAILABLE')
    // The DLQ is still there, its age from the sample (a lower bound).
    expect(f).toMatch(/depth 3 visible · 0 in flight · oldest ≥6m/)
  })

  it('says so when the stack has no alarms, and when the metrics are stale', async () => {
    const {feed, waitFor} = mount()
    const s = snapshot('1h', {alarms: {status: 'off'}})
    feed.push({
      ...s,
      alarms: {...s.alarms, items: []},
      metrics: {...s.metrics, status: 'stale', error: 'CloudWatch GetMetricData: no answer within 12 s'},
    })
    const f = await waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    expect(f).toContain('ALARMS no alarms (stack deployed without them)')
    expect(f).toMatch(/^metrics STALE \(2s old\)/m)
    expect(f).toContain('metrics stale: CloudWatch GetMetricData: no answer within 12 s')
  })

  it('degrades under 80×24: narrower and shorter frames still fit, keeping rules, DLQ, status and keys', async () => {
    for (const size of [
      {rows: 16, columns: 60},
      {rows: 12, columns: 50},
      {rows: 10, columns: 40},
    ]) {
      const {feed, waitFor, app} = mount(size)
      feed.push(snapshot())
      const f = await waitFor((x) => x.includes('cacheSet'), `the dashboard at ${size.columns}×${size.rows}`)
      expectFits(f, size)
      for (const want of ['cacheSet', 'cacheDelete', 'topicPublish', 'DLQ', 'q quit']) expect(f, f).toContain(want)
      app.unmount()
    }
  })

  it('draws ASCII sparklines with --ascii and respects NO_COLOR (no escape codes without colour)', async () => {
    const {feed, waitFor} = mount(undefined, {ascii: true})
    feed.push(snapshot())
    const f = await waitFor((x) => x.includes('cacheSet'), 'the dashboard')
    expect(f).not.toMatch(/[▁▂▃▄▅▆▇█]/)
    expect(f).toMatch(/^cacheSet .*120ms +[_.\-~=+*#]+$/m)
    expect(f).not.toContain('\u001b[3')
  })
})

describe('topLines', () => {
  it('never exceeds the width or the height', () => {
    const s = snapshot()
    for (const [width, height] of [
      [80, 24],
      [120, 40],
      [60, 16],
      [30, 8],
      [10, 4],
    ] as const) {
      const lines = topLines(s, {width, height, nowMs: NOW})
      expect(lines.length).toBeLessThanOrEqual(height)
      for (const line of plainText(lines).split('\n')) expect([...line].length).toBeLessThanOrEqual(width)
    }
  })

  it('uses colour tones only next to words (ALARM is a word, not just red)', () => {
    const lines = topLines(snapshot(), {width: 80, height: 24, nowMs: NOW})
    const alarm = lines.find((l) => l[0]?.text === 'ALARMS ')
    expect(alarm?.find((s) => s.text === 'ALARM')?.tone).toBe('error')
    expect(alarm?.find((s) => s.text === 'OK')?.tone).toBe('ok')
  })
})

describe('asciiFromEnv', () => {
  it('draws ASCII only when the locale says it is not UTF-8', () => {
    expect(asciiFromEnv({})).toBe(false)
    expect(asciiFromEnv({LANG: 'en_US.UTF-8'})).toBe(false)
    expect(asciiFromEnv({LANG: 'C'})).toBe(true)
    expect(asciiFromEnv({LC_ALL: 'C.utf8', LANG: 'C'})).toBe(false)
    expect(asciiFromEnv({LC_ALL: 'POSIX', LANG: 'en_US.UTF-8'})).toBe(true)
  })
})
