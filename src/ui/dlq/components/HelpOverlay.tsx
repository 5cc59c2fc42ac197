import {Box, Text} from 'ink'

import type {Theme} from '../../theme.js'
import {FILTER_FIELDS} from '../filter.js'
import {KEY_HELP} from '../keys.js'
import {truncate} from '../text.js'
import {wrapWords} from '../../../core/text-width.js'

/** Props of {@link HelpOverlay}. */
export interface HelpOverlayProps {
  readonly height: number
  readonly width: number
  /** The feed's last error, shown in full (the header has room for its start only). */
  readonly feedError?: string | undefined
  readonly theme: Theme
}

/** Every key and the filter syntax (replaces the list while open). */
export function HelpOverlay({height, width, feedError, theme}: HelpOverlayProps) {
  const lines = [
    ...(feedError
      ? ['Reading the queue failed (still retrying):', ...wrapWords(feedError, width - 2).map((l) => `  ${l}`), '']
      : []),
    ...KEY_HELP.map((k) => `${k.keys.padEnd(14)} ${k.action}`),
    '',
    `filter: ${FILTER_FIELDS.map((f) => `${f}:`).join(' ')} or plain words (all must match)`,
    'messages are peeked: read with a short visibility timeout and released at once',
  ]
  const shown = lines.slice(0, height)
  return (
    <Box flexDirection="column">
      <Text {...theme.style('accent')}>Keys</Text>
      {shown.map((line, index) => (
        <Text key={index}>{truncate(line, width) || ' '}</Text>
      ))}
      {Array.from({length: Math.max(0, height - shown.length)}, (_, i) => (
        <Text key={`pad-${i}`}> </Text>
      ))}
    </Box>
  )
}
