import {useApp, useInput, useStdin, useStdout} from 'ink'
import {useEffect, useRef, useState} from 'react'

import {nextWindow, type TopSnapshot, type TopWindowKey} from '../../core/top-model.js'
import type {Theme} from '../theme.js'
import {TopView} from './TopView.js'

/** What the dashboard reads: a stream of snapshots and a window switch (the top service). */
export interface TopFeed {
  readonly window: TopWindowKey
  setWindow(key: TopWindowKey): void
  snapshots(signal: AbortSignal): AsyncIterable<TopSnapshot>
}

/** How the dashboard ended: `quit` (q, Ctrl-C) or `dlq-watch` (d: the command runs `dlq watch` next). */
export type TopExit = 'quit' | 'dlq-watch'

export interface TopAppProps {
  readonly feed: TopFeed
  readonly theme: Theme
  readonly title: string
  readonly ascii?: boolean | undefined
  /** Pin the size (tests); otherwise the terminal's, following resizes. */
  readonly size?: {readonly rows: number; readonly columns: number} | undefined
  /** Called once, with how the dashboard ended, before it exits. */
  readonly onExit?: ((how: TopExit) => void) | undefined
  readonly now?: (() => number) | undefined
}

const MAX_COLUMNS = 160

function terminalSize(stdout: NodeJS.WriteStream): {rows: number; columns: number} {
  return {rows: stdout.rows || 24, columns: Math.min(MAX_COLUMNS, stdout.columns || 80)}
}

const WINDOW_KEYS: Readonly<Record<string, TopWindowKey>> = {'1': '5m', '2': '1h', '3': '24h'}

/**
 * The root of `top`: reads the feed until unmounted, maps keys (1/2/3 and w: window; d: hand off to
 * `dlq watch`; q, Ctrl-C: quit), follows terminal resizes. The only place that calls `exit()`.
 */
export function TopApp({feed, theme, title, ascii, size, onExit, now = Date.now}: TopAppProps) {
  const {exit} = useApp()
  const {stdout} = useStdout()
  const {isRawModeSupported} = useStdin()
  const [snapshot, setSnapshot] = useState<TopSnapshot | undefined>(undefined)
  const [dims, setDims] = useState(() => size ?? terminalSize(stdout))
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const [error, setError] = useState<Error | undefined>(undefined)
  const ended = useRef(false)

  const end = (how: TopExit) => {
    if (ended.current) return
    ended.current = true
    onExit?.(how)
    exit()
  }

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) return end('quit')
      if (input === 'd') {
        setNotice('Opening dlq watch…')
        return end('dlq-watch')
      }
      const chosen = WINDOW_KEYS[input] ?? (input === 'w' ? nextWindow(feed.window) : undefined)
      if (chosen && chosen !== feed.window) {
        feed.setWindow(chosen)
        setNotice(`Window: ${chosen}, refreshing…`)
      }
    },
    {isActive: isRawModeSupported === true},
  )

  useEffect(() => {
    const controller = new AbortController()
    void (async () => {
      try {
        for await (const next of feed.snapshots(controller.signal)) {
          if (controller.signal.aborted) return
          setSnapshot(next)
          setNotice(undefined)
        }
      } catch (e) {
        if (!controller.signal.aborted) setError(e instanceof Error ? e : new Error(String(e)))
      }
    })()
    return () => controller.abort()
  }, [feed])

  useEffect(() => {
    if (error) exit(error)
  }, [error, exit])

  useEffect(() => {
    if (size) return
    const onResize = () => setDims(terminalSize(stdout))
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout, size])

  return (
    <TopView
      snapshot={snapshot}
      width={dims.columns}
      // One row short of the terminal: Ink's last line must not scroll the frame.
      height={Math.max(4, dims.rows - 1)}
      theme={theme}
      ascii={ascii}
      notice={notice}
      nowMs={now()}
      title={title}
    />
  )
}
