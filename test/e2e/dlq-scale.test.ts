/**
 * `dlq list` and `dlq watch` on queues built straight through SQS (SendMessageBatch of messages shaped
 * like EventBridge's dead letters), with the built CLI: the list's stop rule on a small queue, what it
 * says about an empty queue, and the watch view's summary of a queue bigger than its window.
 */
import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, tempHome} from '../helpers/cli.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'
import {hasTmux, openTerminal} from '../helpers/terminal.js'

const RULE = 'arn:aws:events:us-east-1:000000000000:rule/momento-api-cacheSet'

function entry(i: number, j: number) {
  const status = i % 4 === 0 ? 429 : 404
  return {
    Id: `m${j}`,
    MessageBody: JSON.stringify({
      version: '0',
      id: `e2e-${i}`,
      'detail-type': 'cacheSet',
      source: 'test',
      account: '000000000000',
      time: '2026-12-06T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {cacheName: `orders-${i % 3}`, key: `k-${i}`, message: 'v', ttl: 60},
    }),
    MessageAttributes: {
      RULE_ARN: {DataType: 'String', StringValue: RULE},
      ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
      ERROR_MESSAGE: {DataType: 'String', StringValue: `API destination endpoint returned HTTP ${status}`},
      RETRY_ATTEMPTS: {DataType: 'String', StringValue: status === 429 ? '3' : '0'},
      ...(status === 429 ? {EXHAUSTED_RETRY_CONDITION: {DataType: 'String', StringValue: 'MaximumRetryAttempts'}} : {}),
    },
  }
}

describe('dlq list and dlq watch at scale', () => {
  let sandbox: RunningSandbox
  let sqs: SQSClient
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  const queueWith = async (name: string, count: number): Promise<{url: string; ids: string[]}> => {
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: name}))
    const ids: string[] = []
    const calls = Array.from({length: Math.ceil(count / 10)}, (_, c) => c)
    for (let k = 0; k < calls.length; k += 16) {
      await Promise.all(
        calls.slice(k, k + 16).map(async (c) => {
          const Entries = Array.from({length: Math.min(10, count - c * 10)}, (_, j) => entry(c * 10 + j, j))
          const out = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries}))
          expect(out.Failed ?? []).toEqual([])
          ids.push(...(out.Successful ?? []).map((s) => s.MessageId as string))
        }),
      )
    }
    return {url: QueueUrl as string, ids}
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    sqs = new SQSClient(clientConfig(sandbox))
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })

  afterAll(async () => {
    sqs?.destroy()
    home?.cleanup()
    await sandbox?.close()
  })

  it('dlq list reads a 5-message DLQ whole, exit 0, and leaves every message in the queue', async () => {
    const {url, ids} = await queueWith('scale-five', 5)
    const result = await runCli(['dlq', 'list', '--sandbox', '--queue-url', url, '--json'], {inProcess: true, env})
    expect(result.code, result.stderr).toBe(0)
    const out = JSON.parse(result.stdout) as {count: number; records: Array<{messageId: string}>; depth: unknown}
    expect(out.records.map((r) => r.messageId).sort()).toEqual([...ids].sort())
    // The counts read after the scan: all 5 hidden by the scan, none left visible.
    expect(out.depth).toEqual({visible: 0, inFlight: 5, delayed: 0})
    // Released: a second run sees the same five.
    const again = await runCli(['dlq', 'list', '--sandbox', '--queue-url', url], {inProcess: true, env})
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout.trim().split('\n')).toHaveLength(5)
  })

  it('dlq list on an empty queue says so only as JSON counts of zero, exit 0', async () => {
    const {url} = await queueWith('scale-empty', 0)
    const result = await runCli(['dlq', 'list', '--sandbox', '--queue-url', url, '--json'], {inProcess: true, env})
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({count: 0, scanned: 0, depth: {visible: 0, inFlight: 0}})
  })

  it('dlq list --limit on a bigger queue reports SQS’s count of the whole queue', async () => {
    const {url} = await queueWith('scale-forty', 40)
    const result = await runCli(['dlq', 'list', '--sandbox', '--queue-url', url, '--json', '--limit', '10'], {
      inProcess: true,
      env,
    })
    expect(result.code, result.stderr).toBe(0)
    const out = JSON.parse(result.stdout) as {
      count: number
      truncated: boolean
      depth: {visible: number; inFlight: number}
    }
    expect(out.count).toBe(10)
    expect(out.truncated).toBe(true)
    expect(out.depth.visible + out.depth.inFlight).toBe(40)
  })

  it.skipIf(!hasTmux)(
    'dlq watch on 6,000 messages: exact counts of all, a window of 5,000, new messages counted at once, q exits 0',
    // Its waits add up to more than the default 30 s when the machine is loaded.
    {timeout: 120_000},
    async () => {
      const {url} = await queueWith('scale-watch', 6_000)
      const terminal = openTerminal(['dlq', 'watch', '--sandbox', '--queue-url', url], {
        env: {...env, CI: undefined},
        cwd: home.home,
        columns: 120,
        rows: 24,
      })
      try {
        // The first frame carries the queue's size before the sweep ends.
        await terminal.waitFor(
          'the depth',
          (s) => /6,000 visible|\d[\d,]* visible · \d[\d,]* in flight/.test(s),
          20_000,
        )
        // After one sweep: exact counts of all 6,000 (1 in 4 rate limited), the newest 5,000 kept.
        const done = await terminal.waitFor(
          'the sweep',
          (s) => s.includes('6,000 total: cache-not-found 4,500') && s.includes('showing the newest 5,000'),
          60_000,
        )
        expect(done).toContain('rate-limited 1,500')
        // Two new failures: the queue's count shows them within a poll or two.
        await sqs.send(new SendMessageBatchCommand({QueueUrl: url, Entries: [entry(9_000, 0), entry(9_001, 1)]}))
        await terminal.waitFor('+2 new', (s) => s.includes('+2 new'), 10_000)
        terminal.keys('q')
        expect(await terminal.exitCode(15_000)).toBe(0)
      } finally {
        terminal.close()
      }
    },
  )
})
