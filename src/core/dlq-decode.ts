/**
 * Decode one dead-letter queue message into a {@link DlqRecord}: the original event, where it failed
 * (rule, bus, target), what Momento or EventBridge said, and a reason from the closed set with an
 * explanation and a fix (docs/reference/aws-facts.md#dlq-messages, #quotas). Pure and tolerant: whatever SQS
 * hands over (unknown codes, missing attributes, non-JSON bodies, the newer event-bus failure document) is
 * decoded into a record, never thrown.
 */
import {type BusLogRecord, dedupeBusLogRecords} from './bus-log.js'
import {
  type BusLogFinding,
  DLQ_REASONS,
  type DlqEvent,
  type DlqEvidence,
  type DlqReason,
  type DlqRecord,
  MAX_BUS_LOG_TEXT,
  type MomentoProbeFinding,
  type RawDlqMessage,
  type RetryPattern,
} from './dlq.js'

/** What a reason means in a word or two, and the generic fix; the explanation adds the specifics. */
export interface ReasonInfo {
  /** Short label for tables and summaries. */
  label: string
  /** Whether publishing the event again can succeed without changing it (after the fix, if any). */
  retryable: boolean
  /** Whether something (the event, the cache, the key, the permissions) must change before a redrive works. */
  needsFix: boolean
}

/** The label of every reason, for summaries, help text and the watch view. */
export const REASON_INFO: Readonly<Record<DlqReason, ReasonInfo>> = {
  'both-keys': {label: 'both key and key_base64', retryable: false, needsFix: true},
  'no-key': {label: 'no key', retryable: false, needsFix: true},
  'bad-request': {label: 'bad request (400)', retryable: false, needsFix: true},
  'key-invalid': {label: 'API key invalid or expired (401)', retryable: true, needsFix: true},
  forbidden: {label: 'forbidden (403)', retryable: true, needsFix: true},
  'cache-not-found': {label: 'cache not found (404)', retryable: true, needsFix: true},
  'rate-limited': {label: 'rate limited (429)', retryable: true, needsFix: false},
  'server-error': {label: 'Momento server error (5xx)', retryable: true, needsFix: false},
  timeout: {label: 'timeout', retryable: true, needsFix: false},
  'no-permission': {label: 'no permission to invoke', retryable: true, needsFix: true},
  'destination-gone': {label: 'destination or connection gone', retryable: true, needsFix: true},
  'connection-failure': {label: 'connection failure', retryable: true, needsFix: false},
  refused: {label: 'refused without retry (400, 403 or 404)', retryable: true, needsFix: true},
  'retries-exhausted': {label: 'failed after retries (401, 429, 5xx, timeout…)', retryable: true, needsFix: false},
  'not-redrivable': {label: 'not redrivable', retryable: false, needsFix: true},
  unknown: {label: 'unknown', retryable: true, needsFix: false},
}

/** The reasons among `reasons` that need a fix before a redrive can work (REASON_INFO's order, once each). */
export function reasonsNeedingFix(reasons: Iterable<DlqReason>): DlqReason[] {
  const given = new Set(reasons)
  return (Object.keys(REASON_INFO) as DlqReason[]).filter((r) => given.has(r) && REASON_INFO[r].needsFix)
}

/**
 * The warning before redriving reasons that need a fix, or undefined when none does: unfixed, each
 * event fails the same way again and comes back to the DLQ (a new message, a new retry cycle).
 */
export function needsFixWarning(reasons: Iterable<DlqReason>): string | undefined {
  const needing = reasonsNeedingFix(reasons)
  if (needing.length === 0) return undefined
  const what = needing.map((r) => `${r} (${REASON_INFO[r].label})`).join(', ')
  return (
    `${needing.length === 1 ? 'This reason needs' : 'These reasons need'} a fix before a redrive can work: ${what}. ` +
    'Unless it is fixed, each event fails the same way and comes back to the DLQ.'
  )
}

/** True when `value` names a reason of the closed set. */
export function isDlqReason(value: string): value is DlqReason {
  return (DLQ_REASONS as readonly string[]).includes(value)
}

/** Options of {@link decodeDlqMessage}. */
export interface DecodeOptions {
  /** "Now" in epoch ms, for `ageSeconds` (default Date.now()). */
  now?: number
  /** The region the CLI talks to, used when neither the event nor the rule ARN names one. */
  region?: string | undefined
  /**
   * What a live probe of Momento found for a cache (`--diagnose`), when one ran: consulted only when
   * the DLQ attributes leave the reason ambiguous.
   */
  probe?: ((cache: string | undefined) => MomentoProbeFinding | undefined) | undefined
  /**
   * The event bus's log records of the messages' events, by event id (the body's `id` is the log's
   * `event_id`), when they were looked up. When they hold the failed attempts of the message's rule
   * and target, they decide the reason ahead of every other signal (`evidence: 'bus-log'`).
   */
  busLogs?: ReadonlyMap<string, readonly BusLogRecord[]> | undefined
  /**
   * True when the messages come from the sandbox: fixes that need Momento's console or CLI become the
   * sandbox's own commands (`momento-eb sandbox cache create NAME`).
   */
  sandbox?: boolean | undefined
  /**
   * Renders every suggested command (in `fix` and `fixCommand`) with the context of the run, e.g.
   * `momento-eb deploy` → `momento-eb deploy --sandbox --stack other`.
   */
  suggest?: {command(line: string): string; text(prose: string): string} | undefined
}

/** The parts of an EventBridge rule ARN: `arn:aws:events:<region>:<account>:rule/[<bus>/]<name>`. */
export interface RuleArnParts {
  region: string | undefined
  account: string | undefined
  bus: string
  name: string
}

/**
 * Parse a rule ARN; `rule/<name>` lives on the default bus, `rule/<bus>/<name>` on `<bus>`
 * (docs/reference/aws-facts.md#rule-arn-format).
 */
export function parseRuleArn(arn: string | undefined): RuleArnParts | undefined {
  if (!arn) return undefined
  const match = /^arn:[^:]*:events:([^:]*):([^:]*):rule\/(.+)$/.exec(arn.trim())
  if (!match) return undefined
  const [, region, account, path = ''] = match
  // Rule names have no '/', bus names may (partner buses: aws.partner/<source>/<name>): split at the last.
  const slash = path.lastIndexOf('/')
  const bus = slash === -1 ? 'default' : path.slice(0, slash)
  const name = slash === -1 ? path : path.slice(slash + 1)
  if (!name) return undefined
  return {region: region || undefined, account: account || undefined, bus, name}
}

/** What ERROR_MESSAGE says: an HTTP status and Momento's `{title, description}` error body, when present. */
export interface ParsedErrorMessage {
  httpStatus: number | undefined
  title: string | undefined
  description: string | undefined
}

/**
 * Pull the HTTP status and Momento's error body out of ERROR_MESSAGE. The first embedded JSON object
 * with a `title` or `description` wins; the status is the body's `status`, else the number after
 * "HTTP", else the first free-standing 1xx–5xx number that isn't part of an IP address or a port.
 */
export function parseErrorMessage(text: string | undefined): ParsedErrorMessage {
  const out: ParsedErrorMessage = {httpStatus: undefined, title: undefined, description: undefined}
  if (!text) return out
  const json = firstJsonObject(text)
  if (json) {
    if (typeof json['title'] === 'string') out.title = json['title']
    else if (typeof json['error'] === 'string') out.title = json['error']
    if (typeof json['description'] === 'string') out.description = json['description']
    else if (typeof json['message'] === 'string') out.description = json['message']
    const status = Number(json['status'] ?? json['statusCode'])
    if (Number.isInteger(status) && status >= 100 && status <= 599) out.httpStatus = status
  }
  if (out.httpStatus === undefined) {
    const beforeJson = json ? text.slice(0, text.indexOf('{')) : text
    const http = /\bHTTP(?:\/\d(?:\.\d)?)?\s*(?:status\s*(?:code)?\s*:?\s*)?([1-5]\d\d)\b/i.exec(beforeJson)
    const status = /\bstatus(?:\s*code)?\s*[:=]?\s*([1-5]\d\d)\b/i.exec(beforeJson)
    const bare = /(?<![\d.:])\b([1-5]\d\d)\b(?![.:]\d)/.exec(beforeJson)
    const found = http?.[1] ?? status?.[1] ?? bare?.[1]
    if (found) out.httpStatus = Number(found)
  }
  return out
}

function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    // Try the longest candidate first: the error body is usually the tail of the message.
    for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
      try {
        const value: unknown = JSON.parse(text.slice(start, end + 1))
        if (isObject(value)) return value
      } catch {
        // not JSON here; try a shorter span
      }
    }
  }
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The event when `value` is an EventBridge envelope (an object with `detail-type` and an object `detail`). */
export function toDlqEvent(value: unknown): DlqEvent | undefined {
  if (!isObject(value)) return undefined
  const detailType = value['detail-type'] ?? value['detailType'] ?? value['DetailType']
  const rawDetail = value['detail'] ?? value['Detail']
  const detail = typeof rawDetail === 'string' ? parseJson(rawDetail) : rawDetail
  if (typeof detailType !== 'string' || !isObject(detail)) return undefined
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const resources = value['resources'] ?? value['Resources']
  return {
    id: str(value['id']) ?? '',
    detailType,
    source: str(value['source'] ?? value['Source']) ?? '',
    time: str(value['time'] ?? value['Time']),
    region: str(value['region']),
    account: str(value['account']),
    resources: Array.isArray(resources) ? resources.filter((r): r is string => typeof r === 'string') : [],
    detail,
  }
}

/**
 * The newer event-bus failure document (docs/reference/aws-facts.md#quotas): one document, possibly several
 * events.
 */
interface V2Document {
  events: DlqEvent[]
  errorCode: string | undefined
  errorMessage: string | undefined
  count: number
}

function toV2Document(value: unknown): V2Document | undefined {
  if (!isObject(value)) return undefined
  const failed = value['failedMessages'] ?? value['FailedMessages']
  const code = value['errorCode'] ?? value['ErrorCode']
  const message = value['errorMessage'] ?? value['ErrorMessage']
  if (!Array.isArray(failed) && code === undefined && message === undefined) return undefined
  const items = Array.isArray(failed) ? failed : []
  const events: DlqEvent[] = []
  for (const item of items) {
    const candidate = typeof item === 'string' ? parseJson(item) : item
    // Entries may be the event itself or wrap it ({event|message|body: …}).
    const inner = isObject(candidate) ? (candidate['event'] ?? candidate['message'] ?? candidate['body']) : undefined
    const event = toDlqEvent(candidate) ?? toDlqEvent(typeof inner === 'string' ? parseJson(inner) : inner) ?? undefined
    if (event) events.push(event)
  }
  return {
    events,
    errorCode: typeof code === 'string' ? code : undefined,
    errorMessage: typeof message === 'string' ? message : undefined,
    count: items.length,
  }
}

/**
 * The start of an envelope as EventBridge serializes it (version, id, detail-type, source, account,
 * time, in that order): the top-level `id` and `time` without parsing the whole body. Anchored at the
 * first character, so a key inside `detail` can never match; anything else takes the full parse.
 */
const ENVELOPE_HEAD =
  /^\{"version":"[^"\\]*","id":"([^"\\]+)","detail-type":"(?:[^"\\]|\\.)*","source":"(?:[^"\\]|\\.)*","account":"[^"\\]*","time":"([^"\\]*)"/

/**
 * The `id` and `time` of the event a DLQ body carries (the envelope, or the first event of the newer
 * failure document): what a log lookup needs, read without decoding the rest where the body starts
 * the way EventBridge writes it.
 */
export function eventRefOfDlqBody(body: string): {id: string; time: string | undefined} | undefined {
  const head = ENVELOPE_HEAD.exec(body)
  if (head) return {id: head[1] as string, time: head[2] || undefined}
  const parsed = parseJson(body)
  const event = toDlqEvent(parsed) ?? toV2Document(parsed)?.events[0]
  return event?.id ? {id: event.id, time: event.time} : undefined
}

function attribute(raw: RawDlqMessage, name: string): string | undefined {
  const attrs = raw.attributes ?? {}
  const value = attrs[name] ?? Object.entries(attrs).find(([k]) => k.toUpperCase() === name)?.[1]
  return value === undefined || value === '' ? undefined : String(value)
}

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(String(text).trim())
  return Number.isFinite(value) ? value : undefined
}

function ttlOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  return typeof value === 'string' ? toNumber(value) : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Decode one message. Never throws. */
export function decodeDlqMessage(raw: RawDlqMessage, options: DecodeOptions = {}): DlqRecord {
  const body = typeof raw.body === 'string' ? raw.body : String(raw.body ?? '')
  const parsed = parseJson(body)
  let event = toDlqEvent(parsed)
  let format: DlqRecord['format'] = event ? 'envelope' : 'other'
  let errorCode = attribute(raw, 'ERROR_CODE')
  let errorMessage = attribute(raw, 'ERROR_MESSAGE')
  let redrivable = event !== undefined
  let v2Count = 0
  if (!event) {
    const doc = toV2Document(parsed)
    if (doc) {
      format = 'event-bus-v2'
      event = doc.events[0]
      errorCode ??= doc.errorCode
      errorMessage ??= doc.errorMessage
      v2Count = doc.count
      // One document may carry several events; only a single, whole one can be published as it is.
      redrivable = doc.events.length === 1 && doc.count === 1
    }
  }
  const ruleArn = attribute(raw, 'RULE_ARN')
  const rule = parseRuleArn(ruleArn)
  const detail = event?.detail ?? {}
  const parsedError = parseErrorMessage(errorMessage)
  const sentMs = toNumber(raw.systemAttributes?.['SentTimestamp'])
  const now = options.now ?? Date.now()
  const region = event?.region || rule?.region || options.region
  const record: DlqRecord = {
    messageId: raw.messageId,
    receiptHandle: raw.receiptHandle,
    body,
    event,
    detailType: event?.detailType,
    cache: str(detail['cacheName']),
    key: str(detail['key']),
    keyBase64: str(detail['key_base64']),
    topic: str(detail['topicName']),
    ttl: ttlOf(detail['ttl'] ?? detail['ttl_seconds']),
    ruleArn,
    ruleName: rule?.name,
    bus: rule?.bus,
    targetArn: attribute(raw, 'TARGET_ARN'),
    errorCode,
    errorMessage,
    httpStatus: parsedError.httpStatus,
    momentoTitle: parsedError.title,
    momentoDescription: parsedError.description,
    retryAttempts: toNumber(attribute(raw, 'RETRY_ATTEMPTS')),
    exhaustedRetryCondition: attribute(raw, 'EXHAUSTED_RETRY_CONDITION'),
    receiveCount: toNumber(raw.systemAttributes?.['ApproximateReceiveCount']),
    sentAt: sentMs === undefined ? undefined : new Date(sentMs).toISOString(),
    reason: 'unknown',
    evidence: 'none',
    retryPattern: 'unknown',
    explanation: '',
    fix: '',
    fixCommand: undefined,
    redrivable,
    region,
    ageSeconds: sentMs === undefined ? undefined : Math.max(0, Math.round((now - sentMs) / 1000)),
    failureReason: undefined,
    format,
  }
  record.retryPattern = retryPatternOf(record)
  const logged = event?.id ? options.busLogs?.get(event.id) : undefined
  const fromLog = logged && logged.length > 0 ? applyBusLog(record, logged) : undefined
  const {
    reason: failure,
    evidence,
    diagnosis,
  } = fromLog ? {reason: fromLog, evidence: 'bus-log' as const, diagnosis: undefined} : classify(record, options.probe)
  record.evidence = evidence
  if (diagnosis) record.diagnosis = diagnosis
  const text = describe(failure, record, options.sandbox === true)
  if (evidence === 'bus-log' && record.busLog) text.explanation += ` ${busLogSentence(record.busLog)}`
  if (!redrivable) {
    record.reason = 'not-redrivable'
    record.failureReason = failure
    const why =
      format === 'event-bus-v2' && v2Count !== 1
        ? `The failure record holds ${v2Count} events, so it can't be published again as one.`
        : "The message body isn't an EventBridge event (detail-type and detail), so it can't be published again."
    record.explanation = `${why} The delivery failed with: ${text.explanation}`
    record.fix = `Keep a copy with \`momento-eb dlq export\`, republish the data from its source, then delete it. ${text.fix}`
    record.fixCommand = 'momento-eb dlq export --file dlq.ndjson'
  } else {
    record.reason = failure
    record.explanation = text.explanation
    record.fix = text.fix
    record.fixCommand = text.fixCommand
  }
  if (options.suggest) {
    record.fix = options.suggest.text(record.fix)
    if (record.fixCommand !== undefined) record.fixCommand = options.suggest.command(record.fixCommand)
  }
  return record
}

/** Decode many messages (same options for each). */
export function decodeDlqMessages(raws: readonly RawDlqMessage[], options: DecodeOptions = {}): DlqRecord[] {
  return raws.map((raw) => decodeDlqMessage(raw, options))
}

/**
 * What the retry attributes say (docs/reference/aws-facts.md#eb-api-destination, #dlq-attributes): an
 * exhausted condition or any retry means EventBridge retried (401/407/409/429/5xx, timeout, connection
 * failure); RETRY_ATTEMPTS=0 without an exhausted condition means it did not (other 4xx, or an
 * EventBridge-side refusal).
 */
export function retryPatternOf(r: Pick<DlqRecord, 'retryAttempts' | 'exhaustedRetryCondition'>): RetryPattern {
  if (r.exhaustedRetryCondition !== undefined) return 'retried'
  if (r.retryAttempts === undefined) return 'unknown'
  return r.retryAttempts > 0 ? 'retried' : 'not-retried'
}

/**
 * Real AWS wordings (public captures of API destination DLQ messages,
 * docs/reference/aws-facts.md#dlq-attributes): a timeout is `UNKNOWN` with "Timeout calling endpoint for API
 * Destination: socket closed.", an unreachable endpoint `SDK_CLIENT_ERROR` with "API destination endpoint
 * cannot be reached.".
 */
const TIMEOUT_TEXT = /\btimed?\s?out\b/i
const UNREACHABLE_TEXT =
  /cannot be reached|can't be reached|unable to connect|connection refused|ECONNREFUSED|ENOTFOUND/i

/**
 * ERROR_CODEs EventBridge lists for failures on its own side (docs/reference/aws-facts.md#dlq-attributes).
 * Any other code, `UNKNOWN` and `ERROR_FROM_TARGET` included, may stand for an answer of the endpoint: AWS
 * does not publish which code an API destination's HTTP error gets, so the decoder assumes the least.
 */
const EVENTBRIDGE_SIDE_CODES = new Set([
  'CROSS_ACCOUNT_INGESTION_FAILED',
  'CROSS_REGION_INGESTION_FAILED',
  'EVENTS_IN_BATCH_REQUEST_REJECTED',
  'INTERNAL_ERROR',
  'RESOURCE_ALREADY_EXISTS',
  'RESOURCE_LIMIT_EXCEEDED',
  'RESOURCE_MODIFICATION_COLLISION',
  'THIRD_ACCOUNT_HOP_DETECTED',
  'THIRD_REGION_HOP_DETECTED',
  'TRANSIENT_ASSUME_ROLE',
])

/** Whether a record's reason is ambiguous enough that a live probe of Momento could settle it. */
export function needsDiagnosis(r: Pick<DlqRecord, 'evidence' | 'reason' | 'failureReason'>): boolean {
  const reason = r.reason === 'not-redrivable' ? r.failureReason : r.reason
  return (
    (r.evidence === 'retry-pattern' || r.evidence === 'none') &&
    (reason === 'refused' || reason === 'retries-exhausted' || reason === 'unknown')
  )
}

interface Classified {
  reason: DlqReason
  evidence: DlqEvidence
  diagnosis?: MomentoProbeFinding | undefined
}

/** Reasons a probe finding proves, by retry pattern (a finding the pattern rules out proves nothing). */
const PROBED_NOT_RETRIED: Partial<Record<MomentoProbeFinding['outcome'], DlqReason>> = {
  'cache-not-found': 'cache-not-found',
  forbidden: 'forbidden',
}
const PROBED_RETRIED: Partial<Record<MomentoProbeFinding['outcome'], DlqReason>> = {
  'key-invalid': 'key-invalid',
  'endpoint-mismatch': 'key-invalid',
  'rate-limited': 'rate-limited',
  'server-error': 'server-error',
  timeout: 'timeout',
  unreachable: 'connection-failure',
}

/**
 * The delivery failure a record shows, and the evidence that decided it. AWS's wording of an API
 * destination's HTTP error is unpublished and the captures carry neither status nor body, so the
 * text is trusted only where it is specific (an EventBridge ERROR_CODE, a known real wording, an
 * HTTP status); otherwise the retry pattern gives the class and a probe, when one ran, the cause.
 */
function classify(r: DlqRecord, probe: DecodeOptions['probe']): Classified {
  const code = (r.errorCode ?? '').toUpperCase()
  const text = r.errorMessage ?? ''
  const title = (r.momentoTitle ?? '').toLowerCase()
  switch (code) {
    case 'NO_PERMISSIONS':
    case 'FAILED_TO_ASSUME_ROLE':
      return {reason: 'no-permission', evidence: 'error-text'}
    case 'NO_RESOURCE':
      return {reason: 'destination-gone', evidence: 'error-text'}
    case 'TIMEOUT':
      return {reason: 'timeout', evidence: 'error-text'}
    case 'THROTTLING':
      return {reason: 'rate-limited', evidence: 'error-text'}
    case 'INVALID_PARAMETER':
    case 'INVALID_JSON':
      return {reason: 'bad-request', evidence: 'error-text'}
  }
  const status = r.httpStatus
  if (status === undefined && TIMEOUT_TEXT.test(text)) return {reason: 'timeout', evidence: 'error-text'}
  if (status !== undefined) {
    const byStatus = reasonOfStatus(status, r, title)
    if (byStatus) return {reason: byStatus, evidence: 'error-text'}
  }
  // SDK_CLIENT_ERROR is EventBridge's own HTTP client failing (the real unreachable capture), not an
  // answer of the endpoint: a connection failure unless the text carries a status (handled above).
  if (code === 'CONNECTION_FAILURE' || code === 'SDK_CLIENT_ERROR' || UNREACHABLE_TEXT.test(text)) {
    return {reason: 'connection-failure', evidence: 'error-text'}
  }

  // A code EventBridge documents for a failure on its own side, not an answer of the endpoint: the
  // retry pattern says nothing about Momento then.
  if (EVENTBRIDGE_SIDE_CODES.has(code)) return {reason: 'unknown', evidence: 'error-text'}

  const finding = probe?.(r.cache)
  switch (r.retryPattern) {
    case 'not-retried': {
      // The event itself shows the two 400s Momento documents for a key
      // (docs/reference/aws-facts.md#momento-http-api).
      if (r.event && r.key !== undefined && r.keyBase64 !== undefined)
        return {reason: 'both-keys', evidence: 'retry-pattern'}
      if (r.event && r.detailType !== 'topicPublish' && !r.key && !r.keyBase64) {
        return {reason: 'no-key', evidence: 'retry-pattern'}
      }
      const proved = finding && PROBED_NOT_RETRIED[finding.outcome]
      if (proved) return {reason: proved, evidence: 'probe', diagnosis: finding}
      return {reason: 'refused', evidence: 'retry-pattern', diagnosis: finding}
    }
    case 'retried': {
      const proved = finding && PROBED_RETRIED[finding.outcome]
      if (proved) return {reason: proved, evidence: 'probe', diagnosis: finding}
      return {reason: 'retries-exhausted', evidence: 'retry-pattern', diagnosis: finding}
    }
    case 'unknown': {
      const proved = finding && (PROBED_NOT_RETRIED[finding.outcome] ?? PROBED_RETRIED[finding.outcome])
      if (proved) return {reason: proved, evidence: 'probe', diagnosis: finding}
      return {reason: 'unknown', evidence: 'none', diagnosis: finding}
    }
  }
}

/**
 * The reason one failed delivery attempt stands for, from what the endpoint answered (an event-bus
 * log record's `error.http_status_code` and `error_message`): the same status mapping the decoder
 * uses (400 → bad-request, 401 → key-invalid, 403 → forbidden, 404 → cache-not-found, 429 →
 * rate-limited, 5xx → server-error), else a timeout or connection failure named by the text.
 * Undefined when neither says anything.
 */
export function reasonOfAttemptError(error: {
  httpStatus?: number | undefined
  message?: string | undefined
}): DlqReason | undefined {
  const parsed = parseErrorMessage(error.message)
  const status = error.httpStatus ?? parsed.httpStatus
  if (status !== undefined) return reasonOfStatus(status, {}, (parsed.title ?? '').toLowerCase())
  const text = error.message ?? ''
  if (TIMEOUT_TEXT.test(text)) return 'timeout'
  if (UNREACHABLE_TEXT.test(text)) return 'connection-failure'
  return undefined
}

function reasonOfStatus(
  status: number,
  r: Partial<Pick<DlqRecord, 'key' | 'keyBase64' | 'event' | 'topic'>>,
  title: string,
): DlqReason | undefined {
  if (status === 400) {
    if (title.includes('multiple keys') || (r.key !== undefined && r.keyBase64 !== undefined)) return 'both-keys'
    if (title.includes('no key') || (r.event !== undefined && r.topic === undefined && !r.key && !r.keyBase64)) {
      return 'no-key'
    }
    return 'bad-request'
  }
  if (status === 401) return 'key-invalid'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'cache-not-found'
  if (status === 429) return 'rate-limited'
  if (status >= 500) return 'server-error'
  if (status >= 400) return 'bad-request'
  return undefined
}

interface Text {
  explanation: string
  fix: string
  fixCommand: string | undefined
}

const METHODS: Record<string, string> = {cacheSet: 'PUT', cacheDelete: 'DELETE', topicPublish: 'POST'}

function describe(reason: DlqReason, r: DlqRecord, sandbox = false): Text {
  const cache = r.cache ? `cache ${r.cache}` : 'the cache'
  const item = r.topic
    ? `topic ${r.topic} in ${cache}`
    : r.key !== undefined
      ? `key ${r.key} in ${cache}`
      : r.keyBase64 !== undefined
        ? `key (base64) ${r.keyBase64} in ${cache}`
        : cache
  const what = r.detailType ? `The ${r.detailType} for ${item}` : `The event for ${item}`
  const region = r.region ? ` (region ${r.region})` : ''
  const inRegion = r.region ? ` in ${r.region}` : ''
  const momento = r.momentoTitle
    ? `: ${r.momentoTitle}${r.momentoDescription ? ` — ${r.momentoDescription}` : ''}`
    : r.momentoDescription
      ? `: ${r.momentoDescription}`
      : ''
  const retries =
    r.retryAttempts !== undefined
      ? ` after ${r.retryAttempts} ${r.retryAttempts === 1 ? 'retry' : 'retries'}${
          r.exhaustedRetryCondition ? ` (${r.exhaustedRetryCondition} reached)` : ''
        }`
      : ''
  // How we know: Momento's status as the DLQ text quotes it, else what the probe found, else the
  // retry pattern (AWS's text for an HTTP error may carry neither status nor body).
  const probed = r.evidence === 'probe' && r.diagnosis ? `; a probe with your key found ${r.diagnosis.detail}` : ''
  const known = (fallback: string) =>
    r.httpStatus !== undefined ? `${r.httpStatus}${momento}` : `${fallback}${probed}`
  const noRetry = 'without retry'
  const redrive = (flags = '') => `momento-eb dlq redrive --reason ${reason}${flags}`
  const diagnose = 'MOMENTO_API_KEY=… momento-eb dlq list --diagnose'
  switch (reason) {
    case 'both-keys':
      return {
        explanation: `${what}${region} set both key and key_base64; Momento refused it (${known(noRetry)}).`,
        fix: 'Keep exactly one of key and key_base64 in the producer; redriving it unchanged fails the same way.',
        fixCommand: undefined,
      }
    case 'no-key':
      return {
        explanation: `${what}${region} has no key (or an empty one); Momento refused it (${known(noRetry)}).`,
        fix: 'Give the producer a non-empty key or key_base64; redriving it unchanged fails the same way.',
        fixCommand: undefined,
      }
    case 'bad-request': {
      const auth = (r.momentoTitle ?? '').toLowerCase().includes('multiple auth')
      return {
        explanation: auth
          ? `${what}${region} carried the API key twice (Authorization header and token=); Momento refused it (400).`
          : r.httpStatus !== undefined
            ? `${what}${region} was refused as malformed (HTTP ${r.httpStatus}${momento}).`
            : `${what}${region} couldn't be sent: ${r.errorCode ?? 'INVALID_PARAMETER'}${
                r.errorMessage ? ` — ${r.errorMessage}` : ''
              }.`,
        fix: auth
          ? 'Remove the token query parameter from the target; redeploy with `momento-eb deploy`.'
          : 'Fix the event (TTL 1–86400, a non-empty key, valid names) in the producer; unchanged it fails again.',
        fixCommand: auth ? 'momento-eb deploy' : undefined,
      }
    }
    case 'key-invalid': {
      const mismatch = r.evidence === 'probe' && r.diagnosis?.outcome === 'endpoint-mismatch'
      return {
        explanation: `Momento rejected the API key (${known('retried')}) for ${item}${inRegion}: it is invalid, expired, or for another region.`,
        fix: mismatch
          ? "Deploy with the endpoint of the key's region (or a key for the endpoint's region), then redrive."
          : sandbox
            ? "Redeploy with `momento-eb deploy` (on the sandbox it stores the sandbox's own key), then redrive."
            : 'Rotate the key stored in the connection with `momento-eb deploy`, then redrive.',
        fixCommand: 'momento-eb deploy',
      }
    }
    case 'forbidden':
      return {
        explanation: `The API key may not write to ${item}${inRegion} (${known(noRetry)}).`,
        fix: `Use a key whose permissions cover ${cache} (rotate it with \`momento-eb deploy\`), then redrive.`,
        fixCommand: 'momento-eb deploy',
      }
    case 'cache-not-found':
      return {
        explanation: `Cache ${r.cache ?? '(unknown)'} doesn't exist in the API key's Momento region${inRegion} (${
          r.httpStatus !== undefined
            ? `${r.httpStatus} on ${METHODS[r.detailType ?? ''] ?? 'write'}${momento}`
            : known(noRetry)
        }).`,
        fix: sandbox
          ? `Create the cache in the sandbox with \`momento-eb sandbox cache create ${r.cache ?? 'NAME'}\` (or fix cacheName in the producer), then redrive.`
          : `Create the cache in the Momento console or with \`momento cache create ${r.cache ?? 'NAME'}\` (or fix cacheName in the producer), then redrive.`,
        fixCommand: sandbox
          ? `momento-eb sandbox cache create ${r.cache ?? 'NAME'}`
          : `momento cache create ${r.cache ?? 'NAME'}`,
      }
    case 'rate-limited':
      return {
        explanation:
          r.httpStatus === 429 || r.evidence === 'probe'
            ? `Momento rate-limited the writes to ${item}${inRegion} (${known('retried')})${retries}.`
            : `EventBridge throttled delivery to ${item}${inRegion} (${r.errorCode ?? 'THROTTLING'})${retries}.`,
        fix: 'Redrive slowly, below your Momento account limit (or ask Momento for a higher limit).',
        fixCommand: redrive(' --rate 50'),
      }
    case 'server-error':
      return {
        explanation: `Momento failed (${known('retried')}) for ${item}${inRegion}${retries}.`,
        fix: 'A Momento-side failure: redrive once Momento is healthy again.',
        fixCommand: redrive(),
      }
    case 'timeout':
      return {
        explanation: `Momento didn't answer within the API destination's 5-second limit for ${item}${inRegion}${retries}${probed}.`,
        fix: 'Usually transient: redrive. If it persists, check the Momento endpoint for the region.',
        fixCommand: redrive(),
      }
    case 'no-permission':
      return {
        explanation: `EventBridge wasn't allowed to invoke the API destination for ${item}${inRegion} (${r.errorCode}${
          r.errorMessage ? `: ${r.errorMessage}` : ''
        }); the target's role lacks events:InvokeApiDestination.`,
        fix: 'Redeploy the stack so the role grants events:InvokeApiDestination, then redrive.',
        fixCommand: 'momento-eb deploy',
      }
    case 'destination-gone':
      return {
        explanation: `The API destination or its connection for ${item}${inRegion} no longer exists or isn't active (NO_RESOURCE${
          r.errorMessage ? `: ${r.errorMessage}` : ''
        }).`,
        fix: 'Redeploy the integration to recreate the destination and connection, then redrive.',
        fixCommand: 'momento-eb deploy',
      }
    case 'connection-failure':
      return {
        explanation: `EventBridge couldn't connect to the Momento endpoint for ${item}${inRegion} (${
          r.errorCode ?? 'no ERROR_CODE'
        }${r.errorMessage ? `: ${r.errorMessage}` : ''})${retries}${probed}.`,
        fix: "Check the Momento base URL matches the API key's region (DNS, TLS); fix it with `momento-eb deploy`, then redrive.",
        fixCommand: 'momento-eb deploy',
      }
    case 'refused': {
      const found = r.diagnosis ? ` A probe with your key found ${r.diagnosis.detail}.` : ''
      return {
        explanation:
          `${what}${region} was refused by Momento without retry: a 400, 403 or 404 (the DLQ message doesn't say which).` +
          found,
        fix:
          r.diagnosis?.outcome === 'ok'
            ? 'The cache exists and the key is accepted, so most likely the event is malformed (400: TTL, key) or the key may read but not write (403): check both before a redrive.'
            : 'Find out which by running it again with a Momento key (--diagnose); fix the cause before a redrive, or it fails again.',
        fixCommand: r.diagnosis ? undefined : diagnose,
      }
    }
    case 'retries-exhausted': {
      const found = r.diagnosis ? ` A probe with your key found ${r.diagnosis.detail}.` : ''
      const healthy = r.diagnosis?.outcome === 'ok'
      return {
        explanation:
          `Delivery of ${item}${inRegion} failed on every try${retries}: a 401, 409, 429 or 5xx answer, a timeout or a connection failure (the DLQ message doesn't say which).` +
          found,
        fix: healthy
          ? "Momento answers your key now, so the failure was most likely transient (429, 5xx or a timeout): redrive. If the stack's connection holds another key, it may be a 401: store yours with `momento-eb deploy`."
          : 'Find out which by running it again with a Momento key (--diagnose); redrive once Momento answers.',
        fixCommand: healthy ? redrive() : r.diagnosis ? undefined : diagnose,
      }
    }
    case 'not-redrivable':
    case 'unknown':
      return {
        explanation: `${what}${region} failed with ${r.errorCode ?? 'no ERROR_CODE'}${
          r.errorMessage ? `: ${r.errorMessage}` : ''
        }${retries}.`,
        fix: 'Read ERROR_CODE and ERROR_MESSAGE above; redrive once the cause is fixed.',
        fixCommand: undefined,
      }
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* The event bus's log                                                                              */
/* ------------------------------------------------------------------------------------------------ */

/** Steps whose `error` tells how one attempt failed. */
const FAILED_ATTEMPT_STEPS: ReadonlySet<string> = new Set([
  'INVOCATION_ATTEMPT_RETRYABLE_FAILURE',
  'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
  'INVOCATION_ATTEMPT_THROTTLE',
])
/** Steps that end a failed invocation; their `error`, when present, is the fallback of the attempts'. */
const FAILED_END_STEPS: ReadonlySet<string> = new Set(['INVOCATION_FAILURE', 'INVOCATION_DLQ'])

/**
 * What the log records of one event say about the failed invocation a DLQ message stands for. The
 * invocation is the one of the message's rule (RULE_ARN) and target (TARGET_ARN): an event that
 * matched several rules has one invocation each, and only this one dead-lettered this message. A
 * record counts for it when it names the rule (and target) in `details`, or shares the
 * `invocation_id` of one that does. Without RULE_ARN, TARGET_ARN may still tell the invocations
 * apart; if neither does and there are several, the log can't say which failure this message is.
 *
 * The status comes from the last failed attempt (the highest `attempt_count`, then the latest
 * record); failing that, from the `error` of INVOCATION_FAILURE or INVOCATION_DLQ. Logging is best
 * effort on AWS, so any step may be missing: returns undefined when no record of the invocation is
 * there, and a finding without status or message when the records say nothing about the failure.
 */
export function busLogFindingOf(
  logged: readonly BusLogRecord[],
  ruleArn: string | undefined,
  targetArn: string | undefined,
): BusLogFinding | undefined {
  // A record logged twice (several delivery sources into one group, a read that overlaps) counts
  // once: else the failed-attempt count and the record count would double (bus-log.ts, busLogRecordKey).
  const records = logged.length > 1 ? dedupeBusLogRecords(logged) : logged
  const rule = ruleArn?.trim() || undefined
  const target = targetArn?.trim() || undefined
  const ofTarget = (r: BusLogRecord) => {
    const d = r.details
    return (
      d !== undefined &&
      d.rule_arn !== undefined &&
      (rule === undefined || d.rule_arn === rule) &&
      (target === undefined || d.target_arn === undefined || d.target_arn === target)
    )
  }
  // The invocations of the message's rule and target. Several (a rule with the target twice, or no
  // RULE_ARN to tell rules apart): with RULE_ARN the latest one is the one that ended in the DLQ;
  // without it, the log can't say which failure this message is.
  let invocation: string | undefined
  let latestAt = Number.NEGATIVE_INFINITY
  let several = false
  for (const r of records) {
    if (!r.invocation_id || !ofTarget(r)) continue
    if (invocation !== undefined && invocation !== r.invocation_id) several = true
    if (invocation === undefined || r.message_timestamp_ms >= latestAt) {
      invocation = r.invocation_id
      latestAt = r.message_timestamp_ms
    }
  }
  if (several && !rule) return undefined
  // One pass: the records of that invocation (and failures naming the target without an id).
  let count = 0
  let lastRecord: BusLogRecord | undefined
  let last: BusLogRecord | undefined
  let lastRank = -1
  let ended: BusLogRecord | undefined
  let dead: BusLogRecord | undefined
  let failedAttempts = 0
  let attempts = 0
  for (const r of records) {
    const mine = r.invocation_id ? r.invocation_id === invocation : ofTarget(r) && isFailureStep(r.message_type)
    if (!mine) continue
    count++
    lastRecord = r
    const d = r.details
    const attempt = toCount(d?.attempt_count)
    if (attempt !== undefined && attempt > attempts) attempts = attempt
    const total = toCount(d?.total_attempts)
    if (total !== undefined && total > attempts) attempts = total
    if (FAILED_ATTEMPT_STEPS.has(r.message_type)) {
      failedAttempts++
      const rank = attempt ?? -1
      if (
        r.error &&
        (!last || rank > lastRank || (rank === lastRank && r.message_timestamp_ms >= last.message_timestamp_ms))
      ) {
        last = r
        lastRank = rank
      }
    } else if (r.error && r.message_type === 'INVOCATION_FAILURE') ended = r
    else if (r.error && r.message_type === 'INVOCATION_DLQ') dead = r
  }
  if (count === 0) return undefined
  last ??= ended ?? dead
  const source = last ?? lastRecord
  const finding: BusLogFinding = {step: source?.message_type ?? 'unknown', records: count}
  if (source?.invocation_id) finding.invocationId = source.invocation_id
  // The log's own counts first; the failed-attempt records only without them (throttled attempts
  // would inflate the count).
  const seen = attempts > 0 ? attempts : failedAttempts
  if (seen > 0) finding.attempts = seen
  if (last?.error) {
    if (last.error.http_status_code !== undefined) finding.httpStatus = last.error.http_status_code
    if (last.error.error_message) finding.errorMessage = cut(last.error.error_message)
  }
  const body = last?.details?.target_response_body
  if (typeof body === 'string' && body !== '') finding.responseBody = cut(body)
  return finding
}

function isFailureStep(type: string): boolean {
  return FAILED_ATTEMPT_STEPS.has(type) || FAILED_END_STEPS.has(type)
}

function toCount(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined
}

function cut(text: string): string {
  return text.length <= MAX_BUS_LOG_TEXT ? text : `${text.slice(0, MAX_BUS_LOG_TEXT)}…`
}

/**
 * Attach what the log says to a record (the finding; the status and Momento's error title and
 * description, which replace what the DLQ text said: the log is first hand) and return the reason
 * it shows, ahead of every other signal: the last failed attempt's HTTP status through the one
 * status mapping ({@link reasonOfStatus}, Momento's answer telling the 400s apart), else a timeout or
 * a connection failure named by `error_message`. Undefined when the log doesn't say (no record of
 * the invocation, or an EventBridge-side error without a status): the other signals decide then.
 * Each text is parsed at most once (10,000 messages a run).
 */
function applyBusLog(record: DlqRecord, records: readonly BusLogRecord[]): DlqReason | undefined {
  const finding = busLogFindingOf(records, record.ruleArn, record.targetArn)
  if (!finding) return undefined
  record.busLog = finding
  const answer = finding.responseBody === undefined ? undefined : parseErrorMessage(finding.responseBody)
  const answered = answer !== undefined && (answer.title !== undefined || answer.description !== undefined)
  const message = finding.httpStatus === undefined || !answered ? parseErrorMessage(finding.errorMessage) : undefined
  const status = finding.httpStatus ?? message?.httpStatus
  if (status === undefined) {
    const text = finding.errorMessage ?? ''
    if (TIMEOUT_TEXT.test(text)) return 'timeout'
    if (UNREACHABLE_TEXT.test(text)) return 'connection-failure'
    return undefined
  }
  record.httpStatus = status
  const said = answered ? answer : message
  if (said && (said.title !== undefined || said.description !== undefined)) {
    record.momentoTitle = said.title
    record.momentoDescription = said.description
  }
  // Momento's title when its answer is its JSON error body, else the answer as text.
  const text = said?.title ?? (answered ? undefined : finding.responseBody) ?? ''
  return reasonOfStatus(status, record, text.toLowerCase())
}

/** How the log decided, for the explanation. */
function busLogSentence(f: BusLogFinding): string {
  const attempts = f.attempts === undefined ? '' : ` after ${f.attempts} ${f.attempts === 1 ? 'attempt' : 'attempts'}`
  const what =
    f.httpStatus !== undefined
      ? `HTTP ${f.httpStatus}`
      : f.errorMessage
        ? JSON.stringify(f.errorMessage.length > 160 ? `${f.errorMessage.slice(0, 160)}…` : f.errorMessage)
        : 'a failure'
  return `The event bus's log shows it: ${what}${attempts}.`
}
