import {formatAge} from '../../core/dlq-filter.js'
import {plural} from '../../core/text-width.js'
import type {NameCount} from '../../services/dlq-tally.js'
import type {WatchStats} from '../../services/dlq-watch.js'

/**
 * The words of `dlq watch`'s summary of a queue it has not read in full: what is a count and what is
 * an estimate, and from how much. Pure (the clock comes in), so its wording is tested directly.
 */

/** The summary's inputs: the feed's stats, less what the summary doesn't show (delayed messages). */
export type SampleStats = Omit<WatchStats, 'delayed'>

function n(value: number): string {
  return value.toLocaleString('en-US')
}

/** A share as a whole percent, "<1%" for a small non-zero one. */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '?'
  const p = (part / whole) * 100
  if (p > 0 && p < 1) return '<1%'
  return `${Math.round(p)}%`
}

function approx(share: string): string {
  return share.startsWith('<') ? share : `~${share}`
}

/** True when the counts are a sample of a bigger queue (the summary says "estimated"). */
export function isSample(stats: SampleStats): boolean {
  return !stats.complete && (stats.depthTotal === undefined || stats.depthTotal > stats.read)
}

/** "estimated from 2,000 of ≈1,000,000": the sample and the population it stands for. */
export function sampleBasis(stats: SampleStats): string {
  const of = stats.depthTotal === undefined ? '' : ` of ≈${n(Math.max(stats.depthTotal, stats.read))}`
  return `estimated from ${n(stats.read)}${of} read`
}

/**
 * The reason strip's parts. Everything read: exact counts (`5,000 total: cache-not-found 4,000 …`);
 * when the queue's depth says there is more than was read, the counts are still exact but of what was
 * read (`4,990 read of ≈6,000: …`), never called the total. A first sweep not done: each reason's
 * share of what was read and its exact count there, labelled as an estimate.
 */
export function reasonParts(stats: SampleStats): {lead: string; parts: Array<{reason: string; text: string}>} {
  if (!isSample(stats)) {
    // The depth counts more than was read once a sweep is done: new messages the rotation has not
    // reached, ones another consumer holds, ones a timed-out receive left hidden; on AWS a sweep can
    // also end early (SQS promises no order), and the depth is the only sign of it.
    const depth = stats.depthTotal
    return {
      lead:
        depth !== undefined && depth > stats.read
          ? `${n(stats.read)} read of ≈${n(depth)}: `
          : `${n(stats.read)} total: `,
      parts: stats.byReason.map((r) => ({reason: r.name, text: `${r.name} ${n(r.count)}`})),
    }
  }
  return {
    lead: `${sampleBasis(stats)}: `,
    parts: stats.byReason.map((r) => ({
      reason: r.name,
      text: `${r.name} ${approx(percent(r.count, stats.read))} (${n(r.count)})`,
    })),
  }
}

/** "cacheSet 90%, topicPublish 10%" (at most `max` names, then "+N more"). */
export function mix(counts: readonly NameCount[], read: number, max = 3): string {
  const shown = counts.slice(0, max).map((c) => `${c.name} ${percent(c.count, read)}`)
  const rest = counts.length - max
  return rest > 0 ? `${shown.join(', ')}, +${n(rest)} more` : shown.join(', ')
}

/**
 * The header's second line: how much is read, and for a sample the oldest message read (by its
 * SentTimestamp: the queue's oldest may be older), the detail types and the caches.
 */
export function sampleLine(stats: SampleStats, now: number): string {
  const kept = stats.read > stats.kept ? ` · showing the newest ${n(stats.kept)}` : ''
  if (!isSample(stats)) return `${plural(stats.read, 'message')} read${kept} · peeking, nothing is held`
  const parts = [`read ${n(stats.read)} of ≈${n(stats.depthTotal ?? stats.read)}, reading on: shares are estimates`]
  if (stats.oldestSentAt !== undefined) {
    parts.push(`oldest read ${formatAge(Math.max(0, (now - stats.oldestSentAt) / 1000))} ago (SentTimestamp)`)
  }
  if (stats.byType.length > 0) parts.push(`types ${mix(stats.byType, stats.read)}`)
  if (stats.byCache.length > 0) parts.push(`caches ${mix(stats.byCache, stats.read)}`)
  return parts.join(' · ')
}
