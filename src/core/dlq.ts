/**
 * Dead-letter queue messages as momento-eb understands them (docs/reference/aws-facts.md#dlq-messages).
 * Shared by the decoder, `dlq list | export | redrive | purge`, `dlq watch` and `put --wait`.
 */

/** Why Momento (or EventBridge) refused an event: a closed set, so every reason has a fix. */
export const DLQ_REASONS = [
  'both-keys',
  'no-key',
  'bad-request',
  'key-invalid',
  'forbidden',
  'cache-not-found',
  'rate-limited',
  'server-error',
  'timeout',
  'no-permission',
  'destination-gone',
  'connection-failure',
  'refused',
  'retries-exhausted',
  'not-redrivable',
  'unknown',
] as const
export type DlqReason = (typeof DLQ_REASONS)[number]

/**
 * What decided a record's reason, strongest first (docs/reference/aws-facts.md#dlq-attributes): the event-bus
 * log's HTTP status for the event, a live probe of Momento with the operator's key, the retry pattern of the
 * DLQ attributes (RETRY_ATTEMPTS and EXHAUSTED_RETRY_CONDITION), the text of ERROR_CODE and
 * ERROR_MESSAGE, or nothing at all.
 */
export const DLQ_EVIDENCE = ['bus-log', 'probe', 'retry-pattern', 'error-text', 'none'] as const
export type DlqEvidence = (typeof DLQ_EVIDENCE)[number]

/**
 * What the retry attributes say about the failure, whatever the text says. EventBridge retries 401,
 * 407, 409, 429, 5xx, timeouts and connection failures, and dead-letters other 4xx at once
 * (docs/reference/aws-facts.md#eb-api-destination):
 * - `not-retried`: RETRY_ATTEMPTS=0 and no EXHAUSTED_RETRY_CONDITION, so a 4xx such as 400, 403,
 *   404 or 413 (or an EventBridge-side refusal, which ERROR_CODE then names);
 * - `retried`: retries were made or exhausted, so 401/407/409/429/5xx, a timeout or a connection
 *   failure;
 * - `unknown`: the attributes are missing.
 */
export type RetryPattern = 'not-retried' | 'retried' | 'unknown'

/**
 * What a read-only probe of Momento found for one cache with the operator's key (`dlq … --diagnose`).
 * Safe to print: never holds the key.
 */
export interface MomentoProbeFinding {
  /** The endpoint probed (the Momento HTTP API base URL). */
  endpoint: string
  cache: string
  /**
   * - `ok`: the cache exists and the key may read it;
   * - `cache-not-found`, `key-invalid` (401), `forbidden` (403), `rate-limited` (429),
   *   `server-error` (5xx), `other-status`: what Momento answered;
   * - `timeout`: no answer within the probe's 5 s (EventBridge's own limit);
   * - `unreachable`: DNS, TCP or TLS failed;
   * - `endpoint-mismatch`: the key belongs to another Momento region than the endpoint.
   */
  outcome:
    | 'ok'
    | 'cache-not-found'
    | 'key-invalid'
    | 'forbidden'
    | 'rate-limited'
    | 'server-error'
    | 'other-status'
    | 'timeout'
    | 'unreachable'
    | 'endpoint-mismatch'
  /** Momento's HTTP status, when it answered. */
  httpStatus?: number | undefined
  /** One line saying what was found, for explanations. */
  detail: string
}

/**
 * What the event-bus log records of one failed invocation say (the rule and target of the DLQ
 * message): the last failed attempt's HTTP status and Momento's answer, and how many attempts the
 * log counts. Safe to print: `target_input` and `event_detail` (cache values with IncludeDetail FULL)
 * are never copied here; Momento's error body is, cut to {@link MAX_BUS_LOG_TEXT} characters.
 */
export interface BusLogFinding {
  /** `error.http_status_code` of the last failed attempt (absent: no answer, e.g. a timeout). */
  httpStatus?: number | undefined
  /** `error.error_message` of the last failed attempt. */
  errorMessage?: string | undefined
  /** `details.target_response_body` of the last failed attempt: Momento's answer. */
  responseBody?: string | undefined
  /** Attempts the log counts for the invocation (`total_attempts`, else the last `attempt_count`, else the failed attempts seen). */
  attempts?: number | undefined
  /** `message_type` of the record the status came from. */
  step: string
  invocationId?: string | undefined
  /** Records of this invocation found in the log. */
  records: number
}

/** Longest log text (error message, response body) a {@link BusLogFinding} keeps. */
export const MAX_BUS_LOG_TEXT = 1024

/** A message as SQS returned it: what the decoder reads. */
export interface RawDlqMessage {
  messageId: string
  receiptHandle: string
  body: string
  /** Message attributes as strings (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, …). */
  attributes: Record<string, string>
  /** System attributes (ApproximateReceiveCount, SentTimestamp, …) as SQS returns them. */
  systemAttributes: Record<string, string>
}

/** The original event, when the body is an EventBridge event envelope. */
export interface DlqEvent {
  id: string
  detailType: string
  source: string
  time: string | undefined
  region: string | undefined
  account: string | undefined
  resources: string[]
  detail: Record<string, unknown>
}

/** One decoded DLQ message. */
export interface DlqRecord {
  messageId: string
  receiptHandle: string
  /** The body exactly as received. */
  body: string
  event: DlqEvent | undefined
  detailType: string | undefined
  cache: string | undefined
  key: string | undefined
  keyBase64: string | undefined
  topic: string | undefined
  ttl: number | undefined
  ruleArn: string | undefined
  ruleName: string | undefined
  /** The bus the failing rule lives on (from RULE_ARN: `rule/<bus>/<name>`, or `default`). */
  bus: string | undefined
  targetArn: string | undefined
  errorCode: string | undefined
  errorMessage: string | undefined
  httpStatus: number | undefined
  /** Momento's error title and description, when ERROR_MESSAGE carries its JSON error body. */
  momentoTitle: string | undefined
  momentoDescription: string | undefined
  retryAttempts: number | undefined
  exhaustedRetryCondition: string | undefined
  receiveCount: number | undefined
  /** When SQS received the message (SentTimestamp), ISO 8601. */
  sentAt: string | undefined
  reason: DlqReason
  /** What decided `reason` (see {@link DLQ_EVIDENCE}). */
  evidence: DlqEvidence
  /** What the retry attributes alone say. */
  retryPattern: RetryPattern
  /** What the live probe of Momento found for this record's cache, when one ran. */
  diagnosis?: MomentoProbeFinding | undefined
  /** What the event bus's log says about this failed invocation, when its records were looked up and found. */
  busLog?: BusLogFinding | undefined
  /** One line naming the actual cache, key and region. */
  explanation: string
  /** How to fix it, in a sentence. */
  fix: string
  /** A command that fixes or works around it, where one exists. */
  fixCommand: string | undefined
  /** True when the body is an event envelope that can be published again. */
  redrivable: boolean
  /** The region of the failure: the event's, else the rule ARN's. */
  region?: string | undefined
  /** Seconds since SQS received the message, at decode time. */
  ageSeconds?: number | undefined
  /** For a `not-redrivable` record: the reason the delivery itself failed. */
  failureReason?: DlqReason | undefined
  /** `event-bus-v2` when the body is the newer failure document (failedMessages/errorCode/errorMessage). */
  format?: 'envelope' | 'event-bus-v2' | 'other' | undefined
}

/** Queue depth from GetQueueAttributes (approximate, eventually consistent). */
export interface DlqDepth {
  visible: number
  inFlight: number
  delayed: number
}

/** A message to release, delete or hide: its id and the latest receipt handle. */
export interface DlqHandle {
  messageId: string
  receiptHandle: string
}

/** Per-entry outcome of a batch call (SQS answers 200 with `Failed[]`). */
export interface DlqBatchResult {
  succeeded: string[]
  failed: Array<{messageId: string; code: string; message: string}>
}

/** The dead-letter queue as services see it (implemented by src/adapters/aws/sqs.ts). */
export interface DlqQueuePort {
  readonly queueUrl: string
  /** ReceiveMessage with every message and system attribute; up to 10 messages. */
  receive(options: {max: number; visibilityTimeoutSeconds: number; waitSeconds: number}): Promise<RawDlqMessage[]>
  /** ChangeMessageVisibilityBatch (chunks of 10). `0` releases the messages at once. */
  changeVisibility(handles: readonly DlqHandle[], seconds: number): Promise<DlqBatchResult>
  /** DeleteMessageBatch (chunks of 10); per-entry failures come back as data. */
  delete(handles: readonly DlqHandle[]): Promise<DlqBatchResult>
  /** PurgeQueue. */
  purge(): Promise<void>
  depth(): Promise<DlqDepth>
}
