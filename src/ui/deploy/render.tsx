/**
 * Mount the live progress view on stderr. Loaded with a dynamic import only on an interactive
 * terminal, so non-TTY runs never load Ink or React.
 */
import {render} from 'ink'
import {useEffect, useState} from 'react'

import type {StackEvent} from '../../core/stack-plan.js'
import {createTheme} from '../theme.js'
import {DeployProgress} from './DeployProgress.js'
import {applyEvent, initialProgress, type ProgressState} from './state.js'

/** A running progress view. */
export interface ProgressHandle {
  event(event: StackEvent): void
  /** Draw the final frame and unmount. */
  finish(): Promise<void>
}

interface Store {
  state: ProgressState
  listener?: (state: ProgressState) => void
}

function Live({store, color}: {store: Store; color: boolean}) {
  const [state, setState] = useState(store.state)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    store.listener = setState
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => {
      clearInterval(timer)
      delete store.listener
    }
  }, [store])
  return <DeployProgress state={state} now={now} theme={createTheme(color)} width={process.stderr.columns ?? 100} />
}

/** Start the view with a title such as "Creating stack momento-api". */
export function startProgressView(title: string, options: {color: boolean; startedAt?: Date}): ProgressHandle {
  const store: Store = {state: initialProgress(title, (options.startedAt ?? new Date()).getTime())}
  const instance = render(<Live store={store} color={options.color} />, {
    stdout: process.stderr,
    patchConsole: false,
    exitOnCtrlC: false,
  })
  return {
    event(event) {
      store.state = applyEvent(store.state, event)
      store.listener?.(store.state)
    },
    async finish() {
      store.state = {...store.state, done: true}
      store.listener?.(store.state)
      instance.unmount()
      await instance.waitUntilExit()
    },
  }
}
