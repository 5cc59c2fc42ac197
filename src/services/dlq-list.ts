/**
 * Reading the dead-letter queue without consuming it ("peek"): receive with a short visibility
 * timeout, decode, filter, and hand every message back (visibility 0) when the scan ends. Receiving
 * raises each message's ApproximateReceiveCount; nothing is deleted.
 */
import type {DlqHandle, DlqQueuePort, DlqRecord, RawDlqMessage} from '../core/dlq.js'
import type {DecodeOptions} from '../core/dlq-decode.js'
import {type DlqFilter, matchesFilter} from '../core/dlq-filter.js'
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
}

/**
 * Scan the queue: receive in batches of 10, de-duplicated by MessageId, until `limit` records match,
 * the queue gives nothing new `maxEmptyReceives` times in a row, or `maxScanned` is reached. Then
 * release every scanned message at once (unless `keepHidden`), also when the scan fails.
 */
export async function peekDlq(queue: DlqQueuePort, options: PeekOptions = {}): Promise<PeekResult> {
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
      const fresh: RawDlqMessage[] = []
      for (const raw of batch) {
        const known = seen.has(raw.messageId)
        // Keep the latest receipt handle: older ones may no longer work (aws-semantics E).
        seen.set(raw.messageId, {messageId: raw.messageId, receiptHandle: raw.receiptHandle})
        if (!known) fresh.push(raw)
      }
      if (fresh.length === 0) {
        empty++
        continue
      }
      empty = 0
      const matching: DlqRecord[] = []
      const matchingRaw: RawDlqMessage[] = []
      const decoded = await decodeBatch(fresh)
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
      if (records.length >= limit) truncated = true
    }
  } finally {
    if (!options.keepHidden && seen.size > 0) {
      try {
        const released = await queue.changeVisibility([...seen.values()], 0)
        releaseFailures = released.failed.length
      } catch {
        // The visibility timeout hands them back anyway; a failed release must not hide the scan's result.
        releaseFailures = seen.size
      }
    }
  }
  return {records, scanned: seen.size, truncated, releaseFailures, handles: [...seen.values()]}
}

/** A record without its receipt handle, which is useless once the message is released: what JSON output shows. */
export type DlqRecordView = Omit<DlqRecord, 'receiptHandle'>

/** Drop the receipt handle for output. */
export function toRecordView(record: DlqRecord): DlqRecordView {
  const {receiptHandle: _handle, ...view} = record
  return view
}
