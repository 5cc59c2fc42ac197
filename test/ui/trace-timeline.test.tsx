import {render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'

import {buildJourney} from '../../src/core/event-journey.js'
import {TraceTimeline, type TraceTimelineProps} from '../../src/ui/trace/TraceTimeline.js'
import {createTheme} from '../../src/ui/theme.js'
import {atLevel, cacheNotFoundStory, deliveredStory, EVENT_ID, serverErrorStory} from '../unit/bus-log-fixtures.js'

const WIDTH = 100
let unmount: (() => void) | undefined
afterEach(() => unmount?.())

function mount(overrides: Partial<TraceTimelineProps> = {}) {
  const props: TraceTimelineProps = {
    eventId: EVENT_ID,
    journey: undefined,
    source: 'log group /aws/vendedlogs/events/momento-api (stack momento-api), level TRACE',
    following: true,
    elapsedMs: 3000,
    timeoutMs: 120_000,
    end: undefined,
    width: WIDTH,
    theme: createTheme(false),
    ...overrides,
  }
  const app = render(<TraceTimeline {...props} />)
  unmount = app.unmount
  return {app, props, frame: () => app.lastFrame() ?? ''}
}

function expectFits(frame: string, columns = WIDTH) {
  for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(columns)
}

describe('trace timeline', () => {
  it('shows the header and "reading" before the first lookup, with the follow status', () => {
    const {frame} = mount()
    expect(frame()).toContain(`Trace of event ${EVENT_ID}`)
    expect(frame()).toContain('log group /aws/vendedlogs/events/momento-api')
    expect(frame()).toContain("reading the event bus's logs…")
    expect(frame()).toContain('following… 3.0 s of 2 min (Ctrl-C stops)')
  })

  it('draws each attempt with its time, offset, status, Momento message and the wait before the next', () => {
    const journey = buildJourney(EVENT_ID, serverErrorStory(), {level: 'TRACE'})
    const {frame} = mount({journey, following: false, end: 'final'})
    expect(frame()).toMatchInlineSnapshot(`
      "Trace of event 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a
      log group /aws/vendedlogs/events/momento-api (stack momento-api), level TRACE

      05:46:40.000     +0 ms  Accepted by the bus
      05:46:40.003     +3 ms  Matched rule momento-cacheSet
      05:46:40.004     +4 ms    Invocation of momento-cacheSet → api-destination momento-cache-set
      05:46:40.030    +30 ms      Attempt 1 (FIRST) failed (will retry): HTTP 500 Internal Server Error in
                                   20 ms; next attempt 1.0 s later
      05:46:41.050    +1.1 s      Attempt 2 (RETRY) failed (will retry): HTTP 500 Internal Server Error in
                                   20 ms; next attempt 2.0 s later
      05:46:43.070    +3.1 s      Attempt 3 (RETRY) failed (not retried): HTTP 500 Internal Server Error
                                  in 20 ms
      05:46:43.080    +3.1 s    Dead-lettered after 3 attempts: server-error (Momento server error (5xx))

      DEAD-LETTERED Dead-lettered after 3 attempts: server-error (Momento server error (5xx)).

      final state reached"
    `)
    expectFits(frame())
  })

  it('updates live as records arrive, and ends with the outcome', () => {
    const story = cacheNotFoundStory()
    const {app, props, frame} = mount({journey: buildJourney(EVENT_ID, story.slice(0, 5), {level: 'TRACE'})})
    expect(frame()).toContain('IN-FLIGHT')
    expect(frame()).toContain('No attempt logged yet')
    app.rerender(
      <TraceTimeline {...props} journey={buildJourney(EVENT_ID, story, {level: 'TRACE'})} elapsedMs={4000} />,
    )
    expect(frame()).toContain('DEAD-LETTERED')
    // Long steps wrap under their column: compare the words.
    expect(frame().replace(/\s+/g, ' ')).toContain(
      'failed (not retried): HTTP 404 Not Found — Cache momento-missing not found',
    )
    expect(frame()).toContain('cache-not-found (cache not found (404))')
    expect(frame()).toContain('following… 4.0 s')
  })

  it('at ERROR level with no record, says absence proves nothing and how to see deliveries', () => {
    const journey = buildJourney(EVENT_ID, atLevel(deliveredStory(), 'ERROR'), {level: 'ERROR'})
    const {frame} = mount({journey, following: true, end: 'timed-out', width: 80})
    expect(frame()).toContain('NO RECORD No failure logged; at ERROR level a delivered event leaves no record.')
    expect(frame()).toContain('--logs info')
    expect(frame()).toContain('not final when --timeout ran out (exit 8)')
    expectFits(frame(), 80)
  })
})
