import {spawn, type ChildProcess} from 'node:child_process'
import {Console} from 'node:console'
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {Readable, Writable} from 'node:stream'
import {fileURLToPath} from 'node:url'

import {expect} from 'vitest'

/** The repository root and the built CLI's entry point (`npm test` builds first). */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const BIN = join(ROOT, 'bin', 'run.js')

/** What one CLI run produced. */
export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
}

/** A temporary HOME (no ~/.aws), removed by `cleanup()`. */
export function tempHome(): {home: string; cleanup(): void} {
  const home = mkdtempSync(join(tmpdir(), 'momento-eb-home-'))
  return {home, cleanup: () => rmSync(home, {recursive: true, force: true})}
}

/**
 * A clean environment for a spawned CLI: nothing from the developer's shell except PATH, a HOME
 * without ~/.aws, no colour, no SDK Node-version warning, and no EC2 metadata lookups (which would
 * otherwise add a second to every "no credentials" run). Add AWS_* or MOMENTO_* through `extra`;
 * a value of `undefined` leaves the variable out.
 */
export function cleanEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

/** Sandbox credentials and region as env vars, for runs that don't use --sandbox. */
export function awsEnv(endpoint: string | undefined, region = 'us-east-1'): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: region,
    AWS_ENDPOINT_URL: endpoint,
  }
}

/** How to run the CLI: its environment, and where. */
export interface RunOptions {
  env: NodeJS.ProcessEnv
  timeoutMs?: number
  cwd?: string
  /** Run an installed momento-eb executable (or any program) instead of this checkout's bin/run.js. */
  bin?: string
  /**
   * Run the command inside the test process (see `runCliInProcess`) instead of spawning `node
   * bin/run.js`. Ignored with `bin`.
   */
  inProcess?: boolean
  /** What the command reads on stdin (in-process runs only; a spawned CLI gets an empty stdin). */
  stdin?: string | Buffer
}

/**
 * Run `node bin/run.js ...args` to completion (or until the timeout kills it); with `inProcess`,
 * run the command in this process instead (`runCliInProcess`).
 */
export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  if (options.inProcess && !options.bin) return runCliInProcess(args, options)
  if (options.stdin !== undefined) throw new Error('runCli: `stdin` needs `inProcess` (a spawned CLI gets no stdin).')
  const child = spawnCli(args, options)
  return collect(child, options.timeoutMs ?? 20_000)
}

/** bin/run.js, loaded natively (not through Vitest's transform), as `node bin/run.js` loads it. */
interface BinModule {
  main(argv: readonly string[]): Promise<void>
}
let binModule: BinModule | undefined

/** In-process runs one at a time: each owns the process's env, cwd, stdio, console and exit code. */
let inProcessQueue: Promise<unknown> = Promise.resolve()

/** A stream that collects what is written to it, with no terminal (`isTTY` and `columns` unset). */
class Collector extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    callback()
  }
}

/** A stdin with these bytes and then end-of-file, and no terminal (as `< file`, or /dev/null when empty). */
function stdinOf(input: string | Buffer | undefined): Readable {
  const stream = new Readable({read() {}})
  if (input !== undefined && input.length > 0) stream.push(typeof input === 'string' ? Buffer.from(input) : input)
  stream.push(null)
  return stream
}

/** Signals and process events a command may listen to; listeners a run leaves behind are removed after it. */
const PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE', 'exit', 'beforeExit'] as const

/**
 * Run the CLI in the test process, as `node bin/run.js ...args` would (the same dispatch: the put fast
 * path's bundle, help --json, or oclif's `execute`), and return what it printed and its exit code.
 * A spawn costs about a second of CPU on this machine; an in-process run, a few milliseconds once
 * the modules are loaded.
 *
 * For the length of the run (runs are queued, one at a time per test file):
 * - `process.env` holds exactly `options.env` (edited in place, so os.homedir() and child processes
 *   see it too), and the working directory is `options.cwd ?? env.HOME`;
 * - process.stdout / stderr are collectors with no terminal (as a pipe), `console` writes to them
 *   (oclif prints with console.log), and stdin is `options.stdin` then end-of-file;
 * - process.exit() records its code and returns (oclif's error handler ends with it); the exit code
 *   is that code, else process.exitCode, else 0 — as Node decides a process's code;
 * - signal and exit listeners the run leaves behind are removed.
 * Everything is restored afterwards, process.exitCode included.
 *
 * What it can't do: signals, a terminal, a stdout that fails (EPIPE, ENOSPC), a process.exit() in
 * the middle of a run (it returns instead of ending the run), or child processes that inherit the
 * CLI's stdio ($EDITOR, `top`'s hand-off to `dlq watch`): they write to the test process's own
 * stdout and stderr, not to the collectors. Spawn the CLI (`runCli`) for those, and
 * for the package and anything else that needs a process. Module state is shared between runs: the
 * commands and services keep none that depends on the environment (test/e2e/cli-in-process.test.ts checks that
 * runs in a row see their own env and config), but a test that needs a fresh process should spawn.
 */
export function runCliInProcess(
  args: readonly string[],
  options: {env: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; stdin?: string | Buffer},
): Promise<CliResult> {
  const run = inProcessQueue.then(() => runNow(args, options))
  inProcessQueue = run.catch(() => undefined)
  return run
}

async function runNow(
  args: readonly string[],
  options: {env: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; stdin?: string | Buffer},
): Promise<CliResult> {
  binModule ??= createRequire(import.meta.url)(BIN) as BinModule
  const stdout = new Collector()
  const stderr = new Collector()
  const streams = {stdout, stderr, stdin: stdinOf(options.stdin)}

  const savedEnv = {...process.env}
  const savedCwd = process.cwd()
  const savedExitCode = process.exitCode
  const savedExit = process.exit.bind(process)
  const savedConsole = globalThis.console
  const savedStreams = Object.fromEntries(
    Object.keys(streams).map((name) => [name, Object.getOwnPropertyDescriptor(process, name)]),
  )
  const events = process as unknown as NodeJS.EventEmitter
  const savedListeners = new Map(PROCESS_EVENTS.map((event) => [event, new Set(events.listeners(event))]))

  let exitedWith: number | undefined
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  try {
    replaceEnv(options.env)
    process.chdir(options.cwd ?? options.env['HOME'] ?? ROOT)
    process.exitCode = undefined
    for (const [name, stream] of Object.entries(streams)) {
      Object.defineProperty(process, name, {value: stream, configurable: true, enumerable: true, writable: true})
    }
    globalThis.console = new Console({stdout, stderr})
    process.exit = ((code?: number | string | null) => {
      exitedWith ??= code === undefined || code === null ? Number(process.exitCode ?? 0) : Number(code)
    }) as typeof process.exit

    const finished = binModule.main(args).catch((error: unknown) => {
      // What Node prints for an unhandled rejection, and its exit code.
      stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      exitedWith ??= 1
    })
    const timeout = new Promise<void>((resolveTimeout) => {
      timer = setTimeout(() => {
        timedOut = true
        resolveTimeout()
      }, options.timeoutMs ?? 20_000)
    })
    await Promise.race([finished, timeout])
    // Let writes and callbacks queued by the last statements land, as they would before a process exits.
    await new Promise((resolveTick) => setImmediate(resolveTick))
    const code = timedOut ? null : (exitedWith ?? Number(process.exitCode ?? 0))
    return {code, signal: timedOut ? 'SIGKILL' : null, stdout: stdout.text, stderr: stderr.text, timedOut}
  } finally {
    clearTimeout(timer)
    process.exit = savedExit
    globalThis.console = savedConsole
    for (const [name, descriptor] of Object.entries(savedStreams)) {
      if (descriptor) Object.defineProperty(process, name, descriptor)
    }
    for (const [event, before] of savedListeners) {
      for (const listener of events.listeners(event)) {
        if (!before.has(listener)) events.off(event, listener as (...args: unknown[]) => void)
      }
    }
    process.exitCode = savedExitCode
    process.chdir(savedCwd)
    replaceEnv(savedEnv)
  }
}

/** Make process.env hold exactly `env`, in place (a new object would hide it from os.homedir() and libuv). */
function replaceEnv(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key]
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value
}

/** Spawn the CLI without waiting (for long-running commands such as `sandbox`). */
export function spawnCli(
  args: readonly string[],
  options: {env: NodeJS.ProcessEnv; cwd?: string; bin?: string},
): ChildProcess {
  // `bin` runs an installed momento-eb executable instead of this checkout's bin/run.js.
  const [command, argv] = options.bin ? [options.bin, [...args]] : [process.execPath, [BIN, ...args]]
  logSpawn(args)
  return spawn(command, argv, {
    cwd: options.cwd ?? options.env['HOME'] ?? ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * With MOMENTO_EB_TEST_SPAWN_LOG set to a file, every CLI process the helpers spawn adds a line
 * `<test file>\t<first two arguments>` to it (to count the processes each test file costs).
 */
export function logSpawn(args: readonly string[]): void {
  const log = process.env['MOMENTO_EB_TEST_SPAWN_LOG']
  if (!log) return
  const file = (expect.getState().testPath ?? 'unknown').replace(`${ROOT}/`, '')
  appendFileSync(log, `${file}\t${args.slice(0, 2).join(' ')}\n`)
}

/** Collect a child's output and exit status; kill it after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  let timedOut = false
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  return new Promise((resolvePromise, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({code, signal, stdout, stderr, timedOut})
    })
  })
}

/** Wait until the child has written a full first line to stdout; resolve with that line. */
export function firstStdoutLine(child: ChildProcess, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffer = ''
    let stderr = ''
    const onErr = (chunk: Buffer) => (stderr += chunk.toString('utf8'))
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      const newline = buffer.indexOf('\n')
      if (newline !== -1) {
        done()
        resolvePromise(buffer.slice(0, newline))
      }
    }
    const onExit = (code: number | null) => {
      done()
      reject(new Error(`CLI exited (${code}) before printing a line.\nstdout: ${buffer}\nstderr: ${stderr}`))
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`No stdout line within ${timeoutMs} ms.\nstdout: ${buffer}\nstderr: ${stderr}`))
    }, timeoutMs)
    const done = () => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onErr)
      child.off('exit', onExit)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onErr)
    child.once('exit', onExit)
  })
}

/** All three outputs, for assertion messages: a failing test shows what the CLI said. */
export function show(result: CliResult): string {
  return [
    `exit code: ${result.code}${result.signal ? ` (signal ${result.signal})` : ''}${result.timedOut ? ' (timed out)' : ''}`,
    `--- stdout ---\n${result.stdout}`,
    `--- stderr ---\n${result.stderr}`,
  ].join('\n')
}

/** Parse stdout as one JSON document, failing with the full run output when it isn't. */
export function stdoutJson(result: CliResult): unknown {
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new Error(`stdout is not JSON.\n${show(result)}`)
  }
}

/**
 * Write a preload into `dir` that says, when the CLI exits, how many of oclif's own files it loaded from
 * node_modules (the put fast path loads none), and after it (a command that drew with Ink) how many of
 * react-reconciler's: Ink's renderer, which Ink loaded from node_modules brings in as CommonJS files and
 * Ink's bundle (dist/ink-fast.mjs) holds inside; and React's development builds (bin/run.js sets
 * NODE_ENV=production when it is unset, so a view runs React's production build). Run the CLI with
 * `NODE_OPTIONS: --require <the path>` and read the counts with `oclifFilesLoaded(…)`,
 * `reconcilerFilesLoaded(…)` and `reactDevFilesLoaded(…)`.
 */
export function writeOclifProbe(dir: string): string {
  const path = join(dir, 'oclif-probe.cjs')
  writeFileSync(
    path,
    `process.on('exit', () => {
      const count = (part) => Object.keys(require.cache).filter((f) => f.includes(part)).length
      // Loaded (run), not only lexed: Node's ES module loader lexes both of react/index.js's branches for their exports.
      const reactDev = Object.entries(require.cache).filter(([f, m]) => m.loaded && f.includes('/node_modules/react/cjs/') && f.includes('.development.')).length
      process.stderr.write('OCLIF_FILES ' + count('/node_modules/@oclif/core/') + ' RECONCILER_FILES ' + count('/node_modules/react-reconciler/') + ' REACT_DEV_FILES ' + reactDev + '\\n')
    })`,
  )
  return path
}

/** The react-reconciler count `writeOclifProbe`'s preload printed; undefined when it printed none. */
export function reconcilerFilesLoaded(stderr: string): number | undefined {
  const match = /RECONCILER_FILES (\d+)/.exec(stderr)
  return match ? Number(match[1]) : undefined
}

/** How many of React's development-build files the CLI loaded (`writeOclifProbe`); undefined when none was printed. */
export function reactDevFilesLoaded(stderr: string): number | undefined {
  const match = /REACT_DEV_FILES (\d+)/.exec(stderr)
  return match ? Number(match[1]) : undefined
}

/** The count `writeOclifProbe`'s preload printed; undefined when it printed none (the process died first). */
export function oclifFilesLoaded(stderr: string): number | undefined {
  const match = /^OCLIF_FILES (\d+)( |$)/m.exec(stderr)
  return match ? Number(match[1]) : undefined
}
