/**
 * `momento-eb top`'s refresh loop over injected sources (CloudWatch metrics, alarms, the DLQ's
 * attributes, a DLQ sample). Cheap on AWS by construction: per refresh ONE GetMetricData call for
 * every series (metricSpecs), one DescribeAlarms (only when the stack has alarms), one
 * GetQueueAttributes; the DLQ sample (a peek of at most `sampleLimit` messages) only every
 * `sampleEveryMs` (30 s), in the background so it never delays the metrics.
 *
 * Every call is bounded in time; a source that fails or doesn't answer shows in the snapshot as
 * `error` (never read) or `stale` (its last good value, with the failure), and the loop goes on.
 */
import {
  buildSnapshot,
  type AlarmView,
  type DlqDepthValue,
  type DlqSampleValue,
  type MetricSeries,
  type MetricSpec,
  type MetricWindow,
  metricSpecs,
  type SourceState,
  TOP_WINDOWS,
  type TopSnapshot,
  type TopTarget,
  type TopWindowKey,
  summarizeSample,
  windowRange,
} from '../core/top-model.js'
import type {DlqQueuePort} from '../core/dlq.js'
import type {BatchDecoder} from './dlq-diagnose.js'
import {peekDlq} from './dlq-list.js'

/** Where the data comes from (the command wires the AWS adapters; tests pass fakes). */
export interface TopSources {
  /** All `specs` over `range` in one GetMetricData call. */
  metrics(
    specs: readonly MetricSpec[],
    range: MetricWindow,
    signal: AbortSignal,
  ): Promise<ReadonlyMap<string, MetricSeries>>
  alarms(names: readonly string[], signal: AbortSignal): Promise<readonly AlarmView[]>
  depth(signal: AbortSignal): Promise<DlqDepthValue>
  /** Peek at most `limit` messages (never deleting them) and summarise their reasons. */
  sample(limit: number, signal: AbortSignal): Promise<DlqSampleValue>
}

export interface TopServiceOptions {
  readonly target: TopTarget
  readonly sources: TopSources
  readonly window: TopWindowKey
  /** Between refreshes; clamped to 1 s … 300 s. Default 5 s. */
  readonly intervalMs?: number | undefined
  /** How long one call may take before it counts as failed. Default 10 s. */
  readonly callTimeoutMs?: number | undefined
  /** How long a DLQ sample may take. Default 30 s. */
  readonly sampleTimeoutMs?: number | undefined
  /** Messages a sample reads; 0 turns the sample off. Default 50. */
  readonly sampleLimit?: number | undefined
  /** Between samples. Default 30 s. */
  readonly sampleEveryMs?: number | undefined
  readonly now?: (() => number) | undefined
}

export const DEFAULT_INTERVAL_MS = 5_000
export const MIN_INTERVAL_MS = 1_000
export const MAX_INTERVAL_MS = 300_000
export const DEFAULT_SAMPLE_LIMIT = 50
export const DEFAULT_SAMPLE_EVERY_MS = 30_000

type MetricsValue = {range: MetricWindow; series: ReadonlyMap<string, MetricSeries>}

/** A source that failed or timed out, one line. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]?.trim() || 'unknown error'
}

/** `state` after a failed read: stale when an older value exists, else error. */
function failed<T>(state: SourceState<T>, error: unknown): SourceState<T> {
  return state.value !== undefined
    ? {status: 'stale', value: state.value, at: state.at, error: oneLine(error)}
    : {status: 'error', error: oneLine(error)}
}

/**
 * Run `call` with a signal that aborts after `ms` or when `outer` aborts; reject after `ms` even if
 * the call ignores its signal.
 */
export function bounded<T>(
  what: string,
  ms: number,
  outer: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  const onAbort = () => controller.abort()
  outer.addEventListener('abort', onAbort, {once: true})
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new Error(`${what}: no answer within ${Math.round(ms / 100) / 10} s`))
    }, ms)
  })
  return Promise.race([call(controller.signal), timeout]).finally(() => {
    clearTimeout(timer)
    outer.removeEventListener('abort', onAbort)
  })
}

/** The refresh loop. One instance per `top` run. */
export class TopService {
  private readonly target: TopTarget
  private readonly sources: TopSources
  private readonly specs: MetricSpec[]
  private readonly intervalMs: number
  private readonly callTimeoutMs: number
  private readonly sampleTimeoutMs: number
  private readonly sampleLimit: number
  private readonly sampleEveryMs: number
  private readonly now: () => number
  private windowKey: TopWindowKey
  private metrics: SourceState<MetricsValue> = {status: 'pending'}
  private alarms: SourceState<readonly AlarmView[]>
  private depth: SourceState<DlqDepthValue>
  private sample: SourceState<DlqSampleValue>
  private sampleStartedAt: number | undefined
  private sampling: Promise<void> | undefined
  private wake: (() => void) | undefined
  /** Set when something asked for a new snapshot while the loop wasn't sleeping. */
  private woken = false
  /** Calls made per source (benchmarks and tests check the cost). */
  readonly calls = {metrics: 0, alarms: 0, depth: 0, sample: 0}

  constructor(options: TopServiceOptions) {
    this.target = options.target
    this.sources = options.sources
    this.specs = metricSpecs(options.target)
    this.windowKey = options.window
    this.intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, options.intervalMs ?? DEFAULT_INTERVAL_MS))
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000
    this.sampleTimeoutMs = options.sampleTimeoutMs ?? 30_000
    this.sampleLimit = Math.max(0, options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT)
    this.sampleEveryMs = options.sampleEveryMs ?? DEFAULT_SAMPLE_EVERY_MS
    this.now = options.now ?? Date.now
    this.alarms = options.target.alarms.length > 0 ? {status: 'pending'} : {status: 'off'}
    this.depth = options.target.dlq ? {status: 'pending'} : {status: 'off'}
    this.sample = options.target.dlq && this.sampleLimit > 0 ? {status: 'pending'} : {status: 'off'}
  }

  get window(): TopWindowKey {
    return this.windowKey
  }

  /** Switch the window; a running loop refreshes at once. The old window's series are dropped. */
  setWindow(key: TopWindowKey): void {
    if (key === this.windowKey) return
    this.windowKey = key
    this.metrics = {status: 'pending'}
    this.poke()
  }

  /** The snapshot of what is known now (no calls). */
  snapshot(): TopSnapshot {
    return buildSnapshot({
      target: this.target,
      window: this.windowKey,
      nowMs: this.now(),
      metrics: this.metrics,
      depth: this.depth,
      alarms: this.alarms,
      sample: this.sample,
    })
  }

  /**
   * One refresh: metrics, alarms and depth in parallel; the sample when due. With `waitForSample`
   * (one-shot runs) the sample is awaited; otherwise it runs in the background.
   */
  async refresh(signal: AbortSignal, options: {waitForSample?: boolean} = {}): Promise<TopSnapshot> {
    const window = this.windowKey
    const range = windowRange(TOP_WINDOWS[window], this.now())
    const jobs: Array<Promise<void>> = []
    if (this.specs.length > 0) {
      this.calls.metrics++
      jobs.push(
        bounded('CloudWatch GetMetricData', this.callTimeoutMs, signal, (s) =>
          this.sources.metrics(this.specs, range, s),
        ).then(
          (series) => {
            // A window switch during the call: this answer is for the old window.
            if (window === this.windowKey) this.metrics = {status: 'ok', value: {range, series}, at: this.now()}
          },
          (error: unknown) => {
            if (window === this.windowKey) this.metrics = failed(this.metrics, error)
          },
        ),
      )
    }
    if (this.target.alarms.length > 0) {
      this.calls.alarms++
      const names = this.target.alarms.map((a) => a.name)
      jobs.push(
        bounded('CloudWatch DescribeAlarms', this.callTimeoutMs, signal, (s) => this.sources.alarms(names, s)).then(
          (value) => void (this.alarms = {status: 'ok', value, at: this.now()}),
          (error: unknown) => void (this.alarms = failed(this.alarms, error)),
        ),
      )
    }
    // A sample hides the messages it reads for a moment (they count as in flight): the depth is read
    // while no sample runs, and the next sample starts after it.
    const depthRead = (async () => {
      if (!this.target.dlq) return
      // While a sample runs, keep the last depth (its read time says how old) rather than wait.
      if (this.sampling && this.depth.value !== undefined) return
      await this.sampling
      this.calls.depth++
      await bounded('SQS GetQueueAttributes', this.callTimeoutMs, signal, (s) => this.sources.depth(s)).then(
        (value) => void (this.depth = {status: 'ok', value, at: this.now()}),
        (error: unknown) => void (this.depth = failed(this.depth, error)),
      )
    })()
    jobs.push(depthRead)
    const sampled = depthRead.then(() => (signal.aborted ? undefined : this.startSampleIfDue(signal)))
    if (options.waitForSample) jobs.push(sampled.then(() => undefined))
    await Promise.all(jobs)
    return this.snapshot()
  }

  /** Start a DLQ sample when one is due and none is running; resolves when it ends (never rejects). */
  private startSampleIfDue(signal: AbortSignal): Promise<void> | undefined {
    if (this.sample.status === 'off' || this.sampling) return this.sampling
    const now = this.now()
    if (this.sampleStartedAt !== undefined && now - this.sampleStartedAt < this.sampleEveryMs) return undefined
    this.sampleStartedAt = now
    this.calls.sample++
    this.sampling = bounded('DLQ sample', this.sampleTimeoutMs, signal, (s) => this.sources.sample(this.sampleLimit, s))
      .then(
        (value) => void (this.sample = {status: 'ok', value, at: this.now()}),
        (error: unknown) => void (this.sample = failed(this.sample, error)),
      )
      .finally(() => {
        this.sampling = undefined
        this.poke()
      })
    return this.sampling
  }

  /**
   * Snapshots until `signal` aborts: one after each refresh (every interval, or at once after a
   * window switch), and one more whenever a background sample ends.
   */
  async *snapshots(signal: AbortSignal): AsyncGenerator<TopSnapshot> {
    let nextRefreshAt = 0
    while (!signal.aborted) {
      if (this.now() >= nextRefreshAt || this.metrics.status === 'pending') {
        nextRefreshAt = this.now() + this.intervalMs
        const snapshot = await this.refresh(signal)
        if (signal.aborted) return
        yield snapshot
      } else {
        yield this.snapshot()
      }
      if (signal.aborted) return
      await this.sleep(Math.max(0, nextRefreshAt - this.now()), signal)
    }
  }

  private poke(): void {
    this.woken = true
    this.wake?.()
  }

  /** Wait `ms`, or less when the window changes, a sample ends or `signal` aborts. */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.woken) {
      this.woken = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        this.wake = undefined
        this.woken = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done, {once: true})
      this.wake = done
    })
  }

  /** Wait for a running sample (tests, and a clean exit). */
  async settled(): Promise<void> {
    await this.sampling
  }
}

/**
 * The DLQ sample of `top`: at most `limit` messages peeked at and their reasons summarised. A peek:
 * received with a short visibility timeout and released at once; nothing is deleted, but each
 * message's receive count goes up by one per sample (so at most once per 30 s).
 */
export async function sampleDlq(queue: DlqQueuePort, limit: number, decoder: BatchDecoder): Promise<DlqSampleValue> {
  const peek = await peekDlq(queue, {
    limit,
    decoder,
    visibilityTimeoutSeconds: 30,
    // A 1 s long poll, as `dlq list`: SQS answers a short poll from a sample of its servers, which
    // can miss the messages of a small queue. It runs in the background, so the wait costs nothing.
    waitSeconds: 1,
    maxEmptyReceives: 2,
    maxScanned: limit,
  })
  return summarizeSample(peek.records, limit, peek.truncated)
}
