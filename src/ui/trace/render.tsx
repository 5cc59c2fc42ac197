/**
 * Mount the live trace timeline on a terminal. Loaded with a dynamic import only on an interactive
 * terminal, so non-TTY runs never load Ink or React.
 */
import {render} from 'ink'
import {useEffect, useState} from 'react'

import type {EventJourney} from '../../core/event-journey.js'
import type {TraceEnd} from '../../services/trace.js'
import {createTheme} from '../theme.js'
import {TraceTimeline} from './TraceTimeline.js'

/** A running timeline. */
export interface TraceViewHandle {
  update(journey: EventJourney): void
  /** Draw the final frame (how the trace ended) and unmount. */
  finish(end: TraceEnd, journey: EventJourney): Promise<void>
  /** Unmount as it is (the lookup failed; the error is printed next). */
  stop(): Promise<void>
}

interface ViewState {
  journey: EventJourney | undefined
  end: TraceEnd | undefined
}

interface Store {
  state: ViewState
  listener?: (state: ViewState) => void
}

interface Options {
  eventId: string
  source: string
  following: boolean
  timeoutMs: number | undefined
  color: boolean
  /** Where to draw: stdout for `trace`, stderr for `put --wait --trace` (stdout keeps the put result). */
  stream?: NodeJS.WriteStream
}

function Live({store, options, startedAt}: {store: Store; options: Options; startedAt: number}) {
  const [state, setState] = useState(store.state)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    store.listener = setState
    const timer = options.following ? setInterval(() => setNow(Date.now()), 1000) : undefined
    return () => {
      if (timer) clearInterval(timer)
      delete store.listener
    }
  }, [store, options.following])
  const stream = options.stream ?? process.stdout
  return (
    <TraceTimeline
      eventId={options.eventId}
      journey={state.journey}
      source={options.source}
      following={options.following}
      elapsedMs={now - startedAt}
      timeoutMs={options.timeoutMs}
      end={state.end}
      width={stream.columns ?? 100}
      theme={createTheme(options.color)}
    />
  )
}

/** Start the timeline; feed it journeys with `update`, end it with `finish`. */
export function startTraceView(options: Options): TraceViewHandle {
  const store: Store = {state: {journey: undefined, end: undefined}}
  const instance = render(<Live store={store} options={options} startedAt={Date.now()} />, {
    stdout: options.stream ?? process.stdout,
    patchConsole: false,
    exitOnCtrlC: false,
  })
  const set = (state: ViewState) => {
    store.state = state
    store.listener?.(state)
  }
  return {
    update(journey) {
      set({...store.state, journey})
    },
    async finish(end, journey) {
      set({journey, end})
      // Let React draw the final frame before unmounting.
      await new Promise((resolve) => setTimeout(resolve, 20))
      instance.unmount()
      await instance.waitUntilExit()
    },
    async stop() {
      instance.unmount()
      await instance.waitUntilExit()
    },
  }
}
