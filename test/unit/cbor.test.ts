import {describe, expect, it} from 'vitest'

import {CborError, decodeCbor, encodeCbor} from '../../src/sandbox/protocol/cbor.js'

describe('CBOR (RPC v2 subset)', () => {
  it('round-trips what the operations use, timestamps as tag 1', () => {
    const value = {a: 1, b: -2, c: 1.5, d: 'wörld', e: [true, false], f: {g: 2 ** 40}, Timestamps: [1_700_000_000]}
    const bytes = encodeCbor(value, new Set(['Timestamps']))
    expect(bytes.includes(Buffer.from([0xc1]))).toBe(true) // tag 1
    expect(decodeCbor(bytes)).toEqual(value)
    // RFC 8949 appendix A: indefinite-length map and array, and a half-precision float.
    expect(decodeCbor(Buffer.from('bf61610161629f0203ffff', 'hex'))).toEqual({a: 1, b: [2, 3]})
    expect(decodeCbor(Buffer.from('f93c00', 'hex'))).toBe(1)
  })

  it('refuses malformed bodies with a CborError, never a crash or a huge allocation', () => {
    const bad = [
      '', // nothing
      'a2616101', // map of 2 with 1 entry
      '9bffffffffffffffff', // array claiming 2^64 items
      '7a7fffffff', // text claiming 2 GiB
      '9f'.repeat(100), // nested too deeply
      '0101', // trailing bytes
      'c2420001', // an unsupported tag
      'a10102', // a non-string key
      'ff',
    ]
    for (const hex of bad) expect(() => decodeCbor(Buffer.from(hex, 'hex')), hex).toThrow(CborError)
  })
})
