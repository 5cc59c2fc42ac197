import {Text} from 'ink'

import type {Theme} from '../../theme.js'
import type {ReasonCount} from '../filter.js'
import {count, reasonTone} from '../text.js'

/** Props of {@link ReasonSummary}. */
export interface ReasonSummaryProps {
  readonly summary: readonly ReasonCount[]
  readonly total: number
  readonly width: number
  readonly theme: Theme
}

/** One line of counts per reason, largest first; what doesn't fit is summed as "+N more". */
export function ReasonSummary({summary, total, width, theme}: ReasonSummaryProps) {
  if (summary.length === 0) return <Text {...theme.style('muted')}>no messages</Text>
  const parts: {reason: string; text: string}[] = []
  let used = `${count(total)} total: `.length
  let rest = 0
  for (const [index, group] of summary.entries()) {
    const text = `${group.reason} ${count(group.count)}`
    const left = summary.length - index - 1
    const reserve = left > 0 ? 12 : 0
    if (rest > 0 || used + text.length + 2 + reserve > width) {
      rest += group.count
      continue
    }
    parts.push({reason: group.reason, text})
    used += text.length + 2
  }
  return (
    <Text>
      <Text>{count(total)} total: </Text>
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
