/**
 * The built CLI on a real terminal: a tmux server of the test's own (`tmux -L`), so nothing else's
 * sessions can take it down, one window at a given size. `keys` types, `screen` reads the whole
 * history, `exitCode` waits for the command to end (its status is written to a file).
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {BIN, logSpawn} from './cli.js'
import {until} from './integration.js'

export const hasTmux = spawnSync('tmux', ['-V']).status === 0

export interface Terminal {
  /** tmux send-keys arguments: text, or key names such as `Enter`, `C-c`. */
  keys(...keys: string[]): void
  /** Everything the terminal showed, scrollback included, lines joined. */
  screen(): string
  /** Wait until the screen satisfies `predicate` (default 30 s); throws with the screen. */
  waitFor(what: string, predicate: (screen: string) => boolean, ms?: number): Promise<string>
  /** Wait for the command to end; its exit code. */
  exitCode(ms?: number): Promise<number>
  close(): void
}

let sessions = 0

/** How often `waitFor` and `exitCode` look. */
export const TERMINAL_POLL_MS = 100

/** Run `momento-eb ...args` in a fresh terminal of `columns`×`rows`, in `cwd`, with exactly `env`. */
export function openTerminal(
  args: readonly string[],
  options: {env: NodeJS.ProcessEnv; cwd: string; columns?: number; rows?: number; bin?: string},
): Terminal {
  const socket = `fh-test-${process.pid}-${++sessions}`
  const session = 'cli'
  const status = join(options.cwd, `exit-${socket}`)
  const vars = Object.entries({...options.env, TERM: 'xterm-256color'})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${shellQuote(String(v))}`)
    .join(' ')
  logSpawn(args)
  const argv = [process.execPath, options.bin ?? BIN, ...args].map(shellQuote).join(' ')
  const command = `cd ${shellQuote(options.cwd)} && env -i ${vars} ${argv}; echo $? > ${shellQuote(status)}; sleep 60`
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], {encoding: 'utf8'})
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(options.columns ?? 80),
    '-y',
    String(options.rows ?? 24),
    command,
  )
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session)
  const failWithScreen = (error: Error): never => {
    throw new Error(`${error.message}\n--- screen ---\n${screen()}`)
  }
  return {
    keys: (...keys) => void tmux('send-keys', '-t', session, ...keys),
    screen,
    waitFor: (what, predicate, ms = 30_000) => waitForScreen(what, screen, predicate, ms),
    exitCode: async (ms = 30_000) => {
      await until(
        'the command to end',
        async () => (existsSync(status) ? true : undefined),
        ms,
        TERMINAL_POLL_MS,
      ).catch(failWithScreen)
      return Number(readFileSync(status, 'utf8').trim())
    },
    close: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
  }
}

/**
 * Wait until `screen()` (a tmux capture) satisfies `predicate`, for at most `ms`; resolves with that
 * screen, or throws with the last one. Every look starts a tmux process and blocks this worker while
 * it runs: one look a poll, every TERMINAL_POLL_MS.
 */
export function waitForScreen(
  what: string,
  screen: () => string,
  predicate: (screen: string) => boolean,
  ms = 30_000,
): Promise<string> {
  return until(
    what,
    async () => {
      const shown = screen()
      return predicate(shown) ? shown : undefined
    },
    ms,
    TERMINAL_POLL_MS,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- screen ---\n${screen()}`)
  })
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/**
 * Lines of `screen` wider than `columns` that could have been wrapped: a line that is one word
 * (an ARN, a URL) or one command in backticks may be wider (whole, so it can be copied), anything
 * else may not.
 */
export function overwideLines(screen: string, columns = 80): string[] {
  // One word, or one command in backticks (kept whole so that it copies as one line).
  const whole = /^(?:[^\s`]*`[^`]*`[^\s`]*|\S+)$/
  return screen.split('\n').filter((line) => line.length > columns && !whole.test(line.trim()))
}

/** A shell (bash, no rc files) on a terminal of its own, for typing commands as a person would. */
export interface Shell {
  /**
   * Type `command` and Enter, with `; echo` of a marker after it; resolves when the marker shows
   * with the command's exit code and everything the command printed.
   */
  run(command: string, ms?: number): Promise<{code: number; output: string}>
  /** tmux send-keys to the shell (for a prompt's answer). */
  keys(...keys: string[]): void
  screen(): string
  close(): void
}

/**
 * Open bash at `columns`×`rows` with exactly `env` (plus TERM), `$ ` as its prompt and a long
 * scrollback, in `cwd`. `momento-eb` is whatever `env.PATH` finds.
 */
export function openShell(options: {env: NodeJS.ProcessEnv; cwd: string; columns?: number; rows?: number}): Shell {
  const socket = `fh-shell-${process.pid}-${++sessions}`
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], {encoding: 'utf8'})
  const vars = Object.entries({...options.env, TERM: 'xterm-256color', PS1: '$ '})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${shellQuote(String(v))}`)
    .join(' ')
  tmux('new-session', '-d', '-s', 'hold', 'sleep 3600')
  tmux('set-option', '-g', 'history-limit', '100000')
  tmux(
    'new-session',
    '-d',
    '-s',
    'sh',
    '-x',
    String(options.columns ?? 80),
    '-y',
    String(options.rows ?? 24),
    `cd ${shellQuote(options.cwd)} && env -i ${vars} bash --norc --noprofile`,
  )
  tmux('kill-session', '-t', 'hold')
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'sh')
  let runs = 0
  return {
    async run(command, ms = 60_000) {
      const marker = `@@step-${++runs}`
      tmux('send-keys', '-t', 'sh', '-l', `${command}; echo "${marker} exit=$?"`)
      tmux('send-keys', '-t', 'sh', 'Enter')
      const pattern = new RegExp(`^${marker} exit=(\\d+)$`, 'm')
      const done = await waitForScreen(`"${command}" to end`, screen, (shown) => pattern.test(shown), ms)
      const typed = done.indexOf(`; echo "${marker} exit=$?"`)
      const end = done.search(pattern)
      const output = done.slice(done.indexOf('\n', typed) + 1, end)
      return {code: Number(pattern.exec(done)?.[1]), output}
    },
    keys: (...keys) => void tmux('send-keys', '-t', 'sh', ...keys),
    screen,
    close: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
  }
}

/** What looks broken on a screen: a stack trace, `undefined`, `[object Object]`, `NaN`, an internal error. */
export function brokenText(output: string): string[] {
  const found: string[] = []
  for (const line of output.split('\n')) {
    if (/^\s+at .+:\d+:\d+\)?$/.test(line)) found.push(`stack trace: ${line}`)
    if (/\bundefined\b|\[object Object\]|\bNaN\b|Unexpected failure|EB_INTERNAL/.test(line)) found.push(line)
  }
  return found
}
