import {ServiceError} from '../protocol/errors.js'

/**
 * SQS errors. The first code is what the JSON protocol puts in `__type`; `queryCode` is the
 * legacy code the query protocol and the `x-amzn-query-error` header carry
 * (docs/reference/aws-facts.md#wire-errors). Statuses follow the model's `awsQueryError` traits
 * (ReceiptHandleIsInvalid is 404, purge 403).
 */
function sqsError(code: string, queryCode: string, message: string, status = 400): ServiceError {
  return new ServiceError(code, message, status, {queryCode})
}

const PREFIX = 'AWS.SimpleQueueService.'

/** The queue named in the request does not exist (in this account and region). */
export const queueDoesNotExist = (): ServiceError =>
  sqsError('QueueDoesNotExist', `${PREFIX}NonExistentQueue`, 'The specified queue does not exist.')

/** CreateQueue for an existing name with different attribute values. */
export const queueNameExists = (message: string): ServiceError =>
  sqsError('QueueNameExists', 'QueueAlreadyExists', message)

/** A parameter has a value the service does not accept. */
export const invalidParameterValue = (message: string): ServiceError =>
  sqsError('InvalidParameterValueException', 'InvalidParameterValue', message)

/** A required parameter is absent. */
export const missingParameter = (name: string): ServiceError =>
  sqsError('MissingRequiredParameterException', 'MissingParameter', `The request must contain the parameter ${name}.`)

/** An attribute name the operation does not know (or cannot set). */
export const invalidAttributeName = (message: string): ServiceError =>
  sqsError('InvalidAttributeName', 'InvalidAttributeName', message)

/** An attribute value out of range or malformed. */
export const invalidAttributeValue = (message: string): ServiceError =>
  sqsError('InvalidAttributeValue', 'InvalidAttributeValue', message)

/** The message body holds characters SQS does not allow. */
export const invalidMessageContents = (message: string): ServiceError =>
  sqsError('InvalidMessageContents', 'InvalidMessageContents', message)

/**
 * The receipt handle is malformed or belongs to another queue. AWS's wording (as moto copies it for
 * DeleteMessageBatch entries): `The input receipt handle "<handle>" is not a valid receipt handle.`
 */
export const receiptHandleIsInvalid = (handle: string): ServiceError =>
  sqsError(
    'ReceiptHandleIsInvalid',
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
    404,
  )

/** ChangeMessageVisibility on a message that is not in flight. */
export const messageNotInflight = (): ServiceError =>
  sqsError('MessageNotInflight', `${PREFIX}MessageNotInflight`, 'The message referred to is not in flight.')

/** A second PurgeQueue within 60 seconds. */
export const purgeQueueInProgress = (name: string): ServiceError =>
  sqsError(
    'PurgeQueueInProgress',
    `${PREFIX}PurgeQueueInProgress`,
    `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
    403,
  )

/**
 * Batch with no entries. AWS names the entry shape of the operation (`SendMessageBatchRequestEntry`,
 * `DeleteMessageBatchRequestEntry`, `ChangeMessageVisibilityBatchRequestEntry`); the Send text is the
 * one AWS-verified tests pin, the other two follow the same pattern (moto words them the same way).
 */
export const emptyBatchRequest = (entryShape: string): ServiceError =>
  sqsError(
    'EmptyBatchRequest',
    `${PREFIX}EmptyBatchRequest`,
    `There should be at least one ${entryShape} in the request.`,
  )

/** Batch with more than 10 entries. */
export const tooManyEntriesInBatchRequest = (count: number): ServiceError =>
  sqsError(
    'TooManyEntriesInBatchRequest',
    `${PREFIX}TooManyEntriesInBatchRequest`,
    `Maximum number of entries per request are 10. You have sent ${count}.`,
  )

/** Batch with two entries of the same Id. */
export const batchEntryIdsNotDistinct = (id: string): ServiceError =>
  sqsError('BatchEntryIdsNotDistinct', `${PREFIX}BatchEntryIdsNotDistinct`, `Id ${id} repeated.`)

/** Batch entry Id outside `[A-Za-z0-9_-]{1,80}`. */
export const invalidBatchEntryId = (): ServiceError =>
  sqsError(
    'InvalidBatchEntryId',
    `${PREFIX}InvalidBatchEntryId`,
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  )

/**
 * SendMessageBatch whose entries together exceed the service's payload limit (1 MiB since 2025; the
 * text said 262144 before). Wording as AWS answers (and moto copies):
 * `Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.`
 */
export const batchRequestTooLong = (limit: number, sent: number): ServiceError =>
  sqsError(
    'BatchRequestTooLong',
    `${PREFIX}BatchRequestTooLong`,
    `Batch requests cannot be longer than ${limit} bytes. You have sent ${sent} bytes.`,
  )

/** Something the sandbox deliberately does not emulate (FIFO queues). */
export const unsupportedOperation = (message: string): ServiceError =>
  sqsError('UnsupportedOperation', `${PREFIX}UnsupportedOperation`, message)

/**
 * ReceiveMessage (short poll) on a queue holding its quota of in-flight messages.
 *
 * Sources: the SQS developer guide's standard queue quotas (quotas-queues.html, read 2026-12-06):
 * "approximately 120,000 in flight messages … If you reach this quota while using short polling,
 * Amazon SQS returns the OverLimit error message. If you use long polling, Amazon SQS returns no
 * error messages." Error shape `OverLimit` in ReceiveMessage's errors in botocore's SQS model
 * (botocore 1.43 data/sqs/2012-11-05/service-2.json, JSON protocol, awsQueryCompatible; the
 * JSON-era model carries no status), and the query-era model shipped with AWS CLI 2.9
 * (awscli/botocore/data/sqs/2012-11-05/service-2.json): `"error": {"code": "OverLimit",
 * "httpStatusCode": 403, "senderFault": true}`, unprefixed. The sandbox answers 403 on both
 * protocols (x-amzn-query-error `OverLimit;Sender` on JSON). AWS's message text is not documented:
 * this wording is the sandbox's own.
 */
export const overLimit = (queueName: string, limit: number): ServiceError =>
  sqsError(
    'OverLimit',
    'OverLimit',
    `Queue ${queueName} has reached its limit of ${limit} in-flight messages. ` +
      'Delete received messages (or let their visibility timeout end) before receiving more.',
    403,
  )
