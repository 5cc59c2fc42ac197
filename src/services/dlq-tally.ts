/**
 * Exact counts of a dead-letter queue too big to keep in memory. Every message `dlq watch` reads is
 * counted once by reason, cache and detail type, and remembered by a 64-bit hash of its message id
 * (not the id, not the record): 21 bytes a slot in typed arrays (with its SentTimestamp in seconds, so
 * the oldest message still counted can be found again when the oldest goes), the slots between a
 * quarter and half full, so 42–84 bytes a message: 44 MB for 1,000,000 messages, against ~1.6 KB for a
 * decoded record. A second read of the same
 * message (the rotation comes back to it) is recognised and not counted again; a message that is
 * deleted or found gone is taken off the counts with the tags it was counted under.
 *
 * Two different ids share a 64-bit hash with probability about n²/2⁶⁵ (3·10⁻⁸ at a million): a
 * collision would make one message count as read twice, i.e. one count short. Accepted.
 */
import type {DlqReason, DlqRecord} from '../core/dlq.js'
import {REASON_INFO} from '../core/dlq-decode.js'

const EMPTY = 0
const USED = 1
const DELETED = 2

/** The reasons in a fixed order: a reason is stored as its index (one byte). */
export const REASONS = Object.keys(REASON_INFO) as DlqReason[]
const REASON_INDEX = new Map(REASONS.map((r, i) => [r, i]))

/** Two independent 32-bit FNV-1a hashes of a string: its 64-bit key. */
export function idKey(id: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15)
  }
  return [a >>> 0, b >>> 0]
}

/** What a message was counted under, so it can be taken off the same counts. */
export interface Tags {
  readonly reason: number
  readonly cache: number
  readonly type: number
  /** SentTimestamp in whole seconds (rounded down), 0 when the message carried none. */
  readonly sent?: number | undefined
}

/**
 * An open-addressing hash table (linear probing, tombstones) from message-id key to the sweep it was
 * last seen in and its tags. Grows at 50 % load; rebuilt when tombstones pile up.
 */
export class IdTable {
  private capacity: number
  private hi: Uint32Array
  private lo: Uint32Array
  private state: Uint8Array
  private sweepOf: Uint32Array
  private reasonOf: Uint8Array
  private cacheOf: Uint16Array
  private typeOf: Uint8Array
  private sentOf: Uint32Array
  private used = 0
  private deleted = 0

  constructor(initialCapacity = 1 << 12) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)))
    this.hi = new Uint32Array(this.capacity)
    this.lo = new Uint32Array(this.capacity)
    this.state = new Uint8Array(this.capacity)
    this.sweepOf = new Uint32Array(this.capacity)
    this.reasonOf = new Uint8Array(this.capacity)
    this.cacheOf = new Uint16Array(this.capacity)
    this.typeOf = new Uint8Array(this.capacity)
    this.sentOf = new Uint32Array(this.capacity)
  }

  get size(): number {
    return this.used
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.capacity * (4 + 4 + 1 + 4 + 1 + 2 + 1 + 4)
  }

  private find(hi: number, lo: number): number {
    const mask = this.capacity - 1
    let slot = (hi ^ lo) & mask
    for (;;) {
      const s = this.state[slot]
      if (s === EMPTY) return -1 - slot
      if (s === USED && this.hi[slot] === hi && this.lo[slot] === lo) return slot
      slot = (slot + 1) & mask
    }
  }

  /** The sweep a message was last seen in, or undefined if it isn't in the table. */
  lastSweep(key: readonly [number, number]): number | undefined {
    const slot = this.find(key[0], key[1])
    return slot >= 0 ? this.sweepOf[slot] : undefined
  }

  /** Record that the message was seen in `sweep`; a new message is stored with `tags`. True if new. */
  see(key: readonly [number, number], sweep: number, tags: Tags | undefined): boolean {
    const slot = this.find(key[0], key[1])
    if (slot >= 0) {
      this.sweepOf[slot] = sweep
      return false
    }
    if ((this.used + this.deleted + 1) * 2 > this.capacity) {
      this.rebuild(this.used * 4 > this.capacity ? this.capacity * 2 : this.capacity)
      return this.see(key, sweep, tags)
    }
    const free = -1 - slot
    this.hi[free] = key[0]
    this.lo[free] = key[1]
    this.state[free] = USED
    this.sweepOf[free] = sweep
    this.reasonOf[free] = tags?.reason ?? 0
    this.cacheOf[free] = tags?.cache ?? 0
    this.typeOf[free] = tags?.type ?? 0
    this.sentOf[free] = tags?.sent ?? 0
    this.used++
    return true
  }

  /** Remove a message; its tags, if it was there. */
  remove(key: readonly [number, number]): Tags | undefined {
    const slot = this.find(key[0], key[1])
    if (slot < 0) return undefined
    return this.removeSlot(slot)
  }

  private removeSlot(slot: number): Tags {
    this.state[slot] = DELETED
    this.used--
    this.deleted++
    return {
      reason: this.reasonOf[slot] as number,
      cache: this.cacheOf[slot] as number,
      type: this.typeOf[slot] as number,
      sent: this.sentOf[slot] as number,
    }
  }

  /** The smallest non-zero SentTimestamp (seconds) of the messages in the table: one pass. */
  oldestSent(): number | undefined {
    let oldest = 0
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.state[slot] !== USED) continue
      const sent = this.sentOf[slot] as number
      if (sent !== 0 && (oldest === 0 || sent < oldest)) oldest = sent
    }
    return oldest === 0 ? undefined : oldest
  }

  /**
   * Remove up to `limit` messages not seen in `sweep` or later, those seen longest ago first; returns their keys
   * (as `hi:lo` strings) and tags. Two passes over the table, no sort.
   */
  removeUnseen(sweep: number, limit: number): Array<{key: string; tags: Tags}> {
    if (limit <= 0) return []
    const bySweep = new Map<number, number>()
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.state[slot] !== USED) continue
      const last = this.sweepOf[slot] as number
      if (last < sweep) bySweep.set(last, (bySweep.get(last) ?? 0) + 1)
    }
    // The oldest sightings first: whole sweeps below `threshold`, and `partial` of the threshold's.
    let left = limit
    let threshold = -1
    let partial = 0
    for (const last of [...bySweep.keys()].sort((a, b) => a - b)) {
      const n = bySweep.get(last) as number
      if (n <= left) {
        left -= n
        threshold = last
        partial = 0
        if (left === 0) break
      } else {
        threshold = last
        partial = left
        break
      }
    }
    const out: Array<{key: string; tags: Tags}> = []
    const wholeUpTo = partial > 0 ? threshold - 1 : threshold
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.state[slot] !== USED) continue
      const last = this.sweepOf[slot] as number
      if (last >= sweep) continue
      const take = last <= wholeUpTo || (partial > 0 && last === threshold && partial-- > 0)
      if (!take) continue
      const key = `${this.hi[slot]}:${this.lo[slot]}`
      out.push({key, tags: this.removeSlot(slot)})
    }
    if (this.deleted * 4 > this.capacity) this.rebuild(this.capacity)
    return out
  }

  private rebuild(capacity: number): void {
    const old = {
      hi: this.hi,
      lo: this.lo,
      state: this.state,
      sweepOf: this.sweepOf,
      reasonOf: this.reasonOf,
      cacheOf: this.cacheOf,
      typeOf: this.typeOf,
      sentOf: this.sentOf,
      capacity: this.capacity,
    }
    this.capacity = capacity
    this.hi = new Uint32Array(capacity)
    this.lo = new Uint32Array(capacity)
    this.state = new Uint8Array(capacity)
    this.sweepOf = new Uint32Array(capacity)
    this.reasonOf = new Uint8Array(capacity)
    this.cacheOf = new Uint16Array(capacity)
    this.typeOf = new Uint8Array(capacity)
    this.sentOf = new Uint32Array(capacity)
    this.used = 0
    this.deleted = 0
    for (let slot = 0; slot < old.capacity; slot++) {
      if (old.state[slot] !== USED) continue
      const hi = old.hi[slot] as number
      const lo = old.lo[slot] as number
      const free = -1 - this.find(hi, lo)
      this.hi[free] = hi
      this.lo[free] = lo
      this.state[free] = USED
      this.sweepOf[free] = old.sweepOf[slot] as number
      this.reasonOf[free] = old.reasonOf[slot] as number
      this.cacheOf[free] = old.cacheOf[slot] as number
      this.typeOf[free] = old.typeOf[slot] as number
      this.sentOf[free] = old.sentOf[slot] as number
      this.used++
    }
  }
}

/** Distinct caches (and detail types) counted by name; beyond this many, the rest count as "other". */
const MAX_NAMES = 65_000

/** One count of the tally: a name (reason, cache or detail type) and how many messages read carry it. */
export interface NameCount {
  readonly name: string
  readonly count: number
}

/** The exact counts over everything read (and not known gone), and the oldest SentTimestamp read. */
export interface TallySnapshot {
  /** Distinct messages read and counted. */
  readonly read: number
  readonly byReason: readonly NameCount[]
  readonly byCache: readonly NameCount[]
  readonly byType: readonly NameCount[]
  /**
   * The oldest SentTimestamp among the messages read and still counted (epoch ms, whole seconds), if
   * any carried one: a message deleted, redriven or found gone no longer sets it.
   */
  readonly oldestSentAt: number | undefined
}

/** Names to small integers, so a message's tags fit in a few bytes; index 0 is "none". */
class Names {
  private readonly index = new Map<string, number>()
  readonly names: string[] = ['(none)']
  readonly counts: number[] = [0]

  id(name: string | undefined): number {
    if (name === undefined || name === '') return 0
    let i = this.index.get(name)
    if (i === undefined) {
      if (this.names.length >= MAX_NAMES) return this.id('(other)')
      i = this.names.length
      this.index.set(name, i)
      this.names.push(name)
      this.counts.push(0)
    }
    return i
  }

  top(): NameCount[] {
    const out: NameCount[] = []
    for (let i = 0; i < this.names.length; i++) {
      const count = this.counts[i] as number
      if (count > 0) out.push({name: this.names[i] as string, count})
    }
    return out.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
  }
}

/** Exact counts by reason, cache and detail type over every message read once. */
export class QueueTally {
  private readonly table = new IdTable()
  private readonly reasonCounts = new Array<number>(REASONS.length).fill(0)
  private readonly caches = new Names()
  private readonly types = new Names()
  /** The oldest SentTimestamp counted, in seconds; recomputed from the table once the oldest is removed. */
  private oldest: number | undefined
  private oldestStale = false

  get read(): number {
    return this.table.size
  }

  get bytes(): number {
    return this.table.bytes
  }

  /** Whether a message id has been read (and not removed). */
  has(id: string): boolean {
    return this.table.lastSweep(idKey(id)) !== undefined
  }

  /** The sweep a message was last seen in, if it is counted. */
  lastSweep(id: string): number | undefined {
    return this.table.lastSweep(idKey(id))
  }

  /** Mark a known message seen in `sweep` (no recount). False if it isn't counted. */
  touch(id: string, sweep: number): boolean {
    const key = idKey(id)
    if (this.table.lastSweep(key) === undefined) return false
    this.table.see(key, sweep, undefined)
    return true
  }

  /** Count a decoded record (once per message id); true if it was new. */
  add(record: DlqRecord, sweep: number): boolean {
    const sentMs = record.sentAt === undefined ? Number.NaN : Date.parse(record.sentAt)
    // Seconds fit a Uint32 until 2106; 0 means "no SentTimestamp".
    const sent = Number.isFinite(sentMs) && sentMs >= 1000 ? Math.floor(sentMs / 1000) : 0
    const tags = {
      reason: REASON_INDEX.get(record.reason) ?? 0,
      cache: this.caches.id(record.cache),
      type: this.types.id(record.detailType),
      sent,
    }
    if (!this.table.see(idKey(record.messageId), sweep, tags)) return false
    this.count(tags, 1)
    if (sent !== 0 && !this.oldestStale && (this.oldest === undefined || sent < this.oldest)) this.oldest = sent
    return true
  }

  /** Take a message off the counts (deleted, redriven); true if it was counted. */
  remove(id: string): boolean {
    const tags = this.table.remove(idKey(id))
    if (!tags) return false
    this.count(tags, -1)
    this.removedSent(tags)
    return true
  }

  /** Take off up to `limit` messages not seen in `sweep`, oldest sightings first; their keys (`idKeyText`). */
  removeUnseen(sweep: number, limit: number): Set<string> {
    const removed = this.table.removeUnseen(sweep, limit)
    for (const {tags} of removed) {
      this.count(tags, -1)
      this.removedSent(tags)
    }
    return new Set(removed.map((r) => r.key))
  }

  /** The oldest went away: find the next oldest when asked (one pass over the table, at most once a snapshot). */
  private removedSent(tags: Tags): void {
    if (tags.sent !== undefined && tags.sent !== 0 && tags.sent === this.oldest) this.oldestStale = true
  }

  /** The oldest SentTimestamp still counted, in epoch ms. */
  oldestSentAt(): number | undefined {
    if (this.oldestStale) {
      this.oldest = this.table.oldestSent()
      this.oldestStale = false
    }
    return this.oldest === undefined ? undefined : this.oldest * 1000
  }

  private count(tags: Tags, by: number): void {
    this.reasonCounts[tags.reason] = (this.reasonCounts[tags.reason] as number) + by
    this.caches.counts[tags.cache] = (this.caches.counts[tags.cache] as number) + by
    this.types.counts[tags.type] = (this.types.counts[tags.type] as number) + by
  }

  snapshot(): TallySnapshot {
    const byReason: NameCount[] = []
    for (const [i, reason] of REASONS.entries()) {
      const count = this.reasonCounts[i] as number
      if (count > 0) byReason.push({name: reason, count})
    }
    byReason.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    return {
      read: this.table.size,
      byReason,
      byCache: this.caches.top().slice(0, 50),
      byType: this.types.top().slice(0, 20),
      oldestSentAt: this.oldestSentAt(),
    }
  }
}

/** The `hi:lo` text of a message id's key, as `removeUnseen` returns them. */
export function idKeyText(id: string): string {
  const [hi, lo] = idKey(id)
  return `${hi}:${lo}`
}
