import {
  checkEntrySize,
  type EventsPort,
  MAX_ENTRIES_PER_CALL,
  type PutEntry,
  RETRYABLE_ENTRY_ERRORS,
} from '../core/put-entries.js'
import {entrySize} from '../core/momento-events.js'

/** An entry and where it came from (a line number for files, 1 for a single event). */
export interface NumberedEntry {
  line: number
  entry: PutEntry
}

export interface EntryFailure {
  line: number
  errorCode: string
  errorMessage: string
}

export interface PublishProgress {
  sent: number
  failed: number
  retried: number
}

export interface PublishSummary extends PublishProgress {
  failures: EntryFailure[]
  /** Set when `signal` stopped the run before the input ended. */
  stopped?: boolean
  /** EventIds by line, kept only when `keepEventIds` is set (single puts, small batches). */
  eventIds: Map<number, string>
}

export interface PublishOptions {
  port: EventsPort
  maxEntryBytes: number
  /** PutEvents calls in flight at once. Default 8. */
  concurrency?: number
  /** Attempts per entry, counting the first. Default 5. */
  maxAttempts?: number
  /** First backoff in ms; doubles per attempt, full jitter, capped at `maxDelayMs`. Default 100. */
  baseDelayMs?: number
  maxDelayMs?: number
  keepEventIds?: boolean
  onProgress?: (progress: PublishProgress) => void
  /**
   * Called whenever the settled prefix grows: every entry on a line up to `throughLine` has its final
   * answer (accepted, or failed and in `summary.failures`). Batches settle out of order; this is the
   * contiguous prefix, so a crash right after it re-sends at most the batches in flight.
   */
  onSettled?: (throughLine: number, summary: PublishSummary) => void
  /**
   * Stop early: no further entries are read or sent; the calls in flight are awaited (not retried:
   * entries they leave unsent fail with `Interrupted`), and the summary comes back with `stopped`.
   */
  signal?: AbortSignal
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/** Thrown when a whole PutEvents call fails (network, auth): carries what was sent before. */
export class PublishAbortedError extends Error {
  constructor(
    readonly summary: PublishSummary,
    readonly reason: unknown,
  ) {
    super('Publishing stopped part-way', {cause: reason})
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Publish entries with PutEvents: packed by count and size, `concurrency` calls in flight, and only
 * the failed entries of a call retried (ThrottlingException, InternalFailure) with exponential
 * backoff and full jitter. Streams: reads at most a few batches ahead of what has been sent, so
 * memory stays flat for large inputs. Never throws for per-entry failures: they're in the summary.
 * Throws PublishAbortedError when a whole call fails.
 */
export async function publishEntries(
  source: AsyncIterable<NumberedEntry>,
  options: PublishOptions,
): Promise<PublishSummary> {
  const concurrency = options.concurrency ?? 8
  const summary: PublishSummary = {sent: 0, failed: 0, retried: 0, failures: [], eventIds: new Map()}
  const inFlight = new Set<Promise<void>>()
  let aborted: unknown

  const report = (): void =>
    options.onProgress?.({sent: summary.sent, failed: summary.failed, retried: summary.retried})
  // Batches in launch (= line) order, to find the settled prefix.
  const order: Array<{lastLine: number; settled: boolean}> = []
  const launch = (batch: NumberedEntry[]): void => {
    const slot = {lastLine: (batch[batch.length - 1] as NumberedEntry).line, settled: false}
    order.push(slot)
    const work = sendBatch(batch, options, summary, report).then(
      () => {
        slot.settled = true
        let through: number | undefined
        while (order.length > 0 && (order[0] as {settled: boolean}).settled)
          through = (order.shift() as typeof slot).lastLine
        if (through !== undefined) options.onSettled?.(through, summary)
      },
      (error: unknown) => {
        aborted ??= error
      },
    )
    const tracked = work.finally(() => inFlight.delete(tracked))
    inFlight.add(tracked)
  }

  let batch: NumberedEntry[] = []
  let batchBytes = 0
  for await (const item of source) {
    if (aborted !== undefined) break
    if (options.signal?.aborted) {
      summary.stopped = true
      batch = []
      break
    }
    const size = entrySize(item.entry)
    const sizeIssue = checkEntrySize(item.entry, options.maxEntryBytes)
    if (sizeIssue) {
      summary.failed++
      summary.failures.push({line: item.line, errorCode: 'EntryTooLarge', errorMessage: sizeIssue.message})
      continue
    }
    if (batch.length > 0 && (batch.length >= MAX_ENTRIES_PER_CALL || batchBytes + size > options.maxEntryBytes)) {
      launch(batch)
      batch = []
      batchBytes = 0
      // At most `concurrency` batches past the settled prefix, in flight or not: a slow batch holds
      // back new ones rather than letting settled-but-unrecorded batches pile up behind it (a crash
      // then re-sends at most `concurrency` batches on --resume).
      while (
        aborted === undefined &&
        inFlight.size > 0 &&
        (inFlight.size >= concurrency || order.length >= concurrency)
      )
        await Promise.race(inFlight)
    }
    batch.push(item)
    batchBytes += size
  }
  if (batch.length > 0 && aborted === undefined && options.signal?.aborted) summary.stopped = true
  else if (batch.length > 0 && aborted === undefined) launch(batch)
  await Promise.all(inFlight)
  if (aborted !== undefined) throw new PublishAbortedError(summary, aborted)
  return summary
}

async function sendBatch(
  batch: NumberedEntry[],
  options: PublishOptions,
  summary: PublishSummary,
  report: () => void,
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 5
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  let pending = batch
  for (let attempt = 1; pending.length > 0; attempt++) {
    const results = await options.port.putEvents(pending.map((p) => p.entry))
    const retry: NumberedEntry[] = []
    pending.forEach((item, index) => {
      const result = results[index] ?? {errorCode: 'MissingResult', errorMessage: 'PutEvents returned fewer results.'}
      if ('eventId' in result) {
        summary.sent++
        if (options.keepEventIds) summary.eventIds.set(item.line, result.eventId)
      } else if (RETRYABLE_ENTRY_ERRORS.has(result.errorCode) && attempt < maxAttempts) {
        retry.push(item)
      } else {
        summary.failed++
        summary.failures.push({line: item.line, errorCode: result.errorCode, errorMessage: result.errorMessage})
      }
    })
    report()
    if (retry.length === 0) return
    if (options.signal?.aborted) {
      // Stopping: don't wait out a backoff; these entries were not accepted, and --resume sends them.
      for (const item of retry) {
        summary.failed++
        summary.failures.push({
          line: item.line,
          errorCode: 'Interrupted',
          errorMessage: 'Not retried: stopped by a signal.',
        })
      }
      report()
      return
    }
    summary.retried += retry.length
    const cap = Math.min(options.maxDelayMs ?? 5000, (options.baseDelayMs ?? 100) * 2 ** (attempt - 1))
    await sleep(Math.floor(random() * cap))
    pending = retry
  }
}
