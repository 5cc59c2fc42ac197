/**
 * A set (or map to a few numbers) of strings kept as 96-bit fingerprints in typed arrays: 16–24 bytes
 * a key plus its values, against 150–300 for a `Set<string>` or `Map<string, object>` of SQS message
 * ids, event ids or cache keys. A redrive of 1,000,000 messages needs a few of these for the whole run
 * (which messages it has seen, which events it published, the newest event per cache and key), and
 * that is what keeps it within a few hundred MB.
 *
 * Layout: the fingerprints and values are dense, in insertion order, in fixed-size chunks (so growing
 * never copies them and never leaves half an array unused); the hash index holds only a 4-byte entry
 * number per slot and is kept at most half full. At 1,000,000 keys: index 8 MB + fingerprints 12 MB +
 * 8 (f64) or 4 (u32) bytes a value column. (Values in every slot of a half-full table, as before, cost
 * 2–4 times that.)
 *
 * Two different strings share a fingerprint with a probability of about n² / 2^97 (1e-17 for a million
 * keys; n² / 2^65, 3e-8, with 64-bit fingerprints); callers say which way a collision falls, and only
 * tables whose collisions are harmless use 64 bits.
 */

/** Three 32-bit hashes of a string in one pass (FNV-1a-like mixing, then a murmur3 finaliser each). */
export function fingerprint96(text: string): [number, number, number] {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  let c = 0x27d4eb2f
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    a = Math.imul(a ^ ch, 0x01000193)
    b = Math.imul(b ^ ch, 0x5bd1e995)
    c = Math.imul(c ^ ch, 0x85ebca6b)
  }
  return [fmix(a ^ text.length), fmix(b + c), fmix(c ^ a)]
}

/** A 32-bit hash of a string (the first word of its fingerprint). */
export function hash32(text: string): number {
  return fingerprint96(text)[0]
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A value column: a double (8 bytes), or an unsigned 32-bit integer (4 bytes; values are truncated). */
export type ColumnType = 'f64' | 'u32'

/** Entries per chunk of the dense arrays (a power of two). */
const CHUNK_BITS = 12
const CHUNK = 1 << CHUNK_BITS
const CHUNK_MASK = CHUNK - 1

/**
 * Open addressing (linear probing) over fingerprints, with a few numbers stored per key. Entries are
 * numbered in insertion order; `slot`, `find`, `get` and `set` use that number, which never changes.
 */
export class FingerprintTable {
  private capacity: number
  /** Entry number + 1 per slot; 0 = empty. */
  private index: Uint32Array
  /** Chunks of CHUNK × `words` words: the fingerprints, in insertion order. */
  private readonly keys: Uint32Array[] = []
  /** 32-bit words of fingerprint kept per key: 3 (96 bits) or 2 (64 bits). */
  private readonly words: 2 | 3
  /** Per column, chunks of CHUNK values. */
  private readonly values: Array<Array<Float64Array | Uint32Array>>
  private readonly types: readonly ColumnType[]
  private count = 0

  /**
   * `columns`: how many f64 value columns, or each column's type. `bits` 64 keeps 8 bytes of
   * fingerprint a key instead of 12, for a table whose collisions are harmless (a pair of a million
   * keys collides with a probability of about 3e-8 instead of 1e-17).
   */
  constructor(columns: number | readonly ColumnType[] = 0, initialCapacity = 1024, options: {bits?: 64 | 96} = {}) {
    this.words = options.bits === 64 ? 2 : 3
    this.types = typeof columns === 'number' ? Array.from({length: Math.max(columns, 0)}, () => 'f64') : columns
    this.values = this.types.map(() => [])
    let capacity = 16
    while (capacity < initialCapacity) capacity *= 2
    this.capacity = capacity
    this.index = new Uint32Array(capacity)
  }

  get size(): number {
    return this.count
  }

  /** Bytes held by the typed arrays (what the table costs). */
  get bytes(): number {
    let bytes = this.index.byteLength
    for (const chunk of this.keys) bytes += chunk.byteLength
    for (const column of this.values) for (const chunk of column) bytes += chunk.byteLength
    return bytes
  }

  has(key: string): boolean {
    return this.find(key) >= 0
  }

  /** Add the key; true when it was not there yet. */
  add(key: string): boolean {
    const before = this.count
    this.slot(key)
    return this.count > before
  }

  /** The entry number of a key, or -1. */
  find(key: string): number {
    const [a, b, c] = fingerprint96(key)
    const w0 = (a | 1) >>> 0
    const mask = this.capacity - 1
    for (let i = startOf(w0, b) & mask; ; i = (i + 1) & mask) {
      const e = this.index[i] as number
      if (e === 0) return -1
      if (this.matches(e - 1, w0, b, c)) return e - 1
    }
  }

  /** The entry number of a key, added (values 0) if it was not there. */
  slot(key: string): number {
    if ((this.count + 1) * 2 > this.capacity) this.grow()
    const [a, b, c] = fingerprint96(key)
    const w0 = (a | 1) >>> 0
    const mask = this.capacity - 1
    for (let i = startOf(w0, b) & mask; ; i = (i + 1) & mask) {
      const e = this.index[i] as number
      if (e === 0) {
        const entry = this.append(w0, b, c)
        this.index[i] = entry + 1
        return entry
      }
      if (this.matches(e - 1, w0, b, c)) return e - 1
    }
  }

  get(entry: number, column: number): number {
    return (this.values[column] as Array<Float64Array | Uint32Array>)[entry >>> CHUNK_BITS]?.[
      entry & CHUNK_MASK
    ] as number
  }

  set(entry: number, column: number, value: number): void {
    const chunk = (this.values[column] as Array<Float64Array | Uint32Array>)[entry >>> CHUNK_BITS]
    if (chunk) chunk[entry & CHUNK_MASK] = value
  }

  private matches(entry: number, w0: number, w1: number, w2: number): boolean {
    const chunk = this.keys[entry >>> CHUNK_BITS] as Uint32Array
    const at = (entry & CHUNK_MASK) * this.words
    return chunk[at] === w0 && chunk[at + 1] === w1 && (this.words === 2 || chunk[at + 2] === w2)
  }

  private append(w0: number, w1: number, w2: number): number {
    const entry = this.count++
    const c = entry >>> CHUNK_BITS
    if (c === this.keys.length) {
      this.keys.push(new Uint32Array(CHUNK * this.words))
      this.types.forEach((type, column) =>
        this.values[column]?.push(type === 'u32' ? new Uint32Array(CHUNK) : new Float64Array(CHUNK)),
      )
    }
    const chunk = this.keys[c] as Uint32Array
    const at = (entry & CHUNK_MASK) * this.words
    chunk[at] = w0
    chunk[at + 1] = w1
    if (this.words === 3) chunk[at + 2] = w2
    return entry
  }

  /** Double the index and place every entry again (the dense arrays stay where they are). */
  private grow(): void {
    this.capacity *= 2
    this.index = new Uint32Array(this.capacity)
    const mask = this.capacity - 1
    for (let entry = 0; entry < this.count; entry++) {
      const chunk = this.keys[entry >>> CHUNK_BITS] as Uint32Array
      const at = (entry & CHUNK_MASK) * this.words
      let i = startOf(chunk[at] as number, chunk[at + 1] as number) & mask
      while (this.index[i] !== 0) i = (i + 1) & mask
      this.index[i] = entry + 1
    }
  }
}

/** Where a key's probe starts, from its stored words (so a grown table finds it from the same words). */
function startOf(w0: number, w1: number): number {
  return (w0 ^ w1) >>> 0
}
