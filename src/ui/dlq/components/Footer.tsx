import {Text} from 'ink'

import type {Theme} from '../../theme.js'
import type {Mode} from '../state.js'
import {truncate} from '../text.js'

/** Props of {@link Footer}. */
export interface FooterProps {
  readonly mode: Mode
  readonly width: number
  readonly theme: Theme
}

const LIST = [
  '↑↓ move  PgUp/PgDn page  g/G ends  Enter details  / filter  c clear  t trace',
  'r redrive  R redrive all  e edit+redrive  d delete  x export  ? help  q quit',
]
const DETAIL = [
  '↑↓ previous/next  PgUp/PgDn scroll  Esc/Enter back  / filter',
  'r redrive  e edit+redrive  d delete  x export  t trace  ? help  q quit',
]
const FILTER = [
  'type a filter: reason: cache: key: type: code: status: or any word',
  'Enter apply  Esc cancel  Backspace delete',
]
const CONFIRM = ['y yes  n/Esc no', '']
const EXPORT = ['type a file or directory (~ is your home), or Enter for a new file here', 'Enter export  Esc cancel']
const HELP = ['? / Esc / q close help', '']
const TRACE = ['t / Esc / q back to the list', 'the whole journey, live: momento-eb trace EVENT_ID --follow']

/** Two lines naming every key that works in the current mode. */
export function Footer({mode, width, theme}: FooterProps) {
  const lines = {
    list: LIST,
    detail: DETAIL,
    filter: FILTER,
    confirm: CONFIRM,
    help: HELP,
    trace: TRACE,
    export: EXPORT,
  }[mode]
  return (
    <>
      {lines.map((line, index) => (
        <Text key={index} {...theme.style('muted')}>
          {truncate(line, width) || ' '}
        </Text>
      ))}
    </>
  )
}
