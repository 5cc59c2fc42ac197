/**
 * Selecting and summarising decoded DLQ records: the `--reason`, `--detail-type`, `--cache` and
 * `--since` filters every `dlq` command shares, and the grouped summary (count per reason, oldest and
 * newest) that `dlq list` and `dlq watch` show.
 */
import {DLQ_REASONS, type DlqReason, type DlqRecord} from './dlq.js'
import {REASON_INFO} from './dlq-decode.js'
import {UsageError} from './errors.js'

/** A filter: every given criterion must match; within one criterion any value may. */
export interface DlqFilter {
  reasons?: readonly DlqReason[] | undefined
  detailTypes?: readonly string[] | undefined
  caches?: readonly string[] | undefined
  /** Only messages SQS received at or after this time (epoch ms). */
  sinceMs?: number | undefined
}

/** Parse `--reason` values (comma-separated or repeated). Throws UsageError for an empty or unknown one. */
export function parseReasons(values: readonly string[] | undefined): DlqReason[] | undefined {
  if (!values || values.length === 0) return undefined
  const out: DlqReason[] = []
  for (const value of values.flatMap((v) => v.split(','))) {
    const reason = value.trim()
    if (reason === '') continue
    if (!(DLQ_REASONS as readonly string[]).includes(reason)) {
      throw new UsageError(`Unknown reason "${reason}".`, {hints: [`Use one of: ${DLQ_REASONS.join(', ')}.`]})
    }
    out.push(reason as DlqReason)
  }
  if (out.length === 0) {
    // `--reason ''` would match nothing: a typo, not an empty result.
    throw new UsageError('--reason is empty, so it would match nothing.', {
      hints: ['Give --reason a value, or leave it out to include every reason.'],
    })
  }
  return out
}

const UNIT_MS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/**
 * Parse a duration (`90s`, `15m`, `2h`, `1d`, `1h30m`) to milliseconds; undefined when it isn't one.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase()
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return undefined
  let total = 0
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(amount) * (unit === 'ms' ? 1 : (UNIT_MS[unit ?? 's'] ?? 1000))
  }
  return total
}

/** Parse `--since`: a duration back from `now` (`15m`, `2h`) or an ISO 8601 time. Throws UsageError. */
export function parseSince(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const duration = parseDuration(text)
  if (duration !== undefined) return now - duration
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const at = Date.parse(text.trim())
    if (Number.isFinite(at)) return at
  }
  throw new UsageError(`--since ${JSON.stringify(text)} is neither a duration nor a time.`, {
    hints: ['Use a duration such as 15m, 2h or 1d, or an ISO time such as 2026-01-31T12:00:00Z.'],
  })
}

/** Whether a record passes the filter. A record without a send time never passes `sinceMs`. */
export function matchesFilter(record: DlqRecord, filter: DlqFilter): boolean {
  if (filter.reasons && !filter.reasons.includes(record.reason)) return false
  if (filter.detailTypes && !filter.detailTypes.includes(record.detailType ?? '')) return false
  if (filter.caches && !filter.caches.includes(record.cache ?? '')) return false
  if (filter.sinceMs !== undefined) {
    const sent = record.sentAt ? Date.parse(record.sentAt) : NaN
    if (!Number.isFinite(sent) || sent < filter.sinceMs) return false
  }
  return true
}

/** True when the filter selects something narrower than "everything". */
export function isFiltering(filter: DlqFilter): boolean {
  return Boolean(filter.reasons || filter.detailTypes || filter.caches || filter.sinceMs !== undefined)
}

/** One group of the summary. */
export interface DlqReasonGroup {
  reason: DlqReason
  label: string
  count: number
  /** Oldest and newest SentTimestamp in the group (ISO), when known. */
  oldest: string | undefined
  newest: string | undefined
  /** The fix of the group's newest record (the fixes differ only in the names they quote). */
  fix: string
  fixCommand: string | undefined
}

/** The grouped summary of a set of records: count per reason, largest first. */
export interface DlqSummary {
  total: number
  oldest: string | undefined
  newest: string | undefined
  groups: DlqReasonGroup[]
}

/** Group records by reason, with the oldest and newest send time per group and overall. */
export function summarize(records: readonly DlqRecord[]): DlqSummary {
  const groups = new Map<DlqReason, DlqReasonGroup>()
  let oldest: string | undefined
  let newest: string | undefined
  for (const r of records) {
    let group = groups.get(r.reason)
    if (!group) {
      group = {
        reason: r.reason,
        label: REASON_INFO[r.reason].label,
        count: 0,
        oldest: undefined,
        newest: undefined,
        fix: r.fix,
        fixCommand: r.fixCommand,
      }
      groups.set(r.reason, group)
    }
    group.count++
    if (r.sentAt) {
      // ISO 8601 UTC strings of the same form sort as text.
      if (!group.oldest || r.sentAt < group.oldest) group.oldest = r.sentAt
      if (!group.newest || r.sentAt >= group.newest) {
        group.newest = r.sentAt
        group.fix = r.fix
        group.fixCommand = r.fixCommand
      }
      if (!oldest || r.sentAt < oldest) oldest = r.sentAt
      if (!newest || r.sentAt > newest) newest = r.sentAt
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.count - a.count || DLQ_REASONS.indexOf(a.reason) - DLQ_REASONS.indexOf(b.reason),
  )
  return {total: records.length, oldest, newest, groups: sorted}
}

/** "3s", "5m", "2h", "4d": a compact age for tables. */
export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '-'
  if (seconds < 60) return `${Math.round(seconds)}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86_400)}d`
}
