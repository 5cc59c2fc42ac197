/**
 * The CBOR subset (RFC 8949) that Smithy RPC v2 CBOR uses, as botocore sends and reads it: integers,
 * floats, text and byte strings, arrays, maps (definite and indefinite lengths), booleans, null, and
 * tag 1 (epoch-seconds timestamps). Decoding is bounded (nesting depth, lengths checked against the
 * bytes present) so a malformed body is a clean error, never a crash or a huge allocation.
 */

export class CborError extends Error {}

const MAX_DEPTH = 64

/** A timestamp to encode as tag 1 (epoch seconds). */
export class CborTimestamp {
  constructor(readonly seconds: number) {}
}

/** Decode one CBOR data item (tag-1 timestamps become epoch-seconds numbers; byte strings base64). */
export function decodeCbor(bytes: Buffer): unknown {
  let pos = 0
  const need = (n: number): void => {
    if (pos + n > bytes.length) throw new CborError('The CBOR body ends too early.')
  }
  const length = (info: number): number => {
    if (info < 24) return info
    if (info === 24) return (need(1), bytes.readUInt8(pos++))
    if (info === 25) {
      need(2)
      pos += 2
      return bytes.readUInt16BE(pos - 2)
    }
    if (info === 26) {
      need(4)
      pos += 4
      return bytes.readUInt32BE(pos - 4)
    }
    if (info === 27) {
      need(8)
      pos += 8
      const big = bytes.readBigUInt64BE(pos - 8)
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborError('A CBOR integer is too large.')
      return Number(big)
    }
    throw new CborError(`Unsupported CBOR additional information ${info}.`)
  }
  const BREAK = Symbol('break')
  const item = (depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new CborError('The CBOR body is nested too deeply.')
    need(1)
    const initial = bytes.readUInt8(pos++)
    const major = initial >> 5
    const info = initial & 0x1f
    if (initial === 0xff) return BREAK
    switch (major) {
      case 0:
        return length(info)
      case 1:
        return -1 - length(info)
      case 2:
      case 3: {
        let chunk: Buffer
        if (info === 31) {
          const parts: Buffer[] = []
          for (;;) {
            const part = item(depth + 1)
            if (part === BREAK) break
            if (typeof part !== 'string') throw new CborError('A CBOR string chunk is not a string.')
            parts.push(Buffer.from(part, major === 2 ? 'base64' : 'utf8'))
          }
          chunk = Buffer.concat(parts)
        } else {
          const n = length(info)
          need(n)
          chunk = bytes.subarray(pos, pos + n)
          pos += n
        }
        return major === 2 ? chunk.toString('base64') : chunk.toString('utf8')
      }
      case 4: {
        const out: unknown[] = []
        if (info === 31) {
          for (let v = item(depth + 1); v !== BREAK; v = item(depth + 1)) out.push(v)
          return out
        }
        const n = length(info)
        if (n > bytes.length - pos) throw new CborError('A CBOR array is longer than the body.')
        for (let i = 0; i < n; i++) out.push(item(depth + 1))
        return out
      }
      case 5: {
        const out: Record<string, unknown> = {}
        const entry = (key: unknown): void => {
          if (typeof key !== 'string') throw new CborError('A CBOR map key is not a string.')
          const value = item(depth + 1)
          if (value === BREAK) throw new CborError('A CBOR map ends in the middle of an entry.')
          if (value !== null && value !== undefined && key !== '__proto__') out[key] = value
        }
        if (info === 31) {
          for (let k = item(depth + 1); k !== BREAK; k = item(depth + 1)) entry(k)
          return out
        }
        const n = length(info)
        if (n > bytes.length - pos) throw new CborError('A CBOR map is longer than the body.')
        for (let i = 0; i < n; i++) entry(item(depth + 1))
        return out
      }
      case 6: {
        const tag = length(info)
        const value = item(depth + 1)
        if (tag !== 1 || typeof value !== 'number') throw new CborError(`Unsupported CBOR tag ${tag}.`)
        return value
      }
      default: {
        if (info === 20) return false
        if (info === 21) return true
        if (info === 22 || info === 23) return null
        if (info === 25) {
          need(2)
          pos += 2
          return half(bytes.readUInt16BE(pos - 2))
        }
        if (info === 26) {
          need(4)
          pos += 4
          return bytes.readFloatBE(pos - 4)
        }
        if (info === 27) {
          need(8)
          pos += 8
          return bytes.readDoubleBE(pos - 8)
        }
        throw new CborError(`Unsupported CBOR simple value ${info}.`)
      }
    }
  }
  const value = item(0)
  if (value === BREAK) throw new CborError('Unexpected CBOR break.')
  if (pos !== bytes.length) throw new CborError('The CBOR body has bytes after its data item.')
  return value
}

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}

/**
 * Encode `value`; object members named in `timestampKeys` (and the items of such lists) are
 * encoded as tag-1 timestamps, as the service's model types them. Undefined members are left out.
 */
export function encodeCbor(value: unknown, timestampKeys: ReadonlySet<string> = new Set()): Buffer {
  const chunks: Buffer[] = []
  const head = (major: number, n: number): void => {
    if (n < 24) chunks.push(Buffer.from([(major << 5) | n]))
    else if (n < 0x100) chunks.push(Buffer.from([(major << 5) | 24, n]))
    else if (n < 0x10000) {
      const b = Buffer.alloc(3)
      b[0] = (major << 5) | 25
      b.writeUInt16BE(n, 1)
      chunks.push(b)
    } else if (n < 0x100000000) {
      const b = Buffer.alloc(5)
      b[0] = (major << 5) | 26
      b.writeUInt32BE(n, 1)
      chunks.push(b)
    } else {
      const b = Buffer.alloc(9)
      b[0] = (major << 5) | 27
      b.writeBigUInt64BE(BigInt(n), 1)
      chunks.push(b)
    }
  }
  const write = (v: unknown, asTimestamp: boolean): void => {
    if (asTimestamp && typeof v === 'number') {
      head(6, 1)
      write(v, false)
      return
    }
    if (v instanceof CborTimestamp) return write(v.seconds, true)
    if (v === null || v === undefined) chunks.push(Buffer.from([0xf6]))
    else if (typeof v === 'boolean') chunks.push(Buffer.from([v ? 0xf5 : 0xf4]))
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) head(v >= 0 ? 0 : 1, v >= 0 ? v : -1 - v)
      else {
        const b = Buffer.alloc(9)
        b[0] = 0xfb
        b.writeDoubleBE(v, 1)
        chunks.push(b)
      }
    } else if (typeof v === 'string') {
      const text = Buffer.from(v, 'utf8')
      head(3, text.length)
      chunks.push(text)
    } else if (Array.isArray(v)) {
      head(4, v.length)
      for (const x of v) write(x, asTimestamp)
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
      head(5, entries.length)
      for (const [k, x] of entries) {
        write(k, false)
        write(x, timestampKeys.has(k))
      }
    } else {
      throw new CborError(`Can't encode a ${typeof v} as CBOR.`)
    }
  }
  write(value, false)
  return Buffer.concat(chunks)
}
