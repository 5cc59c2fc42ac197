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

/** A validated message to store, and its size as SQS counts it (body plus attribute parts). */
interface ValidatedMessage {
  body: string
  delaySeconds: number | undefined
  wireAttributes: Record<string, WireAttributeValue> | undefined
  size: number
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
  let size = Buffer.byteLength(body, 'utf8')
  const raw = entry['MessageAttributes']
  let wireAttributes: Record<string, WireAttributeValue> | undefined
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameterValue('MessageAttributes must be a map.')
    const entries = Object.entries(raw as Record<string, unknown>)
    if (entries.length > 10) {
      throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`)
    }
    wireAttributes = {}
    for (const [name, value] of entries) {
      const attribute = validateAttribute(name, value)
      wireAttributes[name] = attribute
      size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType)
      size +=
        attribute.BinaryValue !== undefined
          ? Buffer.from(attribute.BinaryValue, 'base64').length
          : Buffer.byteLength(attribute.StringValue ?? '')
    }
    if (entries.length === 0) wireAttributes = undefined
  }
  const limit = queue.number('MaximumMessageSize')
  if (size > limit) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
    )
  }
  return {body, delaySeconds, wireAttributes, size}
}

function validateAttribute(name: string, value: unknown): WireAttributeValue {
  const lower = name.toLowerCase()
  if (
    !ATTRIBUTE_NAME.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..') ||
    lower.startsWith('aws.') ||
    lower.startsWith('amazon.')
  ) {
    throw invalidParameterValue(`Message attribute name '${name}' is invalid.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameterValue(`The message attribute '${name}' must contain a value.`)
  }
  const {DataType: dataType, StringValue: stringValue, BinaryValue: binaryValue} = value as Record<string, unknown>
  if (typeof dataType !== 'string' || dataType === '') {
    throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty attribute type.`)
  }
  if (!DATA_TYPE.test(dataType)) {
    throw invalidParameterValue(
      `The type of message attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    )
  }
  if (dataType.startsWith('Binary')) {
    if (typeof binaryValue !== 'string' || binaryValue === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(binaryValue)) {
      throw invalidParameterValue(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`)
    }
    return {DataType: dataType, BinaryValue: binaryValue}
  }
  if (typeof stringValue !== 'string' || stringValue === '') {
    throw invalidParameterValue(
      `The message attribute '${name}' must contain a non-empty message attribute value for message attribute type '${dataType.split('.')[0] ?? dataType}'.`,
    )
  }
  if (dataType.startsWith('Number') && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(stringValue)) {
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
    MessageId: sent.MessageId,
  }
}

interface BatchFailure {
  Id: string
  SenderFault: boolean
  Code: string
  Message: string
}

/** Batch-level checks shared by the three batch operations; returns the entries. */
function batchEntries(input: Record<string, unknown>): Record<string, unknown>[] {
  if (input['Entries'] === undefined) throw missingParameter('Entries')
  const entries = objectList(input, 'Entries')
  if (entries.length === 0) throw emptyBatchRequest()
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
  const entries = batchEntries(input)
  const validated: (ValidatedMessage | BatchFailure)[] = entries.map((entry) => {
    try {
      return validateMessage(entry, queue)
    } catch (error) {
      return failure(entry['Id'] as string, error)
    }
  })
  const limit = queue.number('MaximumMessageSize')
  const total = validated.reduce((sum, item) => sum + ('size' in item ? item.size : 0), 0)
  if (total > limit) throw batchRequestTooLong(limit)
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
function eachEntry(input: Record<string, unknown>, each: (entry: Record<string, unknown>) => void) {
  const Successful: {Id: string}[] = []
  const Failed: BatchFailure[] = []
  for (const entry of batchEntries(input)) {
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
  return eachEntry(input, (entry) => {
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
  return eachEntry(input, (entry) => {
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
