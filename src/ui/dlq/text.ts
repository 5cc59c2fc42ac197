import type {DlqReason, DlqRecord} from '../../core/dlq.js'
import {REASON_INFO} from '../../core/dlq-decode.js'
import {padToWidth, truncateToWidth} from '../../core/text-width.js'
import type {Tone} from '../theme.js'

/**
 * Cut `text` to `width` terminal columns (wide CJK characters count two), ending in an ellipsis
 * when cut. Newlines and tabs become spaces.
 */
export function truncate(text: string, width: number): string {
  return truncateToWidth(text, width)
}

/** `truncate`, then pad with spaces to exactly `width` columns. */
export function cell(text: string, width: number): string {
  return padToWidth(text, width)
}

/** A count with thousands separators (locale-independent). */
export function count(value: number): string {
  return value.toLocaleString('en-US')
}

/** How a reason is coloured: red when something must be fixed first, yellow when a retry may do. */
export function reasonTone(reason: DlqReason): Tone {
  if (REASON_INFO[reason].needsFix) return 'error'
  if (reason === 'unknown') return 'normal'
  return 'warn'
}

/** The time of day a message reached the DLQ, in UTC (`HH:MM:SS`), or `-`. */
export function sentTime(record: DlqRecord): string {
  return record.sentAt && record.sentAt.length >= 19 ? record.sentAt.slice(11, 19) : '-'
}

/** Key, base64 key or topic: what the event was about. */
export function subject(record: DlqRecord): string {
  if (record.topic !== undefined) return `topic ${record.topic}`
  if (record.key !== undefined) return record.key
  if (record.keyBase64 !== undefined) return `b64:${record.keyBase64}`
  return '-'
}

/** HTTP status, else the ERROR_CODE, else `-`. */
export function statusText(record: DlqRecord): string {
  if (record.httpStatus !== undefined) return String(record.httpStatus)
  return record.errorCode ?? '-'
}
