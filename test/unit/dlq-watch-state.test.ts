import {describe, expect, it} from 'vitest'

import {intentForKey, type KeyInfo} from '../../src/ui/dlq/keys.js'
import {
  initialState,
  OUTCOME_SHOWN_MS,
  reduce,
  selectedRecord,
  type WatchEvent,
  type WatchState,
} from '../../src/ui/dlq/state.js'
import {parseFilter, recordMatcher} from '../../src/ui/dlq/filter.js'
import {record, records} from './dlq-watch-fixtures.js'

function run(state: WatchState, ...events: WatchEvent[]): WatchState {
  return events.reduce(reduce, state)
}

function loaded(count: number, rows = 20): WatchState {
  return run(initialState('dlq', {rows, columns: 80}), {type: 'feed', added: records(count), gone: [], loaded: true})
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

describe('dlq watch reducer', () => {
  it('starts empty and not loaded', () => {
    const state = initialState('dlq')
    expect(state.matching).toEqual([])
    expect(state.loaded).toBe(false)
    expect(selectedRecord(state)).toBeUndefined()
    // Moving, opening and deleting with nothing selected change nothing.
    expect(run(state, {type: 'moveDown'}, {type: 'openDetail'}, {type: 'delete'})).toMatchObject({
      mode: 'list',
      cursor: 0,
    })
  })

  it('orders records newest first and keeps the selection across updates', () => {
    // Given 10 records, the cursor on the third newest
    let state = run(loaded(10), {type: 'moveDown'}, {type: 'moveDown'})
    expect(state.matching[0]?.messageId).toBe('msg-000009')
    expect(selectedRecord(state)?.messageId).toBe('msg-000007')
    // When newer messages arrive
    state = run(state, {type: 'feed', added: records(3, 10), gone: []})
    // Then the same message stays selected, three rows further down
    expect(state.cursor).toBe(5)
    expect(selectedRecord(state)?.messageId).toBe('msg-000007')
    // And a duplicate delivery is ignored
    expect(run(state, {type: 'feed', added: records(3, 10), gone: []}).records).toHaveLength(13)
  })

  it('moves, pages and scrolls within bounds', () => {
    const state = loaded(100, 20) // pageSize = 20 - 9 = 11
    expect(state.pageSize).toBe(11)
    expect(run(state, {type: 'moveUp'}).cursor).toBe(0)
    const paged = run(state, {type: 'pageDown'})
    expect(paged).toMatchObject({cursor: 11, top: 11})
    expect(run(paged, {type: 'pageUp'})).toMatchObject({cursor: 0, top: 0})
    const end = run(state, {type: 'end'})
    expect(end).toMatchObject({cursor: 99, top: 89})
    expect(run(end, {type: 'moveDown'}).cursor).toBe(99)
    expect(run(end, {type: 'home'})).toMatchObject({cursor: 0, top: 0})
    // Scrolling follows the cursor one row at a time
    const twelve = run(state, ...Array.from({length: 12}, (): WatchEvent => ({type: 'moveDown'})))
    expect(twelve).toMatchObject({cursor: 12, top: 2})
  })

  it('opens and closes the detail; a message that goes away closes it', () => {
    let state = run(loaded(3), {type: 'openDetail'})
    expect(state.mode).toBe('detail')
    state = run(state, {type: 'feed', added: [], gone: [selectedRecord(state)?.messageId ?? '']})
    expect(state.mode).toBe('list')
    expect(state.records).toHaveLength(2)
    expect(state.gone).toBe(1)
  })

  it('edits, applies and clears a filter; the summary follows it', () => {
    let state = run(loaded(20), {type: 'filterEdit'})
    for (const ch of 'reason:timeoux') state = reduce(state, {type: 'filterInput', text: ch})
    state = run(state, {type: 'filterBackspace'}, {type: 'filterInput', text: 't'})
    expect(state.filterDraft).toBe('reason:timeout')
    expect(state.matching).toHaveLength(20) // not applied yet
    state = run(state, {type: 'filterApply'})
    expect(state.mode).toBe('list')
    expect(state.matching).toHaveLength(4) // 0, 5, 10, 15
    expect(state.summary).toEqual([{reason: 'timeout', count: 4}])
    expect(run(state, {type: 'filterClear'}).matching).toHaveLength(20)
    // Esc while typing keeps the old filter
    expect(run(state, {type: 'filterEdit'}, {type: 'filterInput', text: 'x'}, {type: 'filterCancel'}).filter).toBe(
      'reason:timeout',
    )
    // An unknown field is a warning, not an error
    expect(
      run(state, {type: 'filterEdit'}, {type: 'filterInput', text: ' colour:red'}, {type: 'filterApply'}).filterWarning,
    ).toMatch(/colour/)
  })

  it('r on a reason that needs a fix (cache-not-found) asks first and says why', () => {
    // Given 3 fixtures: the newest (index 2) is cache-not-found
    let state = run(loaded(3), {type: 'redriveSelected'})
    expect(selectedRecord(state)?.reason).toBe('cache-not-found')
    expect(state.effect).toBeUndefined()
    expect(state.mode).toBe('confirm')
    expect(state.confirm?.question).toBe(
      'cache-not-found needs a fix first (Enter shows it); unfixed it comes back. Redrive?',
    )
    // Declining sends nothing; accepting sends it.
    expect(run(state, {type: 'confirmNo'})).toMatchObject({effect: undefined, notice: {text: 'cancelled'}})
    state = run(state, {type: 'confirmYes'})
    expect(state.effect).toMatchObject({kind: 'redrive'})
    // R on timeouts only: no warning in the question.
    const timeouts = run(
      loaded(10),
      {type: 'filterEdit'},
      {type: 'filterInput', text: 'reason:timeout'},
      {type: 'filterApply'},
    )
    expect(run(timeouts, {type: 'redriveAll'}).confirm?.question).toMatch(/^Redrive \d+ messages? matching/)
  })

  it('asks before redriving everything that matches, then requests the effect once', () => {
    let state = run(loaded(10), {type: 'redriveAll'})
    expect(state.mode).toBe('confirm')
    // 7 of them are cache-not-found: the question says they need a fix first (issue 13).
    expect(state.confirm?.question).toBe('Redrive 10 messages? 7 need a fix first (cache-not-found)')
    expect(state.effect).toBeUndefined()
    state = run(state, {type: 'confirmYes'})
    expect(state.mode).toBe('list')
    expect(state.effect).toMatchObject({kind: 'redrive'})
    expect(state.effect?.kind === 'redrive' && state.effect.records).toHaveLength(10)
    const seq = state.effectSeq
    state = run(state, {type: 'effectStarted', seq})
    expect(state).toMatchObject({effect: undefined, busy: true})
    // While busy, another action is refused with a notice
    expect(run(state, {type: 'redriveSelected'}).notice?.text).toMatch(/busy/)
    state = run(
      state,
      {type: 'redriveProgress', progress: {total: 10, sent: 10, failed: 0, skipped: 0, state: 'done'}},
      {type: 'effectDone', text: 'redrove 10 messages', tone: 'ok'},
    )
    expect(state.busy).toBe(false)
  })

  it('redrives the selected message without asking when no fix is needed, but never a body that is not an event', () => {
    // The newest of 8 fixtures (index 7) is rate-limited: nothing to fix, so no question.
    expect(run(loaded(8), {type: 'redriveSelected'}).effect).toMatchObject({kind: 'redrive'})
    const notEvent = run(initialState('dlq'), {type: 'feed', added: [record(1, 'not-event')], gone: []})
    expect(run(notEvent, {type: 'redriveSelected'})).toMatchObject({effect: undefined, notice: {tone: 'warn'}})
    expect(run(notEvent, {type: 'editRedrive'}).effect).toBeUndefined()
    expect(run(loaded(3), {type: 'editRedrive'}).effect).toMatchObject({kind: 'editRedrive'})
  })

  it('hands the terminal to the editor, then asks before redriving the edit', () => {
    let state = run(loaded(3), {type: 'editRedrive'})
    state = run(state, {type: 'effectStarted', seq: state.effectSeq})
    expect(state).toMatchObject({suspended: true, busy: true})
    const edits = new Map([['msg-000002', {cacheName: 'orders'}]])
    state = run(state, {type: 'edited', record: record(2), summary: 'cacheName: "carts" → "orders"', edits})
    expect(state).toMatchObject({suspended: false, busy: false, mode: 'confirm'})
    expect(state.confirm?.question).toBe('Redrive the edited event (cacheName: "carts" → "orders")?')
    state = run(state, {type: 'confirmYes'})
    expect(state.effect).toMatchObject({kind: 'redrive', edits})
    // A cancelled edit gives the terminal back too
    const cancelled = run(
      loaded(1),
      {type: 'editRedrive'},
      {type: 'effectStarted', seq: 1},
      {type: 'effectDone', text: 'x'},
    )
    expect(cancelled).toMatchObject({suspended: false, busy: false, mode: 'list'})
  })

  it('asks before deleting; n cancels', () => {
    const asked = run(loaded(3), {type: 'moveDown'}, {type: 'openDetail'}, {type: 'delete'})
    expect(asked.mode).toBe('confirm')
    expect(asked.confirm?.question).toMatch(/^Delete message msg-0000 \(cache-not-found\)/)
    const cancelled = run(asked, {type: 'confirmNo'})
    expect(cancelled).toMatchObject({mode: 'detail', effect: undefined, notice: {text: 'cancelled'}})
    const confirmed = run(asked, {type: 'confirmYes'})
    expect(confirmed.effect).toMatchObject({kind: 'delete'})
    expect(run(confirmed, {type: 'removed', messageIds: ['msg-000001']}).records).toHaveLength(2)
  })

  it('exports what matches, opens and closes help, and quits', () => {
    // x asks where first: Enter with nothing typed takes the suggested new file, a typed path is passed on.
    expect(run(loaded(4), {type: 'export'})).toMatchObject({mode: 'export', effect: undefined})
    expect(run(loaded(4), {type: 'export'}, {type: 'exportApply'}).effect).toMatchObject({
      kind: 'export',
      path: undefined,
    })
    const typed = run(loaded(4), {type: 'export'}, {type: 'exportInput', text: '~/out.ndjson'}, {type: 'exportApply'})
    expect(typed.effect).toMatchObject({kind: 'export', path: '~/out.ndjson'})
    expect(typed.mode).toBe('list')
    expect(run(initialState('dlq'), {type: 'export'}).notice?.text).toBe('nothing to export')
    const help = run(loaded(4), {type: 'openDetail'}, {type: 'help'})
    expect(help.mode).toBe('help')
    expect(run(help, {type: 'closeHelp'}).mode).toBe('detail')
    expect(run(loaded(1), {type: 'quit'}).quit).toBe(true)
  })

  it('follows a terminal resize', () => {
    const state = run(loaded(50, 40), {type: 'end'}, {type: 'resize', rows: 20, columns: 100})
    expect(state).toMatchObject({pageSize: 11, columns: 100, cursor: 49, top: 39})
  })
})

describe('dlq watch keys', () => {
  const key = (over: Partial<KeyInfo>): KeyInfo => ({...NO_KEY, ...over})
  it.each([
    ['j', {}, 'list', 'moveDown'],
    ['', {downArrow: true}, 'list', 'moveDown'],
    ['k', {}, 'detail', 'moveUp'],
    ['', {pageDown: true}, 'list', 'pageDown'],
    ['G', {}, 'list', 'end'],
    ['g', {}, 'list', 'home'],
    ['', {return: true}, 'list', 'openDetail'],
    ['', {return: true}, 'detail', 'closeDetail'],
    ['', {escape: true}, 'detail', 'closeDetail'],
    ['', {escape: true}, 'list', 'filterClear'],
    ['/', {}, 'list', 'filterEdit'],
    ['r', {}, 'list', 'redriveSelected'],
    ['R', {}, 'list', 'redriveAll'],
    ['e', {}, 'detail', 'editRedrive'],
    ['d', {}, 'list', 'delete'],
    ['x', {}, 'list', 'export'],
    ['?', {}, 'list', 'help'],
    ['q', {}, 'list', 'quit'],
    ['c', {ctrl: true}, 'filter', 'quit'],
    ['q', {}, 'filter', 'filterInput'],
    ['', {return: true}, 'filter', 'filterApply'],
    ['', {escape: true}, 'filter', 'filterCancel'],
    ['y', {}, 'confirm', 'confirmYes'],
    ['', {return: true}, 'confirm', 'confirmNo'],
    ['q', {}, 'help', 'closeHelp'],
  ] as const)('%j %j in %s → %s', (input, over, mode, type) => {
    expect(intentForKey(input, key(over), mode)?.type).toBe(type)
  })

  it('ignores unmapped keys and control characters in the filter', () => {
    expect(intentForKey('z', NO_KEY, 'list')).toBeUndefined()
    expect(intentForKey('\u0007', NO_KEY, 'filter')).toBeUndefined()
    expect(intentForKey('x', NO_KEY, 'confirm')).toBeUndefined()
  })
})

describe('dlq watch filter', () => {
  it.each([
    ['', 20],
    ['reason:timeout', 4],
    ['reason:cache', 14],
    ['cache:orders', 10],
    ['status:404', 14],
    ['code:timeout', 4],
    ['order-1', 11],
    ['cache:orders status:429', 1],
    ['key:order-7 type:cacheSet', 1],
  ])('%j keeps %i of 20', (text, expected) => {
    expect(records(20).filter(recordMatcher(parseFilter(text)))).toHaveLength(expected)
  })
})

describe('staleness', () => {
  const start = () => initialState('dlq', {rows: 20, columns: 80}, {now: 0, staleAfterMs: 6_000})

  it('is fresh until staleAfterMs passes without a good read, and the same state comes back meanwhile', () => {
    const state = start()
    expect(reduce(state, {type: 'tick', now: 5_999})).toBe(state)
    expect(reduce(state, {type: 'tick', now: 6_000}).staleSeconds).toBe(6)
    const read = run(state, {type: 'feed', added: [], gone: [], readAt: 10_000}, {type: 'tick', now: 15_000})
    expect(read.staleSeconds).toBeUndefined()
    expect(run(read, {type: 'tick', now: 16_500}).staleSeconds).toBe(6)
  })

  it('is stale at once after a failed read, and a feed update without readAt does not refresh it', () => {
    const state = run(
      start(),
      {type: 'feed', added: [], gone: [], readAt: 1_000},
      {type: 'feed', added: [], gone: []},
      {type: 'feedError', message: 'No answer', at: 3_500},
    )
    expect(state.staleSeconds).toBe(2)
    expect(state.lastReadAt).toBe(1_000)
  })

  it('is never stale while an action holds the feed paused', () => {
    const busy = {...start(), busy: true}
    const ticked = run(busy, {type: 'tick', now: 60_000})
    expect(ticked.staleSeconds).toBeUndefined()
    expect(run({...ticked, busy: false}, {type: 'tick', now: 61_000}).staleSeconds).toBeUndefined()
  })
})

describe('outcomes clear', () => {
  const done = (s: WatchState): WatchState =>
    run(
      s,
      {type: 'redriveProgress', progress: {total: 1, sent: 1, failed: 0, skipped: 0, state: 'done'}},
      {type: 'effectDone', text: 'deleted 1 message', tone: 'ok'},
    )

  it('after a few seconds on the clock: "OK deleted 1 message" and "redrive DONE" go', () => {
    let s = done(loaded(3))
    s = run(s, {type: 'tick', now: 1_000}, {type: 'tick', now: 4_000})
    expect(s.notice?.text).toBe('deleted 1 message')
    expect(s.redrive?.state).toBe('done')
    s = run(s, {type: 'tick', now: 1_000 + OUTCOME_SHOWN_MS})
    expect(s.notice).toBeUndefined()
    expect(s.redrive).toBeUndefined()
  })

  it('at the next key', () => {
    const s = run(done(loaded(3)), {type: 'moveDown'})
    expect(s.notice).toBeUndefined()
    expect(s.redrive).toBeUndefined()
    expect(s.cursor).toBe(1)
  })

  it('never while the redrive is still running', () => {
    let s = run(loaded(3), {
      type: 'redriveProgress',
      progress: {total: 3, sent: 1, failed: 0, skipped: 0, state: 'running'},
    })
    s = run(s, {type: 'tick', now: 0}, {type: 'tick', now: 60_000}, {type: 'moveDown'})
    expect(s.redrive?.state).toBe('running')
  })
})

describe('the window of a huge queue', () => {
  it('does not drop the selected (or open) record when the feed trims it from its window', () => {
    let state = loaded(10)
    state = run(state, {type: 'end'}, {type: 'openDetail'})
    const reading = state.selectedId as string
    expect(state.mode).toBe('detail')
    // An update that trimmed the record just before the selection reached the feed.
    const other = state.records[0]?.messageId as string
    state = run(state, {type: 'feed', added: [], gone: [], evicted: [reading, other]})
    expect(state.mode).toBe('detail')
    expect(selectedRecord(state)?.messageId).toBe(reading)
    expect(state.records.map((r) => r.messageId)).not.toContain(other)
    // Gone for real (deleted elsewhere, found gone): it goes, and the pane closes.
    state = run(state, {type: 'feed', added: [], gone: [reading]})
    expect(state.mode).toBe('list')
    expect(state.records.map((r) => r.messageId)).not.toContain(reading)
  })
})
