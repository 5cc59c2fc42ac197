/**
 * `put … --wait` end to end: the built CLI publishes through the sandbox and waits for the Momento
 * side (item read back, topic subscription) or the DLQ, with exit codes 0 / 1 / 8.
 */
import {CreateEventBusCommand, EventBridgeClient, PutRuleCommand} from '@aws-sdk/client-eventbridge'
import {ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {awsEnv, cleanEnv, runCliInProcess, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, type Integration} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

describe('put --wait', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    integration = await deployIntegrationWithSdk(sandbox, {
      retry: {MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 60},
    })
    const eb = new EventBridgeClient(clientConfig(sandbox))
    await eb.send(new CreateEventBusCommand({Name: 'no-rules'}))
    // A rule that matches but has no target: the event goes somewhere, and never reaches Momento.
    await eb.send(new CreateEventBusCommand({Name: 'no-targets'}))
    await eb.send(
      new PutRuleCommand({
        Name: 'matches',
        EventBusName: 'no-targets',
        EventPattern: JSON.stringify({'detail-type': ['cacheSet']}),
      }),
    )
    eb.destroy()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  }, 30_000)
  afterAll(async () => {
    await sandbox?.close()
    home?.cleanup()
  })

  const put = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runCliInProcess(['put', ...args, '--sandbox', '--wait', '--queue-url', integration.dlqUrl, '--json'], {
      env: {...env, ...extra},
    })

  it('cacheSet: delivered once GET returns the value (exit 0)', async () => {
    const run = await put(['cacheSet', '--cache', 'orders', '--key', 'w-1', '--ttl', '60', '--message', 'hello'])
    expect(run.code, show(run)).toBe(0)
    const out = JSON.parse(run.stdout)
    expect(out).toMatchObject({outcome: 'delivered', detailType: 'cacheSet'})
    expect(out.eventId).toMatch(/[0-9a-f-]{36}/)
    expect(run.stdout).not.toContain(TEST_API_KEY)
  })

  it('cacheDelete: delivered once the key is gone (exit 0)', async () => {
    const run = await put(['cacheDelete', '--cache', 'orders', '--key', 'w-1'])
    expect(run.code, show(run)).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({outcome: 'delivered', notes: []})
  })

  it('topicPublish: the subscription opened before publishing receives it (exit 0)', async () => {
    // History on the topic must not count as delivery.
    const first = await put(['topicPublish', '--cache', 'orders', '--topic', 'news', '--message', 'one'])
    expect(first.code, show(first)).toBe(0)
    const run = await put(['topicPublish', '--cache', 'orders', '--topic', 'news', '--message', 'two'])
    expect(run.code, show(run)).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({outcome: 'delivered', detailType: 'topicPublish'})
  })

  it('dead-lettered: prints the decoded reason and exits 1', async () => {
    const run = await put(['cacheSet', '--cache', 'nope', '--key', 'k', '--ttl', '60', '--message', 'x'])
    expect(run.code, show(run)).toBe(1)
    const out = JSON.parse(run.stdout)
    expect(out).toMatchObject({outcome: 'dead-lettered', deadLetter: {reason: 'cache-not-found', cache: 'nope'}})
    expect(out.deadLetter.event.id).toBe(out.eventId)

    const human = await runCliInProcess(
      [
        'put',
        'topicPublish',
        '--sandbox',
        '--wait',
        '--queue-url',
        integration.dlqUrl,
        '--cache',
        'nope',
        '--topic',
        't',
        '--message',
        'm',
      ],
      {env},
    )
    expect(human.code, show(human)).toBe(1)
    expect(human.stderr).toMatch(/Dead-lettered after .*cache-not-found/)
    // On the sandbox the fix is the sandbox's own command (issue 13), not the Momento CLI.
    expect(human.stderr).toContain('`momento-eb sandbox cache create nope`')
    expect(human.stderr).not.toMatch(/momento cache create/)
  })

  it("says that watching the DLQ raised its messages' receive counts, and by how much; so does --help", async () => {
    const run = await put(['cacheSet', '--cache', 'nope', '--key', 'rc', '--ttl', '60', '--message', 'x'])
    expect(run.code, show(run)).toBe(1)
    const out = JSON.parse(run.stdout) as {eventId: string; notes: string[]}
    const note = out.notes.find((n) => n.startsWith('Watching the DLQ received its'))
    expect(note, out.notes.join('\n')).toBeDefined()
    const times = Number(/rose by up to (\d+);/.exec(note ?? '')?.[1])
    // What SQS says: our receive below is one more; the wait's receives are at most what the note says.
    const sqs = new SQSClient(clientConfig(sandbox))
    try {
      const got = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: integration.dlqUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          VisibilityTimeout: 30,
        }),
      )
      const mine = (got.Messages ?? []).find((m) => (JSON.parse(m.Body ?? '{}') as {id?: string}).id === out.eventId)
      expect(mine, 'the dead-lettered message').toBeDefined()
      const count = Number(mine?.Attributes?.ApproximateReceiveCount)
      expect(count - 1).toBeGreaterThanOrEqual(1)
      expect(count - 1).toBeLessThanOrEqual(times)
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: integration.dlqUrl,
          Entries: (got.Messages ?? []).map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
    } finally {
      sqs.destroy()
    }
    const help = await runCliInProcess(['put', 'cacheSet', '--help'], {env: {...env, COLUMNS: '80'}})
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("raises every DLQ message's ApproximateReceiveCount by one")
  })

  it('timed out: neither delivered nor dead-lettered within --timeout (exit 8)', async () => {
    const run = await put([
      'cacheSet',
      '--bus',
      'no-targets',
      '--cache',
      'orders',
      '--key',
      'k-t',
      '--ttl',
      '60',
      '--message',
      'x',
      '--timeout',
      '1s',
    ])
    expect(run.code, show(run)).toBe(8)
    expect(JSON.parse(run.stdout)).toMatchObject({outcome: 'timed-out'})
  })

  it('unmatched: no rule on the bus matches the event, said at once (exit 1), not blamed on retries', async () => {
    const run = await put([
      'cacheSet',
      '--bus',
      'no-rules',
      '--cache',
      'orders',
      '--key',
      'k-u',
      '--ttl',
      '60',
      '--message',
      'x',
    ])
    expect(run.code, show(run)).toBe(1)
    const unmatched = JSON.parse(run.stdout) as {outcome: string; waitedMs: number; notes: string[]}
    expect(unmatched).toMatchObject({outcome: 'unmatched', waitedMs: 0})
    // The suggested commands keep the run's context in JSON too (deploy takes no --queue-url).
    expect(unmatched.notes.join(' ')).toContain('`momento-eb deploy --bus no-rules --sandbox`')
    const human = await runCliInProcess(
      [
        'put',
        'topicPublish',
        '--sandbox',
        '--wait',
        '--bus',
        'no-targets',
        '--cache',
        'orders',
        '--topic',
        't',
        '--message',
        'm',
      ],
      {env: {...env, MOMENTO_EB_SOURCE: 'shop'}},
    )
    expect(human.code, show(human)).toBe(1)
    expect(human.stderr).toContain(
      'No rule on bus no-targets matches this event (detail type topicPublish from source shop): EventBridge accepted it and delivered it nowhere.',
    )
    expect(human.stderr).toContain('None of the 1 rules on bus no-targets matches')
    expect(human.stderr).toContain('`momento-eb deploy --bus no-targets --sandbox`')
  })

  it('refuses --wait without a Momento endpoint and key, before publishing (exit 4)', async () => {
    const run = await runCliInProcess(
      ['put', 'cacheSet', '--wait', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'x'],
      {env: {...env, ...awsEnv(sandbox.endpoint), MOMENTO_API_KEY: undefined}},
    )
    expect(run.code, show(run)).toBe(4)
    expect(run.stderr).toMatch(/--momento-endpoint/)
    const badTimeout = await put([
      'cacheSet',
      '--cache',
      'orders',
      '--key',
      'k',
      '--ttl',
      '6',
      '--message',
      'x',
      '--timeout',
      'soon',
    ])
    expect(badTimeout.code, show(badTimeout)).toBe(2)
  })

  it('a wrong MOMENTO_API_KEY for reads is an auth error, never printed', async () => {
    const run = await put(['cacheSet', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'x'], {
      MOMENTO_API_KEY: 'wrong-secret-key-123',
    })
    expect(run.code, show(run)).toBe(4)
    expect(run.stdout + run.stderr).not.toContain('wrong-secret-key-123')
  })

  it('plain put without --wait is unchanged', async () => {
    const run = await runCliInProcess(
      ['put', 'cacheSet', '--sandbox', '--cache', 'orders', '--key', 'p', '--ttl', '60', '--message', 'x'],
      {env},
    )
    expect(run.code, show(run)).toBe(0)
  })
})
