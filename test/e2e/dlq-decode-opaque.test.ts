/**
 * The decoder against the worst case AWS allows: the sandbox's opaque failure mode, where a Momento
 * 4xx or 5xx reaches the DLQ with neither status nor body (as the real captures suggest). Each
 * failure decodes through the retry pattern alone, then through the read-only probe (`--diagnose`),
 * with `evidence` saying which, through the built CLI.
 */
import {CreateEventBusCommand, EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, type Integration, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, TEST_LONG_POLL_SCALE} from '../helpers/sandbox.js'

interface Row {
  cache?: string
  key?: string
  reason: string
  evidence: string
  retryPattern: string
  httpStatus?: number
  errorCode?: string
  explanation: string
  fix: string
  diagnosis?: {outcome: string}
}

describe('dlq list in the sandbox’s opaque failure mode', () => {
  let sandbox: RunningSandbox
  let main: Integration
  let badKey: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient

  const depth = async (url: string) => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages']}),
    )
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0)
  }
  const publish = (detail: Record<string, unknown>, bus?: string) =>
    eb.send(
      new PutEventsCommand({
        Entries: [{Source: 'test', DetailType: 'cacheSet', Detail: JSON.stringify(detail), EventBusName: bus}],
      }),
    )
  const set = (cacheName: string, extra: Record<string, unknown> = {}) => ({
    cacheName,
    key: 'k-1',
    message: 'v',
    ttl: 60,
    ...extra,
  })
  const momentoRequests = async () =>
    (
      (await (await fetch(`${sandbox.endpoint}/_sandbox/momento/requests`)).json()) as {
        requests: Array<{method: string; cache?: string}>
      }
    ).requests
  const list = async (queueUrl: string, extra: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) => {
    const run = await runCli(['dlq', 'list', '--sandbox', '--queue-url', queueUrl, '--json', ...extra], {
      inProcess: true,
      env: {...env, ...extraEnv},
    })
    expect(run.code, show(run)).toBe(0)
    return (JSON.parse(run.stdout) as {records: Row[]}).records
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      caches: ['orders', 'broken'],
      failureDetail: 'opaque',
      longPollScale: TEST_LONG_POLL_SCALE,
    })
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    const retry = {MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600}
    main = await deployIntegrationWithSdk(sandbox, {retry})
    await eb.send(new CreateEventBusCommand({Name: 'badkey'}))
    badKey = await deployIntegrationWithSdk(sandbox, {bus: 'badkey', apiKey: 'revoked-key-0123456789', retry})
    const fault = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'POST', body: '500@broken'})
    expect(fault.status).toBe(201)
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    for (const key of ['k-1', 'k-2', 'k-3']) await publish(set('missing', {key}))
    await publish(set('orders', {key_base64: 'azE'}))
    await publish(set('broken'))
    await publish(set('orders'), 'badkey')
    await until('5 dead letters', async () => ((await depth(main.dlqUrl)) >= 5 ? true : undefined), 20_000)
    await until('1 dead letter', async () => ((await depth(badKey.dlqUrl)) >= 1 ? true : undefined), 20_000)
  }, 60_000)

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('without a probe: the retry pattern classes each failure and says what is and is not known', async () => {
    const rows = await list(main.dlqUrl, ['--no-diagnose'])
    const byCache = (cache: string) => rows.filter((r) => r.cache === cache)
    for (const r of rows) {
      expect(r.httpStatus, 'opaque mode carries no status').toBeUndefined()
      expect(r.errorCode).toBe('UNKNOWN')
    }
    expect(byCache('missing').map((r) => [r.reason, r.evidence, r.retryPattern])).toEqual([
      ['refused', 'retry-pattern', 'not-retried'],
      ['refused', 'retry-pattern', 'not-retried'],
      ['refused', 'retry-pattern', 'not-retried'],
    ])
    expect(byCache('missing')[0]?.explanation).toMatch(/400, 403 or 404/)
    expect(byCache('missing')[0]?.fix).toMatch(/--diagnose/)
    expect(byCache('orders').map((r) => [r.reason, r.evidence])).toEqual([['both-keys', 'retry-pattern']])
    expect(byCache('broken').map((r) => [r.reason, r.evidence, r.retryPattern])).toEqual([
      ['retries-exhausted', 'retry-pattern', 'retried'],
    ])
  })

  it('with the sandbox key: one read per cache settles each failure, and nothing is written', async () => {
    await fetch(`${sandbox.endpoint}/_sandbox/momento/requests`, {method: 'DELETE'})
    const rows = await list(main.dlqUrl)
    const reasons = Object.fromEntries(rows.map((r) => [`${r.cache}/${r.key}`, [r.reason, r.evidence]]))
    expect(reasons).toEqual({
      'missing/k-1': ['cache-not-found', 'probe'],
      'missing/k-2': ['cache-not-found', 'probe'],
      'missing/k-3': ['cache-not-found', 'probe'],
      'orders/k-1': ['both-keys', 'retry-pattern'],
      'broken/k-1': ['server-error', 'probe'],
    })
    // On the sandbox the fix is the sandbox's own command (with the run's --sandbox), not Momento's CLI.
    expect(rows.find((r) => r.cache === 'missing')?.fix).toMatch(/momento-eb sandbox cache create missing/)
    const requests = await momentoRequests()
    // One probe each for the two ambiguous caches: three messages for `missing` cost one read.
    expect(requests.map((r) => `${r.method} ${r.cache}`).sort()).toEqual(['GET broken', 'GET missing'])
  })

  it('a revoked key: retried, then settled by probing with that key', async () => {
    const [unprobed] = await list(badKey.dlqUrl, ['--no-diagnose'])
    expect([unprobed?.reason, unprobed?.retryPattern]).toEqual(['retries-exhausted', 'retried'])
    const [probed] = await list(badKey.dlqUrl, [], {MOMENTO_API_KEY: 'revoked-key-0123456789'})
    expect([probed?.reason, probed?.evidence, probed?.diagnosis?.outcome]).toEqual([
      'key-invalid',
      'probe',
      'key-invalid',
    ])
  })

  it('redrive --dry-run shows the probed reason of each entry, and sends nothing', async () => {
    const before = await depth(main.dlqUrl)
    await fetch(`${sandbox.endpoint}/_sandbox/momento/requests`, {method: 'DELETE'})
    const run = await runCli(
      ['dlq', 'redrive', '--sandbox', '--queue-url', main.dlqUrl, '--all', '--dry-run', '--json'],
      {
        inProcess: true,
        env,
      },
    )
    expect(run.code, show(run)).toBe(0)
    const out = JSON.parse(run.stdout) as {entries: Array<{reason: string; evidence: string}>}
    expect(out.entries.map((e) => `${e.reason}/${e.evidence}`).sort()).toEqual([
      'both-keys/retry-pattern',
      'cache-not-found/probe',
      'cache-not-found/probe',
      'cache-not-found/probe',
      'server-error/probe',
    ])
    expect((await momentoRequests()).every((r) => r.method === 'GET')).toBe(true)
    await until('released', async () => ((await depth(main.dlqUrl)) === before ? true : undefined), 10_000)
    // --diagnose is for looking: a redrive that publishes selects by what the DLQ states.
    const wet = await runCli(['dlq', 'redrive', '--sandbox', '--queue-url', main.dlqUrl, '--all', '--diagnose'], {
      inProcess: true,
      env,
    })
    expect(wet.code, show(wet)).toBe(2)
    expect(wet.stderr).toMatch(/--dry-run/)
  })

  it('--diagnose without any key is a usage error before any AWS call', async () => {
    const run = await runCli(
      [
        'dlq',
        'list',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--region',
        'us-east-1',
        '--queue-url',
        main.dlqUrl,
        '--diagnose',
      ],
      {inProcess: true, env: {...env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y'}},
    )
    expect(run.code, show(run)).toBe(2)
    expect(run.stderr).toMatch(/MOMENTO_API_KEY/)
  })
})
