/**
 * What a redrive sends and what it leaves alone (prior-art §5.2, "semantics-safe redrive"). Pure: a
 * window of decoded DLQ records in, the PutEvents entries to send and the skipped records (with
 * reasons) out.
 *
 * - Collapse: several failed cacheSet/cacheDelete events for one cache and key → only the newest (event
 *   time, then SentTimestamp) is sent, so a late redrive never puts back a value a newer event replaced
 *   or removed. A `CollapseState` carries what was sent across windows of one run.
 * - Expiry: a cacheSet whose event time + TTL has passed would store a value that should already be
 *   gone; it is skipped.
 * - Bodies that are not event envelopes can't be published again (aws-semantics C.1, pitfall 16).
 */
import type {DlqRecord} from './dlq.js'
import {decodeBase64, toBase64Url} from './momento-events.js'
import type {PutEntry} from './put-entries.js'
import {toRedriveEntry} from './redrive-entry.js'

/** Why a selected message is not redriven. */
export type SkipReason = 'not-redrivable' | 'no-bus' | 'expired' | 'superseded'

/** Human wording of each reason, for summaries. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'not-redrivable': 'not an event envelope',
  'no-bus': 'bus unknown (no RULE_ARN; pass --bus)',
  expired: 'cacheSet TTL already passed (--include-expired sends them)',
  superseded: 'a newer event for the same cache and key was redriven (--no-collapse sends all)',
}

export interface PlanOptions {
  /** Send only the newest event per cache and key. Default true. */
  collapse?: boolean
  /** Send cacheSet events whose TTL has passed. Default false. */
  includeExpired?: boolean
  /** Now, epoch ms (injected: the plan is pure). */
  now: number
  /** Publish to this bus instead of the failing rule's bus. */
  bus?: string | undefined
  /** Edited details by message id (edit-then-redrive). */
  edits?: ReadonlyMap<string, Record<string, unknown>> | undefined
}

/** A record and the entry that re-publishes it. */
export interface PlannedSend {
  record: DlqRecord
  entry: PutEntry
}

/** A record that is left in the DLQ, and why. */
export interface PlannedSkip {
  record: DlqRecord
  reason: SkipReason
  message: string
}

export interface RedrivePlan {
  send: PlannedSend[]
  skip: PlannedSkip[]
}

/** The newest event per cache and key sent so far in one run (keys only: no values are kept). */
export type CollapseState = Map<string, {time: number; sent: number; messageId: string}>

/** A new, empty collapse state for one run. */
export function newCollapseState(): CollapseState {
  return new Map()
}

/**
 * Plan one window of records. Records keep their order in `send`; `state` (when given) makes
 * newest-wins hold across windows: an event older than one already sent for the same key is skipped.
 */
export function planRedrive(
  records: readonly DlqRecord[],
  options: PlanOptions,
  state: CollapseState = newCollapseState(),
): RedrivePlan {
  const collapse = options.collapse ?? true
  const skip: PlannedSkip[] = []
  const candidates: Array<{record: DlqRecord; entry: PutEntry; detail: Record<string, unknown>}> = []
  for (const record of records) {
    const detail = options.edits?.get(record.messageId) ?? record.event?.detail
    const built = toRedriveEntry(record, {bus: options.bus, detail})
    if (!built.ok) {
      skip.push({record, reason: built.problem.reason, message: built.problem.message})
      continue
    }
    if (!options.includeExpired && detail && record.event?.detailType === 'cacheSet') {
      const expiredAt = expiryTime(record, detail)
      if (expiredAt !== undefined && expiredAt <= options.now) {
        skip.push({
          record,
          reason: 'expired',
          message: `Its TTL ran out at ${new Date(expiredAt).toISOString()}; the value would already be gone.`,
        })
        continue
      }
    }
    candidates.push({record, entry: built.entry, detail: detail ?? {}})
  }
  if (!collapse) return {send: candidates.map(({record, entry}) => ({record, entry})), skip}

  // Newest per key within the window first, then against what earlier windows sent.
  const newest = new Map<string, {record: DlqRecord; time: number; sent: number}>()
  for (const {record, detail} of candidates) {
    const identity = cacheKeyIdentity(record, detail)
    if (identity === undefined) continue
    const time = eventTime(record)
    const sent = sentTime(record)
    const best = newest.get(identity)
    if (!best || isNewer({time, sent, messageId: record.messageId}, {...best, messageId: best.record.messageId})) {
      newest.set(identity, {record, time, sent})
    }
  }
  const send: PlannedSend[] = []
  for (const {record, entry, detail} of candidates) {
    const identity = cacheKeyIdentity(record, detail)
    if (identity === undefined) {
      send.push({record, entry})
      continue
    }
    const winner = newest.get(identity)
    const earlier = state.get(identity)
    const mine = {time: eventTime(record), sent: sentTime(record), messageId: record.messageId}
    if (winner?.record !== record || (earlier && !isNewer(mine, earlier))) {
      const by = winner?.record !== record ? winner?.record.messageId : earlier?.messageId
      skip.push({
        record,
        reason: 'superseded',
        message: `Message ${by ?? '?'} carries a newer event for the same cache and key.`,
      })
      continue
    }
    state.set(identity, mine)
    send.push({record, entry})
  }
  return {send, skip}
}

/** Count skips by reason, for summaries. */
export function countSkips(skips: ReadonlyArray<{reason: SkipReason}>): Partial<Record<SkipReason, number>> {
  const counts: Partial<Record<SkipReason, number>> = {}
  for (const s of skips) counts[s.reason] = (counts[s.reason] ?? 0) + 1
  return counts
}

function isNewer(
  a: {time: number; sent: number; messageId: string},
  b: {time: number; sent: number; messageId: string},
): boolean {
  if (a.time !== b.time) return a.time > b.time
  if (a.sent !== b.sent) return a.sent > b.sent
  // Same second and same SentTimestamp: any fixed order keeps the choice stable across windows.
  return a.messageId > b.messageId
}

/** Event time in epoch ms (RFC 3339 `time` of the envelope), or -1 when unknown (oldest). */
function eventTime(record: DlqRecord): number {
  const parsed = record.event?.time ? Date.parse(record.event.time) : NaN
  return Number.isNaN(parsed) ? -1 : parsed
}

function sentTime(record: DlqRecord): number {
  const parsed = record.sentAt ? Date.parse(record.sentAt) : NaN
  return Number.isNaN(parsed) ? -1 : parsed
}

/** When a cacheSet's value would have expired: event time (else SentTimestamp) + TTL; undefined if unknown. */
function expiryTime(record: DlqRecord, detail: Record<string, unknown>): number | undefined {
  const raw = detail['ttl'] ?? detail['ttl_seconds']
  const ttl = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN
  if (!Number.isFinite(ttl)) return undefined
  const time = eventTime(record)
  const start = time >= 0 ? time : sentTime(record)
  return start >= 0 ? start + ttl * 1000 : undefined
}

/**
 * `cache\0key` with the key as base64url bytes, so `key: "a"` and `key_base64: "YQ"` are the same
 * item. Undefined for events that aren't cacheSet/cacheDelete or have no usable key.
 */
function cacheKeyIdentity(record: DlqRecord, detail: Record<string, unknown>): string | undefined {
  const type = record.event?.detailType
  if (type !== 'cacheSet' && type !== 'cacheDelete') return undefined
  const cache = detail['cacheName']
  if (typeof cache !== 'string') return undefined
  const key = detail['key']
  const keyB64 = detail['key_base64']
  let bytes: Buffer | undefined
  if (typeof key === 'string' && key !== '') bytes = Buffer.from(key, 'utf8')
  else if (typeof keyB64 === 'string' && keyB64 !== '') bytes = decodeBase64(keyB64)
  if (!bytes) return undefined
  return `${cache}\u0000${toBase64Url(bytes)}`
}
