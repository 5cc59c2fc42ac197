import {spawn, type ChildProcess} from 'node:child_process'
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
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

/** Run `node bin/run.js ...args` to completion (or until the timeout kills it). */
export function runCli(
  args: readonly string[],
  options: {env: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; bin?: string},
): Promise<CliResult> {
  const child = spawnCli(args, options)
  return collect(child, options.timeoutMs ?? 20_000)
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
