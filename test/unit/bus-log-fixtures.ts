/**
 * Hand-written event-bus log records in the shape AWS documents (eb-event-logs-schema): the full
 * TRACE-level story of an event, from which ERROR and INFO views are cut with `atLevel` (the steps
 * each level logs, per LEVEL_OF_STEP). Every record goes through `parseBusLogRecord` from its JSON
 * text, with the timestamp as a numeric string as in AWS's example.
 */
import {
  type BusLogMessageType,
  type BusLogRecord,
  type BusLogSetting,
  isLoggedAt,
  LEVEL_OF_STEP,
  parseBusLogRecord,
} from '../../src/core/bus-log.js'

export const EVENT_ID = '6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a'
export const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/default'
export const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/momento-cacheSet'
export const TARGET_ARN =
  'arn:aws:events:us-east-1:123456789012:api-destination/momento-cache-set/0b9c7a7e-1111-4222-8333-944455556666'
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/momento-eb-target'
export const INVOCATION_ID = 'a1b2c3d4-0000-4000-8000-000000000001'
export const T0 = 1_765_000_000_000

/** One record as AWS writes it, parsed back through the reader. */
export function rec(
  type: BusLogMessageType,
  atMs: number,
  extra: {
    details?: Record<string, unknown>
    error?: Record<string, unknown>
    invocation?: boolean
    eventId?: string
  } = {},
): BusLogRecord {
  const invocation = extra.invocation ?? type.startsWith('INVOCATION')
  const raw = {
    resource_arn: BUS_ARN,
    request_id: 'c0ffee00-0000-4000-8000-000000000000',
    event_id: extra.eventId ?? EVENT_ID,
    ...(invocation ? {invocation_id: INVOCATION_ID} : {}),
    message_timestamp_ms: String(atMs),
    message_type: type,
    log_level: LEVEL_OF_STEP[type],
    details: {
      ...(invocation ? {rule_arn: RULE_ARN, role_arn: ROLE_ARN, target_arn: TARGET_ARN} : {}),
      ...extra.details,
    },
    ...(extra.error ? {error: {aws_service: 'ApiDestination', ...extra.error}} : {}),
  }
  const record = parseBusLogRecord(JSON.stringify(raw))
  if (!record) throw new Error(`fixture ${type} doesn't parse`)
  return record
}

/** The records a bus logging at `level` would have written (plus the TRACE originals at TRACE). */
export function atLevel(records: readonly BusLogRecord[], level: BusLogSetting): BusLogRecord[] {
  return records.filter((r) => isLoggedAt(r.message_type, level))
}

const head = (t: number) => [
  rec('EVENT_RECEIPT', t, {details: {source: 'demo', detail_type: 'cacheSet'}}),
  rec('EVENT_INGEST_SUCCESS', t + 1),
  rec('RULE_MATCH_START', t + 2),
  rec('RULE_MATCH', t + 3, {
    details: {rule_arn: RULE_ARN, target_arns: [TARGET_ARN], invocation_ids: [INVOCATION_ID]},
  }),
  rec('INVOCATION_START', t + 4),
]

const attemptStart = (t: number, n: number) =>
  rec('INVOCATION_ATTEMPT_START', t, {details: {attempt_count: n, attempt_type: n === 1 ? 'FIRST' : 'RETRY'}})

/** Delivered on the first attempt. */
export function deliveredStory(t = T0): BusLogRecord[] {
  return [
    ...head(t),
    attemptStart(t + 10, 1),
    rec('INVOCATION_ATTEMPT_SUCCESS', t + 52, {
      details: {attempt_count: 1, attempt_type: 'FIRST', invocation_status: 'SUCCESS', target_duration_ms: 42},
    }),
    rec('INVOCATION_SUCCESS', t + 53, {
      details: {
        total_attempts: 1,
        final_invocation_status: 'SUCCESS',
        ingestion_to_start_latency_ms: 10,
        ingestion_to_complete_latency_ms: 53,
      },
    }),
  ]
}

const NOT_FOUND_BODY = '{"title":"Not Found","description":"Cache momento-missing not found"}'

/** A missing cache: 404, not retried, dead-lettered. */
export function cacheNotFoundStory(t = T0): BusLogRecord[] {
  const error = {http_status_code: 404, error_message: `Target returned HTTP 404: ${NOT_FOUND_BODY}`}
  return [
    ...head(t),
    attemptStart(t + 10, 1),
    rec('INVOCATION_ATTEMPT_PERMANENT_FAILURE', t + 40, {
      details: {attempt_count: 1, attempt_type: 'FIRST', target_duration_ms: 30, target_response_body: NOT_FOUND_BODY},
      error,
    }),
    rec('INVOCATION_FAILURE', t + 41, {details: {total_attempts: 1, final_invocation_status: 'FAILURE'}, error}),
    rec('INVOCATION_DLQ', t + 45, {details: {total_attempts: 1, final_invocation_status: 'DLQ'}, error}),
  ]
}

/** Momento answers 500 three times; retries run out; dead-lettered. Back-off 1 s, then 2 s. */
export function serverErrorStory(t = T0): BusLogRecord[] {
  const error = {http_status_code: 500, error_message: 'Target returned HTTP 500: {"title":"Internal Server Error"}'}
  const fail = (at: number, n: number) =>
    rec('INVOCATION_ATTEMPT_RETRYABLE_FAILURE', at, {
      details: {attempt_count: n, attempt_type: n === 1 ? 'FIRST' : 'RETRY', target_duration_ms: 20},
      error,
    })
  return [
    ...head(t),
    attemptStart(t + 10, 1),
    fail(t + 30, 1),
    attemptStart(t + 1030, 2),
    fail(t + 1050, 2),
    attemptStart(t + 3050, 3),
    rec('INVOCATION_ATTEMPT_PERMANENT_FAILURE', t + 3070, {
      details: {attempt_count: 3, attempt_type: 'RETRY', target_duration_ms: 20},
      error,
    }),
    rec('INVOCATION_DLQ', t + 3080, {details: {total_attempts: 3, final_invocation_status: 'DLQ'}, error}),
  ]
}

/** Throttled by the destination's rate limit, then a 500, then delivered on the retry. */
export function throttledThenDeliveredStory(t = T0): BusLogRecord[] {
  return [
    ...head(t),
    rec('INVOCATION_THROTTLE_START', t + 5),
    rec('INVOCATION_ATTEMPT_THROTTLE', t + 6, {details: {attempt_count: 1, attempt_type: 'THROTTLE'}}),
    attemptStart(t + 500, 2),
    rec('INVOCATION_ATTEMPT_RETRYABLE_FAILURE', t + 520, {
      details: {attempt_count: 2, attempt_type: 'RETRY', target_duration_ms: 20},
      error: {http_status_code: 503, error_message: 'Target returned HTTP 503'},
    }),
    attemptStart(t + 1520, 3),
    rec('INVOCATION_ATTEMPT_SUCCESS', t + 1560, {
      details: {attempt_count: 3, attempt_type: 'RETRY', target_duration_ms: 40},
    }),
    rec('INVOCATION_SUCCESS', t + 1561, {details: {total_attempts: 3, final_invocation_status: 'SUCCESS'}}),
  ]
}

/** A timeout (no HTTP status), retried, still retrying. */
export function timeoutRetryingStory(t = T0): BusLogRecord[] {
  return [
    ...head(t),
    attemptStart(t + 10, 1),
    rec('INVOCATION_ATTEMPT_RETRYABLE_FAILURE', t + 5010, {
      details: {attempt_count: 1, attempt_type: 'FIRST', target_duration_ms: 5000},
      error: {error_message: 'Timeout calling endpoint for API Destination: socket closed.'},
    }),
  ]
}

/** No rule matched. */
export function unmatchedStory(t = T0): BusLogRecord[] {
  return [
    rec('EVENT_RECEIPT', t),
    rec('EVENT_INGEST_SUCCESS', t + 1),
    rec('RULE_MATCH_START', t + 2),
    rec('NO_STANDARD_RULES_MATCHED', t + 3),
  ]
}
