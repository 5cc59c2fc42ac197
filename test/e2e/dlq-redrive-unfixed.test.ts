/**
 * `dlq redrive --all` when the cause is not fixed (the cache still doesn't exist): every redriven event
 * fails again and lands back in the DLQ as a new SQS message while the run is still going. The run
 * must not pick those up: it publishes each original message exactly once, ends by itself, reports
 * what came back (decoded reason) and exits 3. Through the built CLI over HTTP against the sandbox,
 * on both paths: paced (default rate, main thread) and `--rate 0` (worker threads).
 */
import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {queueCounts} from '../helpers/dlq-fill.js'
import {deployIntegrationWithSdk, type Integration, inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'
import {hasTmux, openTerminal} from '../helpers/terminal.js'

const COUNT = 12

interface Counters {
  matchedEvents: number
  invocations: number
  deadLettered: number
}

interface Summary {
  redriven: number
  failed: number
  skipped: number
  cameBack: {total: number; byReason: Record<string, number>}
  newArrivals: number
}

describe('dlq redrive when the cause is not fixed', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient

  const depth = () => queueCounts(sqs, integration.dlqUrl)
  const counters = async () => (await inspect<{counters: Counters}>(sandbox, '/_sandbox/deliveries?limit=0')).counters
  /** The counters once nothing has moved for a while (deliveries are asynchronous). */
  const settled = () =>
    until('deliveries settle', async () => {
      const a = await counters()
      await new Promise((resolve) => setTimeout(resolve, 300))
      const b = await counters()
      return JSON.stringify(a) === JSON.stringify(b) ? b : undefined
    })
  const cli = (args: string[]) =>
    runCli(['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', ...args], {
      inProcess: true,
      env,
      timeoutMs: 40_000,
    })

  beforeAll(async () => {
    // No cache at all: every cacheSet gets a 404 (cache not found), which EventBridge does not retry.
    sandbox = await startTestSandbox({caches: []})
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    env = cleanEnv(home.home, {
      MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
      MOMENTO_EB_STATE_DIR: `${home.home}/state`,
      // `--rate 0` runs here are meant to take the worker-thread path, which a queue this small would not.
      MOMENTO_EB_REDRIVE_THREADS_FROM: '0',
    })
    for (let i = 0; i < COUNT; i += 10) {
      const Entries = Array.from({length: Math.min(10, COUNT - i)}, (_, j) => ({
        Source: 'test',
        DetailType: 'cacheSet',
        Detail: JSON.stringify({cacheName: 'never-created', key: `k-${i + j}`, message: 'v', ttl: 600}),
      }))
      const out = await eb.send(new PutEventsCommand({Entries}))
      expect(out.FailedEntryCount ?? 0).toBe(0)
    }
    await until('the dead letters', async () => ((await depth()).visible === COUNT ? true : undefined))
  })

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('--rate 0 --json: publishes each message once, ends by itself, reports them back (exit 3)', async () => {
    const before = await settled()
    const started = Date.now()
    const run = await cli(['--rate', '0', '--json'])
    expect(run.timedOut, show(run)).toBe(false)
    expect(run.code, show(run)).toBe(3)
    expect(Date.now() - started).toBeLessThan(30_000)
    const summary = stdoutJson(run) as Summary
    expect(summary).toMatchObject({redriven: COUNT, failed: 0, skipped: 0, newArrivals: 0})
    expect(summary.cameBack).toMatchObject({total: COUNT, byReason: {'cache-not-found': COUNT}})

    // Exactly one delivery attempt to Momento per original message, each dead-lettered once more.
    const after = await settled()
    expect(after.matchedEvents - before.matchedEvents).toBe(COUNT)
    expect(after.invocations - before.invocations).toBe(COUNT)
    expect(after.deadLettered - before.deadLettered).toBe(COUNT)
    // They are all still (again) in the DLQ, visible for the next run.
    expect(await depth()).toEqual({visible: COUNT, hidden: 0})
  }, 60_000)

  it('paced, human output: says what came back and why, exits 3; the next run starts over once', async () => {
    const before = await settled()
    const run = await cli([])
    expect(run.timedOut, show(run)).toBe(false)
    expect(run.code, show(run)).toBe(3)
    expect(run.stdout).toContain(`redriven ${COUNT}, failed 0, skipped 0`)
    expect(run.stdout).toMatch(
      new RegExp(`${COUNT} came back to the DLQ while this run ran \\(cache-not-found: ${COUNT}\\)`),
    )
    expect(run.stdout + run.stderr).toMatch(/fix the cause, then redrive again/)
    // Not a terminal: progress as plain lines on stderr (no carriage returns), the last with every count.
    expect(run.stderr).toMatch(new RegExp(`^redrive: ${COUNT}/\\d+ redriven ${COUNT} failed 0 skipped 0`, 'm'))
    expect(run.stderr).not.toContain('\r')

    const after = await settled()
    expect(after.invocations - before.invocations).toBe(COUNT)
    expect(await depth()).toEqual({visible: COUNT, hidden: 0})
  }, 60_000)

  it('--reason cache-not-found warns before it starts, and the success line says how many came back', async () => {
    const run = await runCli(
      ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--reason', 'cache-not-found', '--limit', '2'],
      {inProcess: true, env, timeoutMs: 40_000},
    )
    // 3 when they came back while it ran, 0 when it ended first: the line says which.
    expect([0, 3], show(run)).toContain(run.code)
    expect(run.stderr).toContain(
      'Warning: This reason needs a fix before a redrive can work: cache-not-found (cache not found (404)). ' +
        'Unless it is fixed, each event fails the same way and comes back to the DLQ.',
    )
    // The hint carries the run's context (--sandbox, --queue-url).
    expect(run.stderr).toContain(
      `\`momento-eb dlq list --reason cache-not-found --sandbox --queue-url ${integration.dlqUrl}\``,
    )
    const back = /^redriven 2, failed 0, skipped \d+.*, (\d+) came back to the DLQ$/m.exec(run.stdout)
    expect(back, show(run)).not.toBeNull()
    expect(run.code).toBe(Number(back?.[1]) > 0 ? 3 : 0)
    await settled()
    expect(await depth()).toEqual({visible: COUNT, hidden: 0})
  }, 60_000)

  it.skipIf(!hasTmux)(
    'on a terminal it asks first; declining sends nothing',
    async () => {
      const before = await settled()
      const t = openTerminal(
        ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--reason', 'cache-not-found'],
        {env: {...env, CI: undefined}, cwd: home.home},
      )
      try {
        const screen = await t.waitFor('the question', (s) => s.includes('Redrive them anyway?'))
        expect(screen).toContain('Warning: This reason needs a fix before a redrive can work: cache-not-found')
        t.keys('n', 'Enter')
        expect(await t.exitCode()).toBe(0)
        expect(t.screen()).toContain('nothing was redriven')
      } finally {
        t.close()
      }
      const after = await settled()
      expect(after.invocations - before.invocations).toBe(0)
      expect(await depth()).toEqual({visible: COUNT, hidden: 0})
    },
    60_000,
  )
})
