/**
 * A message to send (SendMessage, SendMessageBatch entries, the benchmark seed route): its members'
 * rules (MESSAGE_MEMBERS, part of SQS_RULES in rules.ts) and the checkers they name, then the size
 * check against the queue.
 */
import {ServiceError} from '../../protocol/errors.js'
import {invalidMessageContents, invalidParameterValue} from '../errors.js'
import type {SqsQueue, WireAttributeValue} from '../store.js'
import {type Checked, checkMembers, type OperationRules} from '../validation.js'

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
 * whose ceiling (queue-attributes.ts) and default (store.ts) are the same 1 MiB.
 */
export const MAX_BATCH_BYTES = 1_048_576

/** A validated message to store, and its size as SQS counts it (body plus attribute parts). */
export interface ValidatedMessage {
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
export function entrySize(entry: Record<string, unknown>): number {
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
function validateSystemAttributes(raw: unknown): string | undefined {
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

/** The body is not empty and holds only the characters SQS allows (run right after MessageBody). */
function checkBody(checked: Checked): void {
  const body = checked.requiredString('MessageBody')
  if (body.length === 0) {
    throw invalidParameterValue('The request must contain the parameter MessageBody.')
  }
  if (INVALID_BODY_CHARACTER.test(body)) {
    throw invalidMessageContents(
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    )
  }
}

/** `MessageAttributes`: a map of at most 10, each checked by validateAttribute; `{}` reads as none. */
function validateMessageAttributes(raw: unknown): Record<string, WireAttributeValue> | undefined {
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameterValue('MessageAttributes must be a map.')
  const entries = Object.entries(raw as Record<string, unknown>)
  if (entries.length > 10) {
    throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`)
  }
  const wireAttributes: Record<string, WireAttributeValue> = {}
  for (const [name, value] of entries) wireAttributes[name] = validateAttribute(name, value)
  return entries.length === 0 ? undefined : wireAttributes
}

/** The members of a message to send, in the order they are checked (table order = check order). */
export const MESSAGE_MEMBERS: OperationRules = {
  MessageBody: {kind: 'string', required: true, then: checkBody},
  DelaySeconds: {kind: 'integer', min: 0, max: 900},
  MessageAttributes: {kind: 'custom', check: validateMessageAttributes},
  MessageSystemAttributes: {kind: 'custom', check: validateSystemAttributes},
}

/** A message whose members passed MESSAGE_MEMBERS, once its size fits the queue's MaximumMessageSize. */
export function messageOf(checked: Checked, queue: SqsQueue): ValidatedMessage {
  const size = entrySize(checked.input)
  const limit = queue.number('MaximumMessageSize')
  if (size > limit) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
    )
  }
  return {
    body: checked.requiredString('MessageBody'),
    delaySeconds: checked.int('DelaySeconds'),
    wireAttributes: checked.value<Record<string, WireAttributeValue>>('MessageAttributes'),
    traceHeader: checked.value<string>('MessageSystemAttributes'),
    size,
  }
}

/** Check one message input outside a request walk (the benchmark seed route). */
export function validateMessage(entry: Record<string, unknown>, queue: SqsQueue): ValidatedMessage {
  return messageOf(checkMembers(MESSAGE_MEMBERS, entry), queue)
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
