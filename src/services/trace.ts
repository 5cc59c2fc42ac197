/**
 * `trace`: look an event's journey up in the event-bus logs once, or follow it until it reaches a
 * final state. The records come through an injected `fetchRecords` (CloudWatch Logs
 * FilterLogEvents in the CLI), so the polling, the back-off, the time limit and Ctrl-C are tested
 * without AWS.
 *
 * Every poll fetches the event's whole record set from the same start time: records arrive late
 * and out of order (best-effort logging), so a poll that only asked for "newer" records could miss
 * a late record with an old timestamp. The journey is rebuilt from all records each time.
 */
import type {BusLogRecord, BusLogSetting} from '../core/bus-log.js'
import {ExitCode} from '../core/errors.js'
import {buildJourney, type EventJourney, REVISABLE_OUTCOMES} from '../core/event-journey.js'

/** What the trace service needs from the outside world. */
export interface TracePorts {
  /** The records of `eventId` with a timestamp at or after `sinceMs` (any order). */
  fetchRecords(eventId: string, sinceMs: number, signal?: AbortSignal): Promise<BusLogRecord[]>
  now?: () => number
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** Options of {@link traceEvent}. */
export interface TraceOptions {
  eventId: string
  /** Search records from this epoch ms on. */
  sinceMs: number
  /** Poll until the journey is final (or the timeout passes, or the signal aborts). */
  follow?: boolean
  /** How long --follow polls at most. Default 120 s. */
  timeoutMs?: number
  /** The bus's log level when known (the stack's BusLogLevel parameter): it changes what absence means. */
  level?: BusLogSetting | undefined
  signal?: AbortSignal | undefined
  /** Called with every journey that differs from the previous one (the live view). */
  onUpdate?: ((journey: EventJourney) => void) | undefined
  /** First poll interval (default 1 s); it grows by half each quiet poll up to `maxPollMs` (default 5 s). */
  pollMs?: number
  maxPollMs?: number
  /**
   * A dropped or failed outcome may still turn into dead-lettered when a late INVOCATION_DLQ record
   * arrives: --follow keeps polling this long after first seeing one (default 5 s, within the timeout).
   */
  settleMs?: number
}

/** How a trace ended. */
export type TraceEnd = 'final' | 'looked-up' | 'timed-out' | 'aborted'

/** What `traceEvent` returns. */
export interface TraceResult {
  journey: EventJourney
  end: TraceEnd
  polls: number
  waitedMs: number
  /** 0 delivered, 1 failed (dead-lettered, dropped, failed, rejected, unmatched), 8 not final, 130 aborted. */
  exitCode: number
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })

/**
 * The exit code a journey stands for: 0 delivered; 1 failed (dead-lettered, dropped, failed for
 * good, rejected at ingestion, matched by no rule: in every case nothing reached Momento); 8 not
 * final (in flight, or no record — which at ERROR level is also what a delivered event looks like).
 */
export function exitCodeOfJourney(journey: EventJourney): number {
  if (!journey.final) return ExitCode.TimedOutWaiting
  return journey.outcome === 'delivered' ? ExitCode.Ok : ExitCode.Failed
}

/** The exit code a trace ends with: 130 when it was stopped, else the journey's (see exitCodeOfJourney). */
export function exitCodeOfTrace(end: TraceEnd, journey: EventJourney): number {
  return end === 'aborted' ? ExitCode.Interrupted : exitCodeOfJourney(journey)
}

/**
 * Look the event up once, or with `follow` poll until its journey is final (and settled: see
 * `settleMs`), the timeout passes (exit 8) or the signal aborts (exit 130). Fetch errors are
 * thrown, except after an abort.
 */
export async function traceEvent(ports: TracePorts, options: TraceOptions): Promise<TraceResult> {
  const now = ports.now ?? Date.now
  const sleep = ports.sleep ?? defaultSleep
  const startedAt = now()
  const timeoutMs = options.timeoutMs ?? 120_000
  const firstPoll = options.pollMs ?? 1000
  const maxPoll = Math.max(firstPoll, options.maxPollMs ?? 5000)
  const settleMs = options.settleMs ?? 5000
  const {signal} = options
  let interval = firstPoll
  let polls = 0
  let last: EventJourney | undefined
  let lastKey = ''
  let revisableSince: number | undefined

  const result = (journey: EventJourney, end: TraceEnd): TraceResult => ({
    journey,
    end,
    polls,
    waitedMs: now() - startedAt,
    exitCode: exitCodeOfTrace(end, journey),
  })

  for (;;) {
    let records: BusLogRecord[]
    try {
      records = await ports.fetchRecords(options.eventId, options.sinceMs, signal)
    } catch (error) {
      if (signal?.aborted) return result(last ?? buildJourney(options.eventId, [], {level: options.level}), 'aborted')
      throw error
    }
    polls++
    const journey = buildJourney(options.eventId, records, {level: options.level})
    const key = JSON.stringify(journey)
    const changed = key !== lastKey
    if (changed) {
      lastKey = key
      options.onUpdate?.(journey)
    }
    last = journey
    if (signal?.aborted) return result(journey, 'aborted')
    if (!options.follow) return result(journey, 'looked-up')
    if (journey.final) {
      if (!REVISABLE_OUTCOMES.has(journey.outcome)) return result(journey, 'final')
      revisableSince ??= now()
      if (now() - revisableSince >= settleMs) return result(journey, 'final')
    } else {
      revisableSince = undefined
    }
    const elapsed = now() - startedAt
    if (elapsed >= timeoutMs) return result(journey, journey.final ? 'final' : 'timed-out')
    // New records: look again soon. Quiet: back off, bounded.
    interval = changed ? firstPoll : Math.min(maxPoll, Math.round(interval * 1.5))
    let wait = Math.min(interval, timeoutMs - elapsed)
    if (revisableSince !== undefined) wait = Math.min(wait, Math.max(0, settleMs - (now() - revisableSince)))
    await sleep(wait, signal)
    if (signal?.aborted) return result(journey, 'aborted')
  }
}
