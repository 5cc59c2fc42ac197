/**
 * The one prompt implementation: every question momento-eb asks on a terminal (deploy's API key and
 * confirmations, destroy's and purge's "type the name", redrive's y/N, the demo's y/N) goes through
 * `ask` or `confirm`, so Ctrl-C, Ctrl-D and a declined answer behave the same everywhere:
 *
 * - Ctrl-C at a prompt: InterruptedError (exit 130, "Interrupted: nothing changed."). In raw mode
 *   the terminal sends Ctrl-C to readline as a key, not to the process as SIGINT, so the command's
 *   own SIGINT handler never sees it: without this, readline closed and the run ended as an
 *   "Unexpected failure" (EB_INTERNAL).
 * - Ctrl-D (end of input) answers "" (for a y/N question: no).
 * - Declining: the caller throws `cancelled()` (exit 0, "Cancelled: nothing changed.").
 *
 * Prompts are written to stderr (stdout stays the command's result). Only called on an interactive
 * terminal: callers turn "needs an answer but there is no terminal" into `confirmationNeeded()`.
 */
import {createInterface} from 'node:readline'
import {Writable} from 'node:stream'

import {CancelledError, InterruptedError, UsageError} from '../core/errors.js'

/** Where a prompt reads and writes (stdin and stderr unless a test says otherwise). */
export interface PromptStreams {
  readonly input: NodeJS.ReadableStream & {isTTY?: boolean}
  readonly output: NodeJS.WritableStream
}

export interface AskOptions {
  /** Don't echo what is typed (an API key). */
  readonly hidden?: boolean
  readonly streams?: PromptStreams
}

/** What Ctrl-C at a prompt ends the run with. */
export const PROMPT_INTERRUPTED = 'Interrupted: nothing changed.'

/** Ask a question and return the answer line, trimmed. Ctrl-C rejects with InterruptedError. */
export function ask(question: string, options: AskOptions = {}): Promise<string> {
  const {input, output} = options.streams ?? {input: process.stdin, output: process.stderr}
  let muted = false
  // Hidden input: the question is written, then readline's echo of each key is swallowed.
  const shown = options.hidden
    ? new Writable({
        write(chunk: Buffer, _encoding, callback) {
          if (!muted) output.write(chunk)
          callback()
        },
      })
    : output
  const rl = createInterface({input, output: shown, terminal: input.isTTY === true})
  return new Promise<string>((resolve, reject) => {
    let settled = false
    const settle = (action: () => void): void => {
      if (settled) return
      settled = true
      action()
    }
    rl.once('SIGINT', () =>
      settle(() => {
        output.write('\n')
        rl.close()
        reject(new InterruptedError(PROMPT_INTERRUPTED))
      }),
    )
    // Ctrl-D (or stdin ending) before an answer: an empty answer.
    rl.once('close', () =>
      settle(() => {
        output.write('\n')
        resolve('')
      }),
    )
    rl.question(question, (answer) =>
      settle(() => {
        if (options.hidden) output.write('\n')
        rl.close()
        resolve(answer.trim())
      }),
    )
    muted = options.hidden === true
  })
}

/** A yes/no question, "[y/N]" appended; anything but y/yes is no. */
export async function confirm(question: string, options: {streams?: PromptStreams} = {}): Promise<boolean> {
  const answer = await ask(`${question} [y/N] `, options)
  return /^y(es)?$/i.test(answer)
}

/** The user said no: exit 0 with one calm line (see `momento-eb exit-codes`). */
export function cancelled(detail?: string): CancelledError {
  return new CancelledError(detail ? `Cancelled: nothing changed (${detail}).` : undefined)
}

/**
 * A step needs a confirmation and there is no one to ask (no terminal, CI, or --json): exit 2,
 * EB_CONFIRM_NEEDED, naming the flag that answers yes. The one wording: BaseCommand's confirmations
 * (`confirmFlag`, `confirmStep`) throw it; nothing else builds this error.
 */
export function confirmationNeeded(what: string, flag = 'yes'): UsageError {
  return new UsageError(`${what} That needs a confirmation, and there is no terminal to ask on.`, {
    code: 'EB_CONFIRM_NEEDED',
    hints: [`Pass --${flag} to go ahead without asking.`],
  })
}
