/**
 * The one prompt implementation (src/cli/prompt.ts) on a stream that says it is a terminal, as the
 * terminal sends keys: y/N answers, Ctrl-C, Ctrl-D, hidden input. The real-terminal runs are in
 * test/e2e/prompts.test.ts; this checks every command uses this implementation.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {ask, cancelled, confirm, confirmationNeeded, type PromptStreams} from '../../src/cli/prompt.js'
import {CancelledError, ExitCode, InterruptedError} from '../../src/core/errors.js'
import {ROOT} from '../helpers/cli.js'

function tty(): PromptStreams & {type(text: string): void; shown(): string} {
  const input = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => input})
  const output = new PassThrough()
  let shown = ''
  output.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')))
  return {input, output, type: (text) => void input.write(text), shown: () => shown}
}

describe('prompt', () => {
  it.each([
    ['y\r', true],
    ['YES\r', true],
    ['n\r', false],
    ['\r', false],
    ['maybe\r', false],
  ])('confirm answers %j → %s', async (keys, expected) => {
    const t = tty()
    const answer = confirm('Go ahead?', {streams: t})
    t.type(keys)
    await expect(answer).resolves.toBe(expected)
    expect(t.shown()).toContain('Go ahead? [y/N] ')
  })

  it('Ctrl-C rejects with InterruptedError (exit 130), not an unexpected failure', async () => {
    const t = tty()
    const answer = ask('Name: ', {streams: t})
    t.type('ab\u0003')
    const error = await answer.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InterruptedError)
    expect((error as InterruptedError).exitCode).toBe(130)
    expect((error as InterruptedError).message).toBe('Interrupted: nothing changed.')
  })

  it('Ctrl-D (end of input) is an empty answer, so a y/N question is no', async () => {
    const t = tty()
    const answer = confirm('Go ahead?', {streams: t})
    t.type('\u0004')
    await expect(answer).resolves.toBe(false)
  })

  it('hidden input shows the question and not one typed character', async () => {
    const t = tty()
    const answer = ask('Key (hidden): ', {hidden: true, streams: t})
    t.type('s3cret-value\r')
    await expect(answer).resolves.toBe('s3cret-value')
    expect(t.shown()).toContain('Key (hidden): ')
    expect(t.shown()).not.toMatch(/s3cret|\*/)
  })

  it('declining is exit 0 with "Cancelled: nothing changed."; no terminal is EB_CONFIRM_NEEDED, exit 2', () => {
    expect(cancelled()).toBeInstanceOf(CancelledError)
    expect(cancelled().exitCode).toBe(ExitCode.Ok)
    expect(cancelled().message).toBe('Cancelled: nothing changed.')
    expect(cancelled('nothing was redriven').message).toBe('Cancelled: nothing changed (nothing was redriven).')
    const needed = confirmationNeeded('The plan replaces resources.')
    expect(needed.exitCode).toBe(ExitCode.Usage)
    expect(needed.code).toBe('EB_CONFIRM_NEEDED')
  })

  it('no command reads stdin with its own readline prompt: they all share src/cli/prompt.ts', () => {
    const own: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (/\.tsx?$/.test(name)) {
          const text = readFileSync(path, 'utf8')
          if (/createInterface\(\{[^}]*process\.stdin/.test(text) || /@inquirer|readline\/promises/.test(text)) {
            own.push(relative(ROOT, path))
          }
        }
      }
    }
    walk(join(ROOT, 'src'))
    expect(own).toEqual([])
  })
})
