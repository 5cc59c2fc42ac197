/** The `top` refresh loop with injected sources: cost per refresh, failures as stale/error, the sample's pace. */
import {describe, expect, it, type Mock, vi} from 'vitest'

import type {DlqSampleValue, MetricSeries, MetricSpec, MetricWindow, TopTarget} from '../../src/core/top-model.js'
import {bounded, TopService, type TopSources} from '../../src/services/top.js'

const target: TopTarget = {
  stack: 's',
  bus: 'default',
  rules: [
    {detailType: 'cacheSet', ruleName: 'set'},
    {detailType: 'cacheDelete', ruleName: 'del'},
    {detailType: 'topicPublish', ruleName: 'pub'},
  ],
  dlq: {queueUrl: 'http://x/000000000000/dlq', queueName: 'dlq'},
  alarms: [{key: 'dlqMessages', name: 's-dlq'}],
}

const SAMPLE: DlqSampleValue = {
  sampled: 2,
  limit: 50,
  truncated: false,
  reasons: [{reason: 'timeout', count: 2, example: 'cacheSet · timeout'}],
  oldestSentMs: 0,
}

type MockedSources = {[K in keyof TopSources]: Mock<TopSources[K]>}

function sources(overrides: Partial<Record<keyof TopSources, unknown>> = {}): MockedSources {
  const metrics = vi.fn(async (specs: readonly MetricSpec[], range: MetricWindow) => {
    const out = new Map<string, MetricSeries>()
    for (const s of specs) out.set(s.id, {id: s.id, timestamps: [range.startMs], values: [1], status: 'Complete'})
    return out
  })
  const alarms = vi.fn(async (names: readonly string[]) =>
    names.map((name) => ({name, state: 'OK' as const, reason: 'fine'})),
  )
  const depth = vi.fn(async () => ({visible: 4, inFlight: 1, delayed: 0}))
  const sample = vi.fn(async (limit: number) => ({...SAMPLE, limit}))
  return {metrics, alarms, depth, sample, ...overrides} as unknown as MockedSources
}

describe('TopService', () => {
  it('makes one metrics call (every series), one alarms call and one depth read per refresh', async () => {
    const src = sources()
    let now = 1_000_000
    const service = new TopService({target, sources: src, window: '1h', now: () => now})
    const snap = await service.refresh(new AbortController().signal, {waitForSample: true})
    expect(src.metrics).toHaveBeenCalledTimes(1)
    expect(src.metrics.mock.calls[0]?.[0]).toHaveLength(27)
    expect(src.metrics.mock.calls[0]?.[1].periodSeconds).toBe(60)
    expect(src.alarms).toHaveBeenCalledWith(['s-dlq'], expect.anything())
    expect(src.sample).toHaveBeenCalledWith(50, expect.anything())
    expect(snap.rules[0]?.invocations.total).toBe(1)
    expect(snap.dlq?.depth).toMatchObject({status: 'ok', visible: 4, inFlight: 1})
    expect(snap.alarms.items[0]).toMatchObject({state: 'OK'})
    expect(snap.failures).toMatchObject({status: 'ok', sampled: 2})
    // The next refreshes within 30 s don't sample again.
    now += 5_000
    await service.refresh(new AbortController().signal, {waitForSample: true})
    now += 5_000
    await service.refresh(new AbortController().signal, {waitForSample: true})
    expect(src.metrics).toHaveBeenCalledTimes(3)
    expect(src.sample).toHaveBeenCalledTimes(1)
    now += 30_000
    await service.refresh(new AbortController().signal, {waitForSample: true})
    expect(src.sample).toHaveBeenCalledTimes(2)
    expect(service.calls).toEqual({metrics: 4, alarms: 4, depth: 4, sample: 2})
  })

  it('shows a failed source as error, then as stale with its last value, and keeps the others', async () => {
    let fail = true
    const src = sources({
      metrics: vi.fn(async () => {
        throw new Error('CloudWatch: Unknown operation GetMetricData\nmore lines')
      }),
      depth: vi.fn(async () => {
        if (fail) throw new Error('SQS is down')
        return {visible: 7, inFlight: 0, delayed: 0}
      }),
    })
    let now = 0
    const service = new TopService({target, sources: src, window: '5m', now: () => now})
    let snap = await service.refresh(new AbortController().signal)
    expect(snap.metrics).toMatchObject({status: 'error', error: 'CloudWatch: Unknown operation GetMetricData'})
    expect(snap.dlq?.depth).toMatchObject({status: 'error', visible: null, error: 'SQS is down'})
    expect(snap.alarms.status).toBe('ok')
    fail = false
    now = 5_000
    snap = await service.refresh(new AbortController().signal)
    expect(snap.dlq?.depth).toMatchObject({status: 'ok', visible: 7, error: null})
    fail = true
    now = 10_000
    snap = await service.refresh(new AbortController().signal)
    expect(snap.dlq?.depth).toMatchObject({status: 'stale', visible: 7, error: 'SQS is down'})
    expect(snap.dlq?.depth.readAt).toBe(new Date(5_000).toISOString())
  })

  it("never reads the depth while a sample hides the queue's messages", async () => {
    let hidden = false
    const src = sources({
      depth: vi.fn(async () =>
        hidden ? {visible: 0, inFlight: 3, delayed: 0} : {visible: 3, inFlight: 0, delayed: 0},
      ),
      sample: vi.fn(async () => {
        hidden = true
        await new Promise((resolve) => setTimeout(resolve, 30))
        hidden = false
        return SAMPLE
      }),
    })
    let now = 0
    const service = new TopService({target, sources: src, window: '5m', now: () => now, sampleEveryMs: 1})
    for (let i = 0; i < 4; i++) {
      now += 10
      const snap = await service.refresh(new AbortController().signal, {waitForSample: i % 2 === 0})
      expect(snap.dlq?.depth).toMatchObject({visible: 3, inFlight: 0})
    }
    expect(src.sample.mock.calls.length).toBeGreaterThanOrEqual(2)
  })

  it('bounds every call in time', async () => {
    const src = sources({alarms: vi.fn(() => new Promise<never>(() => {}))})
    const service = new TopService({target, sources: src, window: '5m', callTimeoutMs: 50})
    const started = Date.now()
    const snap = await service.refresh(new AbortController().signal)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(snap.alarms).toMatchObject({status: 'error', error: 'CloudWatch DescribeAlarms: no answer within 0.1 s'})
    expect(snap.metrics.status).toBe('ok')
  })

  it('passes an aborting signal to the call when the outer signal aborts', async () => {
    const outer = new AbortController()
    let seen: AbortSignal | undefined
    const pending = bounded('x', 10_000, outer.signal, (signal) => {
      seen = signal
      return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('stopped')))
    })
    outer.abort()
    await expect(pending).resolves.toBe('stopped')
    expect(seen?.aborted).toBe(true)
  })

  it('has no alarms, depth or sample source when the stack has none', async () => {
    const src = sources()
    const service = new TopService({target: {...target, alarms: [], dlq: undefined}, sources: src, window: '5m'})
    const snap = await service.refresh(new AbortController().signal, {waitForSample: true})
    expect(src.alarms).not.toHaveBeenCalled()
    expect(src.depth).not.toHaveBeenCalled()
    expect(src.sample).not.toHaveBeenCalled()
    expect(snap.alarms).toMatchObject({status: 'off', items: []})
    expect(snap.failures.status).toBe('off')
    expect(snap.dlq).toBeUndefined()
  })

  it('streams snapshots every interval, refreshes at once on a window switch, and stops on abort', async () => {
    const src = sources({sample: vi.fn(async () => SAMPLE)})
    const service = new TopService({target, sources: src, window: '1h', intervalMs: 1_000, sampleLimit: 0})
    const controller = new AbortController()
    const seen: string[] = []
    const started = Date.now()
    for await (const snap of service.snapshots(controller.signal)) {
      seen.push(snap.window.key)
      if (seen.length === 1) service.setWindow('24h')
      if (seen.length === 2) {
        // The switch didn't wait for the interval.
        expect(Date.now() - started).toBeLessThan(900)
      }
      if (seen.length === 3) controller.abort()
    }
    expect(seen).toEqual(['1h', '24h', '24h'])
    expect(src.metrics.mock.calls[1]?.[1].periodSeconds).toBe(1440)
    expect(src.sample).not.toHaveBeenCalled()
  })

  it('runs the sample in the background of a loop and adds a snapshot when it ends', async () => {
    let release: (() => void) | undefined
    const src = sources({
      sample: vi.fn(
        () =>
          new Promise<DlqSampleValue>((resolve) => {
            release = () => resolve(SAMPLE)
          }),
      ),
    })
    const service = new TopService({target, sources: src, window: '5m', intervalMs: 60_000})
    const controller = new AbortController()
    const statuses: string[] = []
    for await (const snap of service.snapshots(controller.signal)) {
      statuses.push(snap.failures.status)
      if (statuses.length === 1) setTimeout(() => release?.(), 20)
      else controller.abort()
    }
    expect(statuses).toEqual(['pending', 'ok'])
    expect(src.metrics).toHaveBeenCalledTimes(1)
  })
})
