/**
 * Redrive and export on a DLQ larger than SQS lets anyone hold in flight: the sandbox's queue allows
 * only 200 in-flight messages (as a standard queue allows ~120,000; at the quota a long poll comes back
 * empty). The built CLI over HTTP; what reached Momento and what is left in the queue are asserted.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {cacheSetTarget, fillDlq, queueCounts} from '../helpers/dlq-fill.js'
import {deployIntegrationWithSdk, type Integration, inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

const COUNT = 600
const QUOTA = 200
/** Every tenth message is for cache `orders`, the rest for `other`. */
const cacheOf = (i: number) => (i % 10 === 0 ? 'orders' : 'other')

describe('dlq redrive and export beyond the in-flight quota', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient
  let dir: string

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders', 'other'], sqsMaxInFlight: QUOTA})
    sqs = new SQSClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_EB_STATE_DIR: `${home.home}/state`})
    dir = mkdtempSync(join(tmpdir(), 'momento-eb-outage-'))
    await fillDlq(sqs, integration, await cacheSetTarget(sandbox, integration), COUNT, cacheOf)
    expect(await queueCounts(sqs, integration.dlqUrl)).toEqual({visible: COUNT, hidden: 0})
  }, 120_000)

  afterAll(async () => {
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const redrive = (args: string[]) =>
    runCli(['dlq', 'redrive', '--sandbox', '--queue-url', integration.dlqUrl, '--rate', '0', '--json', ...args], {
      env,
      timeoutMs: 120_000,
    })
  const orderKeys = async () =>
    (await inspect<{items: Array<{key: string}>}>(sandbox, '/_sandbox/momento/caches/orders/items')).items.map(
      (i) => i.key,
    )

  it('dlq export of more than the quota: every message once, nothing deleted, nothing left hidden', async () => {
    const file = join(dir, 'all.ndjson')
    const result = await runCli(
      [
        'dlq',
        'export',
        '--sandbox',
        '--queue-url',
        integration.dlqUrl,
        '--file',
        file,
        '--max-in-flight',
        '150',
        '--json',
      ],
      {env, timeoutMs: 120_000},
    )
    expect(result.code, show(result)).toBe(0)
    const summary = stdoutJson(result) as {exported: number; scanned: number; maxHeld: number; perSecond: number}
    expect(summary).toMatchObject({exported: COUNT, scanned: COUNT})
    expect(summary.maxHeld).toBeLessThanOrEqual(150)
    expect(summary.perSecond).toBeGreaterThan(0)
    const ids = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as {messageId: string}).messageId)
    expect(ids).toHaveLength(COUNT)
    expect(new Set(ids).size).toBe(COUNT)
    expect(await queueCounts(sqs, integration.dlqUrl)).toEqual({visible: COUNT, hidden: 0})
  }, 120_000)

  it('dlq export to a full disk fails with exit 1 (EB_DISK_FULL), to an unwritable path with exit 2; the queue is untouched', async () => {
    const full = await runCli(
      ['dlq', 'export', '--sandbox', '--queue-url', integration.dlqUrl, '--file', '/dev/full', '--force'],
      {env, timeoutMs: 120_000},
    )
    expect(full.code, show(full)).toBe(1)
    expect(full.stderr).toContain('EB_DISK_FULL')
    const nowhere = await runCli(
      ['dlq', 'export', '--sandbox', '--queue-url', integration.dlqUrl, '--file', join(dir, 'missing', 'x.ndjson')],
      {env, timeoutMs: 60_000},
    )
    expect(nowhere.code, show(nowhere)).toBe(2)
    expect(nowhere.stderr).toMatch(/Can't write/)
    expect(await queueCounts(sqs, integration.dlqUrl)).toEqual({visible: COUNT, hidden: 0})
  }, 120_000)

  it('a filtered redrive (--cache) over 3× the quota redrives every match and hands every other message back', async () => {
    // The default --max-in-flight (50,000) is far above this queue's quota: the run meets it (empty long
    // polls while messages are visible) and must release what it holds to read on.
    const result = await redrive(['--cache', 'orders'])
    expect(result.code, show(result)).toBe(0)
    const summary = stdoutJson(result) as {
      redriven: number
      failed: number
      received: number
      overLimit: number
      leftInQueue: number
      destinationRate: number
      rateSource: string
    }
    expect(summary).toMatchObject({redriven: COUNT / 10, failed: 0, received: COUNT, leftInQueue: COUNT * 0.9})
    expect(summary.overLimit).toBeGreaterThan(0)
    // The API destination's InvocationRateLimitPerSecond was found from RULE_ARN (for the ETA).
    expect(summary).toMatchObject({destinationRate: 300, rateSource: 'flag'})
    const keys = await until(
      'orders delivered',
      async () => {
        const found = await orderKeys()
        return found.length >= COUNT / 10 ? found : undefined
      },
      30_000,
    )
    expect(new Set(keys)).toEqual(new Set(Array.from({length: COUNT / 10}, (_, n) => `k-${n * 10}`)))
    expect(await queueCounts(sqs, integration.dlqUrl)).toEqual({visible: COUNT * 0.9, hidden: 0})
  }, 180_000)

  it('with --max-in-flight below the quota it never meets the quota', async () => {
    const result = await redrive(['--cache', 'other', '--limit', '250', '--max-in-flight', '150'])
    expect(result.code, show(result)).toBe(0)
    const summary = stdoutJson(result) as {redriven: number; overLimit: number; maxHeldSeen: number}
    expect(summary.redriven).toBe(250)
    expect(summary.overLimit).toBe(0)
    expect(summary.maxHeldSeen).toBeLessThanOrEqual(150)
    expect(await queueCounts(sqs, integration.dlqUrl)).toEqual({visible: COUNT * 0.9 - 250, hidden: 0})
  }, 180_000)
})
