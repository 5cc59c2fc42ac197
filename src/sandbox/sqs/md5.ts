import {createHash} from 'node:crypto'

import type {SqsMessageAttributeValue} from './model.js'

/** Hex MD5 of the UTF-8 body: `MD5OfMessageBody` / `MD5OfBody`, which the JS v3 SDK verifies. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex')
}

/**
 * `MD5OfMessageAttributes` per the SQS algorithm (docs/reference/aws-facts.md#sqs-attribute-md5): attributes
 * in name order, each as length-prefixed name, length-prefixed data type, one transport byte (1 for
 * String/Number, 2 for Binary) and the length-prefixed value. Undefined when there are none.
 * The bytes are laid out in one buffer and hashed at once (a receive renders this for every message).
 */
export function md5OfMessageAttributes(
  attributes: Readonly<Record<string, SqsMessageAttributeValue>> | undefined,
): string | undefined {
  if (!attributes) return undefined
  const names = Object.keys(attributes).sort()
  const parts: Array<{name: string; type: string; transport: number; value: Buffer | string}> = []
  let size = 0
  for (const name of names) {
    const attribute = attributes[name]
    if (!attribute) continue
    const binary = attribute.BinaryValue !== undefined && attribute.DataType.startsWith('Binary')
    const value = binary ? (attribute.BinaryValue as Buffer) : (attribute.StringValue ?? '')
    const valueLength = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length
    size +=
      4 + Buffer.byteLength(name, 'utf8') + 4 + Buffer.byteLength(attribute.DataType, 'utf8') + 1 + 4 + valueLength
    parts.push({name, type: attribute.DataType, transport: binary ? 2 : 1, value})
  }
  if (parts.length === 0) return undefined
  const bytes = Buffer.allocUnsafe(size)
  let at = 0
  const text = (value: string): void => {
    const length = bytes.write(value, at + 4, 'utf8')
    bytes.writeUInt32BE(length, at)
    at += 4 + length
  }
  for (const part of parts) {
    text(part.name)
    text(part.type)
    bytes[at++] = part.transport
    if (typeof part.value === 'string') text(part.value)
    else {
      bytes.writeUInt32BE(part.value.length, at)
      part.value.copy(bytes, at + 4)
      at += 4 + part.value.length
    }
  }
  return createHash('md5').update(bytes).digest('hex')
}

/**
 * `MD5OfMessageSystemAttributes`: AWS digests the system attributes sent (only `AWSTraceHeader`,
 * type `String`) with the same algorithm as message attributes (SQS developer guide, "Calculating
 * the MD5 message digest for message attributes"; the JS v3 and Java SDKs check it that way).
 */
export function md5OfMessageSystemAttributes(traceHeader: string | undefined): string | undefined {
  if (traceHeader === undefined) return undefined
  return md5OfMessageAttributes({AWSTraceHeader: {DataType: 'String', StringValue: traceHeader}})
}
