/**
 * Crash safety of `dlq redrive`: 10,000 dead letters, a redrive with no rate cap SIGKILLed at a random
 * point three times (fresh runs each time), then a run to the end. Every original event must reach
 * Momento at least once and the DLQ must end empty; duplicates are counted and must stay within what
 * could have been in flight at each kill. The sandbox's clock is moved on after each kill so the
 * messages the killed run held become visible again (their 60 s visibility timeout runs out).
 */
import {GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {UNCAPPED_LOOPS} from '../../src/services/redrive.js'
import {cleanEnv, collect, runCli, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {cacheSetTarget, seedDlq} from '../helpers/dlq-fill.js'
import {deployIntegrationWithSdk, type Integration, inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'

const COUNT = 10_000
const KILLS = 3

describe('dlq redrive crash safety', () => {
  const clock = {offsetMs: 0}
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient

  const depth = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: integration.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    )
  }
  const itemKeys = async () =>
    (await inspect<{items: Array<{key: string}>}>(sandbox, '/_sandbox/momento/caches/crash/items')).items.map(
      (i) => i.key,
    )
  const delivered = async () =>
    (await inspect<{counters: {delivered: number}}>(sandbox, '/_sandbox/deliveries?limit=0')).counters.delivered

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['crash'], now: () => Date.now() + clock.offsetMs})
    sqs = new SQSClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    // A call timeout far above the default 10 s: with the machine loaded (a full suite beside other jobs) this
    // process's sandbox has gone more than 10 s without answering a DeleteMessageBatch, and the run then
    // ended on its own (exit 5) before the kill. This test is about crashes, not slow endpoints.
    env = cleanEnv(home.home, {
      MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
      MOMENTO_EB_STATE_DIR: `${home.home}/state`,
      MOMENTO_EB_CALL_TIMEOUT: '60s',
    })
    // DLQ-shaped messages, as EventBridge writes them, for the stack's cacheSet rule and its real target
    // (redrive checks that the rule still targets TARGET_ARN), stored through the sandbox's seed route:
    // the subject is the redrive, not 1,000 SendMessageBatch calls.
    const targetArn = await cacheSetTarget(sandbox, integration)
    expect(targetArn).toMatch(/:api-destination\//)
    await seedDlq(sandbox, integration, targetArn, COUNT, 'crash')
    expect(await depth()).toBe(COUNT)
  }, 120_000)

  afterAll(async () => {
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it(`loses nothing when SIGKILLed ${KILLS} times mid-redrive`, async () => {
    const kills: Array<{leftInQueue: number}> = []
    for (let round = 0; round < KILLS; round++) {
      const before = await depth()
      const child = spawnCli(
        ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '0'],
        {env},
      )
      const done = collect(child, 120_000)
      // Somewhere in the first two thirds of what is left, at a random point.
      const target = before - Math.floor(before * (0.1 + Math.random() * 0.5))
      await until(
        'redrive progress',
        async () => ((await depth()) <= target || child.exitCode !== null ? true : undefined),
        60_000,
      )
      child.kill('SIGKILL')
      const result = await done
      expect(result.signal, show(result)).toBe('SIGKILL')
      kills.push({leftInQueue: await depth()})
      // Let the sandbox deliver what the killed run published first: moving its clock past the stack's
      // MaximumEventAgeInSeconds (60 s) with events still queued would dead-letter them back into the DLQ.
      await until('deliveries settle after the kill', async () => {
        const a = await delivered()
        await new Promise((resolve) => setTimeout(resolve, 500))
        return (await delivered()) === a ? true : undefined
      })
      // The killed run's in-flight messages become visible again once their visibility timeout is over.
      clock.offsetMs += 120_000
    }

    const final = await runCli(
      ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '0', '--json'],
      {inProcess: true, env, timeoutMs: 120_000},
    )
    expect(final.code, show(final)).toBe(0)
    const summary = stdoutJson(final) as {redriven: number; recovered: number; failed: number}
    expect(summary.failed).toBe(0)
    const counters = (await inspect<{counters: unknown}>(sandbox, '/_sandbox/deliveries?limit=0')).counters
    expect(await depth(), JSON.stringify({summary, counters})).toBe(0)

    const keys = await until(
      'every event delivered',
      async () => {
        const found = await itemKeys()
        return found.length >= COUNT ? found : undefined
      },
      60_000,
      // Each look serializes 10,000 items in this process, where the sandbox is delivering the last of them.
      250,
    )
    expect(new Set(keys).size).toBe(COUNT)
    const deliveries = await until('deliveries settle', async () => {
      const a = await delivered()
      await new Promise((resolve) => setTimeout(resolve, 200))
      return (await delivered()) === a ? a : undefined
    })
    const duplicates = deliveries - COUNT
    // Bounded by what can be in flight at a kill: one batch of 10 per loop, per kill.
    expect(duplicates).toBeGreaterThanOrEqual(0)
    expect(duplicates).toBeLessThanOrEqual(KILLS * UNCAPPED_LOOPS * 10)
    console.log(
      `crash test: ${COUNT} messages, ${KILLS} SIGKILLs (left in queue after each: ${kills.map((k) => k.leftInQueue).join(', ')}), ` +
        `final run redrove ${summary.redriven} and deleted ${summary.recovered} already-published; duplicates delivered: ${duplicates}`,
    )
  }, 300_000)
})
