/**
 * The single-event `put` workflow (`put cacheSet | cacheDelete | topicPublish`): with --wait, set up
 * the reader and the DLQ first, then publish, tell the summary, check that a rule on the bus matches
 * the event, wait for the outcome and (with --trace) the journey. The command composes the ports and
 * prints; this module tells through callbacks and decides the exit code (`exitCodeOfPut`).
 */
import {ExitCode} from '../core/errors.js'
import type {EventJourney} from '../core/event-journey.js'
import type {MomentoEvent} from '../core/momento-events.js'
import type {EventsPort} from '../core/put-entries.js'
import {putEvent, type PutResult} from './put-event.js'
import type {PreparedWait, WaitReport} from './put-wait.js'

/** What `put … --wait --json` prints: the put result plus the outcome (and with --trace, the journey). */
export type PutWaitResult = PutResult & WaitReport & {trace?: EventJourney | undefined}

/** The rules of the bus the event went to, when none of them matches it. */
export interface UnmatchedRules {
  readonly bus: string
  /** Every rule on the bus (any state). */
  readonly rules: number
  /** Rules whose pattern matches but that are disabled. */
  readonly disabled: readonly string[]
}

/** A wait set up before publishing, and how long it may take. */
export interface PutWait {
  prepared: PreparedWait
  timeoutMs: number
}

export interface PutOnePorts<Trace> {
  events: EventsPort
  /** --wait: the Momento reader, the DLQ and (for topics) the subscription, opened before publishing. */
  prepareWait?: (() => Promise<PutWait>) | undefined
  /** --trace (with --wait): locate the logs before publishing, read the journey after the wait. */
  trace?:
    | {
        prepare(): Promise<Trace>
        run(
          prepared: Trace,
          eventId: string,
          publishedAtMs: number,
          report: WaitReport,
        ): Promise<EventJourney | undefined>
      }
    | undefined
  /** The rules of the bus when none matches the event (undefined when one may, or they can't be listed). */
  noRuleMatches(event: MomentoEvent, defaults: {bus: string; source: string}): Promise<UnmatchedRules | undefined>
}

export interface PutOneCallbacks {
  /** The published event's summary (stdout and stderr; not with --json). */
  printPut(result: PutResult): void
  /** A line on stderr for a person (a no-op with --json). */
  tell(line: string): void
  /** "Waiting up to 30s…" (on a terminal only). */
  waiting?: ((timeoutMs: number) => void) | undefined
  /** Commands named in notes, with this run's context (`--sandbox`, `--stack`…). */
  suggest(text: string): string
}

/**
 * Publish one validated event, as every single-event `put` does: with a wait, set it up first, then
 * publish, tell the summary, and wait for the outcome.
 */
export async function publishOne<Trace>(
  ports: PutOnePorts<Trace>,
  event: MomentoEvent,
  defaults: {bus: string; source: string; maxEntryBytes: number},
  callbacks: PutOneCallbacks,
): Promise<PutResult | PutWaitResult> {
  // --wait opens its Momento subscription and finds the DLQ (and --trace the logs) before anything is published.
  const wait = ports.prepareWait ? await ports.prepareWait() : undefined
  const tracing = wait && ports.trace ? await ports.trace.prepare() : undefined
  const publishedAtMs = Date.now()
  let result: PutResult
  try {
    result = await putEvent(ports.events, event, defaults)
  } catch (error) {
    wait?.prepared.close()
    throw error
  }
  callbacks.printPut(result)
  if (!wait) return result
  const unmatched = await ports.noRuleMatches(event, defaults)
  if (unmatched) {
    wait.prepared.close()
    return reportUnmatched(result, unmatched, defaults, callbacks)
  }
  const waited = await finishWait(result, wait, callbacks)
  const traced =
    ports.trace && tracing !== undefined
      ? {...waited, trace: await ports.trace.run(tracing, result.eventId, publishedAtMs, waited)}
      : waited
  // Notes that name a command carry this run's context in JSON too (stderr has it through logToStderr).
  return {...traced, notes: traced.notes.map((note) => callbacks.suggest(note))}
}

/** The exit code of a put: 0 delivered (or not waited for), 1 dead-lettered or matched by no rule, 8 timed out. */
export function exitCodeOfPut(result: PutResult | PutWaitResult): number | undefined {
  const outcome = 'outcome' in result ? result.outcome : undefined
  if (outcome === 'dead-lettered' || outcome === 'unmatched') return ExitCode.Failed
  if (outcome === 'timed-out') return ExitCode.TimedOutWaiting
  return undefined
}

/** Wait, and tell the outcome. */
async function finishWait(put: PutResult, wait: PutWait, callbacks: PutOneCallbacks): Promise<PutWaitResult> {
  callbacks.waiting?.(wait.timeoutMs)
  const report = await wait.prepared.wait(put.eventId, wait.timeoutMs)
  const secs = (report.waitedMs / 1000).toFixed(1)
  if (report.outcome === 'delivered') callbacks.tell(`Delivered to Momento in ${secs}s.`)
  else if (report.outcome === 'dead-lettered') {
    const d = report.deadLetter
    callbacks.tell(`Dead-lettered after ${secs}s: ${d?.reason ?? 'unknown'} — ${d?.explanation ?? ''}`)
    if (d?.fix) callbacks.tell(`Fix: ${d.fix}`)
  } else {
    callbacks.tell(
      `Not delivered and not dead-lettered within ${Math.round(wait.timeoutMs / 1000)}s (EventBridge may still be retrying).`,
    )
  }
  for (const note of report.notes) callbacks.tell(`Note: ${note}`)
  return {...put, ...report}
}

/** "No rule on bus X matches": exit 1 at once, with where the rules are and how to point there. */
function reportUnmatched(
  put: PutResult,
  found: UnmatchedRules,
  defaults: {bus: string; source: string},
  callbacks: PutOneCallbacks,
): PutWaitResult {
  const what = `detail type ${put.detailType} from source ${defaults.source}`
  const notes = [
    found.disabled.length > 0
      ? `The rules on bus ${found.bus} that match it are disabled (${found.disabled.join(', ')}).`
      : found.rules === 0
        ? `Bus ${found.bus} has no rules at all.`
        : `None of the ${found.rules} rules on bus ${found.bus} matches ${what}.`,
    'Publish to the bus the stack’s rules listen on (`momento-eb status` shows it) with --bus or ' +
      '`momento-eb config set bus NAME`, or deploy the rules on this bus with ' +
      `\`momento-eb deploy --bus ${found.bus}\`.`,
  ]
  callbacks.tell(
    `No rule on bus ${found.bus} matches this event (${what}): EventBridge accepted it and delivered it nowhere.`,
  )
  for (const note of notes) callbacks.tell(`Note: ${note}`)
  const shown = notes.map((note) => callbacks.suggest(note))
  return {...put, outcome: 'unmatched', waitedMs: 0, deadLetter: undefined, notes: shown}
}
