/**
 * `dlq redrive` must not lose messages to a rule that can't deliver them, nor write stale values back.
 *
 * 1. A disabled or deleted rule: PutEvents still answers with EventIds, but nothing matches, so the
 *    events reach nothing. The run must check the message's rule (RULE_ARN: exists, ENABLED, still
 *    targets TARGET_ARN) before publishing and again after each PutEvents, before deleting; it keeps the
 *    messages, stops, names the rule and exits 3 (like a deleted bus).
 * 2. Collapse: an older and a newer cacheSet for one key. The newer one is published and the older one
 *    is settled with it (deleted), so a second run can't put the old value back.
 *
 * Built CLI over HTTP against a fresh sandbox per test, real SDK clients for the setup.
 */
import {
  DeleteRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge'
import {SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {queueCounts} from '../helpers/dlq-fill.js'
import {
  cacheItems,
  createSandboxCache,
  deployIntegrationWithSdk,
  type Integration,
  inspect,
  until,
} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

interface Counters {
  matchedEvents: number
  invocations: number
  delivered: number
}

interface Summary {
  redriven: number
  failed: number
  skipped: number
  stoppedBecause?: string
  failures: Array<{errorCode: string}>
}

describe('dlq redrive: the rule and stale values', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient

  const total = async () => {
    const d = await queueCounts(sqs, integration.dlqUrl)
    return d.visible + d.hidden
  }
  const counters = async () => (await inspect<{counters: Counters}>(sandbox, '/_sandbox/deliveries?limit=0')).counters
  /** The counters once nothing has moved for a while (deliveries are asynchronous). */
  const settled = () =>
    until('deliveries settle', async () => {
      const a = await counters()
      await new Promise((resolve) => setTimeout(resolve, 300))
      const b = await counters()
      return JSON.stringify(a) === JSON.stringify(b) ? b : undefined
    })
  const items = (cache: string) => cacheItems(sandbox, cache)
  const createCache = (name: string) => createSandboxCache(sandbox, name)
  /** `count` cacheSet events for a cache that doesn't exist yet: all dead-lettered. */
  const deadLetter = async (cache: string, count: number) => {
    for (let i = 0; i < count; i += 10) {
      const Entries = Array.from({length: Math.min(10, count - i)}, (_, j) => ({
        Source: 'test',
        DetailType: 'cacheSet',
        Detail: JSON.stringify({cacheName: cache, key: `k-${i + j}`, message: `v-${i + j}`, ttl: 3600}),
      }))
      const out = await eb.send(new PutEventsCommand({Entries}))
      expect(out.FailedEntryCount ?? 0).toBe(0)
    }
    await until(`${count} dead letters`, async () => ((await total()) >= count ? true : undefined))
    await settled()
  }
  const ruleName = () => (/:rule\/(.+)$/.exec(integration.ruleArns.cacheSet)?.[1] ?? '').split('/').pop() ?? ''
  const cli = (args: string[]) =>
    runCli(['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', ...args], {
      inProcess: true,
      env,
      timeoutMs: 60_000,
    })

  beforeEach(async () => {
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
  })

  afterEach(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it.each([['paced', []] as const, ['--rate 0 (worker threads)', ['--rate', '0']] as const])(
    'rule disabled before the run (%s): nothing published, every message kept, exit 3 naming the rule; after enable-rule the redrive delivers all',
    async (_name, extra) => {
      await deadLetter('orders', 30)
      await createCache('orders')
      await eb.send(new DisableRuleCommand({Name: ruleName()}))
      const before = await counters()

      const run = await cli([...extra])
      expect(run.code, show(run)).toBe(3)
      expect(run.stderr).toContain(ruleName())
      expect(run.stderr).toContain('DISABLED')
      expect(run.stderr).toContain('aws events enable-rule')
      expect(run.stdout).toContain('redriven 0')
      expect(await settled()).toEqual(before)
      expect(await items('orders')).toEqual([])
      expect(await total()).toBe(30)

      await eb.send(new EnableRuleCommand({Name: ruleName()}))
      const again = await cli(['--json', ...extra])
      expect(again.code, show(again)).toBe(0)
      expect(stdoutJson(again)).toMatchObject({redriven: 30, failed: 0})
      await until('30 items', async () => ((await items('orders')).length === 30 ? true : undefined))
      expect(await total()).toBe(0)
    },
    90_000,
  )

  it.each([
    [
      'disabled',
      async () => {
        await eb.send(new DisableRuleCommand({Name: ruleName()}))
      },
    ],
    [
      'deleted',
      async () => {
        await eb.send(new RemoveTargetsCommand({Rule: ruleName(), Ids: ['cacheSet-rule']}))
        await eb.send(new DeleteRuleCommand({Name: ruleName()}))
      },
    ],
  ] as const)(
    'rule %s mid-run: nothing is lost (each message is in Momento or still in the DLQ), exit 3',
    async (_name, breakRule) => {
      const count = 40
      await deadLetter('mid', count)
      await createCache('mid')
      // One message per batch at 5/s: the run takes ~8 s, the rule breaks after the first deliveries.
      const running = cli(['--rate', '5', '--json'])
      await until('first deliveries', async () => ((await items('mid')).length >= 2 ? true : undefined), 20_000)
      await breakRule()
      const run = await running
      expect(run.code, show(run)).toBe(3)
      const summary = stdoutJson(run) as Summary
      expect(summary.stoppedBecause).toContain(ruleName())
      await settled()
      const delivered = new Set((await items('mid')).map((i) => i.key))
      const left = await total()
      expect(delivered.size).toBeLessThan(count)
      // Nothing lost: what didn't reach Momento is still in the DLQ (a duplicate would be harmless).
      expect(delivered.size + left).toBeGreaterThanOrEqual(count)
      expect(summary.redriven).toBeLessThanOrEqual(delivered.size)
    },
    90_000,
  )

  it.each([
    ['one batch', []],
    ['one message per batch', ['--rate', '5']],
  ] as const)(
    'collapse (%s): the older cacheSet is settled with the newer one; a second run publishes nothing; Momento keeps NEW',
    async (_name, extra) => {
      const now = Date.now()
      // Distinct event times (the `time` decides which is newer). The newer one reaches the DLQ first, so
      // a run taking one message per batch sees the older one after the newer one was published.
      for (const [value, ago] of [
        ['NEW', 60_000],
        ['OLD', 120_000],
      ] as const) {
        const out = await eb.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: 'test',
                DetailType: 'cacheSet',
                Time: new Date(now - ago),
                Detail: JSON.stringify({cacheName: 'kv', key: 'the-key', message: value, ttl: 3600}),
              },
            ],
          }),
        )
        expect(out.FailedEntryCount ?? 0).toBe(0)
        const expected = value === 'NEW' ? 1 : 2
        await until(`${value} dead-lettered`, async () => ((await total()) >= expected ? true : undefined))
      }
      // Some unrelated keys, so the one-per-batch run sees the pair in separate batches.
      for (let i = 0; i < 4; i++) {
        await eb.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: 'test',
                DetailType: 'cacheSet',
                Detail: JSON.stringify({cacheName: 'kv', key: `other-${i}`, message: 'x', ttl: 3600}),
              },
            ],
          }),
        )
      }
      await until('6 dead letters', async () => ((await total()) >= 6 ? true : undefined))
      await settled()
      await createCache('kv')

      const first = await cli(['--json', ...extra])
      expect(first.code, show(first)).toBe(0)
      expect(stdoutJson(first)).toMatchObject({redriven: 5, failed: 0})
      await settled()
      const value = async () => (await items('kv')).find((i) => i.key === 'the-key')?.value
      expect(await value()).toMatch(/NEW/)
      expect(await total()).toBe(0)

      const before = await counters()
      const second = await cli(['--json', ...extra])
      expect(second.code, show(second)).toBe(0)
      expect(stdoutJson(second)).toMatchObject({redriven: 0})
      expect(await settled()).toEqual(before)
      expect(await value()).toMatch(/NEW/)
      expect(await total()).toBe(0)
    },
    90_000,
  )
})
