import {spawn} from 'node:child_process'

import type {DemoInteraction} from '../services/demo.js'
import {confirm} from './prompt.js'

/**
 * The demo's terminal hooks: the real `dlq watch` on the demo's queue (run as a child process that
 * owns the terminal until the user presses q), and a y/N question before each fix.
 */
export async function interactiveDemo(sandboxUrl: () => string): Promise<DemoInteraction> {
  return {
    confirm: (question) => confirm(question),
    browse: (queue) =>
      new Promise<void>((resolve) => {
        const bin = process.argv[1] ?? 'momento-eb'
        const child = spawn(
          process.execPath,
          [bin, 'dlq', 'watch', '--sandbox', '--queue-url', queue.queueUrl, '--demo'],
          {
            stdio: 'inherit',
            env: {...process.env, MOMENTO_EB_SANDBOX_URL: sandboxUrl()},
          },
        )
        // Ctrl-C reaches the child too, which leaves the view (exit 0): it must not also stop the demo.
        const saved = process.listeners('SIGINT')
        process.removeAllListeners('SIGINT')
        process.on('SIGINT', () => {})
        const done = (): void => {
          process.removeAllListeners('SIGINT')
          for (const listener of saved) process.on('SIGINT', listener)
          resolve()
        }
        child.once('exit', done)
        child.once('error', done)
      }),
  }
}
