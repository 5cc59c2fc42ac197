/**
 * Joining DLQ messages with the event bus's log records of their events (issue 11, part 3).
 *
 * AWS's DLQ message for an API destination's HTTP error may carry neither the status nor Momento's
 * answer (docs/reference/aws-facts.md#dlq-attributes); the bus's log records of the event do
 * (`error.http_status_code`, `error.error_message`, `details.target_response_body` per attempt). This decoder
 * wraps another (the plain or the diagnosing one): for each page of messages it makes ONE lookup for all
 * their event ids, then decodes the page with the records found, so the log decides ahead of every other
 * signal and records it decided cost no probe of Momento.
 *
 * A lookup that fails (log group gone, access denied, a timeout) never fails the command: the page is
 * decoded without logs, the failure is reported once (`busLogs().failure`), and later pages skip the
 * lookup until `retryAfterMs` has passed (default: for the rest of the run), so a dead log group
 * costs one call, not one per page.
 */
import type {BusLogRecord} from '../core/bus-log.js'
import type {DlqRecord, RawDlqMessage} from '../core/dlq.js'
import {eventRefOfDlqBody, type DecodeOptions} from '../core/dlq-decode.js'
import type {BatchDecoder} from './dlq-diagnose.js'

/** What one lookup asks for: the events of one page, and the earliest time their records can have. */
export interface BusLogLookupQuery {
  readonly eventIds: readonly string[]
  /** Epoch ms; undefined when no bound is safe (search everything the log group holds). */
  readonly startTimeMs: number | undefined
}

/** The log records of the asked events, by event id (ids without records absent). May throw. */
export type BusLogLookup = (query: BusLogLookupQuery) => Promise<ReadonlyMap<string, readonly BusLogRecord[]>>

export interface BusLogJoinOptions {
  /** Slack before the oldest event's time (clock skew, `time` in whole seconds). Default 5 minutes. */
  marginMs?: number | undefined
  /**
   * The longest an event can spend between ingestion and its DLQ write: MaximumEventAgeInSeconds
   * is at most 24 h. It bounds the window when an event's `time` can't be trusted (a producer may
   * set `Time` to anything on PutEvents). Default 24 h.
   */
  maxEventAgeMs?: number | undefined
  /** After a failed lookup, pages go without logs for this long. Default: the rest of the run. */
  retryAfterMs?: number | undefined
  now?: (() => number) | undefined
  /** Told each time a lookup fails after one succeeded or none ran (once per streak of failures). */
  onFailure?: ((message: string) => void) | undefined
}

/** What the join did, for `--json` and the warnings. */
export interface BusLogJoinStatus {
  /** Lookups made (one per page of messages with event ids). */
  lookups: number
  /** Messages whose events were looked up. */
  looked: number
  /** Records the log decided (`evidence: 'bus-log'`). */
  decided: number
  /** The first failed lookup's message, when one failed. */
  failure?: string | undefined
}

export const DEFAULT_MARGIN_MS = 5 * 60_000
export const DEFAULT_MAX_EVENT_AGE_MS = 24 * 3_600_000

/**
 * The earliest time the log records of these messages' events can carry: the oldest event's `time`
 * minus the margin. An event's `time` is trusted only between its DLQ write (SentTimestamp) minus the
 * longest event age and the DLQ write itself; outside that (a producer-set `Time`), the DLQ write
 * minus the longest event age stands in. Undefined (no bound) when a message has neither.
 */
export function lookupStartMs(
  items: ReadonlyArray<{timeMs: number | undefined; sentMs: number | undefined}>,
  options: Pick<BusLogJoinOptions, 'marginMs' | 'maxEventAgeMs'> = {},
): number | undefined {
  const margin = options.marginMs ?? DEFAULT_MARGIN_MS
  const maxAge = options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS
  let start = Number.POSITIVE_INFINITY
  for (const {timeMs, sentMs} of items) {
    let from: number
    if (sentMs === undefined) {
      if (timeMs === undefined) return undefined
      from = timeMs
    } else if (timeMs === undefined || timeMs > sentMs + margin) {
      from = sentMs - maxAge
    } else {
      from = Math.max(timeMs, sentMs - maxAge)
    }
    start = Math.min(start, from)
  }
  return Number.isFinite(start) ? start - margin : undefined
}

/** Wrap `inner` so that each page is decoded with the log records of its events (one lookup a page). */
export function busLogDecoder(
  inner: BatchDecoder,
  lookup: BusLogLookup,
  options: BusLogJoinOptions = {},
): BatchDecoder & {busLogs(): BusLogJoinStatus} {
  const now = options.now ?? Date.now
  const status: BusLogJoinStatus = {lookups: 0, looked: 0, decided: 0}
  let pausedUntil: number | undefined
  let failing = false

  const decoder = async (raws: readonly RawDlqMessage[], extra?: DecodeOptions): Promise<DlqRecord[]> => {
    if (pausedUntil !== undefined && now() < pausedUntil) return inner(raws, extra)
    const ids = new Set<string>()
    const window: Array<{timeMs: number | undefined; sentMs: number | undefined}> = []
    for (const raw of raws) {
      const event = eventRefOfDlqBody(typeof raw.body === 'string' ? raw.body : '')
      if (!event?.id) continue
      ids.add(event.id)
      const timeMs = event.time === undefined ? Number.NaN : Date.parse(event.time)
      const sentMs = Number(raw.systemAttributes?.['SentTimestamp'])
      window.push({
        timeMs: Number.isFinite(timeMs) ? timeMs : undefined,
        sentMs: Number.isFinite(sentMs) && sentMs > 0 ? sentMs : undefined,
      })
    }
    if (ids.size === 0) return inner(raws, extra)
    let busLogs: ReadonlyMap<string, readonly BusLogRecord[]> | undefined
    status.lookups++
    status.looked += raws.length
    try {
      busLogs = await lookup({eventIds: [...ids], startTimeMs: lookupStartMs(window, options)})
      failing = false
      pausedUntil = undefined
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      status.failure ??= message
      pausedUntil = now() + (options.retryAfterMs ?? Number.POSITIVE_INFINITY)
      if (!failing) options.onFailure?.(message)
      failing = true
    }
    const records = await inner(raws, busLogs ? {...extra, busLogs} : extra)
    for (const r of records) if (r.evidence === 'bus-log') status.decided++
    return records
  }
  return Object.assign(decoder, {busLogs: () => ({...status})})
}
