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
  readonly width: number
  readonly theme: Theme
}

const TONES: Readonly<Record<NoticeTone, Tone>> = {info: 'normal', ok: 'ok', warn: 'warn', error: 'error'}
const WORDS: Readonly<Record<NoticeTone, string>> = {info: '', ok: 'OK ', warn: 'WARNING ', error: 'ERROR '}

/** The last action's outcome, or the filter in force. */
export function StatusLine({notice, filter, filterWarning, busy, width, theme}: StatusLineProps) {
  if (notice) {
    return <Text {...theme.style(TONES[notice.tone])}>{truncate(`${WORDS[notice.tone]}${notice.text}`, width)}</Text>
  }
  if (busy) return <Text {...theme.style('accent')}>working…</Text>
  if (filterWarning) return <Text {...theme.style('warn')}>{truncate(`WARNING ${filterWarning}`, width)}</Text>
  if (filter) return <Text {...theme.style('muted')}>{truncate(`filter: ${filter}`, width)}</Text>
  return <Text> </Text>
}
