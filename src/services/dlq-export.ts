/**
 * `dlq export`: every matching message, raw and decoded, as NDJSON; nothing is deleted. Streams: each
 * batch is written as it is read, and what the export remembers of the whole queue is a fingerprint per
 * message (~40 bytes; FingerprintTable), so a DLQ of 1,000,000 messages is exported in flat memory.
 *
 * Reading a queue without deleting means receiving, which hides each message (in flight). SQS allows
 * about 120,000 in-flight messages per standard queue, and at the limit a long poll just comes back
 * empty (SQS developer guide, quotas-queues): a queue larger than that can't be hidden whole while it
 * is read. So the export hides at most `maxHeld` (HeldMessages) and hands the oldest back beyond it;
 * handed-back messages that are received again are recognised and not written twice. It ends after
 * `idleReceives` receives in a row brought nothing new; the summary gives the queue's own count at the
 * start next to what was read, so a shortfall (possible on AWS, whose receives sample the queue) shows.
 */
import type {DlqQueuePort, RawDlqMessage} from '../core/dlq.js'
import type {DecodeOptions} from '../core/dlq-decode.js'
import {type DlqFilter, matchesFilter} from '../core/dlq-filter.js'
import {FingerprintTable} from '../core/fingerprint-table.js'
import {DEFAULT_MAX_HELD, HeldMessages} from '../core/held-messages.js'
import {type BatchDecoder, plainDecoder} from './dlq-diagnose.js'
import {type DlqRecordView, toRecordView} from './dlq-list.js'
import {isOverLimit, QUOTA_SUSPECT_HELD} from './redrive.js'

/** One NDJSON line of an export: the message as SQS gave it (minus the receipt handle) and its decoding. */
export interface DlqExportLine {
  messageId: string
  raw: Omit<RawDlqMessage, 'receiptHandle'>
  decoded: DlqRecordView
}

/** What an export wrote. */
export interface DlqExportSummary {
  exported: number
  /** Distinct messages read (matching or not). */
  scanned: number
  truncated: boolean
  /** The queue's ApproximateNumberOfMessages + NotVisible + Delayed when the export started (approximate). */
  depthAtStart: number | undefined
  /** Messages received again after being handed back (not written twice). */
  receivedAgain: number
  /** The most messages the export held hidden at once. */
  maxHeld: number
  /** Receives SQS refused with OverLimit (the export released messages and waited). */
  overLimit: number
  /** Bytes written. */
  bytes: number
  durationMs: number
  /** Messages read per second over the run. */
  perSecond: number
}

/** Where lines go: each write is one or more whole lines; `write` may return a promise to apply back-pressure. */
export interface LineSink {
  write(lines: string): void | Promise<void>
}

export interface ExportOptions {
  filter?: DlqFilter | undefined
  limit?: number | undefined
  decode?: DecodeOptions | undefined
  /** Decodes each page (joined with the event bus's log); default: the decoder alone with `decode`. */
  decoder?: BatchDecoder | undefined
  /** Receive loops in parallel (each a 10-message receive per round trip). Default 8. */
  loops?: number | undefined
  /** The most messages kept hidden at once (the export's share of the in-flight quota). Default DEFAULT_MAX_HELD. */
  maxHeld?: number | undefined
  /** Visibility timeout of each receive (what a crash leaves hidden at most). Default 60 s. */
  visibilitySeconds?: number | undefined
  /** Long-poll wait of each receive. Default 1 s. */
  waitSeconds?: number | undefined
  /** Receives in a row (over all loops) that bring nothing new before the queue counts as read. Default 2 a loop. */
  idleReceives?: number | undefined
  onProgress?: ((progress: {scanned: number; exported: number; held: number}) => void) | undefined
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const OVER_LIMIT_GIVE_UP_MS = 120_000

/** Receive loops of `dlq export`: 8 × 10 messages per round trip (~5,000/s at a 15 ms SQS call). */
export const EXPORT_LOOPS = 8

/** Read through the queue and write one JSON line per matching message; release everything at the end. */
export async function exportDlq(
  queue: DlqQueuePort,
  sink: LineSink,
  options: ExportOptions = {},
): Promise<DlqExportSummary> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const started = now()
  const loops = Math.max(1, options.loops ?? EXPORT_LOOPS)
  const visibilitySeconds = options.visibilitySeconds ?? 60
  const idleLimit = options.idleReceives ?? 2 * loops
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  const decodeBatch = options.decoder ?? plainDecoder(options.decode)
  const seen = new FingerprintTable(0, 4096)
  const held = new HeldMessages(options.maxHeld ?? DEFAULT_MAX_HELD, visibilitySeconds * 1000, now)
  const summary: DlqExportSummary = {
    exported: 0,
    scanned: 0,
    truncated: false,
    depthAtStart: undefined,
    receivedAgain: 0,
    maxHeld: 0,
    overLimit: 0,
    bytes: 0,
    durationMs: 0,
    perSecond: 0,
  }
  try {
    const depth = await queue.depth()
    summary.depthAtStart = depth.visible + depth.inFlight + depth.delayed
  } catch {
    // The count is only for the summary.
  }
  let idle = 0
  let done = false
  let failure: unknown
  let overLimitSince: number | undefined
  let emptyChecks = 0
  // One write at a time, in order: a file handle must not be written from several loops at once.
  let writing: Promise<void> = Promise.resolve()

  const release = async (handles: ReturnType<HeldMessages['drain']>) => {
    if (handles.length > 0) await queue.changeVisibility(handles, 0).catch(() => undefined)
  }

  const loop = async (once = false) => {
    while (!done && failure === undefined) {
      let batch: RawDlqMessage[]
      try {
        batch = await queue.receive({
          max: 10,
          visibilityTimeoutSeconds: visibilitySeconds,
          waitSeconds: options.waitSeconds ?? 1,
        })
      } catch (error) {
        if (!isOverLimit(error)) throw error
        summary.overLimit++
        const t = now()
        overLimitSince ??= t
        if (t - overLimitSince > OVER_LIMIT_GIVE_UP_MS) throw error
        await release(held.takeOldest(Math.max(10, Math.ceil(held.size / 2))))
        await sleep(Math.min(8000, 1000 + (t - overLimitSince) / 4))
        continue
      }
      overLimitSince = undefined
      const fresh: RawDlqMessage[] = []
      for (const raw of batch) {
        if (seen.add(raw.messageId)) fresh.push(raw)
        else summary.receivedAgain++
        // Hidden again by this receive: held (with its newest handle) until handed back.
        held.set(raw.messageId, raw.receiptHandle)
      }
      if (batch.length === 0 && held.size >= QUOTA_SUSPECT_HELD && emptyChecks < 5) {
        // At the in-flight quota a long poll comes back empty instead of OverLimit: when the queue says
        // messages are visible, release half of what is held and read on.
        const depth = await queue.depth().catch(() => undefined)
        if (depth && depth.visible > 0) {
          emptyChecks++
          summary.overLimit++
          await release(held.takeOldest(Math.max(10, Math.ceil(held.size / 2))))
          continue
        }
      }
      if (fresh.length === 0) {
        if (++idle >= idleLimit) done = true
      } else {
        idle = emptyChecks = 0
        summary.scanned += fresh.length
        const decoded = await decodeBatch(fresh)
        let chunk = ''
        for (const [i, raw] of fresh.entries()) {
          const record = decoded[i]
          if (!record || (options.filter && !matchesFilter(record, options.filter))) continue
          if (summary.exported >= limit) {
            summary.truncated = true
            done = true
            break
          }
          const line: DlqExportLine = {
            messageId: raw.messageId,
            raw: {
              messageId: raw.messageId,
              body: raw.body,
              attributes: raw.attributes,
              systemAttributes: raw.systemAttributes,
            },
            decoded: toRecordView(record),
          }
          chunk += `${JSON.stringify(line)}\n`
          summary.exported++
        }
        if (summary.exported >= limit) {
          summary.truncated = summary.truncated || summary.exported > 0
          done = true
        }
        if (chunk) {
          const text = chunk
          writing = writing.then(async () => {
            await sink.write(text)
            summary.bytes += Buffer.byteLength(text)
          })
          await writing
        }
      }
      summary.maxHeld = Math.max(summary.maxHeld, held.size)
      await release(held.overflow())
      options.onProgress?.({scanned: summary.scanned, exported: summary.exported, held: held.size})
      if (once) return
    }
  }

  try {
    // The first page alone: a small queue costs one receive, and the decoder learns from it (a bus log
    // that can't be read is tried once, not once per loop) before the loops run in parallel.
    await loop(true).catch((error: unknown) => {
      failure ??= error
    })
    await Promise.all(
      Array.from({length: failure === undefined && !done ? loops : 0}, () =>
        loop().catch((error: unknown) => {
          failure ??= error
        }),
      ),
    )
    await writing
  } finally {
    // Nothing is deleted: whatever is still hidden becomes visible again now, also when the export failed.
    await release(held.drain())
  }
  if (failure !== undefined) throw failure
  summary.durationMs = now() - started
  summary.perSecond = summary.durationMs > 0 ? Math.round(summary.scanned / (summary.durationMs / 1000)) : 0
  return summary
}

/** Where an export's lines go and how it ends: `commit` after a whole export, `abort` (the partial file removed) after a failure. */
export interface ExportTarget {
  sink: LineSink
  commit(): Promise<void>
  abort(): Promise<void>
}

/** `dlq export`'s run: the export into `target`, committed when it completed and aborted when it failed. */
export async function exportDlqTo(
  queue: DlqQueuePort,
  target: ExportTarget,
  options: {
    filter: DlqFilter
    limit: number | undefined
    decoder: BatchDecoder
    /** --max-in-flight: the export's share of SQS's in-flight quota. */
    maxInFlight: number
  },
): Promise<DlqExportSummary> {
  let summary
  try {
    summary = await exportDlq(queue, target.sink, {
      filter: options.filter,
      limit: options.limit,
      decoder: options.decoder,
      // One batch of 10 per loop may be hidden besides the held ones.
      maxHeld: Math.max(10, options.maxInFlight - EXPORT_LOOPS * 10),
      loops: EXPORT_LOOPS,
    })
  } catch (error) {
    await target.abort()
    throw error
  }
  await target.commit()
  return summary
}
