/**
 * `dlq export`: every matching message, raw and decoded, as NDJSON, read with a peek (nothing is
 * deleted). The caller owns the sink (a 0600 file or stdout).
 */
import type {DlqQueuePort, RawDlqMessage} from '../core/dlq.js'
import type {DecodeOptions} from '../core/dlq-decode.js'
import type {DlqFilter} from '../core/dlq-filter.js'
import type {BatchDecoder} from './dlq-diagnose.js'
import {type DlqRecordView, peekDlq, toRecordView} from './dlq-list.js'

/** One NDJSON line of an export: the message as SQS gave it (minus the receipt handle) and its decoding. */
export interface DlqExportLine {
  messageId: string
  raw: Omit<RawDlqMessage, 'receiptHandle'>
  decoded: DlqRecordView
}

/** What an export wrote. */
export interface DlqExportSummary {
  exported: number
  scanned: number
  truncated: boolean
}

/** Where lines go; `write` may return a promise to apply back-pressure. */
export interface LineSink {
  write(line: string): void | Promise<void>
}

/** Peek through the queue and write one JSON line per matching message. */
export async function exportDlq(
  queue: DlqQueuePort,
  sink: LineSink,
  options: {
    filter?: DlqFilter | undefined
    limit?: number | undefined
    decode?: DecodeOptions | undefined
    /** Decodes each page (joined with the event bus's log); default: the decoder alone with `decode`. */
    decoder?: BatchDecoder | undefined
  } = {},
): Promise<DlqExportSummary> {
  let exported = 0
  const peek = await peekDlq(queue, {
    filter: options.filter,
    limit: options.limit,
    decode: options.decode,
    decoder: options.decoder,
    // Written as they are read, so a large queue never sits in memory twice.
    onRecords: async (records, raws) => {
      for (let i = 0; i < records.length; i++) {
        const record = records[i]
        const raw = raws[i]
        if (!record || !raw) continue
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
        await sink.write(`${JSON.stringify(line)}\n`)
        exported++
      }
    },
  })
  return {exported, scanned: peek.scanned, truncated: peek.truncated}
}
