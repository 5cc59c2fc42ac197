/**
 * `dlq watch` on a terminal: the first poll drawn as plain text while Ink, React and the view load,
 * then the full-screen view on the alternate screen until q, Ctrl-C, SIGTERM or a fatal feed error.
 */
import type {DlqWatchFeed} from '../../services/dlq-watch.js'
import {enterAlternateScreen} from '../alternate-screen.js'
import type {WatchActions} from '../../core/dlq-watch-actions.js'
import {firstFrameLines} from './first-frame.js'
import type {FeedSource, FeedUpdate} from './hooks/use-feed.js'
import {untilExit} from '../until-exit.js'

/** How long the view's modules wait for the first poll before they load anyway. */
const FIRST_POLL_WAIT_MS = 1_500

/** Cursor to the top left, screen cleared. */
const HOME_AND_CLEAR = '\u001B[H\u001B[2J'

export interface WatchScreenOptions {
  /** The queue's name as the header shows it. */
  queueName: string
  feed: Pick<DlqWatchFeed, 'hold'>
  /** The feed's updates, started before the view listens (services/dlq-watch-run.ts `startEarly`). */
  early: {updates: FeedSource['updates']; first: Promise<FeedUpdate | undefined>}
  actions: WatchActions
  color: boolean
  /** Stale once this long went by without a read. */
  staleAfterMs: number
  quitLabel?: string | undefined
  signal: AbortSignal
}

/** Draw the first poll, load and mount the view, and wait until it exits. One root owns exit(). */
export async function watchInTerminal(options: WatchScreenOptions): Promise<void> {
  const {early, signal} = options
  // The view draws on the alternate screen: after q, Ctrl-C, SIGTERM or a fatal error the shell's
  // screen comes back as it was, without the last frame in the scrollback.
  const leaveScreen = enterAlternateScreen(process.stdout)
  try {
    // The view's modules (Ink, React, Yoga: a second of CPU on a busy machine) load after the first
    // poll, not during it: on one thread they would only delay it. The first poll is drawn as plain
    // text meanwhile. A first poll that hangs (a network timeout) does not hold the view back long.
    let timer: NodeJS.Timeout | undefined
    const first = await Promise.race([
      early.first,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), FIRST_POLL_WAIT_MS))),
    ])
    clearTimeout(timer)
    if (signal.aborted) return
    const ui = loadWatchUi()
    ui.catch(() => undefined)
    const lines =
      first === undefined
        ? undefined
        : firstFrameLines(options.queueName, first, Math.min(160, process.stdout.columns || 80), Date.now())
    if (lines) process.stdout.write(`${HOME_AND_CLEAR}${lines.join('\n')}`)
    const modules = await ui
    // Ctrl-C while the view loaded (the terminal is not in raw mode yet, so it is a SIGINT): done.
    if (signal.aborted) return
    // The view draws from the top of a clear screen, as when nothing came before it.
    if (lines) process.stdout.write(HOME_AND_CLEAR)
    await mountView(modules, options)
  } finally {
    leaveScreen()
  }
}

/** Mount the Ink view on the alternate screen (already entered) and wait until it exits. */
async function mountView(
  [{render}, {createElement}, {WatchApp}, {createTheme}]: WatchUi,
  options: WatchScreenOptions,
): Promise<void> {
  const {feed, signal} = options
  const source: FeedSource = {updates: options.early.updates, hold: (ids) => feed.hold(ids)}
  const instance = render(
    createElement(WatchApp, {
      queue: options.queueName,
      feed: source,
      actions: options.actions,
      theme: createTheme(options.color),
      staleAfterMs: options.staleAfterMs,
      quitLabel: options.quitLabel,
    }),
    {exitOnCtrlC: false, maxFps: 60},
  )
  await untilExit(instance, signal)
}

/**
 * Ink and React load only for the terminal view: non-TTY runs and other commands never pay for them.
 * Which React build loads is bin/run.js's to decide (NODE_ENV=production unless the operator set it):
 * the development build records a performance measure for every render, which with 10,000 records
 * grew the process past 1.5 GB and slowed reading 5×.
 */
type WatchUi = Awaited<ReturnType<typeof loadWatchUi>>

function loadWatchUi() {
  return Promise.all([import('ink'), import('react'), import('./WatchApp.js'), import('../theme.js')])
}
