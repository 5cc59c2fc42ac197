/**
 * The bounded record of target invocations behind `GET /_sandbox/deliveries`, plus the counters
 * CloudWatch would show (`Invocations`, `FailedInvocations`, `InvocationsSentToDlq`,
 * `InvocationsFailedToBeSentToDLQ`, …). Secrets never get here: callers redact before recording.
 */

/** What happened to the event after this attempt. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead-lettered' | 'dropped' | 'aborted'

/** The request of an attempt as logged (secrets already redacted). */
export interface LoggedRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: string
}

/** One invocation attempt as logged. */
export interface DeliveryRecord {
  /** ISO time of the attempt. */
  readonly time: string
  readonly ruleArn: string
  readonly targetId: string
  readonly targetArn: string
  readonly eventId: string
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number
  readonly request?: LoggedRequest
  readonly response?: {status: number; body: string}
  /**
   * The DLQ's `ERROR_CODE` and `ERROR_MESSAGE` for this failure, and `detail`, what really happened
   * (status and body, timeout, socket error) when the DLQ text does not say it.
   */
  readonly error?: {code: string; message: string; detail?: string}
  readonly outcome: DeliveryOutcome
  /** Why a dead-lettered or dropped event stopped being retried. */
  readonly exhaustedRetryCondition?: string
  /** Where a dead-lettered event went, or why the DLQ write failed. */
  readonly deadLetter?: {queueArn: string; sent: boolean; reason?: string}
}

/** Counters over the sandbox's life (a bounded log forgets; these do not). */
export interface DeliveryCounters {
  /** Matched (rule, target) pairs, i.e. events handed to a target. */
  matchedEvents: number
  /** Invocation attempts made (first tries and retries). */
  invocations: number
  /** Events delivered (2xx, or accepted by the SQS target). */
  delivered: number
  /** Retries scheduled. */
  retries: number
  /** Events that finally failed (after retries, or not retryable). */
  failedInvocations: number
  /** Failed events written to their DLQ. */
  deadLettered: number
  /** Failed events whose DLQ write failed (no queue, or a policy that does not allow it). */
  failedToDlq: number
  /** Failed events with no DLQ configured. */
  dropped: number
}

/**
 * An attempt as the pipeline hands it over: the time as a number and the request possibly as a
 * function, so the redacted copy is only built for attempts someone actually looks at.
 */
export interface DeliveryEntry extends Omit<DeliveryRecord, 'time' | 'request'> {
  readonly timeMs: number
  readonly request?: LoggedRequest | (() => LoggedRequest)
}

/** Filters of the inspection route. */
export interface DeliveryFilter {
  rule?: string
  target?: string
  event?: string
  outcome?: string
  limit?: number
}

/** A ring buffer of the last `capacity` attempts and the lifetime counters. */
export class DeliveryLog {
  readonly counters: DeliveryCounters = {
    matchedEvents: 0,
    invocations: 0,
    delivered: 0,
    retries: 0,
    failedInvocations: 0,
    deadLettered: 0,
    failedToDlq: 0,
    dropped: 0,
  }
  private readonly records: DeliveryEntry[] = []
  private next = 0

  constructor(readonly capacity = 10_000) {}

  add(record: DeliveryEntry): void {
    if (this.records.length < this.capacity) this.records.push(record)
    else this.records[this.next] = record
    this.next = (this.next + 1) % this.capacity
  }

  /** Records oldest first, filtered; `limit` keeps the newest ones. `rule` and `target` match an ARN, id or name suffix. */
  list(filter: DeliveryFilter = {}): DeliveryRecord[] {
    const ordered =
      this.records.length < this.capacity
        ? this.records.slice()
        : [...this.records.slice(this.next), ...this.records.slice(0, this.next)]
    const result = ordered.filter(
      (r) =>
        (!filter.rule || r.ruleArn === filter.rule || r.ruleArn.endsWith(`/${filter.rule}`)) &&
        (!filter.target ||
          r.targetId === filter.target ||
          r.targetArn === filter.target ||
          r.targetArn.includes(`/${filter.target}/`)) &&
        (!filter.event || r.eventId === filter.event) &&
        (!filter.outcome || r.outcome === filter.outcome),
    )
    const kept =
      filter.limit !== undefined && filter.limit >= 0 ? result.slice(Math.max(0, result.length - filter.limit)) : result
    return kept.map(materialize)
  }

  /** Forget the records (counters stay). */
  clear(): void {
    this.records.length = 0
    this.next = 0
  }
}

function materialize(entry: DeliveryEntry): DeliveryRecord {
  const {timeMs, request, ...rest} = entry
  const time = new Date(timeMs).toISOString()
  if (request === undefined) return {time, ...rest}
  return {time, ...rest, request: typeof request === 'function' ? request() : request}
}
