/**
 * The delivery pipeline: rules matched against events PutEvents accepted, then each target invoked
 * with EventBridge's retry, rate-limit and dead-letter behaviour
 * (docs/reference/aws-facts.md#integration-stack, #dlq-messages).
 *
 * One pipeline per sandbox, created on first use. Everything runs in the background (tracked with
 * `state.track`) and stops promptly when `state.closing` aborts: pending waits resolve at once and
 * in-flight requests are destroyed, so no timer outlives the sandbox.
 */
import {randomUUID} from 'node:crypto'
import {performance} from 'node:perf_hooks'

import {compilePattern, type CompiledPattern} from '../../core/event-pattern.js'
import type {ApiDestination, Connection, EventsStore, Rule, Target} from '../eventbridge/model.js'
import type {SandboxState} from '../state.js'
import {
  DeliveryLog,
  type DeliveryEntry,
  type DeliveryOutcome,
  type DeliveryRecord,
  type LoggedRequest,
} from './delivery-log.js'
import {describeFailure, errorCode, errorMessage, isRetryable, truncate, type AttemptFailure} from './failures.js'
import {createWorkerSender, type HttpSender} from './http-sender.js'
import {
  notify,
  type ObservedEvent,
  type ObservedInvocation,
  type ObservedOutcome,
  type PipelineObserver,
} from './observer.js'
import {buildRequest, compileTarget, LOGGED_NOT_SENT, type CompiledTarget, type OutgoingRequest} from './http-target.js'
import type {InputContext} from './input-transformer.js'
import {policyAllowsEventBridge} from './queue-policy.js'
import {
  decideRetry,
  parseRetryAfter,
  retryLimits,
  TokenBucket,
  type ExhaustedCondition,
  type RetryAfter,
} from './retry.js'

/** An event as PutEvents accepted it. */
export interface IngestedEvent {
  /** The envelope: `version, id, detail-type, source, account, time, region, resources, detail`. */
  readonly event: Record<string, unknown>
  /**
   * The envelope as JSON: the default target input and the DLQ message body
   * (docs/reference/aws-facts.md#dlq-body).
   */
  readonly json: string
  readonly id: string
  /** ISO time of ingestion (`<aws.events.event.ingestion-time>`). */
  readonly ingestionTime: string
  /** Monotonic real milliseconds at ingestion, for the event's age. */
  readonly ingestedAt: number
  /** `ingestionTime` as epoch ms (the sandbox's clock), when the ingester knows it. */
  readonly ingestionTimeMs?: number
}

/** SenderId of messages the pipeline writes to SQS: the EventBridge service principal. */
const SENDER_ID = 'events.amazonaws.com'
/** Longest request or response body kept in the delivery log. */
const MAX_LOGGED_BODY = 2048
/** Most response bytes read from an endpoint (enough for the quoted error text). */
const REDACTED = 'REDACTED'
/**
 * Most API destination calls in flight at once, across destinations. Without a bound a burst of
 * PutEvents would open thousands of requests that wait for sockets and time out while queued.
 * Waiting for a slot is EventBridge's own backlog, so the 5-second timeout starts after it.
 */
const MAX_IN_FLIGHT = 128

const API_DESTINATION_ARN = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):api-destination\/([^/]+)(?:\/|$)/
const SQS_ARN = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([^:/]+)$/
const CONNECTION_ARN = /:connection\/([^/]+)(?:\/|$)/
/**
 * Connection states in which EventBridge cannot authorize calls (docs/reference/aws-facts.md#eb-connection:
 * the destination goes INACTIVE).
 */
const UNUSABLE_CONNECTION_STATES = new Set(['DEAUTHORIZED', 'DEAUTHORIZING', 'DELETING', 'FAILED_CONNECTIVITY'])

/** A matched (event, rule, target) as one delivery works on it. */
interface Delivery {
  readonly event: IngestedEvent
  readonly region: string
  readonly ruleArn: string
  readonly ruleName: string
  readonly target: Target
  readonly compiled: CompiledTarget
  readonly input: InputContext
  /** The invocation as observers see it (present only when someone observes). */
  readonly observed: ObservedInvocation | undefined
  /** The event as observers see it, made once per event in `route` (present with `observed`). */
  readonly observedEvent: ObservedEvent | undefined
  /** When the first attempt started (for `ingestion_to_start_latency_ms`), once observed. */
  firstStartMs: number | undefined
}

/** The outcome of one attempt. */
type AttemptResult = {
  record: Pick<DeliveryEntry, 'request' | 'response' | 'error'>
  failure?: AttemptFailure
  retryAfter?: RetryAfter
}

const PIPELINES = new WeakMap<SandboxState, DeliveryPipeline>()

/** The pipeline of a sandbox, created on first use. */
export function pipelineOf(state: SandboxState): DeliveryPipeline {
  let pipeline = PIPELINES.get(state)
  if (!pipeline) {
    pipeline = new DeliveryPipeline(state)
    PIPELINES.set(state, pipeline)
  }
  return pipeline
}

/** Rule matching, target invocation, retries and dead-lettering for one sandbox. */
export class DeliveryPipeline {
  readonly log = new DeliveryLog()
  private readonly patterns = new WeakMap<Rule, {text: string; compiled: CompiledPattern | undefined}>()
  private readonly compiledTargets = new WeakMap<Target, {source: readonly unknown[]; compiled: CompiledTarget}>()
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly sleepers = new Set<{timer: NodeJS.Timeout; resolve: (completed: boolean) => void}>()
  private readonly policyVerdicts = new Map<string, boolean>()
  // EventBridge sends `Connection: close` on every call (docs/reference/aws-facts.md#eb-api-destination). The
  // sandbox's sender keeps connections alive instead: a fresh TCP connection per event cannot sustain
  // thousands of events per second, and endpoints cannot tell the difference in what they are asked to do.
  // The delivery log still shows the header as AWS sends it (http-target.ts, LOGGED_NOT_SENT). Created on the
  // first call.
  private senderInstance: HttpSender | undefined
  private get sender(): HttpSender {
    this.senderInstance ??= createWorkerSender()
    return this.senderInstance
  }
  private active = 0
  /** Who is told about each step (event-bus logs, metrics): see observer.ts. */
  private readonly observers: PipelineObserver[] = []
  /** Calls waiting for one of the MAX_IN_FLIGHT slots, oldest first (`head` marks the front). */
  private waiting: ((acquired: boolean) => void)[] = []
  private head = 0

  constructor(private readonly state: SandboxState) {
    state.closing.addEventListener('abort', () => this.stop(), {once: true})
  }

  /** Tell `observer` about every step from now on. @returns a function that stops it. */
  observe(observer: PipelineObserver): () => void {
    this.observers.push(observer)
    return () => {
      const i = this.observers.indexOf(observer)
      if (i >= 0) this.observers.splice(i, 1)
    }
  }

  /** Tell observers that PutEvents refused an entry meant for `busName` (nothing when no one observes). */
  rejected(region: string, busName: string, event: ObservedEvent, error: {code: string; message: string}): void {
    if (this.observers.length === 0) return
    const bus = this.state.region(region).events.buses.get(busName)
    if (!bus) return
    notify(this.observers, 'ingestFailed', {region, busName, busArn: bus.Arn}, event, error, this.state.now())
  }

  /**
   * Route events PutEvents accepted on `busName` in `region`. Returns at once: matching and
   * delivery happen after the PutEvents response is on its way.
   */
  ingest(region: string, busName: string, events: readonly IngestedEvent[]): void {
    if (events.length === 0 || this.state.closing.aborted) return
    this.state.track(
      new Promise<void>((resolve) =>
        setImmediate(() => {
          try {
            if (!this.state.closing.aborted) this.route(region, busName, events)
          } finally {
            resolve()
          }
        }),
      ),
    )
  }

  private route(region: string, busName: string, events: readonly IngestedEvent[]): void {
    const store = this.state.region(region).events
    // A bus that does not exist has no rules: its events are accepted and go nowhere
    // (docs/reference/aws-facts.md#unknown-bus-accepted).
    const bus = store.buses.get(busName)
    if (!bus) return
    const rules: {rule: Rule; pattern: CompiledPattern}[] = []
    for (const rule of store.rules.values()) {
      if (rule.EventBusName !== busName || !rule.State.startsWith('ENABLED') || rule.targets.size === 0) continue
      const pattern = this.patternOf(rule)
      if (pattern) rules.push({rule, pattern})
    }
    const observing = this.observers.length > 0
    const observedBus = {region, busName, busArn: bus.Arn}
    const now = observing ? this.state.now() : 0
    // Each event's view for observers, made once here and carried by its deliveries: no per-event
    // WeakMap entry (ephemerons make the garbage collector work harder at thousands of events a second).
    const views = observing ? events.map(observedView) : undefined
    if (views) for (const view of views) notify(this.observers, 'received', observedBus, view, now)
    if (rules.length === 0) {
      if (views) for (const view of views) notify(this.observers, 'noRuleMatched', observedBus, view, now)
      return
    }
    for (let eventIndex = 0; eventIndex < events.length; eventIndex++) {
      const event = events[eventIndex] as IngestedEvent
      const view = views?.[eventIndex]
      let matchedAny = false
      for (const {rule, pattern} of rules) {
        if (!pattern.matches(event.event)) continue
        matchedAny = true
        const input: InputContext = {
          event: event.event,
          eventJson: event.json,
          ruleArn: rule.Arn,
          ruleName: rule.Name,
          ingestionTime: event.ingestionTime,
        }
        // Every Delivery has the same fields in the same order (one hidden class): spreading an
        // optional part into the literal made each one a slow, freshly shaped object (measured).
        const deliveries: Delivery[] = []
        for (const target of rule.targets.values()) {
          this.log.counters.matchedEvents++
          const observed: ObservedInvocation | undefined =
            view === undefined
              ? undefined
              : {
                  region,
                  busName,
                  busArn: bus.Arn,
                  ruleArn: rule.Arn,
                  ruleName: rule.Name,
                  targetArn: target.Arn,
                  targetId: target.Id,
                  roleArn: target.RoleArn,
                  invocationId: invocationId(),
                }
          deliveries.push({
            event,
            region,
            ruleArn: rule.Arn,
            ruleName: rule.Name,
            target,
            compiled: this.compiledTargetOf(target),
            input,
            observed,
            observedEvent: view,
            firstStartMs: undefined,
          })
        }
        if (view) {
          const invocations = deliveries.map((d) => ({
            arn: d.target.Arn,
            invocationId: (d.observed as ObservedInvocation).invocationId,
          }))
          notify(this.observers, 'ruleMatched', observedBus, view, {arn: rule.Arn, name: rule.Name}, invocations, now)
        }
        for (const delivery of deliveries) this.state.track(this.deliver(delivery))
      }
      if (view && !matchedAny) notify(this.observers, 'noRuleMatched', observedBus, view, now)
    }
  }

  /** The compiled pattern of a rule, recompiled when PutRule changed it; undefined when invalid. */
  private patternOf(rule: Rule): CompiledPattern | undefined {
    const text = rule.EventPattern
    if (text === undefined) return undefined
    const cached = this.patterns.get(rule)
    if (cached && cached.text === text) return cached.compiled
    let compiled: CompiledPattern | undefined
    try {
      compiled = compilePattern(text)
    } catch {
      compiled = undefined
    }
    this.patterns.set(rule, {text, compiled})
    return compiled
  }

  private compiledTargetOf(target: Target): CompiledTarget {
    const source = [target.Input, target.InputPath, target.InputTransformer, target.HttpParameters]
    const cached = this.compiledTargets.get(target)
    if (cached && cached.source.every((value, i) => value === source[i])) return cached.compiled
    const compiled = compileTarget(target)
    this.compiledTargets.set(target, {source, compiled})
    return compiled
  }

  /** Simulated milliseconds since the event was ingested. */
  private ageMs(event: IngestedEvent): number {
    const scale = this.state.options.timeScale
    return scale > 0 ? (performance.now() - event.ingestedAt) / scale : 0
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const {target} = delivery
    const limits = retryLimits(target.RetryPolicy)
    const isApiDestination = API_DESTINATION_ARN.test(target.Arn)
    for (let retries = 0; ; retries++) {
      if (this.state.closing.aborted) return
      let result: AttemptResult
      if (isApiDestination) {
        const prepared = this.prepareApiDestination(delivery)
        if ('failure' in prepared) {
          result = prepared
        } else {
          // Wait for the destination's invocation rate limit; an event that would age out while
          // queued is given up as THROTTLING.
          const wait = this.rateLimitWait(prepared.destination)
          if (wait > 0 && this.ageMs(delivery.event) + wait > limits.maxAgeMs) {
            this.buckets.get(prepared.destination.ApiDestinationArn)?.giveBack()
            const message = `Event exceeded MaximumEventAgeInSeconds while queued behind the destination's InvocationRateLimitPerSecond of ${prepared.destination.InvocationRateLimitPerSecond}.`
            this.finish(delivery, retries, {kind: 'throttled', message}, {}, 'MaximumEventAgeInSeconds')
            return
          }
          if (wait > 0) this.tell(delivery, 'throttled', retries + 1, wait)
          if (wait > 0 && !(await this.sleep(wait * this.state.options.timeScale))) return
          if (!(await this.acquireSlot())) return
          this.tell(delivery, 'attemptStarted', retries + 1)
          const started = performance.now()
          try {
            result = await this.callApiDestination(prepared.request)
          } finally {
            this.releaseSlot()
          }
          this.tellAttemptEnded(delivery, retries + 1, result, performance.now() - started)
        }
      } else {
        this.tell(delivery, 'attemptStarted', retries + 1)
        result = this.sendToSqsTarget(delivery)
        this.tellAttemptEnded(delivery, retries + 1, result, 0)
      }
      if (this.state.closing.aborted) {
        this.record(delivery, retries, result.record, 'aborted')
        return
      }
      this.log.counters.invocations++
      const failure = result.failure
      if (!failure) {
        this.log.counters.delivered++
        this.record(delivery, retries, result.record, 'delivered')
        this.tellOutcome(delivery, {outcome: 'delivered', attempts: retries + 1})
        return
      }
      if (!isRetryable(failure)) {
        this.finish(delivery, retries, failure, result.record)
        return
      }
      const decision = decideRetry(retries, limits, this.ageMs(delivery.event), result.retryAfter)
      if (!decision.retry) {
        this.finish(delivery, retries, failure, result.record, decision.exhausted)
        return
      }
      this.log.counters.retries++
      this.record(delivery, retries, result.record, 'retrying')
      if (!(await this.sleep(decision.delayMs * this.state.options.timeScale))) return
    }
  }

  private prepareApiDestination(
    delivery: Delivery,
  ):
    | {destination: ApiDestination; request: OutgoingRequest}
    | {failure: AttemptFailure; record: AttemptResult['record']} {
    const fail = (kind: 'no-resource' | 'no-permissions' | 'invalid-parameter', message: string) => ({
      failure: {kind, message},
      record: {error: {code: errorCode({kind, message}), message}},
    })
    const {target} = delivery
    if (!target.RoleArn) {
      return fail(
        'no-permissions',
        `Target ${target.Id} has no RoleArn: invoking an API destination needs a role with events:InvokeApiDestination.`,
      )
    }
    const match = API_DESTINATION_ARN.exec(target.Arn)
    const store = this.state.region(delivery.region).events
    const destination =
      match && match[1] === delivery.region ? findDestination(store, target.Arn, match[3] as string) : undefined
    if (!destination) return fail('no-resource', `API destination ${target.Arn} does not exist.`)
    if (destination.ApiDestinationState === 'INACTIVE') {
      return fail('no-resource', `API destination ${destination.Name} is INACTIVE.`)
    }
    const connection = findConnection(store, destination.ConnectionArn)
    if (!connection) return fail('no-resource', `Connection ${destination.ConnectionArn} does not exist.`)
    if (UNUSABLE_CONNECTION_STATES.has(connection.ConnectionState)) {
      return fail('no-resource', `Connection ${connection.Name} is ${connection.ConnectionState}.`)
    }
    const request = buildRequest(delivery.compiled, destination, connection, delivery.input)
    if (typeof request === 'string') return fail('invalid-parameter', request)
    return {destination, request}
  }

  /** Simulated milliseconds to wait for the destination's next invocation slot. */
  private rateLimitWait(destination: ApiDestination): number {
    const scale = this.state.options.timeScale
    const rate = destination.InvocationRateLimitPerSecond
    // The rate is per simulated second, like every other wait: with timeScale 0 nothing waits.
    if (!(scale > 0) || !(rate > 0)) return 0
    let bucket = this.buckets.get(destination.ApiDestinationArn)
    if (!bucket) {
      bucket = new TokenBucket(rate, () => performance.now() / scale)
      this.buckets.set(destination.ApiDestinationArn, bucket)
    } else {
      bucket.setRate(rate)
    }
    return bucket.take()
  }

  private async callApiDestination(request: OutgoingRequest): Promise<AttemptResult> {
    const timeoutMs = this.state.options.apiDestinationTimeoutMs
    const logged = (): LoggedRequest => this.loggedRequest(request)
    // What goes on the wire: everything the log shows except `Connection: close` (LOGGED_NOT_SENT).
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (!LOGGED_NOT_SENT.has(name.toLowerCase())) headers[name] = value
    }
    const sent = await this.sender.send({
      target: request.target,
      method: request.method,
      headers,
      body: request.body,
      timeoutMs,
    })
    let failure: AttemptFailure
    switch (sent.kind) {
      case 'response': {
        const response = {status: sent.status, body: this.scrub(truncate(sent.body, MAX_LOGGED_BODY), request.secrets)}
        if (sent.status >= 200 && sent.status < 300) return {record: {request: logged, response}}
        failure = {kind: 'http', status: sent.status, body: this.scrub(sent.body, request.secrets)}
        const retryAfter = parseRetryAfter(sent.retryAfter, Date.now())
        const record = {request: logged, response, error: this.errorOf(failure)}
        return retryAfter === undefined ? {record, failure} : {record, failure, retryAfter}
      }
      case 'timeout':
        failure = {kind: 'timeout', timeoutMs}
        break
      case 'invalid':
        failure = {kind: 'invalid-parameter', message: `Cannot send the request: ${sent.detail}`}
        break
      case 'network':
        failure = {kind: 'network', detail: this.scrub(sent.detail, request.secrets)}
        break
      case 'closed':
        failure = {kind: 'network', detail: 'The sandbox closed before the endpoint answered.'}
        break
    }
    return {record: {request: logged, error: this.errorOf(failure)}, failure}
  }

  /**
   * A failure as logged: the DLQ's `ERROR_CODE` and `ERROR_MESSAGE` in the current `failureDetail`
   * mode, plus what really happened when the DLQ text does not say it (the sandbox's own inspection,
   * as AWS's event bus logs would show it).
   */
  private errorOf(failure: AttemptFailure): {code: string; message: string; detail?: string} {
    const mode = this.state.options.failureDetail
    const code = errorCode(failure, mode)
    const message = errorMessage(failure, mode)
    const detail = describeFailure(failure)
    return detail === message ? {code, message} : {code, message, detail}
  }

  private sendToSqsTarget(delivery: Delivery): AttemptResult {
    const {target} = delivery
    const fail = (kind: 'no-resource' | 'no-permissions' | 'invalid-parameter', message: string): AttemptResult => ({
      failure: {kind, message},
      record: {error: {code: errorCode({kind, message}), message}},
    })
    const match = SQS_ARN.exec(target.Arn)
    if (!match)
      return fail(
        'invalid-parameter',
        `The sandbox cannot deliver to target ${target.Arn}: only API destinations and SQS queues are supported.`,
      )
    const queue =
      match[1] === delivery.region ? this.state.region(delivery.region).sqs.queueByArn(target.Arn) : undefined
    if (!queue) return fail('no-resource', `Queue ${target.Arn} does not exist.`)
    // SQS targets need the same resource policy as DLQs (docs/reference/aws-facts.md#eb-dlq-policy):
    // PutTargets adds none.
    if (!this.policyAllows(queue.attributes()['Policy'], queue.arn, delivery.ruleArn)) {
      return fail(
        'no-permissions',
        `The policy of queue ${queue.arn} does not let events.amazonaws.com send messages for rule ${delivery.ruleArn}.`,
      )
    }
    const body = delivery.compiled.input(delivery.input)
    const logged = (): LoggedRequest => ({
      method: 'SendMessage',
      url: queue.arn,
      headers: {},
      body: truncate(body, MAX_LOGGED_BODY),
    })
    try {
      queue.send({body, senderId: SENDER_ID})
    } catch (error) {
      const message = `SendMessage to ${queue.arn} failed: ${error instanceof Error ? error.message : String(error)}`
      return {
        failure: {kind: 'invalid-parameter', message},
        record: {request: logged, error: {code: 'INVALID_PARAMETER', message}},
      }
    }
    return {record: {request: logged}}
  }

  /** The event finally failed: dead-letter it when the target has a DLQ that accepts it, else drop it. */
  private finish(
    delivery: Delivery,
    retries: number,
    failure: AttemptFailure,
    record: AttemptResult['record'],
    exhausted?: ExhaustedCondition,
  ): void {
    const counters = this.log.counters
    counters.failedInvocations++
    const dlqArn = delivery.target.DeadLetterConfig?.Arn
    const mode = this.state.options.failureDetail
    const code = errorCode(failure, mode)
    const message = errorMessage(failure, mode)
    const withError = {...record, error: record.error ?? this.errorOf(failure)}
    const told = {
      attempts: retries + 1,
      errorMessage: describeFailure(failure),
      httpStatus: failure.kind === 'http' ? failure.status : undefined,
      exhausted,
    }
    if (!dlqArn) {
      counters.dropped++
      this.record(delivery, retries, withError, 'dropped', exhausted)
      this.tellOutcome(delivery, {...told, outcome: 'dropped'})
      return
    }
    const reason = this.writeToDlq(delivery, dlqArn, {
      RULE_ARN: delivery.ruleArn,
      TARGET_ARN: delivery.target.Arn,
      ERROR_CODE: code,
      ERROR_MESSAGE: message,
      ...(exhausted ? {EXHAUSTED_RETRY_CONDITION: exhausted} : {}),
      RETRY_ATTEMPTS: String(retries),
    })
    if (reason === undefined) {
      counters.deadLettered++
      this.record(delivery, retries, withError, 'dead-lettered', exhausted, {queueArn: dlqArn, sent: true})
      this.tellOutcome(delivery, {...told, outcome: 'dead-lettered', dlqArn})
    } else {
      counters.failedToDlq++
      this.record(delivery, retries, withError, 'dropped', exhausted, {queueArn: dlqArn, sent: false, reason})
      this.tellOutcome(delivery, {...told, outcome: 'dlq-write-failed', dlqArn})
    }
  }

  /** Tell observers about a step of `delivery` (nothing when no one observes). */
  private tell(delivery: Delivery, hook: 'attemptStarted' | 'throttled', attempt: number, waitMs = 0): void {
    const invocation = delivery.observed
    const event = delivery.observedEvent
    if (!invocation || !event) return
    const now = this.state.now()
    if (hook === 'throttled') {
      notify(this.observers, 'throttled', invocation, event, attempt, waitMs, now)
      return
    }
    if (attempt === 1) delivery.firstStartMs = now
    notify(this.observers, 'attemptStarted', invocation, event, attempt, now)
  }

  private tellAttemptEnded(delivery: Delivery, attempt: number, result: AttemptResult, durationMs: number): void {
    const invocation = delivery.observed
    const event = delivery.observedEvent
    if (!invocation || !event) return
    const failure = result.failure
    notify(
      this.observers,
      'attemptEnded',
      invocation,
      event,
      {
        attempt,
        result: !failure ? 'success' : isRetryable(failure) ? 'retryable-failure' : 'permanent-failure',
        httpStatus: result.record.response?.status,
        responseBody: result.record.response?.body,
        errorMessage: failure ? describeFailure(failure) : undefined,
        durationMs,
        request: requestOf(result.record.request),
      },
      this.state.now(),
    )
  }

  private tellOutcome(
    delivery: Delivery,
    outcome: Omit<ObservedOutcome, 'ingestionToStartMs' | 'ingestionToCompleteMs'>,
  ): void {
    const invocation = delivery.observed
    const event = delivery.observedEvent
    if (!invocation || !event) return
    const now = this.state.now()
    notify(
      this.observers,
      'invocationEnded',
      invocation,
      event,
      // Spelled out, not spread: one object shape for every outcome (a spread cost ~3 µs an event).
      {
        outcome: outcome.outcome,
        attempts: outcome.attempts,
        ingestionToStartMs: Math.max(0, (delivery.firstStartMs ?? now) - event.ingestedAtMs),
        ingestionToCompleteMs: Math.max(0, now - event.ingestedAtMs),
        errorMessage: outcome.errorMessage,
        httpStatus: outcome.httpStatus,
        dlqArn: outcome.dlqArn,
        exhausted: outcome.exhausted,
      },
      now,
    )
  }

  /**
   * Send the original event to the DLQ (docs/reference/aws-facts.md#dlq-body, #dlq-attributes). @returns why
   * it could not be sent, if it could not.
   */
  private writeToDlq(delivery: Delivery, dlqArn: string, attributes: Record<string, string>): string | undefined {
    const match = SQS_ARN.exec(dlqArn)
    // DLQs must be in the rule's region (docs/reference/aws-facts.md#eb-dlq-policy).
    const queue =
      match && match[1] === delivery.region ? this.state.region(delivery.region).sqs.queueByArn(dlqArn) : undefined
    if (!queue) return `Queue ${dlqArn} does not exist in ${delivery.region}.`
    if (!this.policyAllows(queue.attributes()['Policy'], queue.arn, delivery.ruleArn)) {
      return `The policy of queue ${queue.arn} does not let events.amazonaws.com send messages for rule ${delivery.ruleArn}.`
    }
    const messageAttributes: Record<string, {DataType: string; StringValue: string}> = {}
    for (const [name, value] of Object.entries(attributes))
      messageAttributes[name] = {DataType: 'String', StringValue: value}
    try {
      queue.send({body: delivery.event.json, messageAttributes, senderId: SENDER_ID})
    } catch (error) {
      return `SendMessage to ${queue.arn} failed: ${error instanceof Error ? error.message : String(error)}`
    }
    return undefined
  }

  /** Policy evaluation, memoized by policy text, queue and rule (SQS targets check it per event). */
  private policyAllows(policy: string | undefined, queueArn: string, ruleArn: string): boolean {
    if (!policy) return false
    const key = `${queueArn}\n${ruleArn}\n${policy}`
    let verdict = this.policyVerdicts.get(key)
    if (verdict === undefined) {
      verdict = policyAllowsEventBridge(policy, {queueArn, sourceArn: ruleArn, sourceAccount: this.state.accountId})
      if (this.policyVerdicts.size >= 1000) this.policyVerdicts.clear()
      this.policyVerdicts.set(key, verdict)
    }
    return verdict
  }

  private record(
    delivery: Delivery,
    retries: number,
    parts: AttemptResult['record'],
    outcome: DeliveryOutcome,
    exhausted?: string,
    deadLetter?: DeliveryRecord['deadLetter'],
  ): void {
    this.log.add({
      timeMs: this.state.now(),
      ruleArn: delivery.ruleArn,
      targetId: delivery.target.Id,
      targetArn: delivery.target.Arn,
      eventId: delivery.event.id,
      attempt: retries + 1,
      ...parts,
      outcome,
      ...(exhausted ? {exhaustedRetryCondition: exhausted} : {}),
      ...(deadLetter ? {deadLetter} : {}),
    })
  }

  /** The request as logged: secret header values replaced, secrets scrubbed from URL and body. */
  private loggedRequest(request: OutgoingRequest): LoggedRequest {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name] = request.secretHeaders.has(name.toLowerCase()) ? REDACTED : value
    }
    return {
      method: request.method,
      url: this.scrub(request.url, request.secrets),
      headers,
      body: this.scrub(truncate(request.body, MAX_LOGGED_BODY), request.secrets),
    }
  }

  /** Replace secrets (and the sandbox's Momento key) wherever they appear in logged text. */
  private scrub(text: string, secrets: readonly string[]): string {
    let out = text
    for (const secret of [...secrets, this.state.options.apiKey]) {
      // Very short values would blank out ordinary text; no real key is that short.
      if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED)
    }
    return out
  }

  /** Wait for a call slot. @returns false when the sandbox closed meanwhile. */
  private acquireSlot(): Promise<boolean> {
    if (this.state.closing.aborted) return Promise.resolve(false)
    if (this.active < MAX_IN_FLIGHT) {
      this.active++
      return Promise.resolve(true)
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private releaseSlot(): void {
    if (this.head < this.waiting.length) {
      // The slot passes straight to the next waiter: `active` stays the same.
      const next = this.waiting[this.head] as (acquired: boolean) => void
      this.waiting[this.head++] = noop
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head)
        this.head = 0
      }
      next(true)
    } else {
      this.active--
    }
  }

  /** Wait `ms` real milliseconds. @returns false when the sandbox closed meanwhile. */
  private sleep(ms: number): Promise<boolean> {
    if (this.state.closing.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(
          () => {
            this.sleepers.delete(sleeper)
            resolve(true)
          },
          Math.max(0, ms),
        ),
        resolve,
      }
      this.sleepers.add(sleeper)
    })
  }

  private stop(): void {
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer)
      sleeper.resolve(false)
    }
    this.sleepers.clear()
    const waiting = this.waiting.slice(this.head)
    this.waiting = []
    this.head = 0
    for (const resolve of waiting) resolve(false)
    // Tracked, so closing the sandbox waits for the delivery thread to end.
    if (this.senderInstance) this.state.track(this.senderInstance.close())
  }
}

function noop(): void {}

/** An ingested event as observers see it: made once per event in `route` (it passes through ~5 hooks). */
function observedView(event: IngestedEvent): ObservedEvent {
  const at = event.ingestionTimeMs ?? Date.parse(event.ingestionTime)
  return {id: event.id, event: event.event, json: event.json, ingestedAtMs: Number.isFinite(at) ? at : 0}
}

function findDestination(store: EventsStore, arn: string, name: string): ApiDestination | undefined {
  const byName = store.apiDestinations.get(name)
  // Policies may name a destination without its uuid suffix (`ArnForPolicy`); accept that form too.
  if (byName && (byName.ApiDestinationArn === arn || arn.endsWith(`/${name}`))) return byName
  for (const destination of store.apiDestinations.values())
    if (destination.ApiDestinationArn === arn) return destination
  return undefined
}

function findConnection(store: EventsStore, arn: string): Connection | undefined {
  const name = CONNECTION_ARN.exec(arn)?.[1]
  const byName = name === undefined ? undefined : store.connections.get(name)
  if (byName?.ConnectionArn === arn) return byName
  for (const connection of store.connections.values()) if (connection.ConnectionArn === arn) return connection
  return undefined
}

/** The logged request of an attempt as observers get it: a thunk (the log builds requests lazily). */
function requestOf(request: LoggedRequest | (() => LoggedRequest) | undefined): (() => LoggedRequest) | undefined {
  if (request === undefined) return undefined
  return typeof request === 'function' ? request : () => request
}

/** A new invocation id (one per event, rule and target). */
function invocationId(): string {
  return randomUUID()
}
