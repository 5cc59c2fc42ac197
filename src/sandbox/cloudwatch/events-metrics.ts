/**
 * The AWS/Events and AWS/SQS metrics the sandbox publishes, under AWS's names, units and dimensions.
 *
 * Sources: EventBridge user guide, "Monitoring Amazon EventBridge" (eb-monitoring, metrics table):
 * - "Metrics that specify only the RuleName dimension refer to the default event bus. Metrics that
 *   specify both the EventBusName and RuleName dimensions refer to a custom event bus." So a rule's
 *   metrics carry {RuleName} on the default bus and {EventBusName, RuleName} on a custom bus.
 * - Invocations ("None, RuleName"), InvocationAttempts ("EventBusName, None, RuleName"): also
 *   published without dimensions (account-wide); InvocationAttempts also per bus.
 * - Invocations and FailedInvocations: "EventBridge only sends this metric to CloudWatch if it isn't
 *   zero". The sandbox publishes every metric only when something happened (a datapoint per
 *   occurrence, value 1), so an idle period has no datapoint, never a zero (the worst case for every
 *   metric: readers must treat "no data" as zero).
 * - Units: Count, and Milliseconds for the latency metrics.
 * - Metrics are best effort on AWS ("a data point for a given minute might be delayed … or not
 *   delivered at all"); the sandbox's are exact, which is what the tests compare.
 *
 * What counts (the sandbox's reading of the metric descriptions):
 * - Invocations: one per invocation that ended (delivered or failed permanently), not per attempt.
 * - FailedInvocations: invocations that failed permanently (dead-lettered, dropped, or the DLQ write
 *   failed).
 * - InvocationsSentToDlq / InvocationsFailedToBeSentToDlq: the DLQ write succeeded / failed.
 * - InvocationAttempts: every attempt; RetryInvocationAttempts: attempts after the first;
 *   SuccessfulInvocationAttempts: attempts the target accepted.
 * - ThrottledRules: each time an invocation waited for the API destination's rate limit.
 * - TriggeredRules: each time a rule matched an event. MatchedEvents: events that matched at least
 *   one rule (no dimensions, and per EventBusName: UNCONFIRMED which of these AWS publishes).
 * - IngestiontoInvocationStartLatency (Milliseconds; AWS's spelling with a lower-case "to"):
 *   ingestion to the first attempt. IngestionToInvocationSuccessLatency: ingestion to the end of a
 *   delivered invocation.
 */
import type {ObservedEvent, PipelineObserver} from '../pipeline/observer.js'
import type {SandboxState} from '../state.js'
import type {MetricsStore} from './metrics-store.js'
import {cloudWatchOf} from './model.js'

export const EVENTS_NAMESPACE = 'AWS/Events'
export const SQS_NAMESPACE = 'AWS/SQS'

/** By bus name, then rule name (two lookups of strings whose hash is cached: no key to build). */
const DIMENSIONS = new Map<string, Map<string, Readonly<Record<string, string>>>>()
let dimensionSets = 0

/** A rule's dimensions as AWS publishes them (one frozen object per bus and rule, reused). */
export function ruleDimensions(busName: string, ruleName: string): Readonly<Record<string, string>> {
  let byRule = DIMENSIONS.get(busName)
  let dims = byRule?.get(ruleName)
  if (!dims) {
    dims = Object.freeze(busName === 'default' ? {RuleName: ruleName} : {EventBusName: busName, RuleName: ruleName})
    if (++dimensionSets > 10_000) {
      DIMENSIONS.clear()
      dimensionSets = 1
      byRule = undefined
    }
    if (!byRule) DIMENSIONS.set(busName, (byRule = new Map()))
    byRule.set(ruleName, dims)
  }
  return dims
}

const BUS_DIMENSIONS = new Map<string, Readonly<Record<string, string>>>()

/** `{EventBusName}` for a bus, reused the same way. */
function busDimensions(busName: string): Readonly<Record<string, string>> {
  let dims = BUS_DIMENSIONS.get(busName)
  if (!dims) {
    dims = Object.freeze({EventBusName: busName})
    if (BUS_DIMENSIONS.size >= 10_000) BUS_DIMENSIONS.clear()
    BUS_DIMENSIONS.set(busName, dims)
  }
  return dims
}

const NONE: Readonly<Record<string, string>> = Object.freeze({})

/** The observer that turns pipeline steps into AWS/Events datapoints. */
export function eventsMetricsObserver(state: SandboxState): PipelineObserver {
  const cw = cloudWatchOf(state)
  // The store of the last region used: events come in runs from one region.
  let lastRegion: string | undefined
  let lastMetrics: MetricsStore | undefined
  const metricsOf = (region: string): MetricsStore => {
    if (region !== lastRegion || !lastMetrics) {
      lastMetrics = cw.region(region).metrics
      lastRegion = region
    }
    return lastMetrics
  }
  const count = (metrics: MetricsStore, name: string, dims: Readonly<Record<string, string>>, at: number): void =>
    metrics.add(EVENTS_NAMESPACE, name, dims, 1, at, 'Count')
  // MatchedEvents counts events, not (event, rule) pairs. The pipeline reports all the rules an event
  // matched one after the other, with the same event object: remembering the last one is enough (a
  // set of recent ids cost ~2 µs an event in string hashing and churn).
  let lastMatched: ObservedEvent | undefined
  return {
    ruleMatched(bus, event, rule, _targets, at) {
      const metrics = metricsOf(bus.region)
      count(metrics, 'TriggeredRules', ruleDimensions(bus.busName, rule.name), at)
      if (event === lastMatched) return
      lastMatched = event
      count(metrics, 'MatchedEvents', NONE, at)
      count(metrics, 'MatchedEvents', busDimensions(bus.busName), at)
    },
    attemptStarted(inv, _event, attempt, at) {
      const metrics = metricsOf(inv.region)
      const dims = ruleDimensions(inv.busName, inv.ruleName)
      count(metrics, 'InvocationAttempts', dims, at)
      count(metrics, 'InvocationAttempts', busDimensions(inv.busName), at)
      count(metrics, 'InvocationAttempts', NONE, at)
      if (attempt > 1) count(metrics, 'RetryInvocationAttempts', dims, at)
    },
    throttled(inv, _event, _attempt, _waitMs, at) {
      count(metricsOf(inv.region), 'ThrottledRules', ruleDimensions(inv.busName, inv.ruleName), at)
    },
    attemptEnded(inv, _event, attempt, at) {
      if (attempt.result === 'success') {
        count(metricsOf(inv.region), 'SuccessfulInvocationAttempts', ruleDimensions(inv.busName, inv.ruleName), at)
      }
    },
    invocationEnded(inv, _event, outcome, at) {
      const dims = ruleDimensions(inv.busName, inv.ruleName)
      const metrics = metricsOf(inv.region)
      count(metrics, 'Invocations', dims, at)
      count(metrics, 'Invocations', NONE, at)
      if (outcome.outcome !== 'delivered') count(metrics, 'FailedInvocations', dims, at)
      if (outcome.outcome === 'dead-lettered') count(metrics, 'InvocationsSentToDlq', dims, at)
      if (outcome.outcome === 'dlq-write-failed') count(metrics, 'InvocationsFailedToBeSentToDlq', dims, at)
      if (outcome.attempts > 0) {
        const latency = Math.max(0, outcome.ingestionToStartMs)
        metrics.add(EVENTS_NAMESPACE, 'IngestiontoInvocationStartLatency', dims, latency, at, 'Milliseconds')
        metrics.add(EVENTS_NAMESPACE, 'IngestiontoInvocationStartLatency', NONE, latency, at, 'Milliseconds')
      }
      if (outcome.outcome === 'delivered') {
        const latency = Math.max(0, outcome.ingestionToCompleteMs)
        metrics.add(EVENTS_NAMESPACE, 'IngestionToInvocationSuccessLatency', dims, latency, at, 'Milliseconds')
      }
    },
  }
}

/**
 * Sample every queue of every region: ApproximateNumberOfMessagesVisible (Count) and
 * ApproximateAgeOfOldestMessage (Seconds), dimension QueueName. Source: SQS developer guide,
 * "Available CloudWatch metrics for Amazon SQS": metrics are reported only for active queues (a
 * queue with messages, or accessed, in the last 6 hours), ApproximateAgeOfOldestMessage only when
 * the queue holds at least one message; for a dead-letter queue the age is how long the message has
 * been in that queue. The sandbox samples a queue that holds messages, and publishes one last
 * zero when it empties (then nothing): AWS keeps publishing zeros for up to 6 hours, so readers
 * must treat a missing datapoint as "no messages" (what the DLQ alarm's TreatMissingData does).
 */
export function sampleQueues(state: SandboxState, lastNonEmpty: Set<string>): void {
  const now = state.now()
  for (const [regionName, region] of state.regions()) {
    const metrics = cloudWatchOf(state).region(regionName).metrics
    for (const name of region.sqs.names()) {
      const queue = region.sqs.get(name)
      if (!queue) continue
      const key = `${regionName}\u0000${name}`
      const visible = queue.counts(now).visible
      const oldest = queue.oldestSentAt(now)
      if (visible === 0 && oldest === undefined) {
        if (!lastNonEmpty.delete(key)) continue
      } else {
        lastNonEmpty.add(key)
      }
      const dims = {QueueName: name}
      metrics.add(SQS_NAMESPACE, 'ApproximateNumberOfMessagesVisible', dims, visible, now, 'Count')
      if (oldest !== undefined) {
        const age = Math.max(0, Math.floor((now - oldest) / 1000))
        metrics.add(SQS_NAMESPACE, 'ApproximateAgeOfOldestMessage', dims, age, now, 'Seconds')
      }
    }
  }
}
