import {Text} from 'ink'

import type {Theme, Tone} from '../../theme.js'
import type {NoticeTone} from '../state.js'
import {truncate} from '../text.js'

/** Props of {@link StatusLine}. */
export interface StatusLineProps {
  readonly notice: {readonly text: string; readonly tone: NoticeTone} | undefined
  readonly filter: string
  readonly filterWarning: string | undefined
  readonly busy: boolean
  /** Seconds since the last good read of the queue, once that is stale (see WatchState.staleSeconds). */
  readonly staleSeconds?: number | undefined
  /** Whether anything was ever read (else the queue has not answered since the start). */
  readonly everRead?: boolean | undefined
  readonly width: number
  readonly theme: Theme
  /** Shown when there is nothing else to say (inside the demo: how to go on). */
  readonly idleHint?: string | undefined
}

const TONES: Readonly<Record<NoticeTone, Tone>> = {info: 'normal', ok: 'ok', warn: 'warn', error: 'error'}
const WORDS: Readonly<Record<NoticeTone, string>> = {info: '', ok: 'OK ', warn: 'WARNING ', error: 'ERROR '}

/** "35 s", "2 min 5 s". */
function age(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/**
 * How stale the data is (first, while it is), the last action's outcome, or the filter in force.
 */
export function StatusLine({
  notice,
  filter,
  filterWarning,
  busy,
  staleSeconds,
  everRead = true,
  width,
  theme,
  idleHint,
}: StatusLineProps) {
  if (staleSeconds !== undefined) {
    const stale = everRead
      ? `STALE last read ${age(staleSeconds)} ago, still retrying`
      : `STALE no answer from the queue for ${age(staleSeconds)}, still retrying`
    const rest = notice ? ` · ${WORDS[notice.tone]}${notice.text}` : ''
    return <Text {...theme.style('warn')}>{truncate(stale + rest, width)}</Text>
  }
  if (notice) {
    return <Text {...theme.style(TONES[notice.tone])}>{truncate(`${WORDS[notice.tone]}${notice.text}`, width)}</Text>
  }
  if (busy) return <Text {...theme.style('accent')}>working…</Text>
  if (filterWarning) return <Text {...theme.style('warn')}>{truncate(`WARNING ${filterWarning}`, width)}</Text>
  if (filter) return <Text {...theme.style('muted')}>{truncate(`filter: ${filter}`, width)}</Text>
  if (idleHint) return <Text {...theme.style('accent')}>{truncate(idleHint, width)}</Text>
  return <Text> </Text>
}
