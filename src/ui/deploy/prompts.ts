/**
 * Line prompts for deploy and destroy, on stderr. Only called on an interactive terminal: callers
 * turn "needs an answer but there is no TTY" into a UsageError naming the flag instead.
 */
import {createInterface} from 'node:readline'

/** Ask a question and return the answer line (trimmed). */
export function ask(question: string, options: {hidden?: boolean} = {}): Promise<string> {
  const output = process.stderr
  const rl = createInterface({input: process.stdin, output, terminal: true})
  if (options.hidden) {
    // Print the question once, then swallow the echo of every typed character.
    const write = (rl as unknown as {_writeToOutput?: (s: string) => void})._writeToOutput
    let asked = false
    ;(rl as unknown as {_writeToOutput: (s: string) => void})._writeToOutput = (s: string) => {
      if (!asked) {
        asked = true
        write?.call(rl, s)
      }
    }
  }
  return new Promise((resolve, reject) => {
    rl.once('SIGINT', () => {
      rl.close()
      reject(new Error('Interrupted.'))
    })
    rl.question(question, (answer) => {
      if (options.hidden) output.write('\n')
      rl.close()
      resolve(answer.trim())
    })
  })
}

/** A yes/no question; anything but y/yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const answer = await ask(`${question} [y/N] `)
  return /^y(es)?$/i.test(answer)
}
