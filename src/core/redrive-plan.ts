/**
 * What a redrive sends and what it leaves alone (docs/reference/aws-facts.md#redrive-semantics-safe). Pure: a
 * window of decoded DLQ records in, the PutEvents entries to send and the skipped records (with
 * reasons) out.
 *
 * - Collapse: several failed cacheSet/cacheDelete events for one cache and key → only the newest (event
 *   time, then SentTimestamp) is sent, so a late redrive never puts back a value a newer event replaced
 *   or removed. A `CollapseState` carries what was sent across windows of one run. The older ones are
 *   skipped as `superseded` with the newer one's message id (`supersededBy`): the service deletes them
 *   once that one is published, so no later run can send them.
 * - Expiry: a cacheSet whose event time + TTL has passed would store a value that should already be
 *   gone; it is skipped.
 * - Bodies that are not event envelopes can't be published again (docs/reference/aws-facts.md#dlq-body,
 *   #dlq-body-not-envelope).
 */
import {createHash} from 'node:crypto'

import {FingerprintTable, fingerprint96, hash32} from './fingerprint-table.js'

import type {DlqRecord} from './dlq.js'
import {parseRuleArn} from './dlq-decode.js'
import {decodeBase64, toBase64Url} from './momento-events.js'
import type {PutEntry} from './put-entries.js'
import {toRedriveEntry} from './redrive-entry.js'

/** What a redrive needs to know about the rule a dead-lettered event failed on (DescribeRule + ListTargetsByRule). */
export type RuleStatus =
  | {found: false}
  | {
      found: true
      /** `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (also enabled). */
      state: string
      /** The Arn of every target the rule has now. */
      targetArns: readonly string[]
    }

/** Why a rule can't deliver a message's event now (undefined: it can). */
export interface RuleProblem {
  errorCode: 'RuleNotFound' | 'RuleDisabled' | 'TargetNotFound'
  /** What is wrong and how to fix it, naming the rule. */
  message: string
}

/**
 * Whether the rule a message failed on can deliver its event again: it exists, is enabled and still has
 * the message's target (when the message names one). Pure: the status comes from the caller.
 */
export function ruleProblem(
  ruleArn: string,
  targetArn: string | undefined,
  status: RuleStatus,
): RuleProblem | undefined {
  const rule = parseRuleArn(ruleArn) ?? {name: ruleArn, bus: 'default'}
  const fixDeploy = 'redeploy with `momento-eb deploy`, then redrive again'
  if (!status.found) {
    return {
      errorCode: 'RuleNotFound',
      message: `Rule ${rule.name} on bus ${rule.bus} doesn't exist (any more): ${fixDeploy}.`,
    }
  }
  if (!status.state.startsWith('ENABLED')) {
    return {
      errorCode: 'RuleDisabled',
      message:
        `Rule ${rule.name} is ${status.state}: enable it (\`aws events enable-rule --name ${rule.name} ` +
        `--event-bus-name ${rule.bus}\`) or ${fixDeploy}.`,
    }
  }
  if (targetArn !== undefined ? !status.targetArns.includes(targetArn) : status.targetArns.length === 0) {
    return {
      errorCode: 'TargetNotFound',
      message: `Rule ${rule.name} on bus ${rule.bus} no longer targets ${targetArn ?? 'anything'}: ${fixDeploy}.`,
    }
  }
  return undefined
}

/** Why a selected message is not redriven. */
export type SkipReason = 'not-redrivable' | 'no-bus' | 'expired' | 'superseded'

/** Human wording of each reason, for summaries. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'not-redrivable': 'not an event envelope',
  'no-bus': 'bus unknown (no RULE_ARN; pass --bus)',
  expired: 'cacheSet TTL already passed (--include-expired sends them)',
  superseded: 'a newer event for the same cache and key was redriven; deleted with it (--no-collapse sends all)',
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
  /** The detail the entry carries (the edit, else the original), for the run's content identity. */
  detail: Record<string, unknown>
  /** Its cache and key when it is a collapse candidate: older events for them are settled with it. */
  identity?: string | undefined
}

/** A record that is left in the DLQ, and why. */
export interface PlannedSkip {
  record: DlqRecord
  reason: SkipReason
  message: string
  /** For `superseded`: the message id of the newer event when it is in the same window. */
  supersededBy?: string | undefined
  /** For `superseded`: the cache and key (the collapse state's key) of the newer event. */
  identity?: string | undefined
}

export interface RedrivePlan {
  send: PlannedSend[]
  skip: PlannedSkip[]
}

/** What a collapse state knows of the newest event sent for one cache and key. */
export interface CollapseEntry {
  time: number
  sent: number
  /** hash32 of its message id: the last tie-break, the same in every window. */
  tie: number
}

/** Whether the newest event sent for a cache and key was published yet. */
export type WinnerStatus = 'planned' | 'published' | 'failed'
const STATUS_CODES: readonly WinnerStatus[] = ['planned', 'published', 'failed']

/**
 * The newest event per cache and key sent so far in one run, and whether it was published. Keys only,
 * as 96-bit fingerprints (no key text): 12 bytes of fingerprint, 24 of values and an 8–16 byte share
 * of the hash index a key, so 1,000,000 distinct keys hold ~44 MB. Newest-wins must hold for the whole
 * run (an older event published after a newer one would put an old value back), so this can't be a
 * bounded window. Two keys sharing a fingerprint (~1e-17 at a million keys) would make the older of
 * their events count as superseded.
 */
export class CollapseState {
  /** Columns: event time, SentTimestamp, tie × 4 + status (a uint32 × 4 + 2 bits is exact in a double). */
  private readonly table = new FingerprintTable(3)

  get size(): number {
    return this.table.size
  }

  /** Bytes the state holds. */
  get bytes(): number {
    return this.table.bytes
  }

  get(identity: string): (CollapseEntry & {status: WinnerStatus}) | undefined {
    const slot = this.table.find(identity)
    if (slot < 0) return undefined
    const packed = this.table.get(slot, 2)
    return {
      time: this.table.get(slot, 0),
      sent: this.table.get(slot, 1),
      tie: Math.floor(packed / 4),
      status: STATUS_CODES[packed % 4] ?? 'planned',
    }
  }

  /** A new newest event for this key, planned (not published yet). */
  set(identity: string, entry: CollapseEntry): void {
    const slot = this.table.slot(identity)
    this.table.set(slot, 0, entry.time)
    this.table.set(slot, 1, entry.sent)
    this.table.set(slot, 2, entry.tie * 4)
  }

  /** The event with this tie (message id hash) was published or failed; ignored if a newer one replaced it. */
  settle(identity: string, tie: number, status: WinnerStatus): void {
    const slot = this.table.find(identity)
    if (slot < 0 || Math.floor(this.table.get(slot, 2) / 4) !== tie) return
    this.table.set(slot, 2, tie * 4 + STATUS_CODES.indexOf(status))
  }
}

/** A new, empty collapse state for one run. */
export function newCollapseState(): CollapseState {
  return new CollapseState()
}

/** The tie-break number of a message (hash32 of its id). */
export function tieOf(messageId: string): number {
  return hash32(messageId)
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
  if (!collapse) return {send: candidates.map(({record, entry, detail}) => ({record, entry, detail})), skip}

  // Newest per key within the window first, then against what earlier windows sent.
  const newest = new Map<string, {record: DlqRecord} & CollapseEntry>()
  for (const {record, detail} of candidates) {
    const identity = cacheKeyIdentity(record, detail)
    if (identity === undefined) continue
    const mine = {time: eventTime(record), sent: sentTime(record), tie: tieOf(record.messageId)}
    const best = newest.get(identity)
    if (!best || isNewer(mine, best)) newest.set(identity, {record, ...mine})
  }
  const send: PlannedSend[] = []
  for (const {record, entry, detail} of candidates) {
    const identity = cacheKeyIdentity(record, detail)
    if (identity === undefined) {
      send.push({record, entry, detail})
      continue
    }
    const winner = newest.get(identity)
    const earlier = state.get(identity)
    const mine = {time: eventTime(record), sent: sentTime(record), tie: tieOf(record.messageId)}
    if (winner?.record !== record || (earlier && !isNewer(mine, earlier))) {
      const by = winner?.record !== record ? winner?.record.messageId : undefined
      skip.push({
        record,
        reason: 'superseded',
        message:
          by !== undefined
            ? `Message ${by} carries a newer event for the same cache and key.`
            : 'A newer event for the same cache and key was sent earlier in this run.',
        supersededBy: by,
        identity,
      })
      continue
    }
    state.set(identity, mine)
    send.push({record, entry, detail, identity})
  }
  return {send, skip}
}

/** Count skips by reason, for summaries. */
export function countSkips(skips: ReadonlyArray<{reason: SkipReason}>): Partial<Record<SkipReason, number>> {
  const counts: Partial<Record<SkipReason, number>> = {}
  for (const s of skips) counts[s.reason] = (counts[s.reason] ?? 0) + 1
  return counts
}

function isNewer(a: CollapseEntry, b: CollapseEntry): boolean {
  if (a.time !== b.time) return a.time > b.time
  if (a.sent !== b.sent) return a.sent > b.sent
  // Same second and same SentTimestamp: any fixed order keeps the choice stable across windows.
  return a.tie > b.tie
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

/**
 * When a cacheSet event's value expires (or expired), with `detail` as edited if given: event time
 * (else SentTimestamp) + TTL. Undefined for other events or an unknown TTL or time.
 */
export function cacheSetExpiry(record: DlqRecord, detail = record.event?.detail): number | undefined {
  if (record.event?.detailType !== 'cacheSet' || !detail) return undefined
  return expiryTime(record, detail)
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

/**
 * How far SQS's clock (SentTimestamp) may be ahead of this machine's clock before the run has measured
 * anything. Five minutes is the skew SigV4 tolerates ("a request must reach AWS within five minutes of
 * the time stamp in the request", IAM user guide, reference_aws-signing) and the threshold at which the
 * JS SDK starts correcting its signing clock (@aws-sdk/core isClockSkewed: >= 300,000 ms), which leaves
 * Date.now wrong: a machine further off than that is misconfigured. The fence widens it from evidence.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000

/** What a redrive run makes of a message it receives. */
export type FenceVerdict =
  /** In the DLQ before the run started: the run may redrive it. */
  | {kind: 'eligible'}
  /** One of this run's own events, dead-lettered again while the run ran: never published again by it. */
  | {kind: 'came-back'; by: 'event-id' | 'content'}
  /** Sent to the DLQ after the run started (someone else's new failure): left for the next run. */
  | {kind: 'arrived-later'}
  /** The same content as a PutEvents this run has in flight: decide once that call has answered. */
  | {kind: 'undecided'}

/** What an event says (as published, or as found in a DLQ envelope). */
export interface FenceEvent {
  detailType: string
  source: string
  detail: Record<string, unknown>
}

/** A PutEvents call in flight, as `beginPublish` returns it: hand it back to `endPublish`. */
export interface FenceTicket {
  readonly events: readonly FenceEvent[]
  readonly keys: readonly string[]
}

/** One entry of an answered call that got an EventId. */
export interface FencePublished {
  /** Its index in the events given to `beginPublish`. */
  index: number
  eventId: string
  /** Epoch ms of the dead-lettered event that was republished (-1 when unknown). */
  sourceTime: number
}

/** A publish not matched by any returned message yet (kept only while the content fallback is on). */
interface PublishedSlot {
  /** Its content identity (contentIdentity): 28 characters, not the event. */
  content: string
  sourceTime: number
}

/**
 * How many unmatched publishes the content fallback remembers. EventBridge dead-letters a failed event
 * within its retry window; at 5,000 events/s this is the last 10 s of publishes, at a paced 100/s the
 * last 8 minutes. Beyond it, rules 1 and 3 still apply.
 */
export const CONTENT_WINDOW = 50_000

/**
 * A redrive run's fence: the run redrives only what was in the DLQ when it started, and never one of
 * its own events that came back (an unfixed cause sends every redriven event straight back to the DLQ
 * as a new SQS message; without the fence the run would feed on itself without end). Pure: the service
 * feeds it the facts (what it published, what it received, the local clock) and asks per message.
 *
 * Three signals, in order:
 * 1. Event id. PutEvents returns an EventId per entry; the event EventBridge dead-letters is the event
 *    itself (docs/reference/aws-facts.md#dlq-body), so its envelope `id` is that EventId. Exact, no clock
 *    involved. While a PutEvents is in flight its ids are not known yet, and its events can already be back
 *    in the DLQ (a 404 is not retried): a message for the same cache and key (or topic) as an in-flight
 *    entry is `undecided` until the call answers, never published on a guess. (Only a short wait, so
 *    the key is coarse and cheap.)
 * 2. Content (belt and braces, in case an envelope id ever differs from the EventId): detail type,
 *    source and canonical detail, counted (each publish matches at most one message), and only for an
 *    envelope whose `time` is later than the republished source event's (EventBridge stamps a
 *    redriven event with the time of the redrive; an exact pre-run duplicate keeps its own older time).
 *    Switched off as soon as one message matched by event id: ids then demonstrably work, and content
 *    could only add false matches.
 * 3. SentTimestamp. A message SQS received after the run started arrived later and is left alone. The
 *    SentTimestamp is SQS's clock, the start is ours, and the safe direction of the error is to let a
 *    new message through (it is a real failure, redriving it is harmless), never to hold back one that
 *    was there before the run: so the cut-off is start + allowance, never minus. The allowance starts at
 *    CLOCK_SKEW_ALLOWANCE_MS, plus any skew the receives prove (ApproximateFirstReceiveTimestamp is SQS's
 *    clock at a receive that ended before our response: SQS is at least `first − respondedAt` ahead).
 *    Once one of the run's events came back by id, the allowance becomes exactly what that proves: the
 *    event was sent after our PutEvents call started, so SQS is at most `SentTimestamp − calledAt`
 *    ahead, and start + that bound is a cut-off no pre-run message can pass.
 */
export class RunFence {
  /**
   * EventId → local time the PutEvents call that returned it started, for every event of the run (a
   * table of 64-bit fingerprints: ~20 bytes an event, so 1,000,000 events cost ~20 MB, not ~150). A
   * collision (about 3e-8 at a million) can only make a message look like one of this run's returns: it
   * is then left in the queue for the next run.
   * The time is kept as whole ms after `timeBase` in 32 bits (see callTime).
   */
  private readonly ids = new FingerprintTable(['u32'], 1024, {bits: 64})
  /** 2^31 ms (24.8 days) before the start: the zero of the 32-bit call times. */
  private readonly timeBase: number
  /**
   * Flight key → this run's publishes not matched yet (one, or several for one cache and key): only the
   * latest CONTENT_WINDOW of them (their content hash, not the event), so the fallback stays bounded on a
   * run of millions. An older publish that comes back unrecognised is still held by the SentTimestamp
   * rule (3) once the cut-off is known, and by event id (1), which is exact and covers every event.
   */
  private readonly unmatched = new Map<string, PublishedSlot | PublishedSlot[]>()
  private unmatchedCount = 0
  /** Flight keys of the entries of PutEvents calls in flight (counted). */
  private readonly inFlight = new Map<string, number>()
  private idsWork = false
  /** Lower bound of (SQS clock − local clock), from receives. */
  private skewAtLeast = -Infinity
  /** Upper bound of (SQS clock − local clock), from this run's events that came back. */
  private skewAtMost = Infinity

  constructor(
    /** Local epoch ms when the run started. */
    readonly startedAt: number,
    private readonly allowanceMs = CLOCK_SKEW_ALLOWANCE_MS,
  ) {
    this.timeBase = startedAt - 2 ** 31
  }

  /**
   * A call's start time as 32 bits: whole ms after timeBase, rounded down and capped. Both errors make
   * the time read back earlier, never later: a smaller calledAt gives a larger skewAtMost and a later
   * cut-off, the safe direction (a new message let through, never a pre-run message held back).
   */
  private callTime(calledAt: number): number {
    return Math.min(2 ** 32 - 1, Math.max(0, Math.floor(calledAt - this.timeBase)))
  }

  /** SentTimestamp (SQS clock, epoch ms) above which a message arrived after the run started. */
  get cutoff(): number {
    if (Number.isFinite(this.skewAtMost)) return this.startedAt + this.skewAtMost
    return this.startedAt + this.allowanceMs + Math.max(0, this.skewAtLeast)
  }

  /** Number of EventIds this run published. */
  get publishedCount(): number {
    return this.ids.size
  }

  /** Publishes the content fallback still remembers (at most CONTENT_WINDOW). */
  get contentWindow(): number {
    return this.unmatchedCount
  }

  /** Before a PutEvents call: its entries are in flight until `endPublish` gets the ticket back. */
  beginPublish(events: readonly FenceEvent[]): FenceTicket {
    const keys = events.map(flightKey)
    for (const k of keys) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1)
    return {events, keys}
  }

  /**
   * After the call answered (or threw): the ticket `beginPublish` returned, the entries that got an
   * EventId, and the local time the call started.
   */
  endPublish(ticket: FenceTicket, published: readonly FencePublished[], calledAt: number): void {
    for (const k of ticket.keys) {
      const n = (this.inFlight.get(k) ?? 0) - 1
      if (n > 0) this.inFlight.set(k, n)
      else this.inFlight.delete(k)
    }
    for (const p of published) {
      this.ids.set(this.ids.slot(p.eventId), 0, this.callTime(calledAt))
      const key = ticket.keys[p.index]
      const event = ticket.events[p.index]
      if (this.idsWork || key === undefined || event === undefined) continue
      const slot: PublishedSlot = {
        content: contentIdentity(event.detailType, event.source, event.detail),
        sourceTime: p.sourceTime,
      }
      const slots = this.unmatched.get(key)
      if (slots === undefined) this.unmatched.set(key, slot)
      else if (Array.isArray(slots)) slots.push(slot)
      else this.unmatched.set(key, [slots, slot])
      if (++this.unmatchedCount > CONTENT_WINDOW) this.forgetOldestUnmatched()
    }
  }

  /** Drop the oldest remembered publish (Map order is insertion order of its flight key). */
  private forgetOldestUnmatched(): void {
    for (const [key, slots] of this.unmatched) {
      if (Array.isArray(slots) && slots.length > 1) slots.shift()
      else this.unmatched.delete(key)
      this.unmatchedCount--
      return
    }
  }

  /** Whether some PutEvents is in flight (undecided messages wait for none). */
  get publishing(): boolean {
    return this.inFlight.size > 0
  }

  /** Evidence from one receive: the messages' ApproximateFirstReceiveTimestamp and when the response arrived. */
  observeReceive(firstReceiveTimestamps: readonly number[], respondedAt: number): void {
    for (const first of firstReceiveTimestamps) {
      if (Number.isFinite(first) && first > 0) this.skewAtLeast = Math.max(this.skewAtLeast, first - respondedAt)
    }
  }

  /** Decide one received message. */
  classify(record: DlqRecord): FenceVerdict {
    const id = record.event?.id
    if (id !== undefined) {
      const found = this.ids.find(id)
      if (found >= 0) {
        const calledAt = this.timeBase + this.ids.get(found, 0)
        if (!this.idsWork) {
          this.unmatched.clear()
          this.unmatchedCount = 0
        }
        this.idsWork = true
        const sent = sentTime(record)
        if (sent >= 0) this.skewAtMost = Math.min(this.skewAtMost, sent - calledAt)
        return {kind: 'came-back', by: 'event-id'}
      }
    }
    if (record.event && (this.inFlight.size > 0 || this.unmatched.size > 0)) {
      const key = flightKey(record.event)
      if (this.inFlight.has(key)) return {kind: 'undecided'}
      if (this.unmatched.has(key) && this.matchContent(key, record, record.event)) {
        return {kind: 'came-back', by: 'content'}
      }
    }
    const sent = sentTime(record)
    if (sent >= 0 && sent > this.cutoff) return {kind: 'arrived-later'}
    return {kind: 'eligible'}
  }

  /** Match (and use up) an unmatched publish with the same content and an older source event. */
  private matchContent(key: string, record: DlqRecord, event: FenceEvent): boolean {
    const found = this.unmatched.get(key)
    if (found === undefined) return false
    const slots = Array.isArray(found) ? found : [found]
    const content = contentIdentity(event.detailType, event.source, event.detail)
    const time = eventTime(record)
    const i = slots.findIndex((slot) => slot.content === content && time > slot.sourceTime)
    if (i < 0) return false
    slots.splice(i, 1)
    this.unmatchedCount--
    if (slots.length === 0) this.unmatched.delete(key)
    else if (!Array.isArray(found)) this.unmatched.set(key, slots)
    return true
  }
}

/**
 * What an event says, independent of its id and time: detail type, source and the detail as canonical
 * JSON (keys sorted at every level, so a re-serialisation that reorders keys still matches), hashed.
 */
export function contentIdentity(detailType: string, source: string, detail: unknown): string {
  return createHash('sha1')
    .update(detailType)
    .update('\u0000')
    .update(source)
    .update('\u0000')
    .update(canonicalJson(detail))
    .digest('base64')
}

/**
 * Detail type, source, cache, key and topic: cheap, and the same for an event and its dead-lettered copy.
 * Kept as its 96-bit fingerprint in six UTF-16 units (one flat 32-byte string): the content window holds
 * 50,000 of these, and as the joined text each kept its pieces (source, detail type, cache, key) as
 * separate strings, ~300 bytes a publish, ~15 MB the window, measured in a heap snapshot at 100,000. Two
 * flight keys sharing a fingerprint (~1e-20 in a window) would only compare their content identities too.
 */
function flightKey(event: FenceEvent): string {
  const d = event.detail
  const [a, b, c] = fingerprint96(
    `${event.detailType}\u0000${event.source}\u0000${part(d['cacheName'])}\u0000${part(d['key'])}\u0000${part(d['key_base64'])}\u0000${part(d['topicName'])}`,
  )
  return String.fromCharCode(a & 0xffff, a >>> 16, b & 0xffff, b >>> 16, c & 0xffff, c >>> 16)
}

function part(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
}

/** The epoch ms of a record's event time (-1 when unknown), for the fence's bookkeeping. */
export function recordEventTime(record: DlqRecord): number {
  return eventTime(record)
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    const obj = value as Record<string, unknown>
    return `{${keys
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
