/**
 * What `dlq redrive` shows while it runs: a bar redrawn in place on a terminal (fitted to its width, and
 * redrawn at the new width when the terminal is resized), else a line at most once a second on stderr
 * (CI logs, a pipe), so a long run is never silent. Both carry an ETA from the pace.
 */
import type {RateSource, RedriveProgress} from '../services/redrive.js'
import {progressBar, type ProgressBar, type ProgressStream} from './progress.js'

export type {ProgressStream} from './progress.js'

/** What the run knows of its size before it starts. */
export interface ProgressScope {
  /** The most it will redrive: --limit, the ids given, else the queue's visible depth. */
  readonly total: number
  /**
   * A filter (--reason, --since, …) picks among the messages: how many match is only known once the
   * whole queue was read, so the count is "of those matching so far", and the bar follows the reading.
   */
  readonly filtering: boolean
}

/** The pace an ETA is computed from, and what set it. */
export interface Pace {
  perSecond: number
  /** `measured`: messages done over the last seconds; otherwise the cap that is lower than that. */
  by: 'measured' | RateSource
}

const SOURCE_TEXT: Record<RateSource | 'measured', string> = {
  measured: 'measured',
  flag: '--rate',
  'api-destination': "API destination's limit",
  default: 'default pace',
  unknown: 'measured',
}

/**
 * The pace to expect from here: the lowest of what was measured lately, the rate cap, and the API
 * destination's InvocationRateLimitPerSecond (EventBridge delivers at most that to Momento, however fast
 * the events are published). Undefined while nothing is known (no cap and nothing measured yet).
 */
export function expectedPace(
  p: RedriveProgress,
  measured: number | undefined,
  scope?: ProgressScope,
): Pace | undefined {
  const candidates: Pace[] = []
  if (measured !== undefined && measured > 0) candidates.push({perSecond: measured, by: 'measured'})
  // With a filter the bar follows the reading, which no publish cap limits.
  if (!scope?.filtering) {
    if (Number.isFinite(p.rate) && p.rate > 0) candidates.push({perSecond: p.rate, by: p.rateSource})
    if (p.destinationRate !== undefined && p.destinationRate > 0) {
      candidates.push({perSecond: p.destinationRate, by: 'api-destination'})
    }
  }
  let best: Pace | undefined
  for (const c of candidates) if (!best || c.perSecond < best.perSecond) best = c
  return best
}

/** `1h 02m`, `4m 10s`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${s}s`
}

/** The counts in words: `12/40 redriven 11 failed 1 skipped 0`, or with a filter `3 of 5 matching (12/40 read) …`. */
export function progressText(p: RedriveProgress, scope: ProgressScope, pace?: Pace): string {
  const done = p.redriven + p.failed + p.skipped + p.recovered
  const back = p.cameBack > 0 ? ` · ${p.cameBack} came back` : ''
  const head = scope.filtering
    ? `${done} of ${p.selected} matching so far (${p.received}/${scope.total} read)`
    : `${done}/${scope.total}`
  let tail = ''
  if (pace) {
    const left = Math.max(0, scope.total - (scope.filtering ? p.received : done))
    tail = ` · ${Math.round(pace.perSecond)}/s (${SOURCE_TEXT[pace.by]}) · ETA ${formatDuration(left / pace.perSecond)}`
  } else if (Number.isFinite(p.rate) && p.rate > 0) tail = ` · ${Math.round(p.rate)}/s`
  return `${head} redriven ${p.redriven} failed ${p.failed} skipped ${p.skipped}${back}${tail}`
}

/** How far along the run is, 0…1: messages done, or with a filter messages read. */
export function progressFraction(p: RedriveProgress, scope: ProgressScope): number {
  const done = scope.filtering ? p.received : p.redriven + p.failed + p.skipped + p.recovered
  return scope.total === 0 ? 1 : Math.min(1, done / scope.total)
}

/** Pace over the last PACE_WINDOW_MS (messages done, or read with a filter). */
const PACE_WINDOW_MS = 10_000

/** Where progress goes: a terminal (bar, in place) or not (a line a second); see cli/progress.ts. */
export function progressReporter(
  stream: ProgressStream,
  scope: ProgressScope,
  options: {terminal: boolean; now?: () => number; width?: number},
): ProgressBar<RedriveProgress> {
  const now = options.now ?? Date.now
  const samples: Array<{t: number; done: number}> = []
  const doneOf = (p: RedriveProgress) =>
    scope.filtering ? p.received : p.redriven + p.failed + p.skipped + p.recovered
  const measuredPace = (): number | undefined => {
    const first = samples[0]
    const lastSample = samples[samples.length - 1]
    if (!first || !lastSample || lastSample.t - first.t < 2_000) return undefined
    return (lastSample.done - first.done) / ((lastSample.t - first.t) / 1000)
  }
  const bar = progressBar<RedriveProgress>(stream, {
    ...options,
    now,
    label: 'redrive',
    text: (p) => progressText(p, scope, expectedPace(p, measuredPace(), scope)),
    fraction: (p) => progressFraction(p, scope),
  })
  return {
    update(p: RedriveProgress): void {
      const t = now()
      if (t - (samples[samples.length - 1]?.t ?? -Infinity) >= 250) {
        samples.push({t, done: doneOf(p)})
        while (samples.length > 2 && (samples[0]?.t ?? t) < t - PACE_WINDOW_MS) samples.shift()
      }
      bar.update(p)
    },
    done: () => bar.done(),
  }
}
