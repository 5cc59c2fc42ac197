import type {Operation, RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {
  batchEntryIdsNotDistinct,
  batchRequestTooLong,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidMessageContents,
  invalidParameterValue,
  messageNotInflight,
  missingParameter,
  overLimit,
  receiptHandleIsInvalid,
  tooManyEntriesInBatchRequest,
} from '../errors.js'
import {md5OfMessageAttributes} from '../md5.js'
import type {SentMessage} from '../model.js'
import {fromWire, type HandleCheck, type ReceivedMessage, type SqsQueue, type WireAttributeValue} from '../store.js'
import {
  BATCH_ENTRY_ID,
  objectList,
  optionalInt,
  optionalString,
  requiredString,
  resolveQueue,
  stringList,
} from '../validation.js'

function queueOf(input: Record<string, unknown>, ctx: RequestContext): SqsQueue {
  return resolveQueue(input, ctx, ctx.state.region(ctx.region).sqs)
}

/** The access key of the SigV4 credential, which stands in for the IAM principal id in SenderId. */
function senderIdOf(ctx: RequestContext): string {
  const auth = ctx.headers.authorization ?? ''
  return /Credential=([^/,\s]+)\//.exec(auth)?.[1] ?? ctx.accountId
}

// Characters SQS allows in a body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_BODY_CHARACTER = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/
const DATA_TYPE = /^(String|Number|Binary)(\..{1,256})?$/

/**
 * The most a SendMessageBatch may carry, all entries together: 1 MiB since AWS raised the message
 * size limit in 2025 (botocore's SendMessageBatch text: "The maximum allowed individual message size
 * and the maximum total payload size (the sum of the individual lengths of all of the batched
 * messages) are both 1 MiB 1,048,576 bytes"). A service limit, not the queue's MaximumMessageSize,
 * whose ceiling (queues.ts) and default (store.ts) are the same 1 MiB.
 */
export const MAX_BATCH_BYTES = 1_048_576

/** A validated message to store, and its size as SQS counts it (body plus attribute parts). */
interface ValidatedMessage {
  body: string
  delaySeconds: number | undefined
  wireAttributes: Record<string, WireAttributeValue> | undefined
  traceHeader: string | undefined
  size: number
}

/**
 * The bytes an entry counts toward a message or batch limit: the UTF-8 body plus each message
 * attribute's name, type and value (SQS developer guide, message attributes "count toward the
 * message size"). System attributes do not count (botocore, MessageSystemAttributes: "The size of
 * a message system attribute doesn't count towards the total size of a message"). Reads
 * malformed entries leniently: the batch total is checked before any entry is validated.
 */
function entrySize(entry: Record<string, unknown>): number {
  const bytes = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0)
  let size = bytes(entry['MessageBody'])
  const attributes = entry['MessageAttributes']
  if (attributes && typeof attributes === 'object' && !Array.isArray(attributes)) {
    for (const [name, value] of Object.entries(attributes as Record<string, unknown>)) {
      const {DataType, StringValue, BinaryValue} = (value ?? {}) as Record<string, unknown>
      size += bytes(name) + bytes(DataType)
      size += typeof BinaryValue === 'string' ? Buffer.from(BinaryValue, 'base64').length : bytes(StringValue)
    }
  }
  return size
}

/**
 * `MessageSystemAttributes` of a send: only `AWSTraceHeader`, of type `String` (botocore
 * MessageSystemAttributeNameForSends; "Its type must be String and its value must be a correctly
 * formatted X-Ray trace header string"). The sandbox checks the name, type and characters but not
 * the X-Ray header format, and the wording of these three errors is ours: AWS's is not published.
 */
function validateSystemAttributes(entry: Record<string, unknown>): string | undefined {
  const raw = entry['MessageSystemAttributes']
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalidParameterValue('MessageSystemAttributes must be a map.')
  let traceHeader: string | undefined
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name !== 'AWSTraceHeader') {
      throw invalidParameterValue(
        `Message system attribute name '${name}' is invalid. The only message system attribute you can send is AWSTraceHeader.`,
      )
    }
    const {DataType: dataType, StringValue: stringValue} = (value ?? {}) as Record<string, unknown>
    if (dataType !== 'String') {
      throw invalidParameterValue(`The message system attribute '${name}' must be of type 'String'.`)
    }
    if (typeof stringValue !== 'string' || stringValue === '') {
      throw invalidParameterValue(
        `The message system attribute '${name}' must contain a non-empty message attribute value for message attribute type 'String'.`,
      )
    }
    if (INVALID_BODY_CHARACTER.test(stringValue)) {
      throw invalidParameterValue(`Message system attribute '${name}' contains invalid characters.`)
    }
    traceHeader = stringValue
  }
  return traceHeader
}

function validateMessage(entry: Record<string, unknown>, queue: SqsQueue): ValidatedMessage {
  const body = requiredString(entry, 'MessageBody')
  if (body.length === 0) {
    throw invalidParameterValue('The request must contain the parameter MessageBody.')
  }
  if (INVALID_BODY_CHARACTER.test(body)) {
    throw invalidMessageContents(
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    )
  }
  const delaySeconds = optionalInt(entry, 'DelaySeconds', 0, 900)
  const raw = entry['MessageAttributes']
  let wireAttributes: Record<string, WireAttributeValue> | undefined
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameterValue('MessageAttributes must be a map.')
    const entries = Object.entries(raw as Record<string, unknown>)
    if (entries.length > 10) {
      throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`)
    }
    wireAttributes = {}
    for (const [name, value] of entries) wireAttributes[name] = validateAttribute(name, value)
    if (entries.length === 0) wireAttributes = undefined
  }
  const traceHeader = validateSystemAttributes(entry)
  const size = entrySize(entry)
  const limit = queue.number('MaximumMessageSize')
  if (size > limit) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
    )
  }
  return {body, delaySeconds, wireAttributes, traceHeader, size}
}

/**
 * One message attribute. Texts: the empty-value one ("The message attribute 'X' must contain a
 * non-empty message attribute value for message attribute type 'String'.") and the type one ("...
 * has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and
 * String.") are AWS's as AWS-verified tests and moto record them; the name text is moto's copy of
 * AWS's. Less sure: whether AWS names a custom type (`String.foo`) in full or by its prefix in the
 * empty-value text (we give the prefix), and the texts for a missing type, a value in the wrong
 * field, a reserved `AWS.`/`Amazon.` prefix and a bad number, which we could not verify.
 */
function validateAttribute(name: string, value: unknown): WireAttributeValue {
  const lower = name.toLowerCase()
  if (!ATTRIBUTE_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw invalidParameterValue(
      `The message attribute name '${name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.`,
    )
  }
  if (lower.startsWith('aws.') || lower.startsWith('amazon.')) {
    throw invalidParameterValue(
      `The message attribute name '${name}' is invalid. Names starting with 'AWS.' or 'Amazon.' are reserved for use by AWS.`,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameterValue(`The message attribute '${name}' must contain a value.`)
  }
  const {DataType: dataType, StringValue: stringValue, BinaryValue: binaryValue} = value as Record<string, unknown>
  if (typeof dataType !== 'string' || dataType === '') {
    throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty message attribute type.`)
  }
  if (!DATA_TYPE.test(dataType)) {
    throw invalidParameterValue(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    )
  }
  const prefix = dataType.split('.')[0] ?? dataType
  const empty = (): ServiceError =>
    invalidParameterValue(
      `The message attribute '${name}' must contain a non-empty message attribute value for message attribute type '${prefix}'.`,
    )
  if (prefix === 'Binary') {
    if (binaryValue === undefined && typeof stringValue === 'string' && stringValue !== '') {
      throw invalidParameterValue(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`)
    }
    if (typeof binaryValue !== 'string' || binaryValue === '') throw empty()
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(binaryValue)) {
      throw invalidParameterValue(`The message attribute '${name}' has a BinaryValue that is not valid base64.`)
    }
    return {DataType: dataType, BinaryValue: binaryValue}
  }
  if (stringValue === undefined && typeof binaryValue === 'string' && binaryValue !== '') {
    throw invalidParameterValue(`The message attribute '${name}' with type '${prefix}' must use field 'String'.`)
  }
  if (typeof stringValue !== 'string' || stringValue === '') throw empty()
  if (prefix === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(stringValue)) {
    throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`)
  }
  if (INVALID_BODY_CHARACTER.test(stringValue)) {
    throw invalidParameterValue(`Message attribute '${name}' contains invalid characters.`)
  }
  return {DataType: dataType, StringValue: stringValue}
}

function store(queue: SqsQueue, message: ValidatedMessage, ctx: RequestContext): SentMessage {
  return queue.sendAt(
    {
      body: message.body,
      ...(message.delaySeconds !== undefined ? {delaySeconds: message.delaySeconds} : {}),
      ...(message.wireAttributes ? {wireAttributes: message.wireAttributes} : {}),
      ...(message.traceHeader !== undefined ? {awsTraceHeader: message.traceHeader} : {}),
      senderId: senderIdOf(ctx),
    },
    ctx.state.now(),
    ctx.state.newId(),
  )
}

const sendMessage: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const sent = store(queue, validateMessage(input, queue), ctx)
  return {
    MD5OfMessageBody: sent.MD5OfMessageBody,
    MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
    MD5OfMessageSystemAttributes: sent.MD5OfMessageSystemAttributes,
    MessageId: sent.MessageId,
  }
}

interface BatchFailure {
  Id: string
  SenderFault: boolean
  Code: string
  Message: string
}

/**
 * Batch-level checks shared by the three batch operations; returns the entries. `entryShape` is
 * the operation's entry shape, which AWS names when the batch is empty.
 */
function batchEntries(input: Record<string, unknown>, entryShape: string): Record<string, unknown>[] {
  if (input['Entries'] === undefined) throw missingParameter('Entries')
  const entries = objectList(input, 'Entries')
  if (entries.length === 0) throw emptyBatchRequest(entryShape)
  if (entries.length > 10) throw tooManyEntriesInBatchRequest(entries.length)
  const seen = new Set<string>()
  for (const entry of entries) {
    const id = entry['Id']
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) throw invalidBatchEntryId()
    if (seen.has(id)) throw batchEntryIdsNotDistinct(id)
    seen.add(id)
  }
  return entries
}

function failure(id: string, error: unknown): BatchFailure {
  if (!(error instanceof ServiceError)) throw error
  return {
    Id: id,
    SenderFault: error.fault === 'Sender',
    Code: error.options.queryCode ?? error.code,
    Message: error.message,
  }
}

const sendMessageBatch: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const entries = batchEntries(input, 'SendMessageBatchRequestEntry')
  // AWS limits the batch as a whole before looking at entries: an entry too big for the service
  // fails the request with BatchRequestTooLong, not as a per-entry failure (it cannot be smaller
  // than the total). An entry within the total but over the queue's MaximumMessageSize still fails
  // on its own, below.
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0)
  if (total > MAX_BATCH_BYTES) throw batchRequestTooLong(MAX_BATCH_BYTES, total)
  const validated: (ValidatedMessage | BatchFailure)[] = entries.map((entry) => {
    try {
      return validateMessage(entry, queue)
    } catch (error) {
      return failure(entry['Id'] as string, error)
    }
  })
  const Successful: Record<string, unknown>[] = []
  const Failed: BatchFailure[] = []
  validated.forEach((item, index) => {
    if (!('size' in item)) return void Failed.push(item)
    const sent = store(queue, item, ctx)
    Successful.push({
      Id: entries[index]?.['Id'],
      MessageId: sent.MessageId,
      MD5OfMessageBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MD5OfMessageSystemAttributes: sent.MD5OfMessageSystemAttributes,
    })
  })
  return {Successful, Failed}
}

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
  'AWSTraceHeader',
] as const

function systemAttributes(received: ReceivedMessage, wanted: ReadonlySet<string>): Record<string, string> | undefined {
  const all = wanted.has('All')
  const {message} = received
  const values: Record<(typeof SYSTEM_ATTRIBUTES)[number], string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    AWSTraceHeader: message.traceHeader,
  }
  const out: Record<string, string> = {}
  for (const name of SYSTEM_ATTRIBUTES) {
    const value = values[name]
    if (value !== undefined && (all || wanted.has(name))) out[name] = value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** Message attributes the request asked for: `All`/`.*`, exact names, or `prefix.*`. */
function selectAttributes(
  attributes: Record<string, WireAttributeValue> | undefined,
  names: readonly string[],
): Record<string, WireAttributeValue> | undefined {
  if (!attributes || names.length === 0) return undefined
  const all = names.includes('All') || names.includes('.*')
  const prefixes = names.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1))
  const out: Record<string, WireAttributeValue> = {}
  for (const [name, value] of Object.entries(attributes)) {
    if (all || names.includes(name) || prefixes.some((prefix) => name.startsWith(prefix))) out[name] = value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function render(received: ReceivedMessage, systemNames: ReadonlySet<string>, attributeNames: readonly string[]) {
  const attributes = selectAttributes(received.attributes, attributeNames)
  return {
    MessageId: received.message.id,
    ReceiptHandle: received.receiptHandle,
    MD5OfBody: received.message.md5,
    Body: received.message.body,
    Attributes: systemAttributes(received, systemNames),
    // The digest covers the attributes returned, so clients can check what they got.
    MD5OfMessageAttributes: attributes ? md5OfMessageAttributes(fromWire(attributes)) : undefined,
    MessageAttributes: attributes,
  }
}

const receiveMessage: Operation = async (input, ctx) => {
  const queue = queueOf(input, ctx)
  const max = optionalInt(input, 'MaxNumberOfMessages', 1, 10) ?? 1
  const visibility = optionalInt(input, 'VisibilityTimeout', 0, 43_200) ?? queue.number('VisibilityTimeout')
  const wait = optionalInt(input, 'WaitTimeSeconds', 0, 20) ?? queue.number('ReceiveMessageWaitTimeSeconds')
  const systemNames = new Set([
    ...stringList(input, 'AttributeNames'),
    ...stringList(input, 'MessageSystemAttributeNames'),
  ])
  const attributeNames = stringList(input, 'MessageAttributeNames')
  optionalString(input, 'ReceiveRequestAttemptId')
  const deadline = ctx.state.now() + wait * 1000
  // At the in-flight quota a short poll fails with OverLimit; a long poll waits (and may end empty).
  if (wait === 0 && queue.atInflightLimit(ctx.state.now()))
    throw overLimit(queue.name, ctx.state.options.sqsMaxInFlight)
  for (;;) {
    const now = ctx.state.now()
    const received = queue.receive(max, visibility, now)
    if (received.length > 0) return {Messages: received.map((item) => render(item, systemNames, attributeNames))}
    const remaining = deadline - now
    if (remaining <= 0 || ctx.signal.aborted || ctx.state.closing.aborted || queue.deleted) return {}
    // Sleep until a send wakes us, the next delayed/in-flight message is due, or the wait ends.
    const nextDue = queue.nextVisibleAt()
    await queue.waitForMessages(nextDue === undefined ? remaining : Math.min(remaining, nextDue - now), ctx.signal)
  }
}

function checkHandle(check: HandleCheck, handle: string): void {
  if (check.ok) return
  if (check.reason === 'invalid') throw receiptHandleIsInvalid(handle)
  if (check.reason === 'not-inflight') throw messageNotInflight()
  if (check.reason === 'expired') {
    throw invalidParameterValue(
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    )
  }
  throw invalidParameterValue(
    `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
  )
}

const deleteMessage: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const handle = requiredString(input, 'ReceiptHandle')
  checkHandle(queue.deleteMessage(handle), handle)
  return {}
}

/** Apply `each` to every entry of a batch: entries that throw are reported as failures, not the call. */
function eachEntry(input: Record<string, unknown>, entryShape: string, each: (entry: Record<string, unknown>) => void) {
  const Successful: {Id: string}[] = []
  const Failed: BatchFailure[] = []
  for (const entry of batchEntries(input, entryShape)) {
    const id = entry['Id'] as string
    try {
      each(entry)
      Successful.push({Id: id})
    } catch (error) {
      Failed.push(failure(id, error))
    }
  }
  return {Successful, Failed}
}

const deleteMessageBatch: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  return eachEntry(input, 'DeleteMessageBatchRequestEntry', (entry) => {
    const handle = requiredString(entry, 'ReceiptHandle')
    checkHandle(queue.deleteMessage(handle), handle)
  })
}

const changeMessageVisibility: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  const handle = requiredString(input, 'ReceiptHandle')
  const seconds = optionalInt(input, 'VisibilityTimeout', 0, 43_200)
  if (seconds === undefined) throw missingParameter('VisibilityTimeout')
  checkHandle(queue.changeVisibility(handle, seconds, ctx.state.now()), handle)
  return {}
}

const changeMessageVisibilityBatch: Operation = (input, ctx) => {
  const queue = queueOf(input, ctx)
  return eachEntry(input, 'ChangeMessageVisibilityBatchRequestEntry', (entry) => {
    const handle = requiredString(entry, 'ReceiptHandle')
    const seconds = optionalInt(entry, 'VisibilityTimeout', 0, 43_200)
    if (seconds === undefined) throw missingParameter('VisibilityTimeout')
    checkHandle(queue.changeVisibility(handle, seconds, ctx.state.now()), handle)
  })
}

/** Message-level operations. */
export const messageOperations: Readonly<Record<string, Operation>> = {
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
}
