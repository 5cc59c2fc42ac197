import {Text} from 'ink'

import type {Theme} from '../../theme.js'
import type {ReasonCount} from '../filter.js'
import {reasonParts, type SampleStats} from '../sample-text.js'
import {count, reasonTone} from '../text.js'

/** Props of {@link ReasonSummary}. */
export interface ReasonSummaryProps {
  readonly summary: readonly ReasonCount[]
  readonly total: number
  /** Counts over everything the feed read (exact; shares estimated for a sample): shown instead of `summary`. */
  readonly stats?: SampleStats | undefined
  readonly width: number
  readonly theme: Theme
}

/**
 * One line of counts per reason, largest first; what doesn't fit is summed as "+N more". With the
 * feed's `stats` it covers everything read (not only the records kept), and for a queue not read in
 * full says the shares are estimated and from how many messages.
 */
export function ReasonSummary({summary, total, stats, width, theme}: ReasonSummaryProps) {
  const source = stats
    ? reasonParts(stats)
    : {
        lead: `${count(total)} total: `,
        parts: summary.map((g) => ({reason: g.reason as string, text: `${g.reason} ${count(g.count)}`})),
      }
  const counts = stats ? stats.byReason.map((r) => r.count) : summary.map((g) => g.count)
  if (source.parts.length === 0) return <Text {...theme.style('muted')}>no messages</Text>
  const parts: {reason: string; text: string}[] = []
  let used = source.lead.length
  let rest = 0
  for (const [index, part] of source.parts.entries()) {
    const left = source.parts.length - index - 1
    const reserve = left > 0 ? 12 : 0
    if (rest > 0 || used + part.text.length + 2 + reserve > width) {
      rest += counts[index] ?? 0
      continue
    }
    parts.push(part)
    used += part.text.length + 2
  }
  return (
    <Text>
      <Text>{source.lead}</Text>
      {parts.map((part, index) => (
        <Text key={part.reason}>
          {index > 0 ? '  ' : ''}
          <Text {...theme.style(reasonTone(part.reason as ReasonCount['reason']))}>{part.text}</Text>
        </Text>
      ))}
      {rest > 0 ? <Text {...theme.style('muted')}> +{count(rest)} more</Text> : null}
    </Text>
  )
}
