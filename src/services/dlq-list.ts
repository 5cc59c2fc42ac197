/**
 * Reading the dead-letter queue without consuming it ("peek"): receive with a short visibility
 * timeout, decode, filter, and hand every message back (visibility 0) when the scan ends. Receiving
 * raises each message's ApproximateReceiveCount; nothing is deleted.
 */
import type {DlqDepth, DlqHandle, DlqQueuePort, DlqRecord, RawDlqMessage} from '../core/dlq.js'
import type {DecodeOptions} from '../core/dlq-decode.js'
import {type DlqFilter, type DlqSummary, matchesFilter, summarize} from '../core/dlq-filter.js'
import {type BatchDecoder, plainDecoder} from './dlq-diagnose.js'

/** Options of {@link peekDlq}. */
export interface PeekOptions {
  /** Stop after this many matching records (default: no limit). */
  limit?: number | undefined
  filter?: DlqFilter | undefined
  /** Seconds the scanned messages stay hidden if the release never happens (crash). Default 30. */
  visibilityTimeoutSeconds?: number | undefined
  /** Long-poll wait per receive; 1 s rides over SQS's sampling of short polls. Default 1. */
  waitSeconds?: number | undefined
  /** Receives in a row that bring nothing new before the scan counts the queue as read. Default 2. */
  maxEmptyReceives?: number | undefined
  /** Stop scanning after this many messages whatever the filter (keeps in-flight counts sane). Default 10 000. */
  maxScanned?: number | undefined
  decode?: DecodeOptions | undefined
  /** Decodes each batch (with `--diagnose`, probing Momento); default: the decoder alone with `decode`. */
  decoder?: BatchDecoder | undefined
  /** Called with each batch of matching records as they are read (for streaming output such as export). */
  onRecords?: ((records: DlqRecord[], raws: RawDlqMessage[]) => void | Promise<void>) | undefined
  /** Keep the messages hidden instead of releasing them (for callers that delete or redrive them next). */
  keepHidden?: boolean | undefined
  /**
   * End the scan on the queue's own counts as well as on receives ({@link peekDlq} explains the rule):
   * a small queue is read in about one round trip instead of two empty one-second long polls.
   * `maxEmptyReceives` is then ignored. Default false (the receive-only rule).
   */
  stopOnDepth?: boolean | undefined
  /**
   * With `stopOnDepth`: the queue's counts, read just before (the queue lookup reads them to check the
   * queue): the scan starts with them instead of reading them again alongside its first receive.
   */
  startDepth?: DlqDepth | undefined
}

/** What a peek found. */
export interface PeekResult {
  records: DlqRecord[]
  /** Distinct messages received (matching or not). */
  scanned: number
  /** True when the scan stopped at the limit (more may match). */
  truncated: boolean
  /** Messages whose release failed (they reappear when their visibility timeout ends). */
  releaseFailures: number
  /** Handles of every scanned message, latest receipt handle each (for keepHidden callers). */
  handles: DlqHandle[]
  /** With `stopOnDepth`: the queue's counts as last read (approximate; SQS's counts lag up to a minute). */
  depth?: DlqDepth | undefined
}

/** Long polls in a row, each of `waitSeconds`, before a queue whose counts say it holds messages is called unreadable. */
const EMPTY_LONG_POLLS_AGAINST_COUNTS = 3

/**
 * Scan the queue: receive in batches of 10, de-duplicated by MessageId, until `limit` records match,
 * the queue gives nothing new `maxEmptyReceives` times in a row, or `maxScanned` is reached. Then
 * release every scanned message at once (unless `keepHidden`), also when the scan fails.
 */
export async function peekDlq(queue: DlqQueuePort, options: PeekOptions = {}): Promise<PeekResult> {
  if (options.stopOnDepth) return peekWithDepth(queue, options)
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  const maxEmpty = options.maxEmptyReceives ?? 2
  const maxScanned = options.maxScanned ?? 10_000
  const decodeBatch = options.decoder ?? plainDecoder(options.decode)
  const seen = new Map<string, DlqHandle>()
  const records: DlqRecord[] = []
  let empty = 0
  let truncated = false
  let releaseFailures = 0
  try {
    while (records.length < limit && seen.size < maxScanned && empty < maxEmpty) {
      const batch = await queue.receive({
        max: 10,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
        waitSeconds: options.waitSeconds ?? 1,
      })
      const fresh = noteBatch(seen, batch)
      if (fresh.length === 0) {
        empty++
        continue
      }
      empty = 0
      if (await takeMatching(fresh, decodeBatch, options, records, limit)) truncated = true
    }
  } finally {
    if (!options.keepHidden) releaseFailures = await releaseAll(queue, seen)
  }
  return {records, scanned: seen.size, truncated, releaseFailures, handles: [...seen.values()]}
}

/**
 * The scan of `dlq list`: when is a small queue read? SQS gives two kinds of evidence, neither enough
 * alone (docs/reference/aws-facts.md#sqs-dlq-operations; SQS developer guide, "Amazon SQS short and long
 * polling"):
 *
 * - A short poll (WaitTimeSeconds 0) samples only some of SQS's servers, so an empty or short answer
 *   proves nothing: it may come back empty while the queue holds messages. This scan never uses one.
 * - A long poll (WaitTimeSeconds ≥ 1) queries every server and answers as soon as it has at least one
 *   message (not necessarily all of them); it answers empty only when its wait ran out with nothing
 *   visible. An empty long poll is the documented evidence that nothing is visible, but it costs the
 *   whole wait (one second at least: the wait is whole seconds).
 * - GetQueueAttributes' ApproximateNumberOfMessages (visible) and ...NotVisible (in flight) are
 *   approximate and eventually consistent (the guide: about a minute after producers stop).
 *
 * The rule: the counts are read at the start, alongside the first receive (or just before it: `startDepth`). Every receive is a long
 * poll of `waitSeconds` (default 1), so it returns at once while anything is visible. Once the scan
 * holds at least as many messages as were visible at the start, the counts are read again before the
 * next receive: if they say nothing is visible (everything left is in flight, most of it hidden by
 * this scan), the scan ends without waiting. Otherwise (the counts lag, or messages arrived) the next
 * long poll decides: a long poll that brings nothing new ends the scan. So a small queue costs about
 * one receive and one GetQueueAttributes, and at worst one long poll's wait more.
 *
 * Never "empty" when it is not: an empty result needs an empty long poll, and when the counts still
 * say messages are visible the long poll is tried {@link EMPTY_LONG_POLLS_AGAINST_COUNTS} times in all
 * before the scan gives up; the caller gets the counts (`depth`) to say what SQS reports. The risk that
 * remains is AWS's, not the rule's: a message sent moments before the scan may not be counted yet and
 * may be missed by the early stop, as it may by any snapshot (run `dlq list` again, or `dlq watch`).
 */
async function peekWithDepth(queue: DlqQueuePort, options: PeekOptions): Promise<PeekResult> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  const maxScanned = options.maxScanned ?? 10_000
  const waitSeconds = Math.max(1, options.waitSeconds ?? 1)
  const decodeBatch = options.decoder ?? plainDecoder(options.decode)
  const seen = new Map<string, DlqHandle>()
  const records: DlqRecord[] = []
  let truncated = false
  let releaseFailures = 0
  let depth: DlqDepth | undefined
  const receive = () =>
    queue.receive({max: 10, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30, waitSeconds})
  try {
    // The counts at the start and the first long poll go out together: one round trip.
    // Counts read by the caller a moment before serve as well (one round trip less): counts that are
    // too low make the scan read them again sooner; too high, wait for one empty long poll more.
    const [start, first] = await Promise.all([options.startDepth ?? queue.depth(), receive()])
    depth = start
    let batch: RawDlqMessage[] | undefined = first
    let emptyPolls = 0
    for (;;) {
      if (batch === undefined) {
        if (seen.size > 0 && seen.size >= start.visible) {
          depth = await queue.depth()
          if (depth.visible === 0) break
        }
        batch = await receive()
      }
      const fresh = noteBatch(seen, batch)
      batch = undefined
      if (fresh.length === 0) {
        // An empty long poll: nothing visible now. Unless the scan found nothing while the counts say
        // messages are visible: then try again (a rare false empty, or counts that lag) before giving up.
        emptyPolls++
        if (seen.size > 0 || emptyPolls >= EMPTY_LONG_POLLS_AGAINST_COUNTS) break
        depth = emptyPolls === 1 ? depth : await queue.depth()
        if ((depth?.visible ?? 0) === 0) break
        continue
      }
      if (await takeMatching(fresh, decodeBatch, options, records, limit)) truncated = true
      if (truncated || seen.size >= maxScanned) break
    }
  } finally {
    if (!options.keepHidden) releaseFailures = await releaseAll(queue, seen)
  }
  return {records, scanned: seen.size, truncated, releaseFailures, handles: [...seen.values()], depth}
}

/**
 * Remember each message of a batch (its latest receipt handle: older ones may no longer work,
 * docs/reference/aws-facts.md#sqs-dlq-operations); the ones not seen before.
 */
function noteBatch(seen: Map<string, DlqHandle>, batch: readonly RawDlqMessage[]): RawDlqMessage[] {
  const fresh: RawDlqMessage[] = []
  for (const raw of batch) {
    const known = seen.has(raw.messageId)
    seen.set(raw.messageId, {messageId: raw.messageId, receiptHandle: raw.receiptHandle})
    if (!known) fresh.push(raw)
  }
  return fresh
}

/**
 * Decode new messages, add those matching the filter to `records` up to `limit` (handing each batch
 * to `onRecords`); true when the limit was reached.
 */
async function takeMatching(
  fresh: readonly RawDlqMessage[],
  decodeBatch: BatchDecoder,
  options: PeekOptions,
  records: DlqRecord[],
  limit: number,
): Promise<boolean> {
  let truncated = false
  const matching: DlqRecord[] = []
  const matchingRaw: RawDlqMessage[] = []
  const decoded = await decodeBatch([...fresh])
  for (const [i, raw] of fresh.entries()) {
    const record = decoded[i] as DlqRecord
    if (options.filter && !matchesFilter(record, options.filter)) continue
    if (records.length + matching.length >= limit) {
      truncated = true
      break
    }
    matching.push(record)
    matchingRaw.push(raw)
  }
  records.push(...matching)
  if (matching.length > 0) await options.onRecords?.(matching, matchingRaw)
  return truncated || records.length >= limit
}

/** Make every scanned message visible again at once; how many could not be released. */
async function releaseAll(queue: DlqQueuePort, seen: Map<string, DlqHandle>): Promise<number> {
  if (seen.size === 0) return 0
  try {
    return (await queue.changeVisibility([...seen.values()], 0)).failed.length
  } catch {
    // The visibility timeout hands them back anyway; a failed release must not hide the scan's result.
    return seen.size
  }
}

/** A record without its receipt handle, which is useless once the message is released: what JSON output shows. */
export type DlqRecordView = Omit<DlqRecord, 'receiptHandle'>

/** Drop the receipt handle for output. */
export function toRecordView(record: DlqRecord): DlqRecordView {
  const {receiptHandle: _handle, ...view} = record
  return view
}

/** What `dlq list` found (its JSON, but for the event bus's log join). Receipt handles are left out. */
export interface DlqListing {
  queueUrl: string
  /** Distinct messages read (matching the filters or not). */
  scanned: number
  /** Matching messages shown. */
  count: number
  /** True when --limit stopped the scan (more may match). */
  truncated: boolean
  summary: DlqSummary
  records: DlqRecordView[]
  /** SQS's own counts as last read (GetQueueAttributes: approximate, lagging up to a minute). */
  depth?: DlqDepth | undefined
}

/**
 * `dlq list`'s run: peek at the queue found at `located` (its counts, read when it was looked up, are
 * the scan's starting counts) and summarise the matching records by reason.
 */
export async function listDlq(
  queue: DlqQueuePort,
  located: {queueUrl: string; depth?: DlqDepth | undefined},
  options: {limit: number | undefined; filter: DlqFilter; decoder: BatchDecoder},
): Promise<{listing: DlqListing; records: DlqRecord[]; releaseFailures: number}> {
  // The stop rule that uses the queue's counts as evidence (explained at peekWithDepth): a small queue
  // answers in about one round trip instead of two empty one-second long polls.
  // The lookup's counts (read to check the queue, a round trip ago) are the scan's starting counts.
  const peek = await peekDlq(queue, {
    limit: options.limit,
    filter: options.filter,
    decoder: options.decoder,
    stopOnDepth: true,
    startDepth: located.depth,
  })
  const listing: DlqListing = {
    queueUrl: located.queueUrl,
    scanned: peek.scanned,
    count: peek.records.length,
    truncated: peek.truncated,
    summary: summarize(peek.records),
    records: peek.records.map(toRecordView),
    ...(peek.depth ? {depth: peek.depth} : {}),
  }
  return {listing, records: peek.records, releaseFailures: peek.releaseFailures}
}
