import type {Key} from 'ink'

import type {Intent, Mode} from './state.js'

/** The subset of Ink's `Key` the key map reads (so tests can build one without Ink). */
export type KeyInfo = Pick<
  Key,
  | 'upArrow'
  | 'downArrow'
  | 'leftArrow'
  | 'rightArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'ctrl'
  | 'backspace'
  | 'delete'
  | 'tab'
  | 'meta'
>

/** One line of the key table: shown by the footer and the help overlay. */
export interface KeyHelp {
  readonly keys: string
  readonly action: string
}

/** Every key of the list and detail views, in the order help shows them. */
export const KEY_HELP: readonly KeyHelp[] = [
  {keys: '↑/k ↓/j', action: 'move'},
  {keys: 'PgUp/PgDn', action: 'page (scroll in details)'},
  {keys: 'g/Home G/End', action: 'first / last'},
  {keys: 'Enter', action: 'open details'},
  {keys: 'Esc', action: 'close details / clear filter'},
  {keys: '/', action: 'filter (reason: cache: key: type: code: status:)'},
  {keys: 'c', action: 'clear filter'},
  {keys: 'r', action: 'redrive selected'},
  {keys: 'R', action: 'redrive all matching (asks first)'},
  {keys: 'e', action: 'edit in $EDITOR, then redrive'},
  {keys: 'd', action: 'delete selected (asks first)'},
  {keys: 'x', action: 'export matching to an NDJSON file (asks where)'},
  {keys: 't', action: 'trace the event in the bus logs (t/Esc closes)'},
  {keys: '?', action: 'help'},
  {keys: 'q Ctrl-C', action: 'quit'},
]

/** One key press: what `useInput` would have been given for it alone. */
export interface KeyPress {
  readonly input: string
  readonly key: KeyInfo
}

const NO_KEY: KeyInfo = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  backspace: false,
  delete: false,
  tab: false,
  meta: false,
}

/**
 * The key presses in one `useInput` call. Ink splits escape sequences (arrows, PgDn) into calls of
 * their own but hands a run of plain text over as one string: `jjj` typed faster than a read, or a
 * pasted `reason:timeout` followed by Enter (`\r`). Each character is a key, in order.
 */
export function splitKeys(input: string, key: KeyInfo): KeyPress[] {
  const chars = [...input]
  if (chars.length <= 1 || key.ctrl || key.meta) return [{input, key}]
  return chars.map(keyOfChar)
}

/** One character of a plain-text burst as the key it stands for (as Ink's parser names them). */
function keyOfChar(char: string): KeyPress {
  if (char === '\r' || char === '\n') return {input: '', key: {...NO_KEY, return: true}}
  if (char === '\t') return {input: '', key: {...NO_KEY, tab: true}}
  if (char === '\b') return {input: '', key: {...NO_KEY, backspace: true}}
  if (char === '\u007f') return {input: '', key: {...NO_KEY, delete: true}}
  const code = char.codePointAt(0) ?? 0
  // Ctrl-A … Ctrl-Z arrive as 0x01 … 0x1a; Ink names them by their letter.
  if (code >= 1 && code <= 0x1a) return {input: String.fromCharCode(code + 0x60), key: {...NO_KEY, ctrl: true}}
  return {input: char, key: NO_KEY}
}

/** Map a key press to an intent for the current mode; undefined = ignore the key. */
export function intentForKey(input: string, key: KeyInfo, mode: Mode): Intent | undefined {
  if (key.ctrl && input === 'c') return {type: 'quit'}
  switch (mode) {
    case 'filter':
      if (key.return) return {type: 'filterApply'}
      if (key.escape) return {type: 'filterCancel'}
      if (key.backspace || key.delete) return {type: 'filterBackspace'}
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return undefined
      if (input && isPrintable(input)) return {type: 'filterInput', text: input}
      return undefined
    case 'export':
      if (key.return) return {type: 'exportApply'}
      if (key.escape) return {type: 'exportCancel'}
      if (key.backspace || key.delete) return {type: 'exportBackspace'}
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return undefined
      if (input && isPrintable(input)) return {type: 'exportInput', text: input}
      return undefined
    case 'confirm':
      if (input === 'y' || input === 'Y') return {type: 'confirmYes'}
      if (input === 'n' || input === 'N' || key.escape || key.return || input === 'q') return {type: 'confirmNo'}
      return undefined
    case 'help':
      if (input === '?' || input === 'q' || key.escape || key.return) return {type: 'closeHelp'}
      return undefined
    case 'trace':
      if (input === 't' || input === 'q' || key.escape || key.return || key.leftArrow) return {type: 'closeTrace'}
      return undefined
    case 'list':
    case 'detail':
      return listIntent(input, key, mode)
  }
}

function listIntent(input: string, key: KeyInfo, mode: 'list' | 'detail'): Intent | undefined {
  if (key.upArrow || input === 'k') return {type: 'moveUp'}
  if (key.downArrow || input === 'j') return {type: 'moveDown'}
  if (key.pageUp || (key.ctrl && input === 'b')) return {type: 'pageUp'}
  if (key.pageDown || (key.ctrl && input === 'f') || input === ' ') return {type: 'pageDown'}
  if (key.home || input === 'g') return {type: 'home'}
  if (key.end || input === 'G') return {type: 'end'}
  if (key.return) return mode === 'detail' ? {type: 'closeDetail'} : {type: 'openDetail'}
  if (key.rightArrow && mode === 'list') return {type: 'openDetail'}
  if (key.leftArrow && mode === 'detail') return {type: 'closeDetail'}
  if (key.escape) return mode === 'detail' ? {type: 'closeDetail'} : {type: 'filterClear'}
  if (key.ctrl || key.meta) return undefined
  switch (input) {
    case '/':
      return {type: 'filterEdit'}
    case 'c':
      return {type: 'filterClear'}
    case 'r':
      return {type: 'redriveSelected'}
    case 'R':
      return {type: 'redriveAll'}
    case 'e':
      return {type: 'editRedrive'}
    case 'd':
      return {type: 'delete'}
    case 'x':
      return {type: 'export'}
    case 't':
      return {type: 'trace'}
    case '?':
      return {type: 'help'}
    case 'q':
      return {type: 'quit'}
    default:
      return undefined
  }
}

function isPrintable(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (code < 0x20 || code === 0x7f) return false
  }
  return true
}
