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

export interface SentMessage {
  MessageId: string
  MD5OfMessageBody: string
  MD5OfMessageAttributes?: string
  /** Digest of the message system attributes sent (`AWSTraceHeader`), when there were any. */
  MD5OfMessageSystemAttributes?: string
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
