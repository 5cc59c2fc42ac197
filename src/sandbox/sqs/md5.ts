import {createHash} from 'node:crypto'

import type {SqsMessageAttributeValue} from './model.js'

/** Hex MD5 of the UTF-8 body: `MD5OfMessageBody` / `MD5OfBody`, which the JS v3 SDK verifies. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex')
}

function lengthPrefixed(value: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(value.length)
  return Buffer.concat([length, value])
}

/**
 * `MD5OfMessageAttributes` per the SQS algorithm (aws-semantics E, last paragraph): attributes in
 * name order, each as length-prefixed name, length-prefixed data type, one transport byte (1 for
 * String/Number, 2 for Binary) and the length-prefixed value. Undefined when there are none.
 */
export function md5OfMessageAttributes(
  attributes: Readonly<Record<string, SqsMessageAttributeValue>> | undefined,
): string | undefined {
  if (!attributes) return undefined
  const names = Object.keys(attributes).sort()
  if (names.length === 0) return undefined
  const hash = createHash('md5')
  for (const name of names) {
    const value = attributes[name]
    if (!value) continue
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')))
    hash.update(lengthPrefixed(Buffer.from(value.DataType, 'utf8')))
    if (value.BinaryValue !== undefined && value.DataType.startsWith('Binary')) {
      hash.update(Buffer.from([2]))
      hash.update(lengthPrefixed(value.BinaryValue))
    } else {
      hash.update(Buffer.from([1]))
      hash.update(lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8')))
    }
  }
  return hash.digest('hex')
}
