import {Box, Text} from 'ink'

import type {Theme, Tone} from '../theme.js'
import {formatElapsed, retiredNote, statusTone, type ProgressState} from './state.js'

/** Props of the progress view. */
export interface DeployProgressProps {
  readonly state: ProgressState
  /** The current time, so elapsed times are a pure function of props. */
  readonly now: number
  readonly theme: Theme
  /** Terminal width; rows are cut to fit. */
  readonly width?: number
}

const TONE: Record<ReturnType<typeof statusTone>, Tone> = {
  running: 'accent',
  ok: 'ok',
  failed: 'error',
  rolledBack: 'warn',
}
const MARK: Record<ReturnType<typeof statusTone>, string> = {running: '…', ok: '✓', failed: '✗', rolledBack: '↺'}

/**
 * Resources with their status and elapsed time, one row per logical id; under a replaced resource, what
 * became of its other physical copy; the failing resource's reason underneath.
 */
export function DeployProgress({state, now, theme, width = 100}: DeployProgressProps) {
  const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text)
  // Logical ids longer than 24 (BusLogDeliveryDestination) widen the column rather than push their row out of line.
  const idWidth = Math.max(24, ...state.rows.map((r) => r.logicalId.length))
  return (
    <Box flexDirection="column">
      <Text {...theme.style('accent')}>
        {state.title}
        {state.stackStatus ? `  ${state.stackStatus}` : ''}
        {`  ${formatElapsed(now - state.startedAt)}`}
      </Text>
      {state.rows.length === 0 ? <Text {...theme.style('muted')}>Waiting for CloudFormation…</Text> : null}
      {state.rows.map((row) => {
        const tone = statusTone(row.status)
        const running = tone === 'running'
        const elapsed = formatElapsed((running ? now : row.lastSeen) - row.firstSeen)
        const line = `${MARK[tone]} ${row.logicalId.padEnd(idWidth)} ${row.status.padEnd(22)} ${elapsed.padStart(6)}  ${row.resourceType}`
        return (
          <Box key={row.logicalId} flexDirection="column">
            <Text {...theme.style(TONE[tone])}>{cut(line, width)}</Text>
            {row.retired ? (
              <Text {...theme.style('muted')}>{cut(`  └ ${retiredNote(row.retired)}`, width)}</Text>
            ) : null}
          </Box>
        )
      })}
      {state.failure ? (
        <Box marginTop={1}>
          <Text {...theme.style('error')}>
            {cut(`${state.failure.logicalId} failed: ${state.failure.reason}`, width * 3)}
          </Text>
        </Box>
      ) : null}
    </Box>
  )
}
