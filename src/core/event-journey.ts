/**
 * The journey of one event, read from its event-bus log records (src/core/bus-log.ts): accepted or
 * not, which rules matched, every attempt of every invocation (time, type, HTTP status, Momento's
 * message, duration, the wait before the next), throttles, and how each invocation and the event as
 * a whole ended. Pure: no I/O, no clock.
 *
 * Reasoning with missing records is the point of this module, because AWS makes no promise that a
 * record exists: logging is best effort ("not guaranteed complete or timely"), records arrive late
 * and out of order, and at ERROR level only failures are logged, so a delivered event leaves no
 * record at all. Absence therefore never proves delivery: an invocation is `delivered` only when a
 * success record says so, and an event without records is `unknown`, never `delivered`.
 */
import {
  type BusLogLevel,
  type BusLogMessageType,
  type BusLogRecord,
  type BusLogSetting,
  BUS_LOG_MESSAGE_TYPES,
  dedupeBusLogRecords,
} from './bus-log.js'
import type {DlqReason} from './dlq.js'
import {parseErrorMessage, parseRuleArn, REASON_INFO, reasonOfAttemptError} from './dlq-decode.js'

/** How one attempt ended, as its records say (`started`: only its start record is known so far). */
export type AttemptResult = 'succeeded' | 'retryable-failure' | 'permanent-failure' | 'throttled' | 'started'

/** One attempt of one invocation. */
export interface JourneyAttempt {
  /** `attempt_count` (1 for the first attempt); undefined when the record doesn't carry it. */
  number: number | undefined
  /** `attempt_type`: FIRST, RETRY or THROTTLE. */
  type: 'FIRST' | 'RETRY' | 'THROTTLE' | undefined
  /** When the attempt started (INVOCATION_ATTEMPT_START, logged at TRACE only). */
  startedAtMs: number | undefined
  /** When its outcome was logged. */
  endedAtMs: number | undefined
  result: AttemptResult
  /** The HTTP status Momento answered (`error.http_status_code`), when the record has it. */
  httpStatus: number | undefined
  /** Momento's message (its error body's title and description), else EventBridge's error text. */
  message: string | undefined
  /** `target_duration_ms`: how long the call to Momento took. */
  durationMs: number | undefined
  /** Ms between this attempt's end and the next attempt's start (the back-off), when both are known. */
  waitBeforeNextMs: number | undefined
  /** What the failure stands for, in the DLQ decoder's closed set (404 → cache-not-found, …). */
  reason: DlqReason | undefined
}

/**
 * How one invocation (one rule's target) ended:
 * - `delivered`: a success record says so;
 * - `dead-lettered`: INVOCATION_DLQ — the event is in the dead-letter queue;
 * - `dropped`: INVOCATION_FAILURE without a DLQ record — no DLQ, or the DLQ write failed (the
 *   event is lost), unless the DLQ record is only late;
 * - `failed`: an attempt failed permanently but neither the DLQ nor the failure record is there
 *   (yet): no more attempts will come, whether it reached the DLQ isn't logged;
 * - `in-flight`: no final record yet (attempts may be under way or retrying; at ERROR level a
 *   successful retry leaves no record, so it may also be delivered already).
 */
export type InvocationOutcome = 'delivered' | 'dead-lettered' | 'dropped' | 'failed' | 'in-flight'

/** One invocation: one (rule, target) pair, all its attempts. */
export interface JourneyInvocation {
  invocationId: string | undefined
  ruleArn: string | undefined
  ruleName: string | undefined
  targetArn: string | undefined
  outcome: InvocationOutcome
  /** The failure's reason (for failed outcomes, and for the last failed attempt of one in flight). */
  reason: DlqReason | undefined
  attempts: JourneyAttempt[]
  /** When the invocation started waiting for the destination's rate limit (INVOCATION_THROTTLE_START). */
  throttles: number[]
  /** `total_attempts` of the final record, when one exists. */
  totalAttempts: number | undefined
  startedAtMs: number | undefined
  endedAtMs: number | undefined
  /** `ingestion_to_start_latency_ms` and `ingestion_to_complete_latency_ms` of the final record. */
  ingestionToStartMs: number | undefined
  ingestionToCompleteMs: number | undefined
}

/** A rule the event matched (RULE_MATCH, logged at INFO and TRACE). */
export interface JourneyRule {
  ruleArn: string
  ruleName: string | undefined
  targetArns: string[]
  invocationIds: string[]
  atMs: number
  /** True when no RULE_MATCH record was seen and the rule is known from its invocation's records. */
  inferred: boolean
}

/**
 * The event's overall outcome:
 * - `delivered`: every known invocation delivered (a success record for each);
 * - `dead-lettered`, `dropped`, `failed`: the worst invocation's outcome;
 * - `rejected`: ingestion failed (EVENT_INGEST_FAILURE);
 * - `unmatched`: no rule matched, so nothing was sent to Momento;
 * - `in-flight`: records exist but no final state yet;
 * - `unknown`: no record at all (see the notes: at ERROR level that is what a delivered event looks like).
 */
export type JourneyOutcome =
  'delivered' | 'dead-lettered' | 'dropped' | 'failed' | 'rejected' | 'unmatched' | 'in-flight' | 'unknown'

/** The journey of one event. */
export interface EventJourney {
  eventId: string
  outcome: JourneyOutcome
  /** True when the outcome won't change (delivered, dead-lettered, dropped, failed, rejected, unmatched). */
  final: boolean
  /** One line that says what happened. */
  summary: string
  /** The failure's reason for failed outcomes (the first failed invocation's). */
  reason: DlqReason | undefined
  ingest: {status: 'accepted' | 'rejected' | 'unknown'; atMs: number | undefined; message: string | undefined}
  rules: {status: 'matched' | 'none' | 'unknown'; matched: JourneyRule[]; atMs: number | undefined}
  invocations: JourneyInvocation[]
  /** What the records can and cannot prove (missing steps, level caveats, late records). */
  notes: string[]
  /** The level the bus logs at (when known) and the most verbose level seen in the records. */
  level: {configured: BusLogSetting | undefined; seen: BusLogLevel | undefined}
  recordCount: number
  firstAtMs: number | undefined
  lastAtMs: number | undefined
}

/** Options of {@link buildJourney}. */
export interface JourneyOptions {
  /** The bus's configured log level, when known (the stack's BusLogLevel parameter). */
  level?: BusLogSetting | undefined
}

const FINAL_OUTCOMES = new Set<JourneyOutcome>([
  'delivered',
  'dead-lettered',
  'dropped',
  'failed',
  'rejected',
  'unmatched',
])
/** Outcomes that may still change to `dead-lettered` when a late INVOCATION_DLQ record arrives. */
export const REVISABLE_OUTCOMES: ReadonlySet<JourneyOutcome> = new Set(['dropped', 'failed'])
const LEVEL_RANK: Record<BusLogLevel, number> = {ERROR: 1, INFO: 2, TRACE: 3}
const STEP_ORDER = new Map<BusLogMessageType, number>(BUS_LOG_MESSAGE_TYPES.map((t, i) => [t, i]))

/** The sentence `trace` prints when an ERROR-level bus logged nothing for an event. */
export const NO_FAILURE_LOGGED = 'No failure logged; at ERROR level a delivered event leaves no record.'

/**
 * Build the journey of `eventId` from its records (any order, duplicates allowed, other events'
 * records ignored). Never throws.
 */
export function buildJourney(
  eventId: string,
  input: readonly BusLogRecord[],
  options: JourneyOptions = {},
): EventJourney {
  const records = dedupeBusLogRecords(input.filter((r) => r.event_id === eventId)).sort(
    (a, b) =>
      a.message_timestamp_ms - b.message_timestamp_ms ||
      (STEP_ORDER.get(a.message_type) ?? 0) - (STEP_ORDER.get(b.message_type) ?? 0),
  )
  const seen = records.reduce<BusLogLevel | undefined>(
    (max, r) => (max === undefined || LEVEL_RANK[r.log_level] > LEVEL_RANK[max] ? r.log_level : max),
    undefined,
  )
  const configured = options.level
  const notes: string[] = []

  const ingest: EventJourney['ingest'] = {status: 'unknown', atMs: undefined, message: undefined}
  const rules: EventJourney['rules'] = {status: 'unknown', matched: [], atMs: undefined}
  const byInvocation = new Map<string, BusLogRecord[]>()
  for (const r of records) {
    switch (r.message_type) {
      case 'EVENT_RECEIPT':
      case 'EVENT_INGEST_SUCCESS':
        if (ingest.status === 'unknown') Object.assign(ingest, {status: 'accepted', atMs: r.message_timestamp_ms})
        break
      case 'EVENT_INGEST_FAILURE':
        Object.assign(ingest, {status: 'rejected', atMs: r.message_timestamp_ms, message: errorText(r)})
        break
      case 'RULE_MATCH_START':
        break
      case 'RULE_MATCH': {
        const arn = r.details?.rule_arn ?? ''
        rules.status = 'matched'
        rules.atMs ??= r.message_timestamp_ms
        if (!rules.matched.some((m) => m.ruleArn === arn)) {
          rules.matched.push({
            ruleArn: arn,
            ruleName: parseRuleArn(arn)?.name,
            targetArns: strings(r.details?.target_arns),
            invocationIds: strings(r.details?.invocation_ids),
            atMs: r.message_timestamp_ms,
            inferred: false,
          })
        }
        break
      }
      case 'NO_STANDARD_RULES_MATCHED':
        if (rules.status !== 'matched') Object.assign(rules, {status: 'none', atMs: r.message_timestamp_ms})
        break
      default: {
        // Every INVOCATION_* record: grouped by invocation_id, else by (rule, target).
        const key = r.invocation_id ?? `${r.details?.rule_arn ?? '?'} ${r.details?.target_arn ?? '?'}`
        let list = byInvocation.get(key)
        if (!list) byInvocation.set(key, (list = []))
        list.push(r)
      }
    }
  }
  // Any step after ingestion proves the event was accepted, whether or not its ingest record is there.
  if (ingest.status === 'unknown' && (rules.status !== 'unknown' || byInvocation.size > 0)) ingest.status = 'accepted'

  const invocations = [...byInvocation.values()].map(buildInvocation)
  // A rule match announces its invocations: those without a record yet are still to come.
  for (const rule of rules.matched) {
    rule.targetArns.forEach((targetArn, i) => {
      const id = rule.invocationIds[i]
      const known = invocations.some((inv) =>
        id !== undefined && inv.invocationId !== undefined
          ? inv.invocationId === id
          : inv.ruleArn === rule.ruleArn && inv.targetArn === targetArn,
      )
      if (!known) invocations.push(pendingInvocation(rule, targetArn, id))
    })
  }
  if (rules.status === 'unknown' && invocations.length > 0) {
    rules.status = 'matched'
    for (const inv of invocations) {
      if (inv.ruleArn && !rules.matched.some((m) => m.ruleArn === inv.ruleArn)) {
        rules.matched.push({
          ruleArn: inv.ruleArn,
          ruleName: inv.ruleName,
          targetArns: inv.targetArn ? [inv.targetArn] : [],
          invocationIds: inv.invocationId ? [inv.invocationId] : [],
          atMs: inv.startedAtMs ?? inv.attempts[0]?.endedAtMs ?? inv.endedAtMs ?? 0,
          inferred: true,
        })
      }
    }
  }

  const outcome = overallOutcome(ingest.status, rules.status, invocations, records.length)
  const failedInvocation = invocations.find((inv) => inv.outcome !== 'delivered' && inv.outcome !== 'in-flight')
  const reason = FINAL_OUTCOMES.has(outcome) && outcome !== 'delivered' ? failedInvocation?.reason : undefined
  const assumeErrorOnly =
    configured === 'ERROR' || (configured === undefined && (seen === undefined || seen === 'ERROR'))
  addNotes(notes, {outcome, records, invocations, rules, configured, seen, assumeErrorOnly})

  return {
    eventId,
    outcome,
    final: FINAL_OUTCOMES.has(outcome),
    summary: summarize(outcome, invocations, reason, ingest.message, configured, assumeErrorOnly),
    reason,
    ingest,
    rules,
    invocations,
    notes,
    level: {configured, seen},
    recordCount: records.length,
    firstAtMs: records[0]?.message_timestamp_ms,
    lastAtMs: records.at(-1)?.message_timestamp_ms,
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

/**
 * Momento's message for a failed step: the title and description of its error body (in the
 * response body or embedded in the error text), else EventBridge's error text as it is.
 */
function errorText(r: BusLogRecord): string | undefined {
  const body = typeof r.details?.target_response_body === 'string' ? r.details.target_response_body : undefined
  for (const text of [body, r.error?.error_message]) {
    if (!text) continue
    const parsed = parseErrorMessage(text)
    if (parsed.title || parsed.description) {
      return [parsed.title, parsed.description].filter(Boolean).join(' — ')
    }
  }
  return r.error?.error_message || body || undefined
}

const ATTEMPT_RESULT: Partial<Record<BusLogMessageType, AttemptResult>> = {
  INVOCATION_ATTEMPT_SUCCESS: 'succeeded',
  INVOCATION_ATTEMPT_RETRYABLE_FAILURE: 'retryable-failure',
  INVOCATION_ATTEMPT_PERMANENT_FAILURE: 'permanent-failure',
  INVOCATION_ATTEMPT_THROTTLE: 'throttled',
}

function attemptType(value: unknown): JourneyAttempt['type'] {
  return value === 'FIRST' || value === 'RETRY' || value === 'THROTTLE' ? value : undefined
}

function buildInvocation(records: BusLogRecord[]): JourneyInvocation {
  const first = records[0] as BusLogRecord
  const ruleArn = records.find((r) => r.details?.rule_arn)?.details?.rule_arn
  const targetArn = records.find((r) => r.details?.target_arn)?.details?.target_arn
  const attempts: JourneyAttempt[] = []
  const byNumber = new Map<number, JourneyAttempt>()
  const attemptFor = (n: number | undefined): JourneyAttempt => {
    const existing = n === undefined ? undefined : byNumber.get(n)
    if (existing) return existing
    const attempt: JourneyAttempt = {
      number: n,
      type: undefined,
      startedAtMs: undefined,
      endedAtMs: undefined,
      result: 'started',
      httpStatus: undefined,
      message: undefined,
      durationMs: undefined,
      waitBeforeNextMs: undefined,
      reason: undefined,
    }
    attempts.push(attempt)
    if (n !== undefined) byNumber.set(n, attempt)
    return attempt
  }
  const throttles: number[] = []
  let final: BusLogRecord | undefined
  let dlq: BusLogRecord | undefined
  let failure: BusLogRecord | undefined
  let success: BusLogRecord | undefined
  let startedAtMs: number | undefined
  for (const r of records) {
    const n = num(r.details?.attempt_count)
    switch (r.message_type) {
      case 'INVOCATION_START':
        startedAtMs ??= r.message_timestamp_ms
        break
      case 'INVOCATION_THROTTLE_START':
        throttles.push(r.message_timestamp_ms)
        break
      case 'INVOCATION_ATTEMPT_START': {
        const attempt = attemptFor(n)
        attempt.startedAtMs ??= r.message_timestamp_ms
        attempt.type ??= attemptType(r.details?.attempt_type)
        break
      }
      case 'INVOCATION_SUCCESS':
        success = r
        final = r
        break
      case 'INVOCATION_FAILURE':
        failure = r
        final ??= r
        break
      case 'INVOCATION_DLQ':
        dlq = r
        final = r
        break
      default: {
        const result = ATTEMPT_RESULT[r.message_type]
        if (!result) break
        // An end record without attempt_count that follows an unfinished start is that attempt's end.
        const open =
          n === undefined ? attempts.find((a) => a.result === 'started' && a.number === undefined) : undefined
        const attempt = open ?? attemptFor(n)
        attempt.result = result
        attempt.endedAtMs = r.message_timestamp_ms
        attempt.type = attemptType(r.details?.attempt_type) ?? attempt.type
        attempt.durationMs = num(r.details?.target_duration_ms)
        attempt.httpStatus = r.error?.http_status_code
        if (result === 'retryable-failure' || result === 'permanent-failure') {
          attempt.message = errorText(r)
          attempt.reason = reasonOfAttemptError({httpStatus: attempt.httpStatus, message: r.error?.error_message})
        }
      }
    }
  }
  attempts.sort(
    (a, b) =>
      (a.number ?? Number.MAX_SAFE_INTEGER) - (b.number ?? Number.MAX_SAFE_INTEGER) ||
      (a.startedAtMs ?? a.endedAtMs ?? 0) - (b.startedAtMs ?? b.endedAtMs ?? 0),
  )
  for (const [i, attempt] of attempts.entries()) {
    const next = attempts[i + 1]
    if (!next || attempt.endedAtMs === undefined) continue
    const nextStart =
      next.startedAtMs ??
      (next.endedAtMs !== undefined && next.durationMs !== undefined ? next.endedAtMs - next.durationMs : undefined)
    if (nextStart !== undefined) attempt.waitBeforeNextMs = Math.max(0, nextStart - attempt.endedAtMs)
  }

  const succeeded = success !== undefined || attempts.some((a) => a.result === 'succeeded')
  const permanent = attempts.some((a) => a.result === 'permanent-failure')
  const outcome: InvocationOutcome = dlq
    ? 'dead-lettered'
    : succeeded
      ? 'delivered'
      : failure
        ? 'dropped'
        : permanent
          ? 'failed'
          : 'in-flight'
  const lastFailed = [...attempts].reverse().find((a) => a.reason !== undefined)
  const finalError = (dlq ?? failure)?.error
  const reason =
    outcome === 'delivered'
      ? undefined
      : (lastFailed?.reason ??
        (finalError
          ? reasonOfAttemptError({httpStatus: finalError.http_status_code, message: finalError.error_message})
          : undefined))
  return {
    invocationId: first.invocation_id,
    ruleArn,
    ruleName: parseRuleArn(ruleArn)?.name,
    targetArn,
    outcome,
    reason,
    attempts,
    throttles: [...new Set(throttles)].sort((a, b) => a - b),
    totalAttempts: num(final?.details?.total_attempts),
    startedAtMs: startedAtMs ?? attempts[0]?.startedAtMs,
    endedAtMs: final?.message_timestamp_ms,
    ingestionToStartMs: num(final?.details?.ingestion_to_start_latency_ms),
    ingestionToCompleteMs: num(final?.details?.ingestion_to_complete_latency_ms),
  }
}

function pendingInvocation(rule: JourneyRule, targetArn: string, invocationId: string | undefined): JourneyInvocation {
  return {
    invocationId,
    ruleArn: rule.ruleArn,
    ruleName: rule.ruleName,
    targetArn,
    outcome: 'in-flight',
    reason: undefined,
    attempts: [],
    throttles: [],
    totalAttempts: undefined,
    startedAtMs: undefined,
    endedAtMs: undefined,
    ingestionToStartMs: undefined,
    ingestionToCompleteMs: undefined,
  }
}

/** Worst first: one lost invocation makes the event lost, whatever the others did. */
const SEVERITY: readonly InvocationOutcome[] = ['dropped', 'failed', 'dead-lettered', 'in-flight', 'delivered']

function overallOutcome(
  ingest: EventJourney['ingest']['status'],
  rules: EventJourney['rules']['status'],
  invocations: readonly JourneyInvocation[],
  recordCount: number,
): JourneyOutcome {
  if (ingest === 'rejected') return 'rejected'
  if (recordCount === 0) return 'unknown'
  if (invocations.length === 0) return rules === 'none' ? 'unmatched' : 'in-flight'
  // Any invocation still under way keeps the event in flight, even if another already failed.
  if (invocations.some((inv) => inv.outcome === 'in-flight')) return 'in-flight'
  for (const outcome of SEVERITY) if (invocations.some((inv) => inv.outcome === outcome)) return outcome
  return 'in-flight'
}

function reasonLabel(reason: DlqReason | undefined): string {
  return reason ? `${reason} (${REASON_INFO[reason].label})` : 'reason not logged'
}

function summarize(
  outcome: JourneyOutcome,
  invocations: readonly JourneyInvocation[],
  reason: DlqReason | undefined,
  ingestMessage: string | undefined,
  configured: BusLogSetting | undefined,
  assumeErrorOnly: boolean,
): string {
  const attempts = invocations.reduce((n, inv) => n + (inv.totalAttempts ?? inv.attempts.length), 0)
  const tries = attempts > 0 ? ` after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}` : ''
  switch (outcome) {
    case 'delivered':
      return `Delivered to Momento${tries}.`
    case 'dead-lettered':
      return `Dead-lettered${tries}: ${reasonLabel(reason)}.`
    case 'dropped':
      return `Failed${tries} and not dead-lettered (no DLQ record): ${reasonLabel(reason)}.`
    case 'failed':
      return `Failed for good${tries}: ${reasonLabel(reason)}; the dead-letter write isn't logged (yet).`
    case 'rejected':
      return `Rejected at ingestion${ingestMessage ? `: ${ingestMessage}` : ''}.`
    case 'unmatched':
      return 'No rule matched the event, so nothing was sent to Momento.'
    case 'in-flight':
      return assumeErrorOnly && attempts > 0
        ? `Not final yet${tries}: retrying, or delivered by a retry (a success leaves no record at ERROR level).`
        : `In flight${tries}: no final record yet.`
    case 'unknown':
      return configured === 'ERROR' || assumeErrorOnly ? NO_FAILURE_LOGGED : 'No record of this event (yet).'
  }
}

function addNotes(
  notes: string[],
  j: {
    outcome: JourneyOutcome
    records: readonly BusLogRecord[]
    invocations: readonly JourneyInvocation[]
    rules: EventJourney['rules']
    configured: BusLogSetting | undefined
    seen: BusLogLevel | undefined
    assumeErrorOnly: boolean
  },
): void {
  if (j.configured === 'OFF')
    notes.push('The bus logs nothing (level OFF): turn logs on with `momento-eb deploy --logs error`.')
  if (j.outcome === 'unknown') {
    if (j.assumeErrorOnly) {
      notes.push(
        j.configured === 'ERROR'
          ? 'The bus logs at ERROR level: only failures are logged, so no record is what a delivered event looks like — and also a wrong event id, an event older than the search window, or a record not written yet. Deploy with `--logs info` to see deliveries.'
          : 'If the bus logs at ERROR level only failures are logged, so no record proves nothing either way. Check the event id and the search window; deploy with `--logs info` to see deliveries.',
      )
    } else {
      notes.push('No record yet: records can arrive minutes late. Check the event id and the search window (--since).')
    }
  }
  if (j.outcome === 'in-flight' && j.assumeErrorOnly && j.invocations.some((inv) => inv.attempts.length > 0)) {
    notes.push(
      'At ERROR level a successful retry leaves no record: the event may have been delivered since the last failure.',
    )
  }
  if (j.outcome === 'dropped') {
    notes.push(
      'An invocation failed without a dead-letter record: the event is lost if the DLQ write failed (InvocationsFailedToBeSentToDlq) — or the DLQ record is only late.',
    )
  }
  if (j.outcome === 'failed') {
    notes.push('A permanent failure is logged but not what became of the event: check `momento-eb dlq list` for it.')
  }
  // Missing steps the level should have logged (best-effort logging): say so instead of guessing.
  if (j.seen !== undefined && LEVEL_RANK[j.seen] >= LEVEL_RANK.INFO) {
    const types = new Set(j.records.map((r) => r.message_type))
    if (!types.has('EVENT_RECEIPT') && !types.has('EVENT_INGEST_SUCCESS') && !types.has('EVENT_INGEST_FAILURE')) {
      notes.push('The ingestion record is missing (logging is best effort, or it is late).')
    }
  }
  const numbers = j.invocations.flatMap((inv) => {
    const known = inv.attempts.map((a) => a.number).filter((n): n is number => n !== undefined)
    const last = Math.max(0, inv.totalAttempts ?? 0, ...known)
    const missing = last - new Set(known).size
    return missing > 0 ? [`${missing} of ${last} attempts of ${inv.ruleName ?? 'an invocation'}`] : []
  })
  if (numbers.length > 0) notes.push(`No record for ${numbers.join(', ')} (not logged at this level, or lost or late).`)
}

/** One row of the timeline view: when, what, how it reads. */
export interface TimelineRow {
  atMs: number | undefined
  /** Indentation: 0 for event steps, 1 for an invocation, 2 for its attempts. */
  depth: 0 | 1 | 2
  text: string
  tone: 'normal' | 'muted' | 'ok' | 'warn' | 'error'
}

/** The journey as timeline rows, for the plain-text and the Ink views alike. */
export function timelineRows(journey: EventJourney): TimelineRow[] {
  const rows: TimelineRow[] = []
  const {ingest, rules} = journey
  if (ingest.status === 'accepted') {
    rows.push(
      ingest.atMs === undefined
        ? {
            atMs: undefined,
            depth: 0,
            text: 'Accepted by the bus (no ingest record; later steps prove it)',
            tone: 'muted',
          }
        : {atMs: ingest.atMs, depth: 0, text: 'Accepted by the bus', tone: 'normal'},
    )
  }
  if (ingest.status === 'rejected') {
    rows.push({
      atMs: ingest.atMs,
      depth: 0,
      text: `Rejected at ingestion${ingest.message ? `: ${ingest.message}` : ''}`,
      tone: 'error',
    })
  }
  if (rules.status === 'none') rows.push({atMs: rules.atMs, depth: 0, text: 'No rule matched', tone: 'warn'})
  for (const rule of rules.matched) {
    const name = rule.ruleName ?? rule.ruleArn
    rows.push(
      rule.inferred
        ? {
            atMs: undefined,
            depth: 0,
            text: `Matched rule ${name} (no match record; its invocation proves it)`,
            tone: 'muted',
          }
        : {atMs: rule.atMs, depth: 0, text: `Matched rule ${name}`, tone: 'normal'},
    )
  }
  for (const inv of journey.invocations) {
    rows.push({
      atMs: inv.startedAtMs ?? inv.attempts[0]?.startedAtMs ?? inv.attempts[0]?.endedAtMs,
      depth: 1,
      text: `Invocation of ${inv.ruleName ?? 'rule ?'} → ${shortArn(inv.targetArn)}`,
      tone: 'normal',
    })
    const steps: TimelineRow[] = [
      ...inv.throttles.map((at): TimelineRow => ({
        atMs: at,
        depth: 2,
        text: 'Throttled (destination rate limit)',
        tone: 'warn',
      })),
      ...inv.attempts.map((a): TimelineRow => ({
        atMs: a.endedAtMs ?? a.startedAtMs,
        depth: 2,
        text: attemptText(a),
        tone: attemptTone(a),
      })),
    ]
    // Within one invocation, throttles and attempts in time order (a sort is stable: ties keep attempt order).
    rows.push(...steps.sort((x, y) => (x.atMs ?? Infinity) - (y.atMs ?? Infinity)))
    rows.push({atMs: inv.endedAtMs, depth: 1, text: invocationText(inv), tone: outcomeTone(inv.outcome)})
  }
  return rows
}

function shortArn(arn: string | undefined): string {
  if (!arn) return 'target ?'
  const resource = arn.split(':').slice(5).join(':')
  return resource.replace(/^api-destination\//, 'api-destination ').replace(/\/[0-9a-f-]{36}$/, '') || arn
}

function attemptText(a: JourneyAttempt): string {
  const label = `Attempt ${a.number ?? '?'}${a.type ? ` (${a.type})` : ''}`
  const duration = a.durationMs !== undefined ? ` in ${formatMs(a.durationMs)}` : ''
  const status = a.httpStatus !== undefined ? `HTTP ${a.httpStatus}` : ''
  const what =
    a.result === 'succeeded'
      ? `succeeded${status ? ` (${status})` : ''}`
      : a.result === 'started'
        ? 'started'
        : a.result === 'throttled'
          ? 'throttled'
          : `${a.result === 'permanent-failure' ? 'failed (not retried)' : 'failed (will retry)'}${status ? `: ${status}` : ''}${
              a.message ? ` ${a.message}` : ''
            }`
  const wait = a.waitBeforeNextMs !== undefined ? `; next attempt ${formatMs(a.waitBeforeNextMs)} later` : ''
  return `${label} ${what}${duration}${wait}`
}

function attemptTone(a: JourneyAttempt): TimelineRow['tone'] {
  if (a.result === 'succeeded') return 'ok'
  if (a.result === 'permanent-failure') return 'error'
  if (a.result === 'retryable-failure' || a.result === 'throttled') return 'warn'
  return 'muted'
}

function invocationText(inv: JourneyInvocation): string {
  const n = inv.totalAttempts ?? inv.attempts.length
  const tries = n > 0 ? ` after ${n} ${n === 1 ? 'attempt' : 'attempts'}` : ''
  switch (inv.outcome) {
    case 'delivered':
      return `Delivered${tries}`
    case 'dead-lettered':
      return `Dead-lettered${tries}: ${reasonLabel(inv.reason)}`
    case 'dropped':
      return `Failed${tries}, no dead-letter record: ${reasonLabel(inv.reason)}`
    case 'failed':
      return `Failed for good${tries}: ${reasonLabel(inv.reason)}`
    case 'in-flight':
      return inv.attempts.length === 0 ? 'No attempt logged yet' : 'No final record yet'
  }
}

/** The tone of an outcome, for the views. */
export function outcomeTone(outcome: JourneyOutcome | InvocationOutcome): TimelineRow['tone'] {
  switch (outcome) {
    case 'delivered':
      return 'ok'
    case 'in-flight':
    case 'unknown':
      return 'muted'
    case 'unmatched':
      return 'warn'
    default:
      return 'error'
  }
}

/** "850 ms", "1.2 s", "3 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`
}

/** "12:00:03.250" (UTC) for a record time; "--:--:--.---" when unknown. */
export function clockTime(ms: number | undefined): string {
  return ms === undefined ? '--:--:--.---' : new Date(ms).toISOString().slice(11, 23)
}

/** Upper-case outcome word shown next to the summary ("DEAD-LETTERED"). */
export function outcomeWord(outcome: JourneyOutcome): string {
  return outcome === 'unknown' ? 'NO RECORD' : outcome.toUpperCase()
}

/**
 * The journey as plain text lines (off a terminal, and `put --wait --trace`): a header, one line
 * per step with its UTC time and offset from the first record, the outcome, then the notes.
 */
export function journeyLines(journey: EventJourney): string[] {
  const lines = [`Event ${journey.eventId}: ${outcomeWord(journey.outcome)} — ${journey.summary}`]
  for (const row of timelineRows(journey)) {
    const offset =
      row.atMs !== undefined && journey.firstAtMs !== undefined ? `+${formatMs(row.atMs - journey.firstAtMs)}` : ''
    lines.push(`  ${clockTime(row.atMs)} ${offset.padStart(9)}  ${'  '.repeat(row.depth)}${row.text}`)
  }
  for (const note of journey.notes) lines.push(`  note: ${note}`)
  return lines
}
