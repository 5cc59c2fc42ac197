import type {DlqQueuePort, DlqRecord, RawDlqMessage} from '../core/dlq.js'
import type {BatchDecoder} from './dlq-diagnose.js'
import {idKeyText, QueueTally, type TallySnapshot} from './dlq-tally.js'

/**
 * The live feed behind `dlq watch`: it peeks at the dead-letter queue over and over and reports
 * what is new, what is gone and how deep the queue is.
 *
 * Peeking: each round receives a few batches of 10 with a short visibility timeout (only a safety
 * net in case the process dies) and makes them visible again at once, before the next round. Nothing
 * is deleted and nothing stays hidden for more than one round trip, so the integration and other
 * tools are not disturbed (docs/reference/aws-facts.md#sqs-dlq-operations). Receiving raises
 * ApproximateReceiveCount; the DLQ has no redrive policy of its own, so that is harmless.
 *
 * A queue is read as a rotation: released messages go to the back, so successive rounds walk the
 * whole queue. A round that returns a message already seen in the current sweep (or nothing at all)
 * closes the sweep. Each poll stops after `maxPerPoll` messages or `pollBudgetMs`, so a queue of
 * 50,000 arrives in slices and never blocks the caller.
 *
 * Gone messages (deleted, redriven or expired): a known message not seen during a whole sweep is a
 * candidate, but at most `known − (visible + in flight)` of them are declared gone (oldest sighting
 * first), so messages another consumer holds in flight are not dropped by mistake.
 *
 * At outage scale (a million messages) nothing grows with the queue but the exact tally
 * ({@link QueueTally}: 42–84 bytes of typed arrays a message, by a hash of its id): every message read is
 * decoded once and counted by reason, cache and detail type, then dropped unless it belongs to the
 * window, the newest `windowSize` records by SentTimestamp, which alone keep their receipt handles
 * and go to the view. The window's size: 5,000 records are ~8 MB decoded, filter and redraw in a few
 * milliseconds on a key press, and are more rows than anyone pages through; the counts cover the rest.
 *
 * The queue's depth is read with every poll (about every second: a poll stops at `pollBudgetMs`),
 * and its growth counted as new messages at once: on a large queue a new message is read only when
 * the rotation reaches it (SQS hands released messages out again before it, and promises no order),
 * so the count from GetQueueAttributes is the first sign of it. Those counts are approximate and, on
 * AWS, may lag (the SQS guide: about a minute to settle); the sandbox's are exact.
 */

/** Message counts from GetQueueAttributes (approximate, as SQS says). */
export interface QueueDepth {
  readonly visible: number
  readonly inFlight: number
}

/** What the feed needs from SQS: receive, change visibility and depth of {@link DlqQueuePort}. */
export type DlqWatchPort = Pick<DlqQueuePort, 'receive' | 'changeVisibility' | 'depth'>

/** One report from the feed. */
export interface DlqWatchUpdate {
  /** Messages seen for the first time, decoded. */
  readonly added: readonly DlqRecord[]
  /** Message ids known before and now gone. */
  readonly gone: readonly string[]
  readonly depth: QueueDepth | undefined
  /** New messages (sent after the watch started) per second, over the last `rateWindowMs`. */
  readonly arrivalsPerSecond: number
  /** Messages declared gone since the start (including `forget`). */
  readonly goneTotal: number
  /** True once the first sweep of the queue finished. */
  readonly loaded: boolean
  /** How many messages the feed knows. */
  readonly known: number
  /** Set when this poll failed; the feed keeps trying with backoff. */
  readonly error?: Error | undefined
  /** Records that left the window (older than the newest `windowSize`): still in the queue, no longer kept. */
  readonly evicted?: readonly string[] | undefined
  /** Exact counts of everything read, the queue's size and new messages by its counts. */
  readonly stats?: WatchStats | undefined
}

/** What the summary of a queue too big to keep is built from. */
export interface WatchStats extends TallySnapshot {
  /** visible + in flight + delayed, from GetQueueAttributes (approximate). */
  readonly depthTotal: number | undefined
  readonly delayed: number
  /** True once one sweep read the whole queue: `read` is then everything, not a sample. */
  readonly complete: boolean
  /** Messages the queue's counts grew by since the watch started (approximate on AWS). */
  readonly newByDepth: number
  /** Records kept for the view, and the most it keeps. */
  readonly kept: number
  readonly windowSize: number
}

/** The newest records the view keeps by default (see the feed's comment). */
export const DEFAULT_WINDOW_SIZE = 5_000

/** Options of {@link DlqWatchFeed}. */
export interface DlqWatchOptions {
  readonly port: DlqWatchPort
  /** Decodes each batch of new messages (with `--diagnose`, probing Momento for ambiguous reasons). */
  readonly decode: BatchDecoder
  /** Visibility timeout of a peek, in seconds (default 5). Messages are released at once anyway. */
  readonly visibilitySeconds?: number
  /** ReceiveMessage calls in flight per round (default 4). */
  readonly concurrency?: number
  /** Most messages read per poll (default 2,000). */
  readonly maxPerPoll?: number
  /**
   * Most messages read per poll once the queue has been read through once (default 500): the later
   * sweeps only look for what changed, so they go at a pace instead of back to back.
   */
  readonly steadyPerPoll?: number
  /** Most time spent reading per poll, in ms (default 750). */
  readonly pollBudgetMs?: number
  /** Pause after a poll that ended a sweep, and between all polls after the first sweep, in ms (default 1,000). */
  readonly intervalMs?: number
  /** Window of the arrival rate, in ms (default 10,000). */
  readonly rateWindowMs?: number
  /** Most records kept for the view (default {@link DEFAULT_WINDOW_SIZE}). */
  readonly windowSize?: number
  /** Time budget of the first poll, in ms (default 250): the first frame comes before the first sweep. */
  readonly firstPollBudgetMs?: number
  readonly now?: () => number
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** Fields whose values repeat across a queue's messages (same rule, same error, same fix per cache). */
const SHARED_FIELDS = [
  'ruleArn',
  'ruleName',
  'bus',
  'targetArn',
  'errorCode',
  'errorMessage',
  'detailType',
  'cache',
  'topic',
  'explanation',
  'fix',
  'fixCommand',
  'momentoTitle',
  'momentoDescription',
  'exhaustedRetryCondition',
  'region',
] as const satisfies readonly (keyof DlqRecord)[]

/** At most this many distinct strings are pooled (unique values beyond that are kept as they are). */
const POOL_LIMIT = 20_000

/**
 * Make a decoded record cheaper to keep by the ten thousand: strings that repeat across messages (the
 * rule, the error, the explanation and fix per cache) share one copy. Measured on 50,000 decoded
 * messages: 2.4 KB → 1.6 KB a record.
 */
export function compactRecord(record: DlqRecord, pool: Map<string, string>): DlqRecord {
  const fields = record as unknown as Record<string, unknown>
  for (const field of SHARED_FIELDS) {
    const value = fields[field]
    if (typeof value !== 'string') continue
    const shared = pool.get(value)
    if (shared !== undefined) fields[field] = shared
    else if (pool.size < POOL_LIMIT) pool.set(value, value)
  }
  return record
}

/** Resolve after `ms`, or at once when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, {once: true})
  })
}

/** A record the window keeps, with its latest receipt handle and its sort key. */
interface Kept {
  record: DlqRecord
  handle: string
  sentMs: number
}

function sentMsOf(record: DlqRecord): number {
  const sent = record.sentAt === undefined ? Number.NaN : Date.parse(record.sentAt)
  return Number.isFinite(sent) ? sent : 0
}

/** The live feed of one queue. Use `updates(signal)`; call `forget(ids)` after deleting messages. */
export class DlqWatchFeed {
  private readonly port: DlqWatchPort
  private readonly decode: BatchDecoder
  private readonly visibility: number
  private readonly concurrency: number
  private readonly maxPerPoll: number
  private readonly steadyPerPoll: number
  private readonly budgetMs: number
  private readonly firstBudgetMs: number
  private readonly intervalMs: number
  private readonly rateWindowMs: number
  private readonly windowSize: number
  private readonly now: () => number
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  private readonly startedAt: number

  /** Every message read, counted exactly, by a hash of its id (with the sweep it was last seen in). */
  private readonly tally = new QueueTally()
  /** The newest records, with their latest receipt handles (SQS deletes only with the latest). */
  private readonly window = new Map<string, Kept>()
  private sweep = 1
  /** Messages read in the current sweep (a count: which ones is in the tally's sweep numbers). */
  private sweepRead = 0
  private loaded = false
  private depth: QueueDepth | undefined
  private delayed = 0
  private lastTotal: number | undefined
  private newByDepth = 0
  private forgottenSinceDepth = 0
  private goneTotal = 0
  private arrivals: number[] = []
  private paused = 0
  private polls = 0
  private readonly pool = new Map<string, string>()
  /** Read since the last update, not yet reported (kept across a failed poll). */
  private pendingAdded: DlqRecord[] = []
  private pendingGone: string[] = []
  private pendingEvicted: string[] = []
  /** Records the view is reading (selected, or open in the detail pane): never trimmed from the window. */
  private held: ReadonlySet<string> = new Set()

  constructor(options: DlqWatchOptions) {
    this.port = options.port
    this.decode = options.decode
    this.visibility = options.visibilitySeconds ?? 5
    this.concurrency = Math.max(1, options.concurrency ?? 4)
    this.maxPerPoll = Math.max(10, options.maxPerPoll ?? 2_000)
    this.steadyPerPoll = Math.max(10, Math.min(this.maxPerPoll, options.steadyPerPoll ?? 500))
    this.budgetMs = options.pollBudgetMs ?? 750
    this.firstBudgetMs = options.firstPollBudgetMs ?? Math.min(250, this.budgetMs)
    this.intervalMs = options.intervalMs ?? 1_000
    this.rateWindowMs = options.rateWindowMs ?? 10_000
    this.windowSize = Math.max(1, options.windowSize ?? DEFAULT_WINDOW_SIZE)
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? abortableSleep
    this.startedAt = this.now()
  }

  /** How many messages the feed knows (read and counted) right now. */
  get size(): number {
    return this.tally.read
  }

  /** Records kept for the view right now. */
  get kept(): number {
    return this.window.size
  }

  /** Bytes of the exact tally's tables. */
  get tallyBytes(): number {
    return this.tally.bytes
  }

  /**
   * Stop polling until the returned function is called (while a redrive, delete or edit works on the
   * messages, so the feed's peeks don't replace the receipt handles they use).
   */
  pause(): () => void {
    this.paused++
    let resumed = false
    return () => {
      if (!resumed) this.paused--
      resumed = true
    }
  }

  /** The latest receipt handle seen for a message the window keeps. */
  latestHandle(messageId: string): string | undefined {
    return this.window.get(messageId)?.handle
  }

  /**
   * Keep these records in the window whatever their age, until the next call replaces the set: the
   * record the user has selected or opened must not drop out of the view (nor lose its latest receipt
   * handle) while being read. A held record that is deleted or found gone still goes.
   */
  hold(messageIds: readonly string[]): void {
    this.held = new Set(messageIds)
  }

  /** Stop tracking messages this process deleted or redrove; they count as gone in the next update. */
  forget(messageIds: readonly string[]): void {
    for (const id of messageIds) {
      const counted = this.tally.remove(id)
      const kept = this.window.delete(id)
      if (counted || kept) {
        this.pendingGone.push(id)
        this.goneTotal++
        this.forgottenSinceDepth++
      }
    }
  }

  /**
   * Poll until `signal` aborts, yielding one update per poll. The first poll's error is thrown (a
   * missing queue or bad credentials should end the command); later errors are yielded in
   * `error` and retried with backoff (1 s doubling to 10 s). What a failed poll had read before it
   * failed is counted and comes in that update: a receive that times out halfway through a poll must
   * not lose the records read before it.
   *
   * Pace: until the first sweep closes, polls follow each other at once (the operator is waiting for
   * the counts); after it, `intervalMs` apart, each reading at most `steadyPerPoll` messages. On AWS
   * every 10 messages read cost two requests: back to back, 2,000 messages a poll came to several
   * hundred requests a second for nothing new; paced, at most 100 a poll, and a sweep of a
   * 6,000-message queue takes 12 polls.
   */
  async *updates(signal: AbortSignal): AsyncGenerator<DlqWatchUpdate> {
    let failures = 0
    let first = true
    while (!signal.aborted) {
      while (this.paused > 0 && !signal.aborted) await this.sleep(50, signal)
      if (signal.aborted) return
      let more: boolean
      try {
        more = await this.poll(signal)
      } catch (error) {
        if (first) throw error
        failures++
        yield this.update(error instanceof Error ? error : new Error(String(error)))
        await this.sleep(Math.min(10_000, 1_000 * 2 ** (failures - 1)), signal)
        continue
      }
      first = false
      failures = 0
      if (signal.aborted) return
      yield this.update()
      if (more && !this.loaded) await this.sleep(0, signal)
      else await this.sleep(this.intervalMs, signal)
    }
  }

  private update(error?: Error): DlqWatchUpdate {
    this.trimWindow()
    const added = this.pendingAdded
    const evicted = this.pendingEvicted
    const gone = this.pendingGone
    this.pendingAdded = []
    this.pendingEvicted = []
    this.pendingGone = []
    const now = this.now()
    const windowStart = now - this.rateWindowMs
    if (this.arrivals.length > 0 && (this.arrivals[0] as number) < windowStart) {
      this.arrivals = this.arrivals.filter((t) => t >= windowStart)
    }
    const seconds = Math.min(this.rateWindowMs, Math.max(1_000, now - this.startedAt)) / 1000
    return {
      added,
      gone,
      depth: this.depth,
      arrivalsPerSecond: this.arrivals.length / seconds,
      goneTotal: this.goneTotal,
      loaded: this.loaded,
      known: this.tally.read,
      ...(evicted.length > 0 ? {evicted} : {}),
      stats: this.stats(),
      ...(error ? {error} : {}),
    }
  }

  /** The exact counts, the queue's size and what is kept, as of now. */
  stats(): WatchStats {
    const d = this.depth
    return {
      ...this.tally.snapshot(),
      depthTotal: d === undefined ? undefined : d.visible + d.inFlight + this.delayed,
      delayed: this.delayed,
      complete: this.loaded,
      newByDepth: this.newByDepth,
      kept: this.window.size,
      windowSize: this.windowSize,
    }
  }

  /** Take in a depth reading: the growth of the total since the last one is new messages. */
  private setDepth(d: {visible: number; inFlight: number; delayed?: number}): void {
    this.depth = {visible: d.visible, inFlight: d.inFlight}
    this.delayed = d.delayed ?? 0
    const total = d.visible + d.inFlight + this.delayed
    // Our own deletes shrink the total too: add them back so they don't hide arrivals.
    if (this.lastTotal !== undefined) {
      const grew = total - this.lastTotal + this.forgottenSinceDepth
      if (grew > 0) this.newByDepth += grew
    }
    this.forgottenSinceDepth = 0
    this.lastTotal = total
  }

  /**
   * One poll: rounds of receive-then-release until the sweep closes, the cap or the budget. Returns
   * true when it stopped at the cap or the budget (more to read). What it reads goes to the pending
   * lists, so a poll that throws halfway keeps what it read.
   *
   * When does a sweep end? Not at a short batch: a short poll on AWS samples some of SQS's servers
   * and, on a queue under about 1,000 messages, usually returns fewer than asked, even none while
   * messages are there (the ReceiveMessage reference; docs/reference/aws-facts.md#sqs-dlq-operations).
   * It ends when a round returns a message this sweep already read (the rotation came round; on AWS,
   * which promises no order, that can come early), when a whole round comes back empty, or when a
   * round comes back short and this sweep has read as many messages as the queue holds (its depth at
   * the start of the poll). None of these proves the queue was read whole, so the view calls the
   * counts the total only when what was read reaches the queue's depth (`unread` in
   * ui/dlq/sample-text.ts).
   */
  private async poll(signal: AbortSignal): Promise<boolean> {
    const started = this.now()
    const budget = this.polls++ === 0 ? this.firstBudgetMs : this.budgetMs
    const cap = this.loaded ? this.steadyPerPoll : this.maxPerPoll
    let read = 0
    const depthRequest = this.port.depth()
    // Don't leave a rejection unhandled while the rounds run; it is awaited below.
    depthRequest.catch(() => undefined)
    for (;;) {
      if (signal.aborted) break
      const batches = await Promise.all(
        Array.from({length: this.concurrency}, () =>
          this.port.receive({max: 10, visibilityTimeoutSeconds: this.visibility, waitSeconds: 0}),
        ),
      )
      const messages = batches.flat()
      // Release at once, one call per received batch, in parallel.
      await Promise.all(
        batches
          .filter((batch) => batch.length > 0)
          .map((batch) =>
            this.port.changeVisibility(
              batch.map((m) => ({messageId: m.messageId, receiptHandle: m.receiptHandle})),
              0,
            ),
          ),
      )
      read += messages.length
      let closed = false
      const fresh: RawDlqMessage[] = []
      const freshIds = new Set<string>()
      for (const message of messages) {
        const id = message.messageId
        const last = this.tally.lastSweep(id)
        if (last === this.sweep || freshIds.has(id)) {
          // Seen in this sweep already: the rotation came round.
          if (!closed) this.pendingGone.push(...(await this.closeSweep(depthRequest)))
          closed = true
        }
        const kept = this.window.get(id)
        if (kept) kept.handle = message.receiptHandle
        if (last !== undefined) {
          this.tally.touch(id, this.sweep)
          this.sweepRead++
        } else if (!freshIds.has(id)) {
          freshIds.add(id)
          fresh.push(message)
          if (this.isArrival(message)) this.arrivals.push(this.now())
        }
      }
      if (fresh.length > 0) {
        const decoded = await this.decode(fresh)
        for (const [i, record] of decoded.entries()) {
          if (!this.tally.add(record, this.sweep)) continue
          this.sweepRead++
          const raw = fresh[i] as RawDlqMessage
          this.window.set(record.messageId, {
            record: compactRecord(record, this.pool),
            handle: raw.receiptHandle,
            sentMs: sentMsOf(record),
          })
          this.pendingAdded.push(record)
        }
      }
      if (
        !closed &&
        (messages.length === 0 || (batches.some((b) => b.length < 10) && (await this.readAll(depthRequest))))
      ) {
        this.pendingGone.push(...(await this.closeSweep(depthRequest)))
        closed = true
      }
      if (closed) break
      if (read >= cap || this.now() - started >= budget) {
        this.setDepth(await depthRequest)
        return true
      }
    }
    this.setDepth(await depthRequest)
    return false
  }

  /** True when this sweep has read as many messages as the queue holds (visible and in flight). */
  private async readAll(depthRequest: Promise<{visible: number; inFlight: number}>): Promise<boolean> {
    const depth = await depthRequest
    return this.sweepRead >= depth.visible + depth.inFlight
  }

  /**
   * Keep the newest `windowSize` records (plus any held one): drop the oldest beyond it. Records added
   * since the last update and dropped at once never reach the view; older ones leave it as `evicted`.
   */
  private trimWindow(): void {
    const over = this.window.size - this.windowSize
    if (over <= 0) return
    const oldest = [...this.window.entries()]
      .filter(([id]) => !this.held.has(id))
      .sort((a, b) => a[1].sentMs - b[1].sentMs)
      .slice(0, over)
    const dropped = new Set<string>()
    for (const [id] of oldest) {
      this.window.delete(id)
      dropped.add(id)
    }
    const addedIds = new Set(this.pendingAdded.map((r) => r.messageId))
    this.pendingAdded = this.pendingAdded.filter((r) => !dropped.has(r.messageId))
    for (const id of dropped) if (!addedIds.has(id)) this.pendingEvicted.push(id)
  }

  /** A message first seen after the first sweep and sent after the watch started (the backlog is not an arrival). */
  private isArrival(message: RawDlqMessage): boolean {
    if (!this.loaded) return false
    const sent = Number(message.systemAttributes['SentTimestamp'])
    return !(Number.isFinite(sent) && sent > 0) || sent >= this.startedAt - 1_000
  }

  /** Finish the current sweep: mark it loaded, decide what is gone, start the next one. */
  private async closeSweep(depthRequest: Promise<{visible: number; inFlight: number}>): Promise<string[]> {
    const sweep = this.sweep
    this.sweep++
    this.sweepRead = 0
    const wasLoaded = this.loaded
    this.loaded = true
    if (!wasLoaded) return []
    const depth = await depthRequest
    const allowed = this.tally.read - (depth.visible + depth.inFlight)
    if (allowed <= 0) return []
    const keys = this.tally.removeUnseen(sweep, allowed)
    this.goneTotal += keys.size
    const gone: string[] = []
    for (const id of this.window.keys()) {
      if (keys.has(idKeyText(id))) {
        this.window.delete(id)
        gone.push(id)
      }
    }
    return gone
  }
}
