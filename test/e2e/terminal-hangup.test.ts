/**
 * The operator's terminal window closes mid-run. The long runs (`put --file`, `dlq redrive`) run on a
 * real pseudo-terminal (test/helpers/hangup-terminal.py) whose master is then closed: the kernel sends
 * SIGHUP, and every read and write on the terminal fails (EIO) from then on; then SIGHUP again, as the
 * user's shell sends it to its jobs (a repeated SIGHUP must not make the run quit at once). Expected, as for Ctrl-C:
 * the calls in flight finish, progress is recorded (put) or what was held is released (redrive), exit
 * 129, nothing lost. Before: `put --file` had no SIGHUP handler; and a run that did stop cleanly then
 * ended with "Unexpected failure: write EIO" (exit 1) or aborted inside Node 20 while restoring the
 * closed terminal's modes (SIGABRT, exit 134).
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readProgress} from '../../src/adapters/put-progress-file.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, logSpawn, ROOT, runCli, show, tempHome} from '../helpers/cli.js'
import {cacheSetTarget, queueCounts, seedDlq} from '../helpers/dlq-fill.js'
import {deployIntegrationWithSdk, type Integration, inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

const HELPER = join(ROOT, 'test', 'helpers', 'hangup-terminal.py')

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import pty'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()
if (!python) console.warn('terminal-hangup: no python3 with the pty module; skipping (it makes the terminal).')

interface Ended {
  code: number | null
  signal: number | null
  terminal: string
}

/** The CLI on a terminal of its own; `hangUp()` closes the terminal and resolves with how the CLI ended. */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv): {hangUp(): Promise<Ended>; child: ChildProcess} {
  logSpawn(args)
  const child = spawn('python3', [HELPER, process.execPath, BIN, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']})
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const ended = new Promise<Ended>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the terminal helper did not end: ${out} ${err}`))
    }, 60_000)
    child.on('close', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(out) as Ended)
      } catch {
        reject(new Error(`the terminal helper printed no result: ${out} ${err}`))
      }
    })
  })
  return {
    child,
    hangUp: () => {
      child.stdin.end('hang up\n')
      return ended
    },
  }
}

describe.skipIf(!python)('the terminal closes mid-run', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient

  const counters = async () =>
    (await inspect<{counters: Record<string, number>}>(sandbox, '/_sandbox/deliveries?limit=0')).counters
  const items = async (cache: string) =>
    (await inspect<{items: Array<{key: string}>}>(sandbox, `/_sandbox/momento/caches/${cache}/items`)).items

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['hup-put', 'hup-redrive']})
    sqs = new SQSClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_EB_STATE_DIR: `${home.home}/state`})
  }, 60_000)

  afterAll(async () => {
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('put --file: exit 129, progress recorded, --resume sends the rest', async () => {
    const LINES = 3_000
    const file = join(home.home, 'events.ndjson')
    const line = (i: number) =>
      JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'hup-put', key: `k${i}`}})
    writeFileSync(file, `${Array.from({length: LINES}, (_, i) => line(i)).join('\n')}\n`)
    const matched = async () => (await counters())['matchedEvents'] ?? 0
    const before = await matched()
    const args = ['put', '--file', file, '--sandbox', '--concurrency', '1']
    const run = onTerminal(args, env)
    await until('a thousand events in', async () => ((await matched()) - before >= 1_000 ? true : undefined), 30_000)
    const ended = await run.hangUp()
    expect(ended, JSON.stringify(ended)).toMatchObject({code: 129, signal: null})
    const sentBeforeResume = (await matched()) - before
    expect(sentBeforeResume).toBeLessThan(LINES)
    const [record] = readdirSync(join(home.home, 'state', 'put-progress'))
    const progress = readProgress(join(home.home, 'state', 'put-progress', record as string))
    expect(progress, record).toBeDefined()
    expect(progress?.complete).toBe(false)
    expect(progress?.acceptedThrough).toBeGreaterThan(0)

    const resumed = await runCli([...args, '--resume', '--json'], {env, timeoutMs: 60_000, inProcess: true})
    expect(resumed.code, show(resumed)).toBe(0)
    await until(`all ${LINES}`, async () => ((await matched()) - before >= LINES ? true : undefined), 30_000)
    // The calls in flight at the hang-up finished and were recorded, so none is sent twice: the second
    // SIGHUP (the shell's) did not make the run quit at once.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await matched()) - before).toBe(LINES)
  }, 120_000)

  it('dlq redrive: exit 129, what it held released at once, nothing lost', async () => {
    const COUNT = 300
    await seedDlq(sandbox, integration, await cacheSetTarget(sandbox, integration), COUNT, 'hup-redrive')
    const run = onTerminal(
      ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '40'],
      env,
    )
    await until('some redriven', async () => ((await items('hup-redrive')).length >= 10 ? true : undefined), 30_000)
    const ended = await run.hangUp()
    expect(ended, JSON.stringify(ended)).toMatchObject({code: 129, signal: null})
    // Released at once: nothing is hidden right after the exit (the visibility timeout is 60 s).
    expect((await queueCounts(sqs, integration.dlqUrl)).hidden).toBe(0)
    await until('deliveries settle', async () => {
      const {visible, hidden} = await queueCounts(sqs, integration.dlqUrl)
      return hidden === 0 && (await items('hup-redrive')).length + visible === COUNT ? true : undefined
    })
    expect((await items('hup-redrive')).length).toBeLessThan(COUNT)
  }, 120_000)
})
