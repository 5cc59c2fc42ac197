/**
 * The timeline of one event's journey: a header (event id, where the records come from), one row
 * per step (UTC time, offset from the first record, what happened), the outcome, the notes that
 * say what the records can't prove, and a status line while --follow polls. Presentational: the
 * caller passes the journey and the clock.
 */
import {Box, Text} from 'ink'

import {
  clockTime,
  type EventJourney,
  formatMs,
  outcomeTone,
  outcomeWord,
  timelineRows,
} from '../../core/event-journey.js'
import type {TraceEnd} from '../../services/trace.js'
import {truncate} from '../dlq/text.js'
import type {Theme} from '../theme.js'

/** Props of {@link TraceTimeline}. */
export interface TraceTimelineProps {
  readonly eventId: string
  /** The journey so far; undefined before the first lookup answered. */
  readonly journey: EventJourney | undefined
  /** Where the records come from ("log group /aws/vendedlogs/events/…, level ERROR"). */
  readonly source: string
  /** Whether --follow is polling, and for how long at most. */
  readonly following: boolean
  readonly elapsedMs: number
  readonly timeoutMs: number | undefined
  /** How the trace ended, once it has. */
  readonly end: TraceEnd | undefined
  readonly width: number
  readonly theme: Theme
}

const END_TEXT: Readonly<Record<TraceEnd, string>> = {
  final: 'final state reached',
  'looked-up': 'one lookup (pass --follow to wait for a final state)',
  'timed-out': 'not final when --timeout ran out (exit 8)',
  aborted: 'stopped (Ctrl-C)',
}

/** The whole view. */
export function TraceTimeline(props: TraceTimelineProps) {
  const {journey, theme, width} = props
  const line = (text: string) => truncate(text, width)
  return (
    <Box flexDirection="column">
      <Text {...theme.style('accent')}>{line(`Trace of event ${props.eventId}`)}</Text>
      <Text {...theme.style('muted')}>{line(props.source)}</Text>
      {journey === undefined ? (
        <Text {...theme.style('muted')}>reading the event bus's logs…</Text>
      ) : (
        <Steps journey={journey} width={width} theme={theme} />
      )}
      <StatusLine {...props} />
    </Box>
  )
}

function Steps({journey, width, theme}: {journey: EventJourney; width: number; theme: Theme}) {
  const rows = timelineRows(journey)
  return (
    <Box flexDirection="column" marginTop={1}>
      {rows.map((row, i) => {
        const offset =
          row.atMs !== undefined && journey.firstAtMs !== undefined ? `+${formatMs(row.atMs - journey.firstAtMs)}` : ''
        const prefix = `${clockTime(row.atMs)} ${offset.padStart(9)}  ${'  '.repeat(row.depth)}`
        return (
          // Long steps (Momento's message) wrap under their own column, not under the times.
          <Box key={i} width={width}>
            <Text {...theme.style('muted')}>{prefix}</Text>
            <Box width={Math.max(10, width - prefix.length)}>
              <Text {...theme.style(row.tone)} wrap="wrap">
                {row.text}
              </Text>
            </Box>
          </Box>
        )
      })}
      <Box marginTop={rows.length > 0 ? 1 : 0} width={width}>
        <Text wrap="wrap">
          <Text {...theme.style(outcomeTone(journey.outcome))} bold>
            {outcomeWord(journey.outcome)}
          </Text>{' '}
          {journey.summary}
        </Text>
      </Box>
      {journey.notes.map((note, i) => (
        <Box key={`n${i}`} width={width}>
          <Text {...theme.style('muted')} wrap="wrap">
            {`note: ${note}`}
          </Text>
        </Box>
      ))}
    </Box>
  )
}

function StatusLine({following, elapsedMs, timeoutMs, end, width, theme}: TraceTimelineProps) {
  if (end !== undefined) {
    return (
      <Box marginTop={1}>
        <Text {...theme.style(end === 'final' ? 'normal' : 'warn')}>{truncate(END_TEXT[end], width)}</Text>
      </Box>
    )
  }
  if (!following) return null
  const limit = timeoutMs === undefined ? '' : ` of ${formatMs(timeoutMs)}`
  return (
    <Box marginTop={1}>
      <Text {...theme.style('accent')}>
        {truncate(`following… ${formatMs(elapsedMs)}${limit} (Ctrl-C stops)`, width)}
      </Text>
    </Box>
  )
}
