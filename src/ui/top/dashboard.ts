/** `top` on a terminal: the Ink dashboard mounted over the service's feed, until it is left. */
import type {TopExit, TopFeed} from './TopApp.js'
import {untilExit} from '../until-exit.js'

/** Mount the dashboard; resolves with how it was left (`q` or `signal`: quit; `d`: dlq-watch). */
export async function runTopDashboard(
  feed: TopFeed,
  options: {title: string; color: boolean; ascii: boolean},
  signal: AbortSignal,
): Promise<TopExit> {
  // React's production build: bin/run.js sets NODE_ENV before anything loads.
  const [{render}, {createElement}, {TopApp}, {createTheme}, {asciiFromEnv}] = await Promise.all([
    import('ink'),
    import('react'),
    import('./TopApp.js'),
    import('../theme.js'),
    import('./lines.js'),
  ])
  const ended: {how: TopExit} = {how: 'quit'}
  const instance = render(
    createElement(TopApp, {
      feed,
      theme: createTheme(options.color),
      title: options.title,
      ascii: options.ascii || asciiFromEnv(process.env),
      onExit: (h) => (ended.how = h),
    }),
    {exitOnCtrlC: false, maxFps: 30},
  )
  await untilExit(instance, signal)
  return ended.how
}
