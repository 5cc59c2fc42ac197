/**
 * Crash and resume of `dlq redrive`: `count` dead letters, `dlq redrive --all --rate 0` (the built CLI)
 * SIGKILLed at a random point `kills` times (a fresh run each time), then run again to the end.
 * Asserted from what reached Momento (the sandbox's cache items and delivery count) and what is left
 * in the queue: 0 lost, the DLQ empty, and duplicates at most one batch per loop per kill (what can be
 * published and not yet deleted at a kill). The sandbox's clock is moved on after each kill so what the
 * killed run held becomes visible again.
 *
 * Two sizes use it: 5,000 in `npm test` (test/e2e/dlq-redrive-crash.test.ts) and 100,000 in the
 * release checks CI runs (test/release/dlq-redrive-crash-100k.test.ts, about 80 s of CPU).
 */
import {SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {UNCAPPED_LOOPS} from '../../src/services/redrive.js'
import {cleanEnv, collect, runCli, show, spawnCli, stdoutJson, tempHome} from './cli.js'
import {cacheSetTarget, queueCounts, seedDlq} from './dlq-fill.js'
import {deployIntegrationWithSdk, type Integration, inspect, until} from './integration.js'
import {clientConfig, startTestSandbox} from './sandbox.js'

export interface CrashResume {
  /** Dead letters to redrive. */
  count: number
  /** SIGKILLs before the run that goes to the end. */
  kills: number
  /**
   * How often the test looks at the queue's depth to pick the kill point. Each look is an SDK call and
   * a sandbox request (about 1.5 ms of CPU): every 25 ms is 6 % of a core for a long run; for a short
   * one it keeps the kill point inside the run.
   */
  probeMs: number
}

/** The crash-and-resume journey at one size (see the file comment). */
export function describeCrashResume({count: COUNT, kills: KILLS, probeMs}: CrashResume): void {
  describe(`dlq redrive crash and resume at ${COUNT.toLocaleString('en-US')} messages`, () => {
    const clock = {offsetMs: 0}
    let sandbox: RunningSandbox
    let integration: Integration
    let home: {home: string; cleanup(): void}
    let env: NodeJS.ProcessEnv
    let sqs: SQSClient

    const depth = async () => {
      const {visible, hidden} = await queueCounts(sqs, integration.dlqUrl)
      return visible + hidden
    }
    const counters = async () =>
      (await inspect<{counters: Record<string, number>}>(sandbox, '/_sandbox/deliveries?limit=0')).counters
    const delivered = async () => (await counters())['delivered'] ?? 0
    /** The delivery count once it stops moving (the sandbox's pipeline has drained). */
    const settled = () =>
      until(
        'deliveries settle',
        async () => {
          const a = await delivered()
          await new Promise((resolve) => setTimeout(resolve, 500))
          return (await delivered()) === a ? a : undefined
        },
        120_000,
      )

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
      await seedDlq(sandbox, integration, await cacheSetTarget(sandbox, integration), COUNT, 'crash')
      expect(await depth()).toBe(COUNT)
    }, 180_000)

    afterAll(async () => {
      sqs?.destroy()
      await sandbox?.close()
      home?.cleanup()
    })

    it(`SIGKILLed ${KILLS} times, resumed: 0 lost, DLQ empty, duplicates within one batch per loop per kill`, async () => {
      const started = Date.now()
      const kills: number[] = []
      for (let round = 0; round < KILLS; round++) {
        const before = await depth()
        const child = spawnCli(
          ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '0'],
          {env},
        )
        const done = collect(child, 180_000)
        // Somewhere between 10 % and 60 % of what is left.
        const target = before - Math.floor(before * (0.1 + Math.random() * 0.5))
        await until(
          'redrive progress',
          async () => ((await depth()) <= target || child.exitCode !== null ? true : undefined),
          120_000,
          probeMs,
        )
        child.kill('SIGKILL')
        const killed = await done
        expect(killed.signal, show(killed)).toBe('SIGKILL')
        // Let the sandbox deliver what the killed run published before its clock moves on (the stack's events
        // may be 60 s old at most: a jump past that would dead-letter the backlog, which is the test, not redrive).
        await settled()
        // Read the depth only now: a DeleteMessageBatch the killed run wrote just before it died can still be
        // waiting in the sandbox's socket when the process is gone (under load, 60 messages were deleted after
        // an earlier read, and the resumed run's count was 60 short of it).
        kills.push(await depth())
        expect(kills.at(-1)).toBeGreaterThan(0)
        // What the killed run held (its 60 s visibility timeout) becomes visible again.
        clock.offsetMs += 120_000
      }
      const leftAtKill = kills.at(-1) as number

      const resumed = await runCli(
        ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '0', '--json'],
        {env, timeoutMs: 300_000},
      )
      expect(resumed.code, show(resumed)).toBe(0)
      const summary = stdoutJson(resumed) as {redriven: number; recovered: number; failed: number; leftInQueue: number}
      expect(summary.failed).toBe(0)
      expect(summary.leftInQueue).toBe(0)
      expect(await depth()).toBe(0)
      // Everything the killed run published and didn't delete was deleted by the resumed run, not published again.
      expect(summary.redriven + summary.recovered).toBe(leftAtKill)

      const deliveries = await settled()
      const items = (await inspect<{items: Array<{key: string}>}>(sandbox, '/_sandbox/momento/caches/crash/items'))
        .items
      const why = JSON.stringify({counters: await counters(), left: await depth()})
      expect(new Set(items.map((i) => i.key)).size, why).toBe(COUNT)
      const duplicates = deliveries - COUNT
      expect(duplicates).toBeGreaterThanOrEqual(0)
      expect(duplicates).toBeLessThanOrEqual(KILLS * UNCAPPED_LOOPS * 10)
      console.log(
        `crash test ${COUNT}: ${KILLS} kills (left after each: ${kills.join(', ')}); resumed run redrove ${summary.redriven} and deleted ` +
          `${summary.recovered} already published; duplicates delivered ${duplicates}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
    }, 600_000)
  })
}
