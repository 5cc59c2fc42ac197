import {Box, Text} from 'ink'

import type {TopSnapshot} from '../../core/top-model.js'
import type {Theme} from '../theme.js'
import {type Line, topLines} from './lines.js'

/** Props of {@link TopView}. */
export interface TopViewProps {
  /** Undefined until the first refresh ends. */
  readonly snapshot: TopSnapshot | undefined
  readonly width: number
  readonly height: number
  readonly theme: Theme
  readonly ascii?: boolean | undefined
  readonly notice?: string | undefined
  readonly nowMs: number
  /** Shown before the first snapshot. */
  readonly title?: string | undefined
}

function LineView({line, theme}: {line: Line; theme: Theme}) {
  // Ink gives a blank text no height: a separator is an empty box one row high.
  if (line.every((s) => s.text.trim() === '')) return <Box height={1} />
  return (
    <Text wrap="truncate">
      {line.map((s, i) => (
        <Text key={i} {...theme.style(s.tone)}>
          {s.text}
        </Text>
      ))}
    </Text>
  )
}

/** The `top` dashboard: one frame of {@link topLines}, each line cut to the width. */
export function TopView({snapshot, width, height, theme, ascii, notice, nowMs, title}: TopViewProps) {
  if (!snapshot) {
    return (
      <Box flexDirection="column" width={width}>
        <Text {...theme.style('accent')}>{`momento-eb top  ${title ?? ''}`.slice(0, width)}</Text>
        <Text {...theme.style('muted')}>Reading metrics, alarms and the dead-letter queue…</Text>
        <Text {...theme.style('muted')}>{'q quit'}</Text>
      </Box>
    )
  }
  const lines = topLines(snapshot, {width, height, ascii, notice, nowMs})
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <LineView key={i} line={line} theme={theme} />
      ))}
    </Box>
  )
}
