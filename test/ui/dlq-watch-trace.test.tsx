/**
 * The `t` key of `dlq watch`: the selected message's event traced in the bus logs, shown in place
 * of the list, closed with t/Esc; a stack without logs says so in the status line.
 */
import {render} from 'ink-testing-library'
import {afterEach, describe, expect, it, vi} from 'vitest'

import type {DlqRecord} from '../../src/core/dlq.js'
import {buildJourney} from '../../src/core/event-journey.js'
import type {WatchActions} from '../../src/core/dlq-watch-actions.js'
import type {FeedSource} from '../../src/ui/dlq/hooks/use-feed.js'
import {intentForKey} from '../../src/ui/dlq/keys.js'
import {WatchApp} from '../../src/ui/dlq/WatchApp.js'
import {createTheme} from '../../src/ui/theme.js'
import {cacheNotFoundStory, EVENT_ID} from '../unit/bus-log-fixtures.js'
import {record} from '../unit/dlq-watch-fixtures.js'

const SIZE = {rows: 24, columns: 80}
const ESC = '\u001B'

/** One message whose event id is the fixtures' traced event. */
function tracedRecord(): DlqRecord {
  const r = record(0)
  return {...r, event: {...(r.event as NonNullable<DlqRecord['event']>), id: EVENT_ID}}
}

function feedOf(records: DlqRecord[]): FeedSource {
  return {
    async *updates(signal) {
      yield {
        added: records,
        gone: [],
        depth: {visible: records.length, inFlight: 0},
        arrivalsPerSecond: 0,
        goneTotal: 0,
        loaded: true,
        known: records.length,
      }
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
    },
  }
}

let unmount: (() => void) | undefined
afterEach(() => unmount?.())

function mount(trace: WatchActions['trace']) {
  const actions: WatchActions = {
    delete: vi.fn(async () => []),
    export: vi.fn(async () => 'x.ndjson'),
    forget: vi.fn(),
    ...(trace ? {trace} : {}),
  }
  const app = render(
    <WatchApp
      queue="momento-dlq"
      feed={feedOf([tracedRecord()])}
      actions={actions}
      theme={createTheme(false)}
      size={SIZE}
    />,
  )
  unmount = app.unmount
  const frame = () => app.lastFrame() ?? ''
  const waitFor = async (predicate: (f: string) => boolean, what: string) => {
    const deadline = Date.now() + 3000
    while (!predicate(frame())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return frame()
  }
  return {app, frame, waitFor}
}

describe('dlq watch: t traces the selected message', () => {
  it('maps t to trace in the list and detail, and t/Esc/q back in the trace pane', () => {
    const key = {} as Parameters<typeof intentForKey>[1]
    expect(intentForKey('t', key, 'list')).toEqual({type: 'trace'})
    expect(intentForKey('t', key, 'detail')).toEqual({type: 'trace'})
    expect(intentForKey('t', key, 'trace')).toEqual({type: 'closeTrace'})
    expect(intentForKey('q', key, 'trace')).toEqual({type: 'closeTrace'})
    expect(intentForKey('', {...key, escape: true}, 'trace')).toEqual({type: 'closeTrace'})
  })

  it('shows the journey in place of the list, fitting the screen, then goes back', async () => {
    const trace = vi.fn(async () => buildJourney(EVENT_ID, cacheNotFoundStory(), {level: 'TRACE'}))
    const {app, waitFor} = mount(trace)
    await waitFor((f) => f.includes('order-0') && f.includes('t trace'), 'list with the t key in the footer')
    app.stdin.write('t')
    const frame = await waitFor((f) => f.includes('DEAD-LETTERED'), 'trace pane')
    expect(trace).toHaveBeenCalledWith(expect.objectContaining({messageId: tracedRecord().messageId}), EVENT_ID)
    expect(frame).toContain(`Event ${EVENT_ID}: DEAD-LETTERED`)
    expect(frame).toMatch(/Attempt 1 \(FIRST\) failed \(not retried\): HTTP 404/)
    expect(frame).toContain('t / Esc / q back to the list')
    const lines = frame.split('\n')
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(SIZE.columns)
    expect(lines.length).toBeLessThanOrEqual(SIZE.rows)
    app.stdin.write(ESC)
    await waitFor((f) => !f.includes('DEAD-LETTERED') && f.includes('t trace'), 'back to the list')
  })

  it('says why when the stack has no logs, and stays on the list', async () => {
    const trace = vi.fn(async () => {
      throw new Error(
        'Stack momento-api has no event-bus logs (no BusLogGroupName output), so there is nothing to trace. Turn them on with `momento-eb deploy --logs error`.',
      )
    })
    const {app, waitFor} = mount(trace)
    await waitFor((f) => f.includes('order-0'), 'list')
    app.stdin.write('t')
    const frame = await waitFor((f) => f.includes('ERROR Stack momento-api has no event-bus logs'), 'error notice')
    expect(frame).toContain('↑↓ move')
  })
})
