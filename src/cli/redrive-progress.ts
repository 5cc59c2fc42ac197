/**
 * What `dlq redrive` shows while it runs: a bar redrawn in place on a terminal, else a line at most
 * once a second on stderr (CI logs, a pipe), so a long run is never silent.
 */
import type {RedriveProgress} from '../services/redrive.js'

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

/** The counts in words: `12/40 redriven 11 failed 1 skipped 0`, or with a filter `3 of 5 matching (12/40 read) …`. */
export function progressText(p: RedriveProgress, scope: ProgressScope): string {
  const done = p.redriven + p.failed + p.skipped + p.recovered
  const rate = Number.isFinite(p.rate) && p.rate > 0 ? ` · ${Math.round(p.rate)}/s` : ''
  const back = p.cameBack > 0 ? ` · ${p.cameBack} came back` : ''
  const head = scope.filtering
    ? `${done} of ${p.selected} matching so far (${p.received}/${scope.total} read)`
    : `${done}/${scope.total}`
  return `${head} redriven ${p.redriven} failed ${p.failed} skipped ${p.skipped}${back}${rate}`
}

/** How far along the run is, 0…1: messages done, or with a filter messages read. */
export function progressFraction(p: RedriveProgress, scope: ProgressScope): number {
  const done = scope.filtering ? p.received : p.redriven + p.failed + p.skipped + p.recovered
  return scope.total === 0 ? 1 : Math.min(1, done / scope.total)
}

/** Where progress goes: a terminal (bar, in place) or not (a line a second). */
export function progressReporter(
  stream: Pick<NodeJS.WriteStream, 'write'>,
  scope: ProgressScope,
  options: {terminal: boolean; now?: () => number; width?: number},
) {
  const now = options.now ?? Date.now
  const width = options.width ?? 30
  const every = options.terminal ? 100 : 1_000
  let last = 0
  let latest: RedriveProgress | undefined
  let printed: string | undefined
  const line = (p: RedriveProgress) => {
    if (!options.terminal) return `redrive: ${progressText(p, scope)}\n`
    const filled = Math.round(progressFraction(p, scope) * width)
    return `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progressText(p, scope)}`
  }
  return {
    update(p: RedriveProgress): void {
      latest = p
      const t = now()
      if (t - last < every) return
      last = t
      printed = line(p)
      stream.write(printed)
    },
    /** End the bar's line; without a terminal, print the last counts if they were not printed yet. */
    done(): void {
      if (options.terminal) {
        if (printed !== undefined) stream.write('\n')
        return
      }
      if (latest && line(latest) !== printed) stream.write(line(latest))
    },
  }
}
