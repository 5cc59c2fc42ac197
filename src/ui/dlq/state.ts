import type {DlqRecord} from '../../core/dlq.js'
import {REASON_INFO, reasonsNeedingFix} from '../../core/dlq-decode.js'
import type {EventJourney} from '../../core/event-journey.js'
import {countByReason, parseFilter, recordMatcher, type ReasonCount} from './filter.js'
import type {SampleStats} from './sample-text.js'

/**
 * The state of `dlq watch` as a pure reducer: keys become intents, the feed and the actions become
 * events, and side effects are requested through `effect` (a command for the view's effect runner
 * to carry out, identified by a sequence number). Nothing here touches Ink, the clock or the network.
 */

import type {QueueDepth} from '../../services/dlq-watch.js'

export type {QueueDepth}

/** What the user can ask for from the keyboard. */
export type Intent =
  | {readonly type: 'moveUp'}
  | {readonly type: 'moveDown'}
  | {readonly type: 'pageUp'}
  | {readonly type: 'pageDown'}
  | {readonly type: 'home'}
  | {readonly type: 'end'}
  | {readonly type: 'openDetail'}
  | {readonly type: 'closeDetail'}
  | {readonly type: 'filterEdit'}
  | {readonly type: 'filterInput'; readonly text: string}
  | {readonly type: 'filterBackspace'}
  | {readonly type: 'filterApply'}
  | {readonly type: 'filterCancel'}
  | {readonly type: 'filterClear'}
  | {readonly type: 'redriveSelected'}
  | {readonly type: 'redriveAll'}
  | {readonly type: 'editRedrive'}
  | {readonly type: 'delete'}
  | {readonly type: 'export'}
  | {readonly type: 'exportInput'; readonly text: string}
  | {readonly type: 'exportBackspace'}
  | {readonly type: 'exportApply'}
  | {readonly type: 'exportCancel'}
  | {readonly type: 'trace'}
  | {readonly type: 'closeTrace'}
  | {readonly type: 'help'}
  | {readonly type: 'closeHelp'}
  | {readonly type: 'confirmYes'}
  | {readonly type: 'confirmNo'}
  | {readonly type: 'quit'}

/** Progress of a redrive the view started. */
export interface RedriveProgress {
  readonly total: number
  readonly sent: number
  readonly failed: number
  readonly skipped: number
  readonly state: 'running' | 'done' | 'failed' | 'unavailable'
}

/** A side effect the view's runner carries out, then reports back with an event. */
export type Effect =
  | {
      readonly kind: 'redrive'
      readonly records: readonly DlqRecord[]
      /** Edited details by message id (edit-then-redrive). */
      readonly edits?: ReadonlyMap<string, Record<string, unknown>> | undefined
    }
  | {readonly kind: 'editRedrive'; readonly record: DlqRecord}
  | {readonly kind: 'delete'; readonly records: readonly DlqRecord[]}
  | {
      readonly kind: 'export'
      readonly records: readonly DlqRecord[]
      /** Where to write (a file, or a directory for a new file in it); absent: a new file here. */
      readonly path?: string | undefined
    }
  | {readonly kind: 'trace'; readonly record: DlqRecord; readonly eventId: string}

/** A destructive action waiting for y/n. */
export interface ConfirmRequest {
  readonly question: string
  readonly effect: Effect
}

/** Everything the feed, the actions and the terminal tell the reducer. */
export type WatchEvent =
  | Intent
  | {
      readonly type: 'feed'
      readonly added: readonly DlqRecord[]
      readonly gone: readonly string[]
      readonly depth?: QueueDepth | undefined
      readonly arrivalsPerSecond?: number | undefined
      readonly goneTotal?: number | undefined
      readonly loaded?: boolean | undefined
      /** Records that left the feed's window (still in the queue, no longer kept): dropped, not gone. */
      readonly evicted?: readonly string[] | undefined
      /** Exact counts of everything read and the queue's size (a feed that keeps a window sends them). */
      readonly stats?: SampleStats | undefined
      /** When the read behind this update succeeded (absent for an update that reports an error). */
      readonly readAt?: number | undefined
    }
  | {readonly type: 'feedError'; readonly message: string; readonly at?: number | undefined}
  /** The clock moved on (the root sends one every second): how stale is the data? */
  | {readonly type: 'tick'; readonly now: number}
  | {readonly type: 'resize'; readonly rows: number; readonly columns: number}
  | {readonly type: 'effectStarted'; readonly seq: number}
  | {readonly type: 'redriveProgress'; readonly progress: RedriveProgress}
  | {readonly type: 'removed'; readonly messageIds: readonly string[]}
  | {readonly type: 'notice'; readonly text: string; readonly tone: NoticeTone}
  | {readonly type: 'effectDone'; readonly text?: string | undefined; readonly tone?: NoticeTone | undefined}
  /** The bus logs answered for the event the trace pane shows. */
  | {readonly type: 'traced'; readonly eventId: string; readonly journey: EventJourney}
  | {
      readonly type: 'edited'
      readonly record: DlqRecord
      readonly summary: string
      readonly edits: ReadonlyMap<string, Record<string, unknown>>
    }

export type NoticeTone = 'info' | 'ok' | 'warn' | 'error'

export type Mode = 'list' | 'detail' | 'filter' | 'help' | 'confirm' | 'trace' | 'export'

/** The whole view state. */
export interface WatchState {
  /** The queue's name (or URL) for the header. */
  readonly queue: string
  readonly columns: number
  /** How many message rows fit in the list. */
  readonly pageSize: number
  /** Every known message, newest first. */
  readonly records: readonly DlqRecord[]
  /** The records the applied filter keeps, newest first. */
  readonly matching: readonly DlqRecord[]
  /** Counts per reason over `matching`. */
  readonly summary: readonly ReasonCount[]
  /** The selected message (kept across updates by id), and its index in `matching`. */
  readonly selectedId: string | undefined
  readonly cursor: number
  /** Index in `matching` of the first row on screen. */
  readonly top: number
  readonly filter: string
  readonly filterDraft: string
  readonly filterWarning: string | undefined
  /** The export path being typed (key x); empty means the suggested new file. */
  readonly exportDraft: string
  readonly mode: Mode
  /** First line of the detail pane shown (PgUp/PgDn scroll it). */
  readonly detailTop: number
  /** Where help or a confirmation returns to. */
  readonly returnMode: 'list' | 'detail'
  readonly confirm: ConfirmRequest | undefined
  /** The trace pane (key t): the event and, once the bus logs answered, its journey. */
  readonly trace: {readonly eventId: string; readonly journey: EventJourney | undefined} | undefined
  readonly depth: QueueDepth | undefined
  readonly arrivalsPerSecond: number
  /** Messages seen once and gone since (deleted, redriven or expired). */
  readonly gone: number
  /** True once the first sweep of the queue finished. */
  readonly loaded: boolean
  /**
   * The feed's exact counts over everything read, and the queue's size: the header and the reason
   * strip show these (as estimates while only a sample is read). Undefined for a feed that keeps
   * every record (then `records` is the queue).
   */
  readonly stats: SampleStats | undefined
  readonly feedError: string | undefined
  /** When the feed last read the queue successfully (the watch's start until the first read). */
  readonly lastReadAt: number
  /** Data older than this (ms since the last good read) is shown as stale. */
  readonly staleAfterMs: number
  /**
   * Whole seconds since the last good read, once the data is stale: a read failed, or none finished
   * within `staleAfterMs`. Undefined while the data is fresh.
   */
  readonly staleSeconds: number | undefined
  readonly redrive: RedriveProgress | undefined
  readonly notice: {readonly text: string; readonly tone: NoticeTone} | undefined
  /**
   * When the clock first saw the current outcome (the notice, a finished redrive in the header):
   * it clears {@link OUTCOME_SHOWN_MS} later, or at the next key.
   */
  readonly outcomeSince: number | undefined
  /** The pending side effect, if any, and its sequence number. */
  readonly effect: Effect | undefined
  readonly effectSeq: number
  /** An effect is being carried out (one at a time). */
  readonly busy: boolean
  /** The terminal is handed over to $EDITOR: no input, no repaint. */
  readonly suspended: boolean
  readonly quit: boolean
}

/** Rows the header, summary, column titles, status and footer take (the list gets the rest). */
export const CHROME_ROWS = 9

/** How long an action's outcome ("OK deleted 1 message", "redrive DONE") stays on screen. */
export const OUTCOME_SHOWN_MS = 6_000

/** Data is stale after this long without a good read, unless the caller says otherwise. */
export const DEFAULT_STALE_AFTER_MS = 5_000

/** The state before anything arrived. */
export function initialState(
  queue: string,
  size: {rows: number; columns: number} = {rows: 24, columns: 80},
  clock: {now?: number; staleAfterMs?: number} = {},
): WatchState {
  return {
    queue,
    columns: size.columns,
    pageSize: pageSizeFor(size.rows),
    records: [],
    matching: [],
    summary: [],
    selectedId: undefined,
    cursor: 0,
    top: 0,
    filter: '',
    filterDraft: '',
    filterWarning: undefined,
    exportDraft: '',
    mode: 'list',
    detailTop: 0,
    returnMode: 'list',
    confirm: undefined,
    trace: undefined,
    depth: undefined,
    arrivalsPerSecond: 0,
    gone: 0,
    loaded: false,
    stats: undefined,
    feedError: undefined,
    lastReadAt: clock.now ?? Date.now(),
    staleAfterMs: clock.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    staleSeconds: undefined,
    redrive: undefined,
    notice: undefined,
    outcomeSince: undefined,
    effect: undefined,
    effectSeq: 0,
    busy: false,
    suspended: false,
    quit: false,
  }
}

function pageSizeFor(rows: number): number {
  return Math.max(3, rows - CHROME_ROWS)
}

/** The record under the cursor, if any. */
export function selectedRecord(state: WatchState): DlqRecord | undefined {
  return state.matching[state.cursor]
}

const sortKeys = new WeakMap<DlqRecord, number>()
function sortKey(record: DlqRecord): number {
  let key = sortKeys.get(record)
  if (key === undefined) {
    key = record.sentAt === undefined ? 0 : Date.parse(record.sentAt) || 0
    sortKeys.set(record, key)
  }
  return key
}

/** Newest first; ties keep arrival order. Merge a sorted batch into a sorted list in one pass. */
function mergeNewestFirst(existing: readonly DlqRecord[], batch: readonly DlqRecord[]): DlqRecord[] {
  const incoming = [...batch].sort((a, b) => sortKey(b) - sortKey(a))
  const out: DlqRecord[] = new Array<DlqRecord>(existing.length + incoming.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < existing.length && j < incoming.length) {
    const a = existing[i] as DlqRecord
    const b = incoming[j] as DlqRecord
    if (sortKey(b) > sortKey(a)) {
      out[k++] = b
      j++
    } else {
      out[k++] = a
      i++
    }
  }
  while (i < existing.length) out[k++] = existing[i++] as DlqRecord
  while (j < incoming.length) out[k++] = incoming[j++] as DlqRecord
  return out
}

/** Recompute `matching`, `summary` and the cursor after the records or the filter changed. */
function refilter(state: WatchState, records: readonly DlqRecord[], filter: string): WatchState {
  const parsed = parseFilter(filter)
  const matches = recordMatcher(parsed)
  const matching = parsed.terms.length === 0 ? records : records.filter(matches)
  const filterWarning =
    parsed.unknownFields.length > 0 ? `unknown filter field: ${parsed.unknownFields.join(', ')}` : undefined
  return placeCursor({...state, records, matching, summary: countByReason(matching), filter, filterWarning})
}

/** Keep the selected message selected (by id) if it is still there; otherwise clamp the index. */
function placeCursor(state: WatchState): WatchState {
  const {matching} = state
  let cursor = state.cursor
  if (state.selectedId !== undefined && matching[cursor]?.messageId !== state.selectedId) {
    const found = matching.findIndex((r) => r.messageId === state.selectedId)
    if (found >= 0) cursor = found
  }
  cursor = clamp(cursor, 0, matching.length - 1)
  return scrollTo(state, cursor)
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value))
}

/** Move the cursor, scrolling only as far as needed to keep it on screen. */
function scrollTo(state: WatchState, cursor: number): WatchState {
  const count = state.matching.length
  const at = count === 0 ? 0 : clamp(cursor, 0, count - 1)
  let top = state.top
  if (at < top) top = at
  if (at >= top + state.pageSize) top = at - state.pageSize + 1
  top = clamp(top, 0, Math.max(0, count - state.pageSize))
  const selectedId = state.matching[at]?.messageId
  if (at === state.cursor && top === state.top && selectedId === state.selectedId) return state
  return {...state, cursor: at, top, selectedId, detailTop: selectedId === state.selectedId ? state.detailTop : 0}
}

function request(state: WatchState, effect: Effect, extra: Partial<WatchState> = {}): WatchState {
  if (state.busy || state.effect) {
    return {...state, ...extra, notice: {text: 'busy: wait for the current action to finish', tone: 'warn'}}
  }
  return {...state, ...extra, effect, effectSeq: state.effectSeq + 1, notice: undefined}
}

function ask(state: WatchState, question: string, effect: Effect): WatchState {
  if (state.busy || state.effect) {
    return {...state, notice: {text: 'busy: wait for the current action to finish', tone: 'warn'}}
  }
  const returnMode = state.mode === 'detail' ? 'detail' : 'list'
  return {...state, mode: 'confirm', returnMode, confirm: {question, effect}, notice: undefined}
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`
}

function onIntent(state: WatchState, intent: Intent): WatchState {
  const selected = selectedRecord(state)
  switch (intent.type) {
    case 'moveUp':
      return scrollTo(state, state.cursor - 1)
    case 'moveDown':
      return scrollTo(state, state.cursor + 1)
    case 'pageUp':
      if (state.mode === 'detail') return {...state, detailTop: Math.max(0, state.detailTop - state.pageSize)}
      return scrollTo({...state, top: Math.max(0, state.top - state.pageSize)}, state.cursor - state.pageSize)
    case 'pageDown':
      if (state.mode === 'detail') return {...state, detailTop: state.detailTop + state.pageSize}
      return scrollTo({...state, top: state.top + state.pageSize}, state.cursor + state.pageSize)
    case 'home':
      return scrollTo(state, 0)
    case 'end':
      return scrollTo(state, state.matching.length - 1)
    case 'openDetail':
      return selected ? {...state, mode: 'detail', detailTop: 0} : state
    case 'closeDetail':
      return {...state, mode: 'list'}
    case 'filterEdit':
      return {
        ...state,
        mode: 'filter',
        returnMode: state.mode === 'detail' ? 'detail' : 'list',
        filterDraft: state.filter,
      }
    case 'filterInput':
      return {...state, filterDraft: state.filterDraft + intent.text}
    case 'filterBackspace':
      return {...state, filterDraft: state.filterDraft.slice(0, -1)}
    case 'filterApply':
      return {...refilter(state, state.records, state.filterDraft.trim()), mode: 'list'}
    case 'filterCancel':
      return {...state, mode: 'list', filterDraft: state.filter}
    case 'filterClear':
      return state.filter === '' ? state : {...refilter(state, state.records, ''), filterDraft: ''}
    case 'redriveSelected':
      if (!selected) return state
      if (!selected.redrivable)
        return {...state, notice: {text: 'this message is not an event: it cannot be redriven', tone: 'warn'}}
      // A reason that needs a fix first (cache-not-found, key-invalid…) is asked about, not sent at once.
      // Short enough for one row at 80 columns: the fix itself is in the detail pane.
      if (REASON_INFO[selected.reason].needsFix) {
        return ask(state, `${selected.reason} needs a fix first (Enter shows it); unfixed it comes back. Redrive?`, {
          kind: 'redrive',
          records: [selected],
        })
      }
      return request(state, {kind: 'redrive', records: [selected]})
    case 'redriveAll': {
      const redrivable = state.matching.filter((r) => r.redrivable)
      if (redrivable.length === 0) return {...state, notice: {text: 'nothing to redrive', tone: 'warn'}}
      const skipped = state.matching.length - redrivable.length
      const scope = state.filter ? ` matching "${state.filter}"` : ''
      const note = skipped > 0 ? ` (${plural(skipped, 'message')} that aren't events stay)` : ''
      const unfixed = redrivable.filter((r) => REASON_INFO[r.reason].needsFix)
      const warning =
        unfixed.length > 0
          ? ` ${unfixed.length} need a fix first (${reasonsNeedingFix(unfixed.map((r) => r.reason)).join(', ')})`
          : ''
      return ask(state, `Redrive ${plural(redrivable.length, 'message')}${scope}${note}?${warning}`, {
        kind: 'redrive',
        records: redrivable,
      })
    }
    case 'editRedrive':
      if (!selected) return state
      if (!selected.redrivable)
        return {...state, notice: {text: 'this message is not an event: it cannot be edited', tone: 'warn'}}
      return request(state, {kind: 'editRedrive', record: selected})
    case 'delete':
      if (!selected) return state
      return ask(state, `Delete message ${shortId(selected.messageId)} (${selected.reason}) from the queue for good?`, {
        kind: 'delete',
        records: [selected],
      })
    case 'export':
      if (state.matching.length === 0) return {...state, notice: {text: 'nothing to export', tone: 'warn'}}
      if (state.busy || state.effect)
        return {...state, notice: {text: 'busy: wait for the current action to finish', tone: 'warn'}}
      return {...state, mode: 'export', returnMode: state.mode === 'detail' ? 'detail' : 'list', exportDraft: ''}
    case 'exportInput':
      return {...state, exportDraft: state.exportDraft + intent.text}
    case 'exportBackspace':
      return {...state, exportDraft: state.exportDraft.slice(0, -1)}
    case 'exportCancel':
      return {...state, mode: state.returnMode, exportDraft: '', notice: {text: 'export cancelled', tone: 'info'}}
    case 'exportApply': {
      const path = state.exportDraft.trim()
      return request(
        {...state, mode: state.returnMode, exportDraft: ''},
        {
          kind: 'export',
          records: state.matching,
          path: path === '' ? undefined : path,
        },
      )
    }
    case 'trace': {
      if (!selected) return {...state, notice: {text: 'no message selected', tone: 'warn'}}
      const eventId = selected.event?.id
      if (!eventId) return {...state, notice: {text: 'this message carries no event id to trace', tone: 'warn'}}
      const returnMode = state.mode === 'detail' ? 'detail' : 'list'
      return request(
        state,
        {kind: 'trace', record: selected, eventId},
        {mode: 'trace', returnMode, trace: {eventId, journey: undefined}},
      )
    }
    case 'closeTrace':
      return {...state, mode: state.returnMode, trace: undefined}
    case 'help':
      return state.mode === 'help'
        ? {...state, mode: state.returnMode}
        : {...state, mode: 'help', returnMode: state.mode === 'detail' ? 'detail' : 'list'}
    case 'closeHelp':
      return {...state, mode: state.returnMode}
    case 'confirmYes':
      if (!state.confirm) return state
      return request({...state, mode: state.returnMode, confirm: undefined}, state.confirm.effect)
    case 'confirmNo':
      return {...state, mode: state.returnMode, confirm: undefined, notice: {text: 'cancelled', tone: 'info'}}
    case 'quit':
      return {...state, quit: true}
  }
}

/** The first 8 characters of a message id, for prompts. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id
}

function removeIds(state: WatchState, ids: readonly string[]): WatchState {
  if (ids.length === 0) return state
  const drop = new Set(ids)
  const records = state.records.filter((r) => !drop.has(r.messageId))
  const removed = state.records.length - records.length
  if (removed === 0) return state
  const next = refilter(state, records, state.filter)
  // The message being read went away (redriven, deleted, expired): back to the list.
  const lost = state.selectedId !== undefined && drop.has(state.selectedId)
  const mode = next.mode === 'detail' && (lost || !selectedRecord(next)) ? 'list' : next.mode
  return {...next, mode}
}

/**
 * Update `staleSeconds` for the time `now`: stale once a read failed or none succeeded for
 * `staleAfterMs`. The same state comes back when nothing visible changes (no re-render). While an
 * action is busy the feed is paused, so the clock restarts instead.
 */
function withStaleness(state: WatchState, now: number): WatchState {
  // While an action works on the messages the feed is paused on purpose: that is not staleness.
  if (state.busy)
    return state.staleSeconds === undefined && state.lastReadAt >= now
      ? state
      : {...state, lastReadAt: now, staleSeconds: undefined}
  const age = Math.max(0, now - state.lastReadAt)
  const stale = state.feedError !== undefined || age >= state.staleAfterMs
  const staleSeconds = stale ? Math.floor(age / 1000) : undefined
  return staleSeconds === state.staleSeconds ? state : {...state, staleSeconds}
}

/** The reducer: the next state for an intent or event. Pure. */
export function reduce(state: WatchState, event: WatchEvent): WatchState {
  switch (event.type) {
    case 'feed': {
      let next = state
      if (event.added.length > 0) {
        const known = new Set(state.records.map((r) => r.messageId))
        const fresh = event.added.filter((r) => !known.has(r.messageId))
        if (fresh.length > 0) next = refilter(next, mergeNewestFirst(next.records, fresh), next.filter)
      }
      next = removeIds(next, event.gone)
      // The record being read stays: the feed holds it (FeedSource.hold), but an update trimmed just
      // before the selection reached the feed may still name it. It is still in the queue.
      if (event.evicted && event.evicted.length > 0) {
        next = removeIds(
          next,
          event.evicted.filter((id) => id !== next.selectedId),
        )
      }
      return {
        ...next,
        depth: event.depth ?? next.depth,
        arrivalsPerSecond: event.arrivalsPerSecond ?? next.arrivalsPerSecond,
        gone: event.goneTotal ?? next.gone + event.gone.length,
        loaded: next.loaded || event.loaded === true,
        stats: event.stats ?? next.stats,
        feedError: undefined,
        ...(event.readAt === undefined ? {} : {lastReadAt: event.readAt, staleSeconds: undefined}),
      }
    }
    case 'feedError': {
      const next = {...state, feedError: event.message}
      return event.at === undefined ? next : withStaleness(next, event.at)
    }
    case 'tick':
      return withStaleness(expireOutcome(state, event.now), event.now)
    case 'resize': {
      const pageSize = pageSizeFor(event.rows)
      if (pageSize === state.pageSize && event.columns === state.columns) return state
      return scrollTo({...state, pageSize, columns: event.columns}, state.cursor)
    }
    case 'effectStarted':
      if (event.seq !== state.effectSeq || !state.effect) return state
      return {...state, effect: undefined, busy: true, suspended: state.effect.kind === 'editRedrive'}
    case 'redriveProgress':
      return {...state, redrive: event.progress}
    case 'removed':
      return removeIds(state, event.messageIds)
    case 'notice':
      return {...state, notice: {text: event.text, tone: event.tone}}
    case 'edited':
      return {
        ...state,
        busy: false,
        suspended: false,
        mode: 'confirm',
        returnMode: state.mode === 'detail' ? 'detail' : 'list',
        confirm: {
          question: `Redrive the edited event (${event.summary})?`,
          effect: {kind: 'redrive', records: [event.record], edits: event.edits},
        },
      }
    case 'traced':
      if (state.trace?.eventId !== event.eventId) return state
      return {...state, trace: {eventId: event.eventId, journey: event.journey}}
    case 'effectDone':
      return {
        ...state,
        // A trace that couldn't be read closes its pane; the notice says why.
        ...(state.mode === 'trace' && state.trace?.journey === undefined
          ? {mode: state.returnMode, trace: undefined}
          : {}),
        busy: false,
        suspended: false,
        notice: event.text === undefined ? state.notice : {text: event.text, tone: event.tone ?? 'info'},
      }
    default:
      return onIntent(clearOutcome(state), event)
  }
}

/** A finished outcome is showing: a notice, or a redrive that is no longer running. */
function showsOutcome(state: WatchState): boolean {
  return state.notice !== undefined || (state.redrive !== undefined && state.redrive.state !== 'running')
}

/** Clear the outcome once it has been on screen long enough (never while an action runs). */
function expireOutcome(state: WatchState, now: number): WatchState {
  if (state.busy || !showsOutcome(state))
    return state.outcomeSince === undefined ? state : {...state, outcomeSince: undefined}
  if (state.outcomeSince === undefined) return {...state, outcomeSince: now}
  if (now - state.outcomeSince < OUTCOME_SHOWN_MS) return state
  return clearOutcome(state)
}

/** A key was pressed: the last outcome has been read. */
function clearOutcome(state: WatchState): WatchState {
  if (state.busy || !showsOutcome(state)) return state
  return {
    ...state,
    notice: undefined,
    redrive: state.redrive?.state === 'running' ? state.redrive : undefined,
    outcomeSince: undefined,
  }
}
