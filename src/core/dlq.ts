/**
 * Dead-letter queue messages as momento-eb understands them (aws-semantics C). Shared by the
 * decoder, `dlq list | export | redrive | purge`, `dlq watch` and `put --wait`.
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
  'not-redrivable',
  'unknown',
] as const
export type DlqReason = (typeof DLQ_REASONS)[number]

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
  /** One line naming the actual cache, key and region. */
  explanation: string
  /** How to fix it, in a sentence. */
  fix: string
  /** A command that fixes or works around it, where one exists. */
  fixCommand: string | undefined
  /** True when the body is an event envelope that can be published again. */
  redrivable: boolean
}
