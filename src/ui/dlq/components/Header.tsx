import {Box, Text} from 'ink'

import {displayWidth, plural} from '../../../core/text-width.js'
import type {Theme} from '../../theme.js'
import {sampleLine, type SampleStats} from '../sample-text.js'
import type {QueueDepth, RedriveProgress} from '../state.js'
import {count, truncate} from '../text.js'

/** Props of {@link Header}. */
export interface HeaderProps {
  readonly queue: string
  readonly depth: QueueDepth | undefined
  readonly arrivalsPerSecond: number
  readonly gone: number
  readonly loaded: boolean
  readonly known: number
  /** The feed's counts over everything read (a feed that keeps only a window sends them). */
  readonly stats?: SampleStats | undefined
  /** The clock, for the oldest message's age (tests). */
  readonly now?: number | undefined
  readonly redrive: RedriveProgress | undefined
  readonly feedError: string | undefined
  readonly width: number
  readonly theme: Theme
}

function rate(perSecond: number): string {
  if (perSecond === 0) return '0/s'
  return perSecond < 10 ? `${perSecond.toFixed(1)}/s` : `${Math.round(perSecond)}/s`
}

const REDRIVE_WORD: Readonly<Record<RedriveProgress['state'], string>> = {
  running: 'RUNNING',
  done: 'DONE',
  failed: 'FAILED',
  unavailable: 'UNAVAILABLE',
}

/** Queue name, depth (visible / in flight), arrival rate, messages gone, and redrive progress. */
export function Header({
  queue,
  depth,
  arrivalsPerSecond,
  gone,
  loaded,
  known,
  stats,
  now,
  redrive,
  feedError,
  width,
  theme,
}: HeaderProps) {
  const depthText = depth ? `${count(depth.visible)} visible · ${count(depth.inFlight)} in flight` : 'depth …'
  // New messages by the queue's own counts come first: on a big queue the rotation reaches them late.
  const arrivals =
    stats && stats.newByDepth > 0
      ? `+${count(stats.newByDepth)} new (${rate(arrivalsPerSecond)})`
      : `${rate(arrivalsPerSecond)} new`
  const line = `${depthText} · ${arrivals} · ${count(gone)} gone`
  const name = truncate(queue, Math.max(8, width - line.length - 7))
  let second: {text: string; tone: Parameters<Theme['style']>[0]}
  if (feedError) {
    const full = `FEED ERROR ${feedError}`
    // Too long for the line: the help overlay (?) shows all of it.
    second = {
      text: displayWidth(full) <= width ? full : `${truncate(full, Math.max(12, width - 18))} (? shows all)`,
      tone: 'error',
    }
  } else if (redrive) {
    const done = redrive.sent + redrive.failed + redrive.skipped
    const parts = [`${count(done)}/${count(redrive.total)}`, `${count(redrive.sent)} sent`]
    if (redrive.failed > 0) parts.push(`${count(redrive.failed)} failed`)
    if (redrive.skipped > 0) parts.push(`${count(redrive.skipped)} skipped`)
    const tone =
      redrive.state === 'running' ? 'accent' : redrive.state === 'done' && redrive.failed === 0 ? 'ok' : 'warn'
    second = {
      text:
        redrive.state === 'unavailable'
          ? 'redrive UNAVAILABLE in this build'
          : `redrive ${REDRIVE_WORD[redrive.state]} ${parts.join(' · ')}`,
      tone,
    }
  } else if (stats && stats.read > 0) second = {text: sampleLine(stats, now ?? Date.now()), tone: 'muted'}
  else if (!loaded) second = {text: `loading… ${count(known)} read so far`, tone: 'muted'}
  else second = {text: `${plural(known, 'message')} read · peeking, nothing is held`, tone: 'muted'}
  return (
    <Box flexDirection="column">
      <Text>
        <Text {...theme.style('accent')}>DLQ </Text>
        <Text bold>{name}</Text>
        <Text> · {line}</Text>
      </Text>
      <Text {...theme.style(second.tone)}>{truncate(second.text, width)}</Text>
    </Box>
  )
}
