/**
 * The slice of the SQS store other parts of the sandbox use (the delivery pipeline writes to
 * dead-letter queues and SQS targets through it). The SQS service implements it in store.ts.
 */

export interface SqsMessageAttributeValue {
  DataType: string
  StringValue?: string
  /** Raw bytes (base64 on the JSON wire). */
  BinaryValue?: Buffer
}

export interface SendMessageInput {
  body: string
  messageAttributes?: Record<string, SqsMessageAttributeValue>
  delaySeconds?: number
  /** `SenderId` system attribute; the pipeline sends as the EventBridge service principal. */
  senderId?: string
  /** The `AWSTraceHeader` message system attribute (the only one a sender may set). */
  awsTraceHeader?: string
}

/** What SendMessage answers. The digests may be computed when read (the pipeline never reads them). */
export interface SentMessage {
  readonly MessageId: string
  readonly MD5OfMessageBody: string
  readonly MD5OfMessageAttributes?: string | undefined
  /** Digest of the message system attributes sent (`AWSTraceHeader`), when there were any. */
  readonly MD5OfMessageSystemAttributes?: string | undefined
}

export interface SqsQueueHandle {
  readonly name: string
  readonly arn: string
  /** Current attribute values as SQS returns them (strings), including `Policy` when set. */
  attributes(): Readonly<Record<string, string>>
  send(input: SendMessageInput): SentMessage
}

export interface SqsStoreApi {
  queueByArn(arn: string): SqsQueueHandle | undefined
}
