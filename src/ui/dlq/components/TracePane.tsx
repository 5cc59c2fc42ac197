import {Box, Text} from 'ink'

import {type EventJourney, journeyLines, outcomeTone} from '../../../core/event-journey.js'
import type {Theme} from '../../theme.js'
import {truncate} from '../text.js'

/** Props of {@link TracePane}. */
export interface TracePaneProps {
  readonly trace: {readonly eventId: string; readonly journey: EventJourney | undefined}
  readonly height: number
  readonly width: number
  readonly theme: Theme
}

/**
 * The selected message's event as the bus logs tell it (key t): the outcome, one line per step,
 * the notes. Exactly `height` rows; what doesn't fit is counted, with the command that shows it all.
 */
export function TracePane({trace, height, width, theme}: TracePaneProps) {
  const {journey} = trace
  const lines = journey ? journeyLines(journey) : [`Event ${trace.eventId}`, "reading the event bus's logs…"]
  let shown = lines
  if (lines.length > height) {
    shown = [
      ...lines.slice(0, height - 1),
      `… ${lines.length - height + 1} more lines: momento-eb trace ${trace.eventId}`,
    ]
  }
  return (
    <Box flexDirection="column">
      {shown.map((line, index) => (
        <Text key={index} {...theme.style(index === 0 && journey ? outcomeTone(journey.outcome) : 'normal')}>
          {truncate(line, width) || ' '}
        </Text>
      ))}
      {Array.from({length: Math.max(0, height - shown.length)}, (_, i) => (
        <Text key={`pad-${i}`}> </Text>
      ))}
    </Box>
  )
}
