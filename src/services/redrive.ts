/**
 * Redrive: publish dead-lettered events again and delete each message only after its entry came back
 * with an EventId (docs/reference/aws-facts.md#redrive-republish;
 * docs/reference/aws-facts.md#unknown-bus-accepted, #partial-failures, #no-native-redrive,
 * #dlq-body-not-envelope, #receive-all-attributes).
 *
 * Safety, in order of the calls for one batch of at most 10 messages:
 * 1. ReceiveMessage with a visibility timeout (60 s by default, extended while a batch is slow).
 * 2. Decode and plan: not-redrivable, expired and superseded messages are skipped and stay in the DLQ.
 * 3. Pace (token bucket, AIMD on throttling), then PutEvents. Throttled entries are retried; entries
 *    that fail for good stay in the DLQ.
 * 4. DescribeEventBus started after the PutEvents returned: PutEvents to a missing bus still answers
 *    with EventIds, so a bus deleted mid-redrive is caught here and nothing of that batch is deleted.
 *    The same for the rule each message failed on (RULE_ARN): PutEvents answers with EventIds when the
 *    rule is disabled, deleted or lost its target, and the events then reach nothing. DescribeRule +
 *    ListTargetsByRule are checked before the first PutEvents of a rule and again, started after each
 *    PutEvents returned, before its messages are deleted (RuleGuard: one check per rule in flight, shared
 *    by every batch waiting for it, so a run makes about one check per rule per round trip, not one per
 *    message). A failed check keeps the messages and stops the run (exit 3, like a missing bus).
 * 5. Journal `published` (synchronous write), then DeleteMessageBatch, then journal `deleted`. Older
 *    events for the same cache and key (collapse) are settled with the newer one: journaled as published
 *    (with the newer event's id) in the same write and deleted after it, so no later run can publish
 *    them and put an old value back.
 * Killing the process anywhere loses nothing: before 5 the message is still in the queue (at worst it
 * is published again: duplicates are bounded by one batch per worker); after 5's journal write, the
 * next run deletes it without publishing it again. Messages left in the queue (skipped, failed, not
 * selected) are held invisible during the run and released (visibility 0) at its end.
 *
 * A run never feeds on itself: it redrives only what was in the DLQ when it started (RunFence in
 * core/redrive-plan.ts). When the cause isn't fixed, every redriven event fails again and comes back
 * as a new SQS message while the run is still receiving; the fence recognises it (by the EventId
 * PutEvents returned), leaves it in the queue and counts it, with its decoded reason, in `cameBack`.
 * The run ends on an empty receive, or after IDLE_RECEIVES receives in a row that brought nothing that
 * was there before the run (a steady stream of returns or new failures can't keep it going).
 */
import {decodeDlqMessage} from '../core/dlq-decode.js'
import {FingerprintTable} from '../core/fingerprint-table.js'
import {DEFAULT_MAX_HELD, HeldMessages} from '../core/held-messages.js'
import type {BatchDecoder} from './dlq-diagnose.js'
import type {DlqHandle, DlqQueuePort, DlqEvidence, DlqReason, DlqRecord, RawDlqMessage} from '../core/dlq.js'
import {NotFoundError} from '../core/errors.js'
import type {EventsPort, PutEntry} from '../core/put-entries.js'
import {RatePacer, type PacerState} from '../core/rate-pacer.js'
import {
  newCollapseState,
  planRedrive,
  recordEventTime,
  ruleProblem,
  RunFence,
  tieOf,
  type RuleProblem,
  type RuleStatus,
  type CollapseState,
  type FenceEvent,
  type FencePublished,
  type PlannedSend,
  type SkipReason,
} from '../core/redrive-plan.js'
import type {JournalPort, PendingDelete} from '../core/journal.js'

/** The default pace when the API destination's rate can't be found: below Momento's 100 ops/s default. */
export const DEFAULT_REDRIVE_RATE = 50
/**
 * Receive → publish → delete loops with no rate cap: enough to keep the SDK's calls (on worker threads,
 * see `dlq redrive`) busy while each loop waits on its round trips. Measured against the sandbox with
 * 20,000 messages: 16 loops 2.8k, 32 3.5k, 64 3.7k messages/s. What a kill can leave published but not
 * deleted (duplicates on the next run) is at most one batch of 10 per loop.
 */
export const UNCAPPED_LOOPS = 64
/** Visibility timeout of a received batch, in seconds. */
export const DEFAULT_VISIBILITY_SECONDS = 60
/**
 * Receives in a row (across workers) that brought nothing that was in the DLQ before the run, after
 * which the run ends even though the queue isn't empty: what is left is this run's own events that came
 * back, newer failures, or held messages whose visibility ran out. Each such receive hides what it got,
 * so pre-run messages still visible surface within a few receives.
 */
export const IDLE_RECEIVES = 10

/** What a redrive talks to. */
export interface RedriveDeps {
  queue: DlqQueuePort
  events: EventsPort
  journal: JournalPort
  /** The API destination's InvocationRateLimitPerSecond for a rule, when the rate isn't given. */
  discoverRate?: ((ruleArn: string) => Promise<number | undefined>) | undefined
  /**
   * DescribeRule + ListTargetsByRule for a message's RULE_ARN (throws on failures other than "not found").
   * Without it the rule isn't checked (fakes for pure logic); the command always passes it.
   */
  describeRule?: ((ruleArn: string) => Promise<RuleStatus>) | undefined
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** What to redrive and how. */
export interface RedriveOptions {
  /** Which decoded messages are selected (filters, ids). Default: all. */
  select?: ((record: DlqRecord) => boolean) | undefined
  /** When set, the run stops as soon as every one of these (message or event ids) was seen. */
  ids?: ReadonlySet<string> | undefined
  /** Redrive at most this many messages. */
  limit?: number | undefined
  /** Publish to this bus instead of the failing rule's. */
  bus?: string | undefined
  collapse?: boolean
  includeExpired?: boolean
  /** Messages/s; 0 = no cap; undefined = the API destination's rate, else DEFAULT_REDRIVE_RATE. */
  rate?: number | undefined
  /** Plan and report the entries; publish and delete nothing. */
  dryRun?: boolean
  /**
   * With `dryRun`: each entry the run would send, as it is planned (the summary keeps only the first
   * 1,000 in `entries`, and counts by reason and evidence for all of them).
   */
  onEntry?: ((entry: DryRunEntry) => void) | undefined
  /**
   * Decodes each received batch (joined with the event bus's log, and with `--dry-run --diagnose`
   * probing Momento); default: the decoder alone.
   */
  decoder?: BatchDecoder | undefined
  /** Edited details by message id (edit-then-redrive). */
  edits?: ReadonlyMap<string, Record<string, unknown>> | undefined
  visibilitySeconds?: number
  /**
   * The most messages the run keeps hidden that it is done with (skipped, not selected, came back):
   * over it the oldest are released (visibility 0). Keeps the run under SQS's in-flight quota. Default
   * DEFAULT_MAX_HELD.
   */
  maxHeld?: number | undefined
  /** Long-poll wait of each receive; an empty receive ends the run. Default 1 s. */
  waitSeconds?: number
  /** Receive → publish → delete loops in parallel. Default: from the rate. */
  workers?: number
  /** Attempts per entry when PutEvents throttles or fails internally. Default 8. */
  maxAttempts?: number
  /** The run's id in the journal. Default: a new one. */
  runId?: string | undefined
  /** Region for decoding (fills `region` when the event has none). */
  region?: string | undefined
  /** Ctrl-C: stop receiving, finish what's in flight, release the rest. */
  signal?: AbortSignal | undefined
  onProgress?: ((progress: RedriveProgress) => void) | undefined
}

/** Live counters, for progress bars and the watch view. */
export interface RedriveProgress {
  received: number
  selected: number
  redriven: number
  failed: number
  skipped: number
  recovered: number
  /** This run's events that came back to the DLQ so far. */
  cameBack: number
  /** The pace the run keeps (messages/s): the rate cap, Infinity with none, 0 before the first publish. */
  rate: number
  /** Where that pace came from. */
  rateSource: RateSource
  /** The API destination's InvocationRateLimitPerSecond, when it was found (what Momento gets at most). */
  destinationRate: number | undefined
  /** Messages the run holds hidden now (in flight for SQS; bounded by maxHeld plus the batches in process). */
  held: number
}

/**
 * Where a redrive's pace comes from: --rate, the API destination's InvocationRateLimitPerSecond (the
 * rate EventBridge delivers to Momento at most; `deploy --invocation-rate` sets it), or the default.
 */
export type RateSource = 'flag' | 'api-destination' | 'default' | 'unknown'

/** One message that was not redriven because PutEvents (or the bus check) failed for it. */
export interface RedriveFailure {
  messageId: string
  eventId: string | undefined
  errorCode: string
  errorMessage: string
}

/** One skipped message. */
export interface RedriveSkip {
  messageId: string
  eventId: string | undefined
  reason: SkipReason
  message: string
}

/** One of this run's events that came back to the DLQ while it ran. */
export interface CameBackMessage {
  messageId: string
  /** The envelope's id: the EventId this run's PutEvents returned. */
  eventId: string | undefined
  reason: DlqReason
  /** How it was recognised: by event id (exact) or by content (fallback). */
  by: 'event-id' | 'content'
}

/** This run's events that failed again and were dead-lettered while the run was still receiving. */
export interface CameBack {
  total: number
  /** Counts by decoded reason (decodeDlqMessage), e.g. `{"cache-not-found": 3}`. */
  byReason: Partial<Record<DlqReason, number>>
  /** The first 1,000 of them. */
  messages: CameBackMessage[]
}

/** What a run did. */
export interface RedriveSummary {
  runId: string
  queue: string
  dryRun: boolean
  /** Messages received (each counted once even if it came back). */
  received: number
  /** Received messages that matched the selection. */
  selected: number
  redriven: number
  failed: number
  skipped: number
  skippedByReason: Partial<Record<SkipReason, number>>
  /** Published, but the delete failed (kept in the journal; a later run deletes them without republishing). */
  deleteFailed: number
  failures: RedriveFailure[]
  skips: RedriveSkip[]
  /** Messages an interrupted earlier run had published: deleted now without publishing again. */
  recovered: number
  /** Earlier runs that left published-but-not-deleted messages, as read from the journal at start. */
  interruptedRuns: Array<{runId: string; time: string; pending: number}>
  /**
   * The first 1,000 entries a dry run would send (by message id), with the decoded reason and its
   * evidence (`onEntry` is given every one; `redriven` counts them all).
   */
  entries: DryRunEntry[]
  /** How many entries a dry run would send, by decoded reason and its evidence (in order of first sight). */
  entryReasons: Array<{reason: DlqReason; evidence: DlqEvidence; count: number}>
  /** For redriven messages: old event id → new event id. */
  eventIds: Array<{messageId: string; oldEventId: string | undefined; newEventId: string}>
  interrupted: boolean
  /**
   * Set when a journal write failed and stopped the run: every event published was still deleted when
   * SQS allowed it; `notJournaled` of them are published, not deleted and not in the journal (a later
   * run publishes them again).
   */
  journalFailure?: {message: string; notJournaled: number}
  /** Why the run stopped early (bus deleted; rule disabled, deleted or without its target), if it did. */
  stoppedBecause: string | undefined
  /**
   * Superseded messages (an older event for a cache and key whose newer event this run published) that
   * were deleted with it. They are also counted in `skipped` (reason `superseded`).
   */
  supersededDeleted: number
  /**
   * This run's own events that came back to the DLQ while it ran (the cause isn't fixed). They are left
   * in the queue, never published again by this run. Returns that arrive after the run ended aren't
   * counted.
   */
  cameBack: CameBack
  /** Messages sent to the DLQ after the run started that aren't this run's events: left for the next run. */
  newArrivals: number
  rate: PacerState
  /** Where the pace came from, and the API destination's rate limit when found. */
  rateSource: RateSource
  destinationRate: number | undefined
  /**
   * Times SQS refused a receive because of its in-flight quota (OverLimit, or an empty long poll while
   * the queue had visible messages): the run released held messages, waited and went on.
   */
  overLimit: number
  /** The most messages the run held hidden at once (its share of SQS's in-flight quota). */
  maxHeldSeen: number
  /** Held messages handed back before the end to stay under maxHeld (or after OverLimit): they may be received again. */
  releasedEarly: number
  /** The queue's depth after the run (visible + in flight + delayed; approximate), when it could be read. */
  leftInQueue: number | undefined
  durationMs: number
  /** From the first PutEvents call to the end of the last one (the paced part of the run). */
  publishMs: number
}

/** One entry a dry run would send. */
export interface DryRunEntry {
  messageId: string
  reason: DlqReason
  evidence: DlqEvidence
  entry: PutEntry
}

/** Thrown when a whole call failed (network, auth): carries what was done before. */
export class RedriveAbortedError extends Error {
  constructor(
    readonly summary: RedriveSummary,
    readonly reason: unknown,
  ) {
    super('Redrive stopped part-way', {cause: reason})
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const MAX_LISTED = 1000
/** How long receives may keep answering OverLimit before the run stops (someone else holds the quota). */
const OVER_LIMIT_GIVE_UP_MS = 120_000
/** Held messages from which an empty long poll may mean the in-flight quota, not an empty queue. */
export const QUOTA_SUSPECT_HELD = 100
/** Recently published collapse winners remembered for the journal line of a late superseded message. */
const RECENT_WINNERS = 10_000

/**
 * Drain the DLQ: receive, select, plan, publish, delete, until a receive comes back empty (or the
 * selection by id is complete, or the limit is reached, or `signal` aborts). Returns the summary;
 * throws RedriveAbortedError when a whole call fails.
 */
export async function redriveQueue(deps: RedriveDeps, options: RedriveOptions = {}): Promise<RedriveSummary> {
  const run = new RedriveRun(deps, options)
  return run.drain()
}

/**
 * Redrive records a caller already holds (the watch view's `r`/`R`/`e` keys, edit-then-redrive): the
 * same plan, pacing, journal and delete-after-publish as `redriveQueue`, with the records' receipt
 * handles. A handle that expired meanwhile makes the delete fail; those messages are then looked for
 * with a few receives and deleted without being published again.
 */
export async function redriveRecords(
  records: readonly DlqRecord[],
  deps: RedriveDeps,
  options: RedriveOptions = {},
): Promise<RedriveSummary> {
  const run = new RedriveRun(deps, options)
  return run.processGiven(records)
}

/** A fresh run id: time-ordered, unique enough for one user's journal. */
export function newRunId(now = Date.now()): string {
  return `${new Date(now).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 8)}`
}

class RedriveRun {
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly summary: RedriveSummary
  private readonly started: number
  private readonly collapseState: CollapseState = newCollapseState()
  /** What was in the DLQ when the run started, and which messages are this run's own events. */
  private readonly fence: RunFence
  /** Messages whose content matches a PutEvents in flight: decided once it answers. */
  private readonly deferred = new Map<string, DlqRecord>()
  /** Receives in a row that brought nothing from before the run. */
  private idle = 0
  /**
   * Every message id received this run (a message that comes back is not processed twice), as 64-bit
   * fingerprints: 8 bytes a message plus an 8–16 byte share of the index, so ~16 MB for 1,000,000 (a
   * Set of the ids would be ~100 MB). A collision (about 3e-8 at a million) makes a new message look
   * seen: it is left in the queue for the next run, never lost.
   */
  private readonly seen = new FingerprintTable(0, 4096, {bits: 64})
  /**
   * Messages left in the queue this run that it keeps hidden, with their latest handle: at most
   * maxHeld (the oldest are released beyond it), the rest released at the end.
   */
  private readonly held: HeldMessages
  /** Set while receives answer OverLimit: when it started. */
  private overLimitSince: number | undefined
  /** Empty receives checked against the queue's depth since the last progress (see emptyAtQuota). */
  private emptyChecks = 0
  /** Published but not deleted (earlier runs, or this run's failed deletes): delete on sight, never publish. */
  private readonly pendingById = new Map<string, PendingDelete>()
  private readonly pendingByEvent = new Map<string, string>()
  private pacer: RatePacer | undefined
  private pacerReady: Promise<RatePacer> | undefined
  private readonly bus: FreshCheck<string | undefined>
  private readonly rules: FreshCheck<RuleStatus> | undefined
  /**
   * Collapse winners (sent messages with a cache and key) whose PutEvents hasn't settled yet, by message
   * id, with the older messages for the same key waiting to be settled with them; and the latest such
   * winner per cache and key. Both hold only what is in flight: the run's whole history is in
   * `collapseState` (compact).
   */
  private readonly winners = new Map<string, {identity: string; losers: DlqRecord[]}>()
  private readonly inFlightWinner = new Map<string, string>()
  /** Cache and key → the new event id of its published winner, for the latest RECENT_WINNERS. */
  private readonly recentWinners = new Map<string, string>()
  /** A dry run's entries counted by reason and evidence (few keys). */
  private readonly entryReasons = new Map<string, {reason: DlqReason; evidence: DlqEvidence; count: number}>()
  private stopping = false
  private fatal: unknown
  private selectedCount = 0
  private destinationRate: number | undefined
  private rateSource: RateSource = 'unknown'
  private firstPut: number | undefined
  private lastPut: number | undefined

  constructor(
    private readonly deps: RedriveDeps,
    private readonly options: RedriveOptions,
  ) {
    this.now = deps.now ?? Date.now
    this.sleep = deps.sleep ?? defaultSleep
    this.started = this.now()
    this.fence = new RunFence(this.started)
    this.held = new HeldMessages(
      options.maxHeld ?? DEFAULT_MAX_HELD,
      (options.visibilitySeconds ?? DEFAULT_VISIBILITY_SECONDS) * 1000,
      this.now,
    )
    const order = {n: 0}
    this.bus = new FreshCheck(order, async (bus) => {
      try {
        await deps.events.describeEventBus(bus)
        return undefined
      } catch (error) {
        if (error instanceof NotFoundError) return `Event bus ${bus} doesn't exist (any more).`
        throw error
      }
    })
    const describeRule = deps.describeRule
    this.rules = describeRule ? new FreshCheck(order, (ruleArn) => describeRule(ruleArn)) : undefined
    const runs = new Map<string, {runId: string; time: string; pending: number}>()
    for (const p of deps.journal.pending.values()) {
      this.addPending(p)
      const run = runs.get(p.runId) ?? {runId: p.runId, time: p.time, pending: 0}
      run.pending++
      if (p.time > run.time) run.time = p.time
      runs.set(p.runId, run)
    }
    this.summary = {
      runId: options.runId ?? newRunId(this.now()),
      queue: deps.queue.queueUrl,
      dryRun: options.dryRun === true,
      received: 0,
      selected: 0,
      redriven: 0,
      failed: 0,
      skipped: 0,
      skippedByReason: {},
      deleteFailed: 0,
      failures: [],
      skips: [],
      recovered: 0,
      interruptedRuns: [...runs.values()],
      entries: [],
      entryReasons: [],
      eventIds: [],
      interrupted: false,
      stoppedBecause: undefined,
      supersededDeleted: 0,
      cameBack: {total: 0, byReason: {}, messages: []},
      newArrivals: 0,
      rate: {target: 0, current: 0, decreases: 0},
      rateSource: 'unknown',
      destinationRate: undefined,
      overLimit: 0,
      maxHeldSeen: 0,
      releasedEarly: 0,
      leftInQueue: undefined,
      durationMs: 0,
      publishMs: 0,
    }
    options.signal?.addEventListener('abort', () => (this.stopping = true), {once: true})
    if (options.signal?.aborted) this.stopping = true
  }

  async drain(): Promise<RedriveSummary> {
    const workers = this.options.workers ?? this.defaultWorkers()
    await Promise.all(Array.from({length: workers}, () => this.worker()))
    // Messages that waited for a PutEvents to answer: every call has answered now.
    try {
      if (this.deferred.size > 0 && !this.stopping && this.fatal === undefined) {
        await this.processRaw([], this.options.select ?? (() => true))
      }
    } catch (error) {
      this.fatal ??= error
    }
    return this.finish()
  }

  async processGiven(records: readonly DlqRecord[]): Promise<RedriveSummary> {
    this.summary.received += records.length
    try {
      const recovered = records.filter((r) => this.pendingFor(r))
      if (recovered.length > 0) await this.deleteRecovered(recovered)
      const fresh = records.filter((r) => !this.pendingFor(r) && !recovered.includes(r))
      for (let i = 0; i < fresh.length && !this.stopping; i += 10) {
        await this.processRecords(fresh.slice(i, i + 10))
      }
      // Deletes that failed (expired handle): find those messages again and delete them.
      for (let sweep = 0; sweep < 20 && this.hasOwnPending() && !this.stopping && this.fatal === undefined; sweep++) {
        const raws = await this.receive()
        if (raws === 'over-limit') continue
        if (raws.length === 0) break
        await this.processRaw(raws, () => false)
      }
    } catch (error) {
      this.fatal ??= error
    }
    return this.finish()
  }

  private defaultWorkers(): number {
    const rate = this.options.rate
    if (rate === 0) return UNCAPPED_LOOPS
    // About one worker per 25 messages/s keeps the pacer, not round trips, the limit on AWS (~50 ms calls).
    return Math.max(1, Math.min(16, Math.ceil((rate ?? DEFAULT_REDRIVE_RATE) / 25)))
  }

  private async worker(): Promise<void> {
    try {
      while (!this.stopping && this.fatal === undefined && !this.selectionComplete()) {
        const raws = await this.receive()
        if (raws === 'over-limit') continue
        if (raws.length === 0) {
          if (await this.emptyAtQuota()) continue
          return
        }
        const progress = await this.processRaw(raws, this.options.select ?? (() => true))
        await this.releaseOverflow()
        if (progress) this.idle = this.emptyChecks = 0
        // Once held messages were handed back they can be received again before what is still unread
        // (SQS doesn't say in which order a standard queue returns them): wade through more before
        // taking the queue as read.
        else if (++this.idle >= (this.summary.releasedEarly > 0 ? IDLE_RECEIVES * 10 : IDLE_RECEIVES)) return
      }
    } catch (error) {
      this.fatal ??= error
      this.stopping = true
    }
  }

  /**
   * An empty long poll while the run holds messages and the queue says some are visible: at the in-flight
   * quota SQS answers a long poll with nothing instead of OverLimit (quotas-queues), so "empty" may not
   * be. Release the oldest half of what is held and receive again (a few times per run at most).
   */
  private async emptyAtQuota(): Promise<boolean> {
    // A run holding only a few can't be what fills the quota (and the queue's visible count lags by up to
    // a minute, so it would only release for nothing); five checks in a row without progress end the run.
    if (this.held.size < QUOTA_SUSPECT_HELD || this.emptyChecks >= 5 || this.stopping) return false
    const depth = await this.deps.queue.depth().catch(() => undefined)
    if (!depth || depth.visible === 0) return false
    this.emptyChecks++
    this.summary.overLimit++
    const release = this.held.takeOldest(Math.max(10, Math.ceil(this.held.size / 2)))
    this.summary.releasedEarly += release.length
    await this.deps.queue.changeVisibility(release, 0).catch(() => undefined)
    return true
  }

  /** Hand back (visibility 0) the oldest held messages beyond maxHeld: the run's in-flight share stays bounded. */
  private async releaseOverflow(): Promise<void> {
    this.summary.maxHeldSeen = Math.max(this.summary.maxHeldSeen, this.held.size)
    const over = this.held.overflow()
    if (over.length === 0) return
    this.summary.releasedEarly += over.length
    await this.deps.queue.changeVisibility(over, 0).catch(() => undefined)
  }

  private selectionComplete(): boolean {
    if (this.options.limit !== undefined && this.selectedCount >= this.options.limit) return true
    const ids = this.options.ids
    return ids !== undefined && this.selectedCount >= ids.size
  }

  private async receive(): Promise<RawDlqMessage[] | 'over-limit'> {
    const rate = this.pacer?.rate ?? this.options.rate ?? DEFAULT_REDRIVE_RATE
    // At low rates take fewer messages at once, so the pace is smooth and fewer messages sit invisible.
    const max = rate === 0 || !Number.isFinite(rate) ? 10 : Math.max(1, Math.min(10, Math.round(rate / 5)))
    let raws: RawDlqMessage[]
    try {
      raws = await this.deps.queue.receive({
        max,
        visibilityTimeoutSeconds: this.visibility(),
        waitSeconds: this.options.waitSeconds ?? 1,
      })
    } catch (error) {
      if (!isOverLimit(error)) throw error
      await this.overLimit(error)
      return 'over-limit'
    }
    if (this.overLimitSince !== undefined) this.overLimitSince = undefined
    if (raws.length > 0) {
      const respondedAt = this.now()
      this.fence.observeReceive(
        raws.map((r) => Number(r.systemAttributes['ApproximateFirstReceiveTimestamp'])),
        respondedAt,
      )
    }
    return raws
  }

  /**
   * ReceiveMessage answered OverLimit: the queue's in-flight quota is reached (by this run, or by other
   * consumers). Release the oldest half of what the run holds, wait (1–8 s, longer while it lasts) and go
   * on; after OVER_LIMIT_GIVE_UP_MS of nothing but OverLimit, stop the run (exit 3) with what to do.
   */
  private async overLimit(error: unknown): Promise<void> {
    this.summary.overLimit++
    const now = this.now()
    this.overLimitSince ??= now
    if (now - this.overLimitSince > OVER_LIMIT_GIVE_UP_MS) {
      this.summary.stoppedBecause ??=
        `SQS kept answering OverLimit for ${Math.round((now - this.overLimitSince) / 1000)} s: the queue's in-flight ` +
        'quota (about 120,000 messages received and not deleted) is held by other consumers. Stop them, or wait for ' +
        'their visibility timeouts to run out, then run the command again.'
      this.stopping = true
      void error
      return
    }
    const release = this.held.takeOldest(Math.max(10, Math.ceil(this.held.size / 2)))
    this.summary.releasedEarly += release.length
    if (release.length > 0) await this.deps.queue.changeVisibility(release, 0).catch(() => undefined)
    const waited = now - this.overLimitSince
    await this.sleep(Math.min(8000, 1000 + waited / 4) * (0.75 + Math.random() / 2))
  }

  private visibility(): number {
    return this.options.visibilitySeconds ?? DEFAULT_VISIBILITY_SECONDS
  }

  private addPending(p: PendingDelete): void {
    this.pendingById.set(p.messageId, p)
    if (p.oldEventId) this.pendingByEvent.set(p.oldEventId, p.messageId)
  }

  private hasOwnPending(): boolean {
    return [...this.pendingById.values()].some((p) => p.runId === this.summary.runId)
  }

  private pendingFor(record: DlqRecord): PendingDelete | undefined {
    const byId = this.pendingById.get(record.messageId)
    if (byId) return byId
    const eventId = record.event?.id
    const messageId = eventId ? this.pendingByEvent.get(eventId) : undefined
    return messageId ? this.pendingById.get(messageId) : undefined
  }

  /**
   * Sort received messages (and deferred ones that can be decided now): delete what the journal says
   * was published, pass this run's own returns and newer arrivals by, process the rest. Returns whether
   * anything that was in the DLQ before the run turned up (selected or not).
   */
  private async processRaw(raws: RawDlqMessage[], select: (record: DlqRecord) => boolean): Promise<boolean> {
    const now = this.now()
    const decodeOptions = {now, ...(this.options.region ? {region: this.options.region} : {})}
    const fresh: DlqRecord[] = []
    const deleteOnly: DlqRecord[] = []
    let progress = false
    if (this.deferred.size > 0) {
      for (const record of [...this.deferred.values()]) {
        this.deferred.delete(record.messageId)
        if (this.route(record, select, fresh)) progress = true
      }
    }
    const decoded = this.options.decoder
      ? await this.options.decoder(raws, {now})
      : raws.map((raw) => decodeDlqMessage(raw, decodeOptions))
    for (const record of decoded) {
      if (this.pendingFor(record)) {
        deleteOnly.push(record)
        continue
      }
      if (!this.seen.add(record.messageId)) {
        // Received again (released over maxHeld, or its visibility ran out): hidden again now, so held
        // with the newest handle (counted in the run's in-flight share, released at the end).
        if (this.deferred.has(record.messageId)) this.deferred.set(record.messageId, record)
        else this.held.set(record.messageId, record.receiptHandle)
        continue
      }
      if (this.route(record, select, fresh)) progress = true
    }
    if (deleteOnly.length > 0) await this.deleteRecovered(deleteOnly)
    for (let i = 0; i < fresh.length; i += 10) await this.processRecords(fresh.slice(i, i + 10))
    return progress
  }

  /**
   * Through the fence, then the selection: a pre-run message goes to `fresh` (selected) or is held
   * (not selected); this run's returns and newer arrivals are held and counted. Returns whether the
   * message was in the DLQ before the run.
   */
  private route(record: DlqRecord, select: (record: DlqRecord) => boolean, fresh: DlqRecord[]): boolean {
    const verdict = this.fence.classify(record)
    if (verdict.kind === 'undecided') {
      this.deferred.set(record.messageId, record)
      return false
    }
    if (verdict.kind === 'came-back') {
      this.held.set(record.messageId, record.receiptHandle)
      const cameBack = this.summary.cameBack
      cameBack.total++
      cameBack.byReason[record.reason] = (cameBack.byReason[record.reason] ?? 0) + 1
      if (cameBack.messages.length < MAX_LISTED) {
        cameBack.messages.push({
          messageId: record.messageId,
          eventId: record.event?.id,
          reason: record.reason,
          by: verdict.by,
        })
      }
      return false
    }
    if (verdict.kind === 'arrived-later') {
      this.held.set(record.messageId, record.receiptHandle)
      this.summary.newArrivals++
      return false
    }
    this.summary.received++
    const wanted = this.options.ids
      ? this.options.ids.has(record.messageId) || (record.event?.id ? this.options.ids.has(record.event.id) : false)
      : true
    const limitLeft = this.options.limit === undefined || this.selectedCount < this.options.limit
    if (wanted && limitLeft && !this.stopping && select(record)) {
      this.selectedCount++
      fresh.push(record)
    } else {
      this.held.set(record.messageId, record.receiptHandle)
    }
    return true
  }

  /** Plan, publish and delete up to 10 selected records. */
  private async processRecords(records: readonly DlqRecord[]): Promise<void> {
    for (const record of records) this.seen.add(record.messageId)
    this.summary.selected += records.length
    const plan = planRedrive(
      records,
      {
        now: this.now(),
        collapse: this.options.collapse ?? true,
        includeExpired: this.options.includeExpired ?? false,
        bus: this.options.bus,
        edits: this.options.edits,
      },
      this.collapseState,
    )
    const settleNow: Array<{record: DlqRecord; newEventId: string}> = []
    for (const send of plan.send) {
      if (send.identity !== undefined && !this.options.dryRun) {
        this.winners.set(send.record.messageId, {identity: send.identity, losers: []})
        this.inFlightWinner.set(send.identity, send.record.messageId)
      }
    }
    for (const skip of plan.skip) {
      this.held.set(skip.record.messageId, skip.record.receiptHandle)
      const status = skip.identity !== undefined ? this.collapseState.get(skip.identity)?.status : undefined
      if (status === 'published' && skip.identity !== undefined && !this.options.dryRun) {
        // The newer event is out: this one is settled with it (deleted, never published).
        settleNow.push({record: skip.record, newEventId: this.recentWinners.get(skip.identity) ?? 'superseded'})
      } else if (status === 'planned' && skip.identity !== undefined) {
        const inFlight = this.inFlightWinner.get(skip.identity)
        const winner = inFlight !== undefined ? this.winners.get(inFlight) : undefined
        winner?.losers.push(skip.record)
      }
      this.summary.skipped++
      this.summary.skippedByReason[skip.reason] = (this.summary.skippedByReason[skip.reason] ?? 0) + 1
      if (this.summary.skips.length < MAX_LISTED) {
        this.summary.skips.push({
          messageId: skip.record.messageId,
          eventId: skip.record.event?.id,
          reason: skip.reason,
          message: skip.message,
        })
      }
    }
    // Older events whose newer sibling this run already published: settled with it, never released.
    if (settleNow.length > 0) await this.settleSuperseded(settleNow)
    if (plan.send.length === 0) return this.report()
    if (this.options.dryRun) {
      for (const s of plan.send) {
        this.held.set(s.record.messageId, s.record.receiptHandle)
        const {messageId, reason, evidence} = s.record
        const entry: DryRunEntry = {messageId, reason, evidence, entry: s.entry}
        // Streamed to the caller; only the first MAX_LISTED kept, so a dry run of millions is bounded.
        this.options.onEntry?.(entry)
        if (this.summary.entries.length < MAX_LISTED) this.summary.entries.push(entry)
        const key = `${reason}\n${evidence}`
        const counted = this.entryReasons.get(key)
        if (counted) counted.count++
        else this.entryReasons.set(key, {reason, evidence, count: 1})
        this.summary.redriven++
      }
      return this.report()
    }
    await this.publishAndDelete(plan.send)
  }

  private async getPacer(first: PlannedSend | undefined): Promise<RatePacer> {
    if (this.pacer) return this.pacer
    this.pacerReady ??= (async () => {
      const ruleArn = first?.record.ruleArn
      // The API destination's rate limit is looked up even with --rate: it is what reaches Momento at
      // most, so the ETA and the warning about a --rate above it need it.
      if (ruleArn && this.deps.discoverRate && this.options.bus === undefined) {
        this.destinationRate = await this.deps.discoverRate(ruleArn).catch(() => undefined)
      }
      let rate = this.options.rate
      this.rateSource = 'flag'
      if (rate === undefined) {
        rate = this.destinationRate ?? DEFAULT_REDRIVE_RATE
        this.rateSource = this.destinationRate !== undefined ? 'api-destination' : 'default'
      }
      this.pacer = new RatePacer({rate, now: this.now})
      return this.pacer
    })()
    return this.pacerReady
  }

  private async publishAndDelete(batch: PlannedSend[]): Promise<void> {
    const pacer = await this.getPacer(batch[0])
    const fenceEvent = (send: PlannedSend): FenceEvent => ({
      detailType: send.entry.DetailType,
      source: send.entry.Source,
      detail: send.detail,
    })
    const maxAttempts = this.options.maxAttempts ?? 8
    // Keep the batch invisible while pacing or retries make it slow.
    const keepAlive = setInterval(
      () => {
        void this.deps.queue
          .changeVisibility(
            batch.map((b) => ({messageId: b.record.messageId, receiptHandle: b.record.receiptHandle})),
            this.visibility(),
          )
          .catch(() => undefined)
      },
      Math.max(1000, (this.visibility() * 1000) / 2),
    )
    keepAlive.unref?.()
    try {
      let pending = batch
      for (let attempt = 1; pending.length > 0; attempt++) {
        const wait = pacer.reserve(pending.length)
        if (wait > 0) await this.sleep(wait)
        // A journal that can't be written stops every publish, retries included.
        if ((this.stopping && attempt === 1) || this.summary.journalFailure) {
          // Ctrl-C before anything of this batch was sent: leave it for the release.
          pacer.refund(pending.length)
          for (const p of pending) this.held.set(p.record.messageId, p.record.receiptHandle)
          return
        }
        const buses = [...new Set(pending.map((p) => p.entry.EventBusName))]
        for (const name of buses) {
          const gone = await this.bus.current(name)
          if (gone !== undefined) return this.busGone(pending, name, gone)
        }
        const offBefore = await this.ruleOff(pending, 0).catch((error: unknown) => {
          // The check itself failed (e.g. no events:DescribeRule permission): publish nothing, release the batch.
          for (const p of pending) this.held.set(p.record.messageId, p.record.receiptHandle)
          throw error
        })
        if (offBefore) return this.stopForRule(pending, offBefore, false)
        let results
        this.firstPut ??= this.now()
        // The fence knows these entries are in flight: a copy that is back in the DLQ before the
        // response (and its EventIds) arrives waits instead of being published again.
        const ticket = this.fence.beginPublish(pending.map(fenceEvent))
        const calledAt = this.now()
        try {
          results = await this.deps.events.putEvents(pending.map((p) => p.entry))
          this.lastPut = this.now()
        } catch (error) {
          this.fence.endPublish(ticket, [], calledAt)
          if (isThrottle(error) && attempt < maxAttempts) {
            pacer.throttled()
            continue
          }
          for (const p of pending) this.held.set(p.record.messageId, p.record.receiptHandle)
          throw error
        }
        const putDone = this.bus.mark()
        const published: Array<{send: PlannedSend; eventId: string; index: number}> = []
        const retry: PlannedSend[] = []
        let throttled = false
        pending.forEach((send, i) => {
          const result = results[i] ?? {errorCode: 'MissingResult', errorMessage: 'PutEvents returned fewer results.'}
          if ('eventId' in result) published.push({send, eventId: result.eventId, index: i})
          else if (result.errorCode === 'ThrottlingException' || result.errorCode === 'InternalFailure') {
            if (result.errorCode === 'ThrottlingException') throttled = true
            if (attempt < maxAttempts) retry.push(send)
            else this.fail(send, result.errorCode, result.errorMessage)
          } else this.fail(send, result.errorCode, result.errorMessage)
        })
        this.fence.endPublish(
          ticket,
          published.map((p): FencePublished => ({
            index: p.index,
            eventId: p.eventId,
            sourceTime: recordEventTime(p.send.record),
          })),
          calledAt,
        )
        if (throttled) pacer.throttled()
        if (published.length > 0) await this.settlePublished(published, putDone)
        pending = retry
        if (this.summary.stoppedBecause) {
          for (const p of pending) this.held.set(p.record.messageId, p.record.receiptHandle)
          return
        }
      }
    } finally {
      clearInterval(keepAlive)
      this.report()
    }
  }

  /** After PutEvents gave EventIds: confirm the bus, journal, delete, journal. */
  private async settlePublished(published: Array<{send: PlannedSend; eventId: string}>, putDone: number) {
    const sends = published.map((p) => p.send)
    // The bus and the rules are checked at the same time (one round trip of waiting, not two).
    const rulesChecked = this.ruleOff(sends, putDone)
    rulesChecked.catch(() => undefined)
    const buses = [...new Set(sends.map((s) => s.entry.EventBusName))]
    const busesChecked = buses.map((name) => this.bus.after(name, putDone))
    for (const check of busesChecked) check.catch(() => undefined)
    for (const [i, name] of buses.entries()) {
      const gone = await busesChecked[i]
      if (gone !== undefined) {
        // EventIds for a bus that no longer exists mean the events went nowhere: keep the messages.
        return this.busGone(
          published.map((p) => p.send),
          name,
          gone,
        )
      }
    }
    const off = await rulesChecked
    if (off) {
      // EventIds, but the rule can't have matched them: they reached nothing. Keep the messages.
      return this.stopForRule(
        published.map((p) => p.send),
        off,
        true,
      )
    }
    const items = published.map((p) => ({
      messageId: p.send.record.messageId,
      oldEventId: p.send.record.event?.id,
      newEventId: p.eventId,
    }))
    // Older events for the same cache and key that waited for these: journaled in the same write, so a
    // run killed after the winner's delete still deletes them (and never publishes them).
    const losers: Array<{record: DlqRecord; newEventId: string}> = []
    for (const p of published) {
      const winner = this.winners.get(p.send.record.messageId)
      if (!winner) continue
      this.settleWinner(p.send.record.messageId, winner.identity, 'published', p.eventId)
      for (const record of winner.losers) losers.push({record, newEventId: p.eventId})
    }
    const loserItems = losers.map((l) => ({
      messageId: l.record.messageId,
      oldEventId: l.record.event?.id,
      newEventId: l.newEventId,
    }))
    // The journal's failure stops the run (nothing more is published), but these events are out: delete
    // them now, so only a failed delete can make a later run publish them again.
    const journaled = this.journalSafely(() => this.deps.journal.published([...items, ...loserItems]))
    for (const item of items) {
      this.summary.redriven++
      if (this.summary.eventIds.length < MAX_LISTED * 10) this.summary.eventIds.push(item)
    }
    const handles: DlqHandle[] = published.map((p) => ({
      messageId: p.send.record.messageId,
      receiptHandle: p.send.record.receiptHandle,
    }))
    const result = await this.deps.queue.delete(handles)
    const failed = new Set(result.failed.map((f) => f.messageId))
    this.journalSafely(() => this.deps.journal.deleted(items.filter((i) => !failed.has(i.messageId))))
    for (const item of items) {
      if (!failed.has(item.messageId)) {
        // Received again meanwhile (a slow batch) and held with the newer handle: it is gone now.
        this.held.delete(item.messageId)
        continue
      }
      if (!journaled && this.summary.journalFailure) {
        // Published, still in the queue, unknown to the journal: released at the end, published again later.
        this.summary.journalFailure.notJournaled++
        this.held.set(item.messageId, handles.find((h) => h.messageId === item.messageId)?.receiptHandle ?? '')
        continue
      }
      // Most often an expired receipt handle: the message comes back, and is then deleted, not republished.
      this.summary.deleteFailed++
      this.addPending({...item, runId: this.summary.runId, time: new Date(this.now()).toISOString()})
    }
    if (losers.length > 0) await this.settleSuperseded(losers, true)
  }

  /**
   * Delete older events for a cache and key whose newer event this run published (and confirmed): they
   * are journaled as published with the newer event's id first (unless `journaled`), so a delete that
   * fails, or a kill, leaves them to be deleted on sight by this or a later run, never published.
   */
  private async settleSuperseded(
    losers: ReadonlyArray<{record: DlqRecord; newEventId: string}>,
    journaled = false,
  ): Promise<void> {
    const items = losers.map((l) => ({
      messageId: l.record.messageId,
      oldEventId: l.record.event?.id,
      newEventId: l.newEventId,
    }))
    // Deleting an older event whose newer one is published is safe even when the journal can't be
    // written: the journal only spares a killed run from publishing it again.
    if (!journaled) this.journalSafely(() => this.deps.journal.published(items))
    const result = await this.deps.queue.delete(
      losers.map((l) => ({messageId: l.record.messageId, receiptHandle: l.record.receiptHandle})),
    )
    const failed = new Set(result.failed.map((f) => f.messageId))
    this.journalSafely(() => this.deps.journal.deleted(items.filter((i) => !failed.has(i.messageId))))
    for (const item of items) {
      if (failed.has(item.messageId)) {
        // Not counted as this run's deleteFailed: it wasn't redriven. It is deleted when it shows up again.
        this.addPending({...item, runId: `${this.summary.runId}-superseded`, time: new Date(this.now()).toISOString()})
        continue
      }
      this.held.delete(item.messageId)
      this.summary.supersededDeleted++
    }
  }

  /**
   * Whether the rules of these messages can deliver them, from a check started after `after` (0: any
   * check of this run will do, for the check before the first PutEvents). With --bus the events go to
   * another bus and whatever rules match them there: RULE_ARN says nothing about them, so no check (the
   * bus itself is checked).
   */
  private async ruleOff(sends: readonly PlannedSend[], after: number): Promise<RuleProblem | undefined> {
    if (!this.rules || this.options.bus !== undefined) return undefined
    const byRule = new Map<string, Set<string | undefined>>()
    for (const s of sends) {
      const ruleArn = s.record.ruleArn
      if (ruleArn === undefined) continue
      const targets = byRule.get(ruleArn) ?? new Set()
      targets.add(s.record.targetArn)
      byRule.set(ruleArn, targets)
    }
    for (const [ruleArn, targets] of byRule) {
      const status = after === 0 ? await this.rules.current(ruleArn) : await this.rules.after(ruleArn, after)
      for (const target of targets) {
        const problem = ruleProblem(ruleArn, target, status)
        if (problem) return problem
      }
    }
    return undefined
  }

  private stopForRule(batch: PlannedSend[], problem: RuleProblem, published: boolean): void {
    const note = published
      ? ' They were published while the rule was off, so they reached nothing; they were kept in the DLQ.'
      : ''
    for (const send of batch) this.fail(send, problem.errorCode, problem.message + note)
    this.summary.stoppedBecause ??=
      `${problem.message} Nothing more was published; the messages are still in the queue.` +
      (published
        ? ` ${batch.length} message(s) of the last batch were published while the rule was off, so they reached nothing; they were kept in the DLQ.`
        : '')
    this.stopping = true
  }

  /** Delete messages the journal says were already published. Never publishes them. */
  private async deleteRecovered(records: DlqRecord[]): Promise<void> {
    if (this.options.dryRun) {
      for (const r of records) this.held.set(r.messageId, r.receiptHandle)
      return
    }
    const result = await this.deps.queue.delete(
      records.map((r) => ({messageId: r.messageId, receiptHandle: r.receiptHandle})),
    )
    const failed = new Set(result.failed.map((f) => f.messageId))
    const done = records.filter((r) => !failed.has(r.messageId))
    this.journalSafely(() =>
      this.deps.journal.deleted(done.map((r) => ({messageId: r.messageId, oldEventId: r.event?.id}))),
    )
    for (const r of done) {
      const pending = this.pendingFor(r)
      if (pending) {
        this.pendingById.delete(pending.messageId)
        if (pending.oldEventId) this.pendingByEvent.delete(pending.oldEventId)
        // Messages this run published itself are already counted as redriven.
        if (pending.runId === `${this.summary.runId}-superseded`) this.summary.supersededDeleted++
        else if (pending.runId !== this.summary.runId) this.summary.recovered++
        else this.summary.deleteFailed = Math.max(0, this.summary.deleteFailed - 1)
      }
    }
    this.report()
  }

  /** Run a journal write; on failure stop the run (it ends with that error) and return false. */
  private journalSafely(write: () => void): boolean {
    try {
      write()
      return true
    } catch (error) {
      this.summary.journalFailure ??= {message: error instanceof Error ? error.message : String(error), notJournaled: 0}
      this.fatal ??= error
      this.stopping = true
      return false
    }
  }

  private busGone(batch: PlannedSend[], name: string, why: string): void {
    for (const send of batch) this.fail(send, 'BusNotFound', why)
    this.summary.stoppedBecause ??= `Event bus ${name} doesn't exist (any more); the rest was left in the queue.`
    this.stopping = true
  }

  /** A collapse winner's PutEvents settled: record it in the run's state, forget it as in flight. */
  private settleWinner(messageId: string, identity: string, status: 'published' | 'failed', newEventId?: string) {
    this.winners.delete(messageId)
    if (this.inFlightWinner.get(identity) === messageId) this.inFlightWinner.delete(identity)
    this.collapseState.settle(identity, tieOf(messageId), status)
    if (status === 'published' && newEventId !== undefined) {
      this.recentWinners.delete(identity)
      this.recentWinners.set(identity, newEventId)
      if (this.recentWinners.size > RECENT_WINNERS) {
        const oldest = this.recentWinners.keys().next().value
        if (oldest !== undefined) this.recentWinners.delete(oldest)
      }
    }
  }

  private fail(send: PlannedSend, errorCode: string, errorMessage: string): void {
    this.held.set(send.record.messageId, send.record.receiptHandle)
    const winner = this.winners.get(send.record.messageId)
    // Its older siblings stay in the queue with it.
    if (winner) this.settleWinner(send.record.messageId, winner.identity, 'failed')
    this.summary.failed++
    if (this.summary.failures.length < MAX_LISTED) {
      this.summary.failures.push({
        messageId: send.record.messageId,
        eventId: send.record.event?.id,
        errorCode,
        errorMessage,
      })
    }
  }

  private report(): void {
    this.options.onProgress?.({
      received: this.summary.received,
      selected: this.summary.selected,
      redriven: this.summary.redriven,
      failed: this.summary.failed,
      skipped: this.summary.skipped,
      recovered: this.summary.recovered,
      cameBack: this.summary.cameBack.total,
      rate: this.pacer?.rate ?? 0,
      rateSource: this.rateSource,
      destinationRate: this.destinationRate,
      held: this.held.size,
    })
  }

  private async finish(): Promise<RedriveSummary> {
    // Deferred messages not decided (the run stopped first) stay in the queue like the rest.
    for (const record of this.deferred.values()) this.held.set(record.messageId, record.receiptHandle)
    this.deferred.clear()
    this.summary.maxHeldSeen = Math.max(this.summary.maxHeldSeen, this.held.size)
    // Everything left in the queue becomes visible again now, not after the visibility timeout.
    const handles = this.held.drain()
    if (handles.length > 0) await this.deps.queue.changeVisibility(handles, 0).catch(() => undefined)
    if (!this.options.dryRun) {
      const depth = await this.deps.queue.depth().catch(() => undefined)
      if (depth) this.summary.leftInQueue = depth.visible + depth.inFlight + depth.delayed
    }
    this.summary.entryReasons = [...this.entryReasons.values()]
    this.summary.rateSource = this.rateSource
    this.summary.destinationRate = this.destinationRate
    this.summary.interrupted = this.options.signal?.aborted === true
    this.summary.rate = this.pacer?.state() ?? {target: this.options.rate || Infinity, current: 0, decreases: 0}
    this.summary.durationMs = this.now() - this.started
    this.summary.publishMs =
      this.firstPut !== undefined && this.lastPut !== undefined ? this.lastPut - this.firstPut : 0
    if (this.fatal !== undefined) throw new RedriveAbortedError(this.summary, this.fatal)
    return this.summary
  }
}

/**
 * Checks of a bus or a rule, coalesced: at most one call per key in flight, and a batch's delete waits
 * for a check that started after its PutEvents returned (sequence numbers shared by every check of the
 * run, not clock time, so two events in one millisecond are still ordered). Every batch whose PutEvents
 * returned before a check started shares that check: one DescribeEventBus (or DescribeRule +
 * ListTargetsByRule) per key per round trip, however many batches are in flight.
 *
 * What a check started after PutEvents returned proves: the bus or rule was there (enabled, with its
 * target) after the events were accepted. AWS doesn't document how long after PutEvents returns rules are
 * matched, nor how soon DescribeRule reflects a DisableRule: a rule disabled in that gap could still lose
 * events of one batch (UNCONFIRMED; worst case). The gather delay below narrows it; it can't close it.
 */
class FreshCheck<T> {
  private readonly state = new Map<
    string,
    {result?: {seq: number; value: T}; inflight?: {started: boolean; seq: number; done: Promise<T>}}
  >()

  constructor(
    private readonly order: {n: number},
    private readonly check: (key: string) => Promise<T>,
    /** How long a new check waits for more batches to join it. */
    private readonly gatherMs = 20,
  ) {}

  /** A point in the order of events: checks that start after it see its effects. */
  mark(): number {
    return ++this.order.n
  }

  /** The latest result of this run (checked once before the first PutEvents, then trusted until a batch ends). */
  async current(key: string): Promise<T> {
    const s = this.state.get(key)
    if (s?.result) return s.result.value
    return this.after(key, 0)
  }

  /** The result of a check that started after `after`. */
  async after(key: string, after: number): Promise<T> {
    for (;;) {
      let s = this.state.get(key)
      if (!s) {
        s = {}
        this.state.set(key, s)
      }
      if (s.result && s.result.seq > after) return s.result.value
      // A check that hasn't started yet will start after `after`: join it.
      if (s.inflight && (!s.inflight.started || s.inflight.seq > after)) return s.inflight.done
      if (s.inflight) {
        await s.inflight.done.catch(() => undefined)
        continue
      }
      const entry = s
      const inflight: {started: boolean; seq: number; done: Promise<T>} = {
        started: false,
        seq: 0,
        done: Promise.resolve(undefined as T),
      }
      inflight.done = (async () => {
        try {
          if (this.gatherMs > 0 && after > 0) await new Promise((resolve) => setTimeout(resolve, this.gatherMs))
          inflight.started = true
          inflight.seq = ++this.order.n
          const value = await this.check(key)
          if (!entry.result || entry.result.seq < inflight.seq) entry.result = {seq: inflight.seq, value}
          return value
        } finally {
          if (entry.inflight === inflight) delete entry.inflight
        }
      })()
      entry.inflight = inflight
      return inflight.done
    }
  }
}

/** A whole PutEvents request throttled (the SDK gave up retrying it). */
function isThrottle(error: unknown): boolean {
  const names: unknown[] = []
  let current: unknown = error
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    const e = current as {name?: unknown; code?: unknown; cause?: unknown}
    names.push(e.name, e.code)
    current = e.cause
  }
  return names.some((n) => typeof n === 'string' && /Throttl|TooManyRequests|RequestLimitExceeded/i.test(n))
}

/** SQS's in-flight quota answer to ReceiveMessage (code OverLimit; HTTP 403 in the query-era model). */
export function isOverLimit(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    const e = current as {name?: unknown; code?: unknown; cause?: unknown}
    if (e.name === 'OverLimit' || e.code === 'OverLimit' || e.code === 'EB_SQS_OVER_LIMIT') return true
    current = e.cause
  }
  return false
}
