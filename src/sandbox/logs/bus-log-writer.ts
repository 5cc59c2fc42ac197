/**
 * The event-bus log writer: a pipeline observer (pipeline/observer.ts) that writes one record per step
 * of each event, in AWS's documented schema (core/bus-log.ts), into the log group a bus delivers its
 * logs to: delivery source on the bus ARN → delivery → delivery destination → log group.
 *
 * - Level: the bus's `LogConfig.Level` decides which steps are written (isLoggedAt / LEVEL_OF_STEP);
 *   OFF or no LogConfig writes nothing.
 * - Log type: AWS does not say whether a delivery source's log type (ERROR_LOGS, INFO_LOGS,
 *   TRACE_LOGS) filters records as well as the bus level. The sandbox takes the stricter reading: a
 *   record of level L travels only through deliveries whose source has the log type of L. The
 *   stack template therefore creates one delivery source per log type (as the Terraform AWS
 *   provider's documented example does), so whatever the level, its records arrive.
 * - Detail: `IncludeDetail: FULL` adds `event_detail` (the event's detail, which holds cache values)
 *   and, on attempt results and final records, `target_input` (the request body sent, cut at 2,048
 *   characters) and `target_properties` (method and URL only: the headers carry the connection's
 *   secret). NONE writes none of them.
 * - Errors: failed attempts carry `error.http_status_code` and `error.error_message` (the endpoint's
 *   answer, i.e. Momento's text) whatever the sandbox's DLQ failure-detail mode: bus logs are where
 *   the real status shows even when the DLQ message is opaque.
 * - Secrets: the connection secrets of the region are replaced by `REDACTED` in every record before it
 *   is stored (the pipeline already scrubs response bodies; this is the second fence).
 * - The log stream is named by the sandbox (`<bus-name>-bus-logs`); AWS names its own, and readers
 *   must not depend on the name.
 */
import {createHash} from 'node:crypto'

import {
  isLoggedAt,
  LEVEL_OF_STEP,
  LOG_TYPE_OF_LEVEL,
  type BusLogDetails,
  type BusLogError,
  type BusLogMessageType,
  type BusLogRecord,
  type BusLogSetting,
} from '../../core/bus-log.js'
import type {
  ObservedAttempt,
  ObservedBus,
  ObservedEvent,
  ObservedInvocation,
  PipelineObserver,
} from '../pipeline/observer.js'
import type {SandboxState} from '../state.js'
import {appendEvents, logGroupNameOfArn, logsStoreOf} from './model.js'

/** Invocations whose last attempt answer is remembered for the final record (bounded). */
const MAX_REMEMBERED = 100_000
const LEVELS: readonly string[] = ['OFF', 'ERROR', 'INFO', 'TRACE']

interface Remembered {
  httpStatus?: number | undefined
  message?: string | undefined
  throttled?: boolean
  /** With FULL detail: the last request sent (target_input) and its method and URL (target_properties). */
  input?: {body: string; properties: string}
  /** INVOCATION_START was written (a wait for the rate limit can come before the first attempt). */
  started?: boolean
}

/** The observer that writes the sandbox's event-bus logs. */
export function busLogObserver(state: SandboxState): PipelineObserver {
  const invocations = new Map<string, Remembered>()
  const remember = (id: string): Remembered => {
    let r = invocations.get(id)
    if (!r) {
      if (invocations.size >= MAX_REMEMBERED) {
        const oldest = invocations.keys().next().value
        if (oldest !== undefined) invocations.delete(oldest)
      }
      invocations.set(id, (r = {}))
    }
    return r
  }

  /** The bus's level and detail setting, or undefined when it logs nothing. */
  const settingOf = (bus: ObservedBus): {level: BusLogSetting; full: boolean} | undefined => {
    const config = state.region(bus.region).events.buses.get(bus.busName)?.LogConfig
    const level = config?.Level
    if (!level || level === 'OFF' || !LEVELS.includes(level)) return undefined
    return {level: level as BusLogSetting, full: config.IncludeDetail === 'FULL'}
  }

  const write = (
    bus: ObservedBus,
    event: ObservedEvent,
    type: BusLogMessageType,
    atMs: number,
    fill: (full: boolean) => {details?: BusLogDetails; error?: BusLogError; invocationId?: string},
    setting = settingOf(bus),
  ): void => {
    if (!setting || !isLoggedAt(type, setting.level)) return
    const {details, error, invocationId} = fill(setting.full)
    const level = LEVEL_OF_STEP[type]
    const groups = destinationsOf(state, bus, LOG_TYPE_OF_LEVEL[level])
    if (groups.length === 0) return
    const record: BusLogRecord = {
      resource_arn: bus.busArn,
      request_id: requestIdOf(event.id),
      event_id: event.id,
      ...(invocationId === undefined ? {} : {invocation_id: invocationId}),
      message_timestamp_ms: atMs,
      message_type: type,
      log_level: level,
      ...(details ? {details} : {}),
      ...(error ? {error} : {}),
    }
    const message = redact(JSON.stringify(record), secretsOf(state, bus.region))
    const store = logsStoreOf(state, bus.region)
    for (const groupName of groups) {
      const group = store.groups.get(groupName)
      if (!group) continue // The destination's log group is gone: AWS drops the records too.
      const streamName = `${bus.busName}-bus-logs`
      let stream = group.streams.get(streamName)
      if (!stream) {
        stream = {name: streamName, creationTime: atMs, events: [], base: 0, storedBytes: 0}
        group.streams.set(streamName, stream)
      }
      appendEvents(store, group, stream, [{timestamp: atMs, message}], state.now())
    }
  }

  const eventDetails = (event: ObservedEvent, full: boolean): BusLogDetails => {
    const e = event.event
    const details: BusLogDetails = {
      caller_account_id: typeof e['account'] === 'string' ? e['account'] : '',
      source_time_ms: typeof e['time'] === 'string' ? Date.parse(e['time']) || event.ingestedAtMs : event.ingestedAtMs,
      source: typeof e['source'] === 'string' ? e['source'] : '',
      detail_type: typeof e['detail-type'] === 'string' ? e['detail-type'] : '',
      resources: Array.isArray(e['resources']) ? (e['resources'] as string[]) : [],
    }
    const detail = e['detail']
    if (full) details.event_detail = typeof detail === 'string' ? detail : JSON.stringify(detail ?? {})
    return details
  }

  const invocationDetails = (inv: ObservedInvocation): BusLogDetails => ({
    rule_arn: inv.ruleArn,
    ...(inv.roleArn ? {role_arn: inv.roleArn} : {}),
    target_arn: inv.targetArn,
  })

  const startInvocation = (inv: ObservedInvocation, event: ObservedEvent, atMs: number, r: Remembered): void => {
    r.started = true
    write(inv, event, 'INVOCATION_START', atMs, () => ({
      invocationId: inv.invocationId,
      details: invocationDetails(inv),
    }))
  }

  return {
    ingestFailed(bus, event, error, atMs) {
      write(bus, event, 'EVENT_INGEST_FAILURE', atMs, (full) => ({
        details: eventDetails(event, full),
        error: {error_message: `${error.code}: ${error.message}`, aws_service: 'events'},
      }))
    },
    received(bus, event, atMs) {
      // The bus's setting once for the three steps; below INFO none of them is written.
      const setting = settingOf(bus)
      if (!setting || !isLoggedAt('EVENT_RECEIPT', setting.level)) return
      write(bus, event, 'EVENT_RECEIPT', atMs, (full) => ({details: eventDetails(event, full)}), setting)
      write(bus, event, 'EVENT_INGEST_SUCCESS', atMs, (full) => ({details: eventDetails(event, full)}), setting)
      write(bus, event, 'RULE_MATCH_START', atMs, (full) => ({details: eventDetails(event, full)}), setting)
    },
    noRuleMatched(bus, event, atMs) {
      write(bus, event, 'NO_STANDARD_RULES_MATCHED', atMs, () => ({}))
    },
    ruleMatched(bus, event, rule, targets, atMs) {
      write(bus, event, 'RULE_MATCH', atMs, () => ({
        details: {
          rule_arn: rule.arn,
          target_arns: targets.map((t) => t.arn),
          invocation_ids: targets.map((t) => t.invocationId),
        },
      }))
    },
    attemptStarted(inv, event, attempt, atMs) {
      // What is remembered here (a throttled wait, INVOCATION_START written) only shapes TRACE
      // records: below TRACE (the default stack logs at ERROR) an attempt's start costs nothing.
      const setting = settingOf(inv)
      if (!setting || !isLoggedAt('INVOCATION_ATTEMPT_START', setting.level)) return
      const r = remember(inv.invocationId)
      const attemptType = attempt === 1 ? 'FIRST' : r.throttled ? 'THROTTLE' : 'RETRY'
      r.throttled = false
      if (!r.started) startInvocation(inv, event, atMs, r)
      write(
        inv,
        event,
        'INVOCATION_ATTEMPT_START',
        atMs,
        () => ({
          invocationId: inv.invocationId,
          details: {...invocationDetails(inv), attempt_type: attemptType, attempt_count: attempt},
        }),
        setting,
      )
    },
    throttled(inv, event, attempt, waitMs, atMs) {
      const r = remember(inv.invocationId)
      r.throttled = true
      if (!r.started) startInvocation(inv, event, atMs, r)
      write(inv, event, 'INVOCATION_THROTTLE_START', atMs, () => ({
        invocationId: inv.invocationId,
        details: {...invocationDetails(inv), attempt_count: attempt},
      }))
      write(inv, event, 'INVOCATION_ATTEMPT_THROTTLE', atMs, () => ({
        invocationId: inv.invocationId,
        details: {
          ...invocationDetails(inv),
          attempt_type: 'THROTTLE',
          attempt_count: attempt,
          invocation_status: `WAITING_${Math.round(waitMs)}_MS_FOR_RATE_LIMIT`,
        },
      }))
    },
    attemptEnded(inv, event, attempt, atMs) {
      const setting = settingOf(inv)
      if (!setting) return
      // A successful attempt is written at TRACE, and its request is needed later only by a FULL
      // INVOCATION_SUCCESS (INFO): at ERROR a delivered event builds no record and remembers nothing.
      if (
        attempt.result === 'success' &&
        !isLoggedAt('INVOCATION_ATTEMPT_SUCCESS', setting.level) &&
        !(setting.full && isLoggedAt('INVOCATION_SUCCESS', setting.level))
      ) {
        return
      }
      const r = remember(inv.invocationId)
      r.httpStatus = attempt.httpStatus
      r.message = answerOf(attempt)
      const full = setting.full
      if (full && attempt.request) {
        const req = attempt.request()
        r.input = {body: req.body, properties: JSON.stringify({method: req.method, url: req.url})}
      }
      const input = full && r.input ? {target_input: r.input.body, target_properties: r.input.properties} : {}
      const type: BusLogMessageType =
        attempt.result === 'success'
          ? 'INVOCATION_ATTEMPT_SUCCESS'
          : attempt.result === 'retryable-failure'
            ? 'INVOCATION_ATTEMPT_RETRYABLE_FAILURE'
            : 'INVOCATION_ATTEMPT_PERMANENT_FAILURE'
      write(
        inv,
        event,
        type,
        atMs,
        () => ({
          invocationId: inv.invocationId,
          details: {
            ...invocationDetails(inv),
            attempt_type: attempt.attempt === 1 ? 'FIRST' : 'RETRY',
            attempt_count: attempt.attempt,
            invocation_status: attempt.result === 'success' ? 'SUCCESS' : 'FAILED',
            target_duration_ms: Math.round(attempt.durationMs),
            ...(attempt.responseBody ? {target_response_body: attempt.responseBody} : {}),
            ...input,
          },
          ...(attempt.result === 'success' ? {} : {error: errorOf(attempt.httpStatus, r.message, inv)}),
        }),
        setting,
      )
    },
    invocationEnded(inv, event, outcome, atMs) {
      // Nothing is remembered below TRACE or FULL detail (the default stack's ERROR level): no lookup.
      let remembered: Remembered | undefined
      if (invocations.size > 0) {
        remembered = invocations.get(inv.invocationId)
        if (remembered) invocations.delete(inv.invocationId)
      }
      const setting = settingOf(inv)
      // Delivered: one INFO record. Failed: ERROR records.
      if (!setting || (outcome.outcome === 'delivered' && !isLoggedAt('INVOCATION_SUCCESS', setting.level))) return
      const r = remembered ?? {}
      const base = (status: string): BusLogDetails => ({
        ...invocationDetails(inv),
        total_attempts: outcome.attempts,
        final_invocation_status: status,
        ingestion_to_start_latency_ms: outcome.ingestionToStartMs,
        ingestion_to_complete_latency_ms: outcome.ingestionToCompleteMs,
        ...(r.input && setting.full ? {target_input: r.input.body, target_properties: r.input.properties} : {}),
      })
      if (outcome.outcome === 'delivered') {
        write(inv, event, 'INVOCATION_SUCCESS', atMs, () => ({
          invocationId: inv.invocationId,
          details: {...base('SUCCESS'), ingestion_to_success_latency_ms: outcome.ingestionToCompleteMs},
        }))
        return
      }
      const error = errorOf(outcome.httpStatus ?? r.httpStatus, r.message ?? outcome.errorMessage, inv)
      write(inv, event, 'INVOCATION_FAILURE', atMs, () => ({
        invocationId: inv.invocationId,
        details: base(outcome.exhausted ? `FAILED_${outcome.exhausted}` : 'FAILED'),
        error,
      }))
      if (outcome.outcome === 'dead-lettered' || outcome.outcome === 'dlq-write-failed') {
        write(inv, event, 'INVOCATION_DLQ', atMs, () => ({
          invocationId: inv.invocationId,
          details: {...base(outcome.outcome === 'dead-lettered' ? 'SENT_TO_DLQ' : 'FAILED_TO_SEND_TO_DLQ')},
          error:
            outcome.outcome === 'dead-lettered'
              ? error
              : {
                  error_message: `The event could not be sent to the dead-letter queue ${outcome.dlqArn ?? ''}.`,
                  aws_service: 'sqs',
                },
        }))
      }
    },
  }
}

/** What the endpoint answered (Momento's text), else the sandbox's description of the failure. */
function answerOf(attempt: ObservedAttempt): string | undefined {
  if (attempt.result === 'success') return undefined
  return attempt.responseBody ? attempt.responseBody : attempt.errorMessage
}

function errorOf(httpStatus: number | undefined, message: string | undefined, inv: ObservedInvocation): BusLogError {
  return {
    ...(httpStatus === undefined ? {} : {http_status_code: httpStatus}),
    error_message: message ?? 'The invocation failed.',
    // The called side: an API destination is EventBridge's own HTTP client.
    aws_service: inv.targetArn.includes(':api-destination/') ? 'events' : 'unknown',
  }
}

/** The log groups the bus's records of `logType` are delivered to. */
function destinationsOf(state: SandboxState, bus: ObservedBus, logType: string): string[] {
  const store = logsStoreOf(state, bus.region)
  const groups: string[] = []
  for (const source of store.sources.values()) {
    if (source.logType !== logType || source.resourceArns[0] !== bus.busArn) continue
    for (const delivery of store.deliveries.values()) {
      if (delivery.deliverySourceName !== source.name) continue
      const destination = [...store.destinations.values()].find((d) => d.arn === delivery.deliveryDestinationArn)
      const name = destination && logGroupNameOfArn(destination.deliveryDestinationConfiguration.destinationResourceArn)
      if (name !== undefined && !groups.includes(name)) groups.push(name)
    }
  }
  return groups
}

/** The connection secrets of a region (values that must never reach a record). */
function secretsOf(state: SandboxState, region: string): string[] {
  const out: string[] = []
  for (const c of state.region(region).events.connections.values()) {
    const a = c.AuthParameters
    for (const v of [a.ApiKeyAuthParameters?.ApiKeyValue, a.BasicAuthParameters?.Password]) {
      if (typeof v === 'string' && v.length >= 4) out.push(v)
    }
  }
  if (state.options.apiKey.length >= 4) out.push(state.options.apiKey)
  return out
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('REDACTED')
    const escaped = JSON.stringify(secret).slice(1, -1)
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join('REDACTED')
  }
  return out
}

/** A stable stand-in for the PutEvents request id (the pipeline does not hand it over). */
function requestIdOf(eventId: string): string {
  const h = createHash('sha256').update(`request:${eventId}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}
