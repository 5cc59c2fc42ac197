import {useApp, useInput, useStdin, useStdout} from 'ink'
import {useCallback, useEffect, useReducer, useRef, type ReactElement} from 'react'

import type {Theme} from '../theme.js'
import type {WatchActions} from '../../core/dlq-watch-actions.js'
import {useEffectRunner} from './hooks/use-effect-runner.js'
import {useFeed, type FeedSource} from './hooks/use-feed.js'
import {intentForKey, splitKeys} from './keys.js'
import {DEFAULT_STALE_AFTER_MS, initialState, reduce, type WatchState} from './state.js'
import {WatchView} from './WatchView.js'

/** Props of {@link WatchApp}. */
export interface WatchAppProps {
  readonly queue: string
  readonly feed: FeedSource
  readonly actions: WatchActions
  readonly theme: Theme
  /** Pin the size (tests); otherwise the terminal's, following resizes. */
  readonly size?: {readonly rows: number; readonly columns: number} | undefined
  /** Called after every state change (benchmarks and tests observe the state). */
  readonly onState?: ((state: WatchState) => void) | undefined
  /**
   * How long without a good read before the status line says how old the data is (default
   * {@link DEFAULT_STALE_AFTER_MS}; the command passes a few sweep intervals).
   */
  readonly staleAfterMs?: number | undefined
  /** The clock and how often the view checks it (tests). Default Date.now, every second. */
  readonly now?: (() => number) | undefined
  readonly tickMs?: number | undefined
  /** What q does, when not just quitting (the demo: "continue the demo"). */
  readonly quitLabel?: string | undefined
}

const MAX_COLUMNS = 160

function terminalSize(stdout: NodeJS.WriteStream): {rows: number; columns: number} {
  return {rows: stdout.rows || 24, columns: Math.min(MAX_COLUMNS, stdout.columns || 80)}
}

/**
 * The root of `dlq watch`: owns the state, maps keys to intents, runs the feed and the effects,
 * follows terminal resizes, and is the only place that calls `exit()` (q, Ctrl-C, or a fatal feed
 * error, which the command then reports).
 */
export function WatchApp({
  queue,
  feed,
  actions,
  theme,
  size,
  onState,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
  now = Date.now,
  tickMs = 1_000,
  quitLabel,
}: WatchAppProps) {
  const {exit} = useApp()
  const {stdout} = useStdout()
  const {isRawModeSupported} = useStdin()
  const [state, dispatch] = useReducer(reduce, undefined, () =>
    initialState(queue, size ?? terminalSize(stdout), {now: now(), staleAfterMs}),
  )
  // The state the next key applies to: the rendered one, moved on by the keys already handled in
  // the same burst (each key of `jjj` or a pasted filter sees the mode the previous one left).
  const latest = useRef(state)
  latest.current = state

  useInput(
    (input, key) => {
      let current = latest.current
      for (const press of splitKeys(input, key)) {
        const intent = intentForKey(press.input, press.key, current.mode)
        if (!intent) continue
        current = reduce(current, intent)
        dispatch(intent)
      }
      latest.current = current
    },
    {isActive: isRawModeSupported === true && !state.suspended},
  )

  // Edit-then-redrive hands the terminal to $EDITOR: the runner waits until the commit that turned
  // input off (useInput's effect above runs before this one) before the editor starts.
  const released = useRef<{promise: Promise<void>; resolve: () => void} | undefined>(undefined)
  const terminalReleased = useCallback(() => {
    if (!released.current) {
      let resolve = () => {}
      const promise = new Promise<void>((r) => (resolve = r))
      released.current = {promise, resolve}
    }
    return released.current.promise
  }, [])
  useEffect(() => {
    if (state.suspended) {
      void terminalReleased()
      released.current?.resolve()
    } else released.current = undefined
  }, [state.suspended, terminalReleased])

  const onFatal = useCallback((error: Error) => exit(error), [exit])
  useFeed(feed, dispatch, onFatal, now)

  // The record being read stays in the feed's window (and keeps its latest receipt handle).
  useEffect(() => {
    feed.hold?.(state.selectedId === undefined ? [] : [state.selectedId])
  }, [feed, state.selectedId])

  // A read that stalls yields nothing at all: the clock, not the feed, shows how old the data is.
  useEffect(() => {
    const timer = setInterval(() => dispatch({type: 'tick', now: now()}), tickMs)
    return () => clearInterval(timer)
  }, [now, tickMs])
  useEffectRunner(state.effect, state.effectSeq, actions, dispatch, terminalReleased)

  useEffect(() => {
    if (size) return
    const onResize = () => dispatch({type: 'resize', ...terminalSize(stdout)})
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout, size])

  useEffect(() => {
    if (state.quit) exit()
  }, [state.quit, exit])

  useEffect(() => {
    onState?.(state)
  }, [state, onState])

  // While the editor owns the screen, keep rendering the same element so nothing is repainted.
  const frozen = useRef<ReactElement | undefined>(undefined)
  if (state.suspended && frozen.current) return frozen.current
  frozen.current = <WatchView state={state} theme={theme} quitLabel={quitLabel} />
  return frozen.current
}
