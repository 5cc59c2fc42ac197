/**
 * EventBridge event-bus log records: the shape AWS documents ("Amazon EventBridge event bus log
 * schema", EventBridge user guide, eb-event-logs-schema, read 2026-12-06) and a tolerant reader.
 * The sandbox writes these records and `trace`, `top` and the DLQ decoder read them, so both sides
 * share this one definition. Pure: no I/O.
 *
 * One record per step EventBridge performs for one event. Records of one event share `event_id`;
 * the records of one target invocation share `invocation_id`. Logging is best effort on AWS ("not
 * guaranteed complete or timely"): readers must cope with missing steps and late records.
 */

/** Every `message_type` AWS documents, in the order an event normally passes through them. */
export const BUS_LOG_MESSAGE_TYPES = [
  'EVENT_RECEIPT',
  'EVENT_INGEST_SUCCESS',
  'EVENT_INGEST_FAILURE',
  'RULE_MATCH_START',
  'RULE_MATCH',
  'NO_STANDARD_RULES_MATCHED',
  'INVOCATION_START',
  'INVOCATION_THROTTLE_START',
  'INVOCATION_ATTEMPT_START',
  'INVOCATION_ATTEMPT_THROTTLE',
  'INVOCATION_ATTEMPT_RETRYABLE_FAILURE',
  'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
  'INVOCATION_ATTEMPT_SUCCESS',
  'INVOCATION_SUCCESS',
  'INVOCATION_FAILURE',
  'INVOCATION_DLQ',
] as const
export type BusLogMessageType = (typeof BUS_LOG_MESSAGE_TYPES)[number]

/** The levels a record carries (`log_level`). */
export const BUS_LOG_LEVELS = ['ERROR', 'INFO', 'TRACE'] as const
export type BusLogLevel = (typeof BUS_LOG_LEVELS)[number]

/** The levels a bus can be configured with (`LogConfig.Level`): a record level, or OFF. */
export type BusLogSetting = BusLogLevel | 'OFF'

/** The vended-log type a delivery source uses for a level (`AWS::Logs::DeliverySource.LogType`). */
export const LOG_TYPE_OF_LEVEL: Readonly<Record<BusLogLevel, string>> = {
  ERROR: 'ERROR_LOGS',
  INFO: 'INFO_LOGS',
  TRACE: 'TRACE_LOGS',
}

/**
 * The lowest level at which each step is logged. AWS publishes this as a diagram (the "Specifying
 * event bus log level" section) whose text we could not read; this table follows its wording:
 * ERROR "any logs related to errors generated during event processing and target delivery", INFO
 * "errors, as well as major steps", TRACE "all steps". Where a step could be either, it is put at
 * the more verbose level, so a reader of ERROR-level logs assumes the least (worst case): with
 * ERROR logs a delivered event leaves no record at all, and absence proves nothing.
 */
export const LEVEL_OF_STEP: Readonly<Record<BusLogMessageType, BusLogLevel>> = {
  EVENT_INGEST_FAILURE: 'ERROR',
  INVOCATION_ATTEMPT_RETRYABLE_FAILURE: 'ERROR',
  INVOCATION_ATTEMPT_PERMANENT_FAILURE: 'ERROR',
  INVOCATION_FAILURE: 'ERROR',
  INVOCATION_DLQ: 'ERROR',
  EVENT_RECEIPT: 'INFO',
  EVENT_INGEST_SUCCESS: 'INFO',
  RULE_MATCH: 'INFO',
  NO_STANDARD_RULES_MATCHED: 'INFO',
  INVOCATION_SUCCESS: 'INFO',
  INVOCATION_ATTEMPT_THROTTLE: 'INFO',
  RULE_MATCH_START: 'TRACE',
  INVOCATION_START: 'TRACE',
  INVOCATION_THROTTLE_START: 'TRACE',
  INVOCATION_ATTEMPT_START: 'TRACE',
  INVOCATION_ATTEMPT_SUCCESS: 'TRACE',
}

const LEVEL_RANK: Readonly<Record<BusLogSetting, number>> = {OFF: 0, ERROR: 1, INFO: 2, TRACE: 3}

/** Whether a bus logging at `setting` writes a record for `step`. */
export function isLoggedAt(step: BusLogMessageType, setting: BusLogSetting): boolean {
  return LEVEL_RANK[LEVEL_OF_STEP[step]] <= LEVEL_RANK[setting]
}

/** The `error` object of a record (present only when the step failed). */
export interface BusLogError {
  /** Always present on AWS. */
  error_message: string
  /** Always present on AWS: the service called (for an API destination, the endpoint's side). */
  aws_service: string
  /** When available: the HTTP status the called endpoint answered. */
  http_status_code?: number
  request_id?: string
}

/**
 * One record as AWS documents it. `details` depends on `message_type`; the fields this tool reads
 * are typed, the rest stay as they come. With `IncludeDetail: FULL` the details also carry the
 * event (`event_detail`) and the target request (`target_input`, `target_properties`), which hold
 * cache values: readers never print them unless asked.
 */
export interface BusLogRecord {
  resource_arn: string
  request_id: string
  event_id: string
  invocation_id?: string
  /** Epoch ms. AWS's example shows it as a string; readers accept a number or a numeric string. */
  message_timestamp_ms: number
  message_type: BusLogMessageType
  log_level: BusLogLevel
  details?: BusLogDetails
  error?: BusLogError
  dropped_fields?: string[]
}

/** The union of the documented `details` fields (each message type carries a subset). */
export interface BusLogDetails {
  // EVENT_RECEIPT, EVENT_INGEST_*, RULE_MATCH_START
  caller_account_id?: string
  source_time_ms?: number
  source?: string
  detail_type?: string
  resources?: string[]
  event_detail?: string
  // RULE_MATCH
  rule_arn?: string
  target_arns?: string[]
  invocation_ids?: string[]
  // INVOCATION_* and INVOCATION_ATTEMPT_*
  role_arn?: string
  target_arn?: string
  attempt_count?: number
  attempt_type?: 'FIRST' | 'THROTTLE' | 'RETRY'
  invocation_status?: string
  target_input?: string
  target_properties?: string
  total_attempts?: number
  final_invocation_status?: string
  ingestion_to_start_latency_ms?: number
  ingestion_to_complete_latency_ms?: number
  ingestion_to_success_latency_ms?: number
  target_duration_ms?: number
  target_response_body?: string
}

/**
 * The identity of a record: two records with the same key are one step of one event logged twice.
 * AWS does not say that a record reaches a log group once: a bus may have several delivery sources
 * (one per log type: ERROR_LOGS, INFO_LOGS, TRACE_LOGS, as the stack creates them) delivering to the
 * same log group, and whether a source's log type filters the records it carries is not documented;
 * log delivery is also best effort, and overlapping reads return a record again. Worst case assumed:
 * every reader counts a record once by this key ({@link dedupeBusLogRecords}). The key holds what
 * tells two real steps apart (step, time, event, invocation, rule, target, attempt and its type).
 */
export function busLogRecordKey(r: BusLogRecord): string {
  const d = r.details
  return `${r.message_type}|${r.message_timestamp_ms}|${r.event_id}|${r.invocation_id ?? ''}|${d?.rule_arn ?? ''}|${
    d?.target_arn ?? ''
  }|${d?.attempt_count ?? ''}|${d?.attempt_type ?? ''}|${r.request_id}`
}

const TYPE_INDEX = new Map<string, number>(BUS_LOG_MESSAGE_TYPES.map((t, i) => [t, i]))

/**
 * Whether two records share a step and a millisecond: the only way two can be repeats. Numbers in a
 * set, no strings: the DLQ decoder asks this for every message of a page, and repeats are rare.
 */
function mayRepeat(records: readonly BusLogRecord[]): boolean {
  const seen = new Set<number>()
  for (const r of records) {
    const key = r.message_timestamp_ms * 32 + (TYPE_INDEX.get(r.message_type) ?? 31)
    if (seen.has(key)) return true
    seen.add(key)
  }
  return false
}

/** The records without repeats ({@link busLogRecordKey}), first copy kept, order kept. */
export function dedupeBusLogRecords(records: readonly BusLogRecord[]): BusLogRecord[] {
  if (!mayRepeat(records)) return [...records]
  const seen = new Set<string>()
  const out: BusLogRecord[] = []
  for (const r of records) {
    const key = busLogRecordKey(r)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(r)
  }
  return out
}

/** Largest record text the reader parses (AWS truncates records to stay below 1 MB). */
export const MAX_BUS_LOG_RECORD_CHARS = 1_048_576

const MESSAGE_TYPES = new Set<string>(BUS_LOG_MESSAGE_TYPES)
const LEVELS = new Set<string>(BUS_LOG_LEVELS)

/**
 * Read one log record from its text (a CloudWatch Logs event's `message`). Returns undefined for
 * anything that is not a record of the documented shape (other writers share log groups); never
 * throws. Only the documented fields are kept; a `message_type` AWS adds later is refused rather
 * than guessed at.
 */
export function parseBusLogRecord(text: string): BusLogRecord | undefined {
  if (text.length > MAX_BUS_LOG_RECORD_CHARS || !text.startsWith('{')) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const r = raw as Record<string, unknown>
  if (typeof r.event_id !== 'string' || r.event_id === '') return undefined
  if (typeof r.message_type !== 'string' || !MESSAGE_TYPES.has(r.message_type)) return undefined
  const ts = typeof r.message_timestamp_ms === 'string' ? Number(r.message_timestamp_ms) : r.message_timestamp_ms
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined
  const level = typeof r.log_level === 'string' && LEVELS.has(r.log_level) ? (r.log_level as BusLogLevel) : undefined
  // Built field by field (no spread, no delete): a reader joins tens of thousands of records, and
  // objects of one shape stay fast.
  const record: BusLogRecord = {
    resource_arn: typeof r.resource_arn === 'string' ? r.resource_arn : '',
    request_id: typeof r.request_id === 'string' ? r.request_id : '',
    event_id: r.event_id,
    message_timestamp_ms: ts,
    message_type: r.message_type as BusLogMessageType,
    log_level: level ?? LEVEL_OF_STEP[r.message_type as BusLogMessageType],
  }
  if (typeof r.invocation_id === 'string') record.invocation_id = r.invocation_id
  if (typeof r.details === 'object' && r.details !== null && !Array.isArray(r.details)) {
    record.details = r.details as BusLogDetails
  }
  const error = readError(r.error)
  if (error) record.error = error
  if (Array.isArray(r.dropped_fields)) record.dropped_fields = r.dropped_fields.filter((f) => typeof f === 'string')
  return record
}

function readError(value: unknown): BusLogError | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const e = value as Record<string, unknown>
  const out: BusLogError = {
    error_message: typeof e.error_message === 'string' ? e.error_message : '',
    aws_service: typeof e.aws_service === 'string' ? e.aws_service : '',
  }
  const status = typeof e.http_status_code === 'string' ? Number(e.http_status_code) : e.http_status_code
  if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599)
    out.http_status_code = status
  if (typeof e.request_id === 'string') out.request_id = e.request_id
  return out
}
