/**
 * What the delivery pipeline tells observers at each step EventBridge documents for an event (the
 * event-bus log steps: receipt, rule match, each invocation attempt, throttling, the final outcome).
 * The sandbox's event-bus logs and its AWS/Events metrics are both observers, so they see the same
 * steps in the same order. Observers must be cheap and must not throw (a throw is caught and
 * ignored so that delivery never depends on them).
 */

/** The event a step is about. */
export interface ObservedEvent {
  readonly id: string
  /** The envelope as PutEvents accepted it (source, detail-type, detail, …). */
  readonly event: Readonly<Record<string, unknown>>
  readonly json: string
  /** Wall-clock epoch ms at ingestion (the sandbox's clock). */
  readonly ingestedAtMs: number
}

/** Where a step happens: the bus, and for invocation steps the rule and the target. */
export interface ObservedBus {
  readonly region: string
  readonly busName: string
  readonly busArn: string
}

export interface ObservedInvocation extends ObservedBus {
  readonly ruleArn: string
  readonly ruleName: string
  readonly targetArn: string
  readonly targetId: string
  readonly roleArn?: string | undefined
  /** One id per (event, rule, target), shared by all its attempts (the log's `invocation_id`). */
  readonly invocationId: string
}

/** How one attempt ended. */
export interface ObservedAttempt {
  /** 1 for the first attempt. */
  readonly attempt: number
  readonly result: 'success' | 'retryable-failure' | 'permanent-failure'
  /** The HTTP status the endpoint answered, when it answered. */
  readonly httpStatus?: number | undefined
  /** The endpoint's answer, truncated (never holds the connection's secrets). */
  readonly responseBody?: string | undefined
  /** What went wrong, in words (the sandbox's full description, as a bus log would carry it). */
  readonly errorMessage?: string | undefined
  readonly durationMs: number
  /**
   * The request the attempt sent, built on demand (secrets redacted, body cut at 2,048 characters as
   * in the delivery log): bus logs with IncludeDetail FULL show it as `target_input`.
   */
  readonly request?: (() => {readonly method: string; readonly url: string; readonly body: string}) | undefined
}

/** How an invocation (all its attempts) ended. */
export interface ObservedOutcome {
  readonly outcome: 'delivered' | 'dead-lettered' | 'dropped' | 'dlq-write-failed'
  readonly attempts: number
  /** Ms from ingestion to the first attempt's start. */
  readonly ingestionToStartMs: number
  /** Ms from ingestion to the end. */
  readonly ingestionToCompleteMs: number
  readonly errorMessage?: string | undefined
  readonly httpStatus?: number | undefined
  /** The DLQ's ARN when the event was (or should have been) dead-lettered. */
  readonly dlqArn?: string | undefined
  /** `EXHAUSTED_RETRY_CONDITION` when retries ran out. */
  readonly exhausted?: string | undefined
}

/** Every hook is optional. Times are the sandbox's wall clock (`state.now()`). */
export interface PipelineObserver {
  /** PutEvents refused one entry (its result entry carries `code` and `message`); the bus exists. */
  ingestFailed?(bus: ObservedBus, event: ObservedEvent, error: {code: string; message: string}, atMs: number): void
  /** PutEvents accepted the event on an existing bus. */
  received?(bus: ObservedBus, event: ObservedEvent, atMs: number): void
  /** No enabled rule with targets on the bus matched the event. */
  noRuleMatched?(bus: ObservedBus, event: ObservedEvent, atMs: number): void
  /**
   * The event matched a rule; one invocation per target follows. All the rules one event matched are
   * reported one after another, with the same `event` object (the metrics count MatchedEvents on it).
   */
  ruleMatched?(
    bus: ObservedBus,
    event: ObservedEvent,
    rule: {readonly arn: string; readonly name: string},
    targets: readonly {readonly arn: string; readonly invocationId: string}[],
    atMs: number,
  ): void
  /** An attempt is about to call the target. */
  attemptStarted?(invocation: ObservedInvocation, event: ObservedEvent, attempt: number, atMs: number): void
  /** The invocation waits for the destination's rate limit (InvocationRateLimitPerSecond). */
  throttled?(invocation: ObservedInvocation, event: ObservedEvent, attempt: number, waitMs: number, atMs: number): void
  /** An attempt ended. */
  attemptEnded?(invocation: ObservedInvocation, event: ObservedEvent, attempt: ObservedAttempt, atMs: number): void
  /** The invocation ended: delivered, dead-lettered, dropped, or the DLQ write failed. */
  invocationEnded?(invocation: ObservedInvocation, event: ObservedEvent, outcome: ObservedOutcome, atMs: number): void
}

/** Call `hook` on every observer that has it; an observer that throws is skipped. */
export function notify<K extends keyof PipelineObserver>(
  observers: readonly PipelineObserver[],
  hook: K,
  ...args: Parameters<NonNullable<PipelineObserver[K]>>
): void {
  // Hooks take at most six arguments: passed as such (no `apply` with the rest array, which V8
  // cannot optimize away at a dozen calls per event).
  const list = args as unknown[]
  for (const observer of observers) {
    const fn = observer[hook] as ((...a: unknown[]) => void) | undefined
    if (!fn) continue
    try {
      fn.call(observer, list[0], list[1], list[2], list[3], list[4], list[5])
    } catch {
      // An observer never breaks delivery.
    }
  }
}
