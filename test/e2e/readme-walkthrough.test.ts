/**
 * The README's "Try it on the sandbox, step by step" works exactly as written (issue 13): the
 * commands are read from the README itself, run in order with the built CLI against a sandbox the
 * test starts with the README's own command, and each ends with the exit code the README says
 * (0 unless a `# exit N` comment says otherwise). Then the outcome is checked: the first event was
 * delivered, the second was dead-lettered for the missing cache and redriven, the queue is empty.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cleanEnv, firstStdoutLine, runCli, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {steps, walkthroughBlocks} from '../helpers/readme.js'

const blocks = walkthroughBlocks()

const {home, cleanup} = tempHome()
let sandbox: ReturnType<typeof spawnCli> | undefined
let endpoint = ''

beforeAll(async () => {
  expect(blocks, 'the walkthrough has a block that starts the sandbox and one with the steps').toHaveLength(2)
  const [start] = steps(blocks[0] as string)
  expect(start?.args).toEqual(['sandbox'])
  // As written, plus a free port (the README's default 4566 may be taken on a test machine) and
  // --json to learn it. Its simulated waits (CloudFormation's resource steps, retries) run at a tenth:
  // at AWS-like speed the deploy alone was 8.6 of the test's 10 s, all waiting. The terminal
  // walkthrough (readme-walkthrough-terminal.test.ts) keeps the README's real pace.
  sandbox = spawnCli([...(start?.args ?? []), '--port', '0', '--json'], {
    env: cleanEnv(home, {MOMENTO_EB_SANDBOX_TIME_SCALE: '0.1'}),
  })
  endpoint = (JSON.parse(await firstStdoutLine(sandbox)) as {endpoint: string}).endpoint
}, 30_000)

afterAll(() => {
  sandbox?.kill('SIGTERM')
  cleanup()
})

describe("README's sandbox walkthrough", () => {
  it('runs command by command with the exit codes it states, and ends with the event delivered and the DLQ empty', async () => {
    const env = cleanEnv(home, {MOMENTO_EB_SANDBOX_URL: endpoint})
    const results: string[] = []
    for (const step of steps(blocks[1] as string)) {
      // In the test process: the sandbox is the README's own (spawned, above); its steps need no process.
      const result = await runCli(step.args, {env, timeoutMs: 60_000, inProcess: true})
      expect(result.code, `${step.line}\n${show(result)}`).toBe(step.exitCode)
      results.push(result.stdout + result.stderr)
    }
    const all = results.join('\n')
    expect(all).toMatch(/DELIVERED — Delivered to Momento after 1 attempt/)
    expect(all).toMatch(/cache-not-found/)
    expect(all).toMatch(/redriven 1, failed 0, skipped 0/)
    const status = await runCli(['status', '--sandbox', '--json'], {env, inProcess: true})
    expect(status.code, show(status)).toBe(0)
    expect((stdoutJson(status) as {dlq: {visible: number; inFlight: number}}).dlq).toMatchObject({
      visible: 0,
      inFlight: 0,
    })
    const items = await fetch(`${endpoint}/_sandbox/momento/caches/invoices/items`)
    expect(JSON.stringify(await items.json())).toContain('inv-1')
  }, 180_000)
})
