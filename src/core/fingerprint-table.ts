/**
 * A set (or map to a few numbers) of strings kept as 96-bit fingerprints in typed arrays: about 40
 * bytes a key at the worst load, against 150–300 for a `Set<string>` or `Map<string, object>` of
 * SQS message ids, event ids or cache keys. A redrive of 1,000,000 messages needs a few of these for
 * the whole run (which messages it has seen, which events it published, the newest event per cache
 * and key), and that is what keeps it within a few hundred MB.
 *
 * Two different strings share a fingerprint with a probability of about n² / 2^97 (1e-17 for a million
 * keys); callers whose decision could lose data on such a collision say which way it falls.
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

/** Open addressing (linear probing) over fingerprints, with `columns` numbers stored per key. */
export class FingerprintTable {
  private capacity: number
  private words: Uint32Array
  private values: Float64Array
  private count = 0

  constructor(
    private readonly columns = 0,
    initialCapacity = 1024,
  ) {
    let capacity = 16
    while (capacity < initialCapacity) capacity *= 2
    this.capacity = capacity
    this.words = new Uint32Array(capacity * 3)
    this.values = new Float64Array(capacity * Math.max(columns, 0))
  }

  get size(): number {
    return this.count
  }

  /** Bytes held by the typed arrays (what the table costs). */
  get bytes(): number {
    return this.words.byteLength + this.values.byteLength
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

  /** The slot of a key, or -1. */
  find(key: string): number {
    const [a, b, c] = fingerprint96(key)
    const w0 = (a | 1) >>> 0
    const mask = this.capacity - 1
    for (let i = startOf(w0, b) & mask; ; i = (i + 1) & mask) {
      const at = i * 3
      const x = this.words[at] as number
      if (x === 0) return -1
      if (x === w0 && this.words[at + 1] === b && this.words[at + 2] === c) return i
    }
  }

  /** The slot of a key, inserted (values 0) if it was not there. */
  slot(key: string): number {
    if ((this.count + 1) * 2 > this.capacity) this.grow()
    const [a, b, c] = fingerprint96(key)
    const w0 = (a | 1) >>> 0
    return this.place(w0, b, c, startOf(w0, b), true)
  }

  get(slot: number, column: number): number {
    return this.values[slot * this.columns + column] as number
  }

  set(slot: number, column: number, value: number): void {
    this.values[slot * this.columns + column] = value
  }

  private place(w0: number, w1: number, w2: number, start: number, counting: boolean): number {
    const mask = this.capacity - 1
    for (let i = start & mask; ; i = (i + 1) & mask) {
      const at = i * 3
      const x = this.words[at] as number
      if (x === 0) {
        this.words[at] = w0
        this.words[at + 1] = w1
        this.words[at + 2] = w2
        if (counting) this.count++
        return i
      }
      if (x === w0 && this.words[at + 1] === w1 && this.words[at + 2] === w2) return i
    }
  }

  private grow(): void {
    const oldWords = this.words
    const oldValues = this.values
    const oldCapacity = this.capacity
    this.capacity *= 2
    this.words = new Uint32Array(this.capacity * 3)
    this.values = new Float64Array(this.capacity * this.columns)
    for (let i = 0; i < oldCapacity; i++) {
      const at = i * 3
      const w0 = oldWords[at] as number
      if (w0 === 0) continue
      const w1 = oldWords[at + 1] as number
      const w2 = oldWords[at + 2] as number
      const slot = this.place(w0, w1, w2, startOf(w0, w1), false)
      for (let c = 0; c < this.columns; c++) {
        this.values[slot * this.columns + c] = oldValues[i * this.columns + c] as number
      }
    }
  }
}

/** Where a key's probe starts, from its stored words (so a grown table finds it from the same words). */
function startOf(w0: number, w1: number): number {
  return (w0 ^ w1) >>> 0
}
