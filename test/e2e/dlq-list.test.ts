/**
 * `dlq list | export | purge` end to end: real failures produced by the sandbox's delivery pipeline
 * (unknown cache, both keys, wrong API key, injected 500 / 429 / latency), read back through the
 * built CLI over HTTP.
 */
import {chmodSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {CreateEventBusCommand, EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, type Integration, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, TEST_LONG_POLL_SCALE} from '../helpers/sandbox.js'

interface ListJson {
  queueUrl: string
  scanned: number
  count: number
  summary: {total: number; groups: Array<{reason: string; count: number}>}
  records: Array<Record<string, unknown>>
}

describe('dlq list, export, purge', () => {
  let sandbox: RunningSandbox
  let main: Integration
  let badKey: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient

  const depth = async (url: string) => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    )
  }
  const publish = (detailType: string, detail: Record<string, unknown>, bus?: string) =>
    eb.send(
      new PutEventsCommand({
        Entries: [{Source: 'test', DetailType: detailType, Detail: JSON.stringify(detail), EventBusName: bus}],
      }),
    )
  const cli = (args: string[]) => runCli(args, {inProcess: true, env})

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      caches: ['orders', 'broken', 'slow', 'hot'],
      apiDestinationTimeoutMs: 200,
      longPollScale: TEST_LONG_POLL_SCALE,
    })
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    const retry = {MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 60}
    main = await deployIntegrationWithSdk(sandbox, {retry})
    await eb.send(new CreateEventBusCommand({Name: 'badkey'}))
    badKey = await deployIntegrationWithSdk(sandbox, {bus: 'badkey', apiKey: 'not-the-key', retry})
    for (const spec of ['500@broken', '429@hot', 'latency=2000@slow']) {
      const res = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'POST', body: spec})
      expect(res.status, spec).toBeLessThan(300)
    }
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    const set = (cacheName: string, extra: Record<string, unknown> = {}) => ({
      cacheName,
      key: 'k-1',
      message: 'v',
      ttl: 60,
      ttl_seconds: 60,
      ...extra,
    })
    await publish('cacheSet', set('missing'))
    await publish('cacheSet', set('orders', {key_base64: 'azE'}))
    await publish('cacheSet', set('broken'))
    await publish('cacheSet', set('hot'))
    await publish('cacheDelete', {cacheName: 'slow', key: 'k-2'})
    await publish('cacheSet', set('orders', {key: 'wrong-key'}), 'badkey')
    // A body that isn't an event envelope (e.g. a transformed payload): reported, never a crash.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: main.dlqUrl,
        MessageBody: '"just a string"',
        MessageAttributes: {
          ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
          ERROR_MESSAGE: {DataType: 'String', StringValue: 'returned HTTP 404'},
          RETRY_ATTEMPTS: {DataType: 'Number', StringValue: '0'},
        },
      }),
    )
    await until('6 dead letters', async () => ((await depth(main.dlqUrl)) >= 6 ? true : undefined), 20_000)
    await until('1 dead letter', async () => ((await depth(badKey.dlqUrl)) >= 1 ? true : undefined), 20_000)
  }, 60_000)

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('decodes each failure with the right reason, and deletes nothing', async () => {
    const run = await cli(['dlq', 'list', '--sandbox', '--queue-url', main.dlqUrl, '--json'])
    expect(run.code, show(run)).toBe(0)
    const out = JSON.parse(run.stdout) as ListJson
    expect(out.count).toBe(6)
    const byCache = Object.fromEntries(
      out.records.map((r) => [r['cache'] ?? r['body'], [r['reason'], r['httpStatus'] ?? r['errorCode']]]),
    )
    expect(byCache).toEqual({
      missing: ['cache-not-found', 404],
      orders: ['both-keys', 400],
      broken: ['server-error', 500],
      hot: ['rate-limited', 429],
      slow: ['timeout', 'UNKNOWN'],
      '"just a string"': ['not-redrivable', 404],
    })
    const missing = out.records.find((r) => r['cache'] === 'missing')
    expect(missing).toMatchObject({
      detailType: 'cacheSet',
      key: 'k-1',
      bus: 'default',
      retryAttempts: 0,
      redrivable: true,
      region: 'us-east-1',
    })
    expect(String(missing?.['explanation'])).toContain('missing')
    // On the sandbox, the fix is the sandbox's own command (the Momento console can't reach it).
    expect(String(missing?.['fixCommand'])).toBe('momento-eb sandbox cache create missing')
    // Retried, then given up: which limit ran out first depends on the sandbox's scaled clock.
    const broken = out.records.find((r) => r['cache'] === 'broken')
    expect(broken).toMatchObject({momentoTitle: 'Internal Server Error'})
    expect(['MaximumRetryAttempts', 'MaximumEventAgeInSeconds']).toContain(broken?.['exhaustedRetryCondition'])
    expect(typeof broken?.['retryAttempts']).toBe('number')
    expect(out.records.every((r) => !('receiptHandle' in r))).toBe(true)
    expect(out.summary.groups.reduce((n, g) => n + g.count, 0)).toBe(6)
    expect(await depth(main.dlqUrl)).toBe(6)
    // Released at once: a second look sees them all again, with higher receive counts.
    const again = JSON.parse((await cli(['dlq', 'list', '--sandbox', '--queue-url', main.dlqUrl, '--json'])).stdout)
    expect(again.count).toBe(6)
    expect(Math.min(...(again as ListJson).records.map((r) => Number(r['receiveCount'])))).toBeGreaterThanOrEqual(2)
  })

  it('decodes a wrong API key as key-invalid on a named bus', async () => {
    const run = await cli(['dlq', 'list', '--sandbox', '--queue-url', badKey.dlqUrl, '--json'])
    expect(run.code, show(run)).toBe(0)
    const out = JSON.parse(run.stdout) as ListJson
    expect(out.records).toHaveLength(1)
    expect(out.records[0]).toMatchObject({reason: 'key-invalid', httpStatus: 401, bus: 'badkey', cache: 'orders'})
    expect(String(out.records[0]?.['fix'])).toContain('momento-eb deploy')
  })

  it('filters, limits, and prints tab-separated rows without a terminal', async () => {
    const filtered = await cli([
      'dlq',
      'list',
      '--sandbox',
      '--queue-url',
      main.dlqUrl,
      '--reason',
      'cache-not-found,server-error',
    ])
    expect(filtered.code, show(filtered)).toBe(0)
    const rows = filtered.stdout.trim().split('\n')
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      const columns = row.split('\t')
      expect(columns).toHaveLength(11)
      // The last column says what decided the reason.
      expect(['error-text', 'probe', 'retry-pattern']).toContain(columns[10])
    }
    expect(rows.map((r) => r.split('\t')[2]).sort()).toEqual(['cache-not-found', 'server-error'])
    expect(filtered.stderr).toMatch(/nothing is deleted/)

    const byType = await cli(['dlq', 'list', '--sandbox', '--queue-url', main.dlqUrl, '--detail-type', 'cacheDelete'])
    expect(byType.stdout.trim().split('\n')).toHaveLength(1)
    const limited = await cli(['dlq', 'list', '--sandbox', '--queue-url', main.dlqUrl, '--limit', '2', '--json'])
    expect(JSON.parse(limited.stdout)).toMatchObject({count: 2, truncated: true})
    const future = await cli([
      'dlq',
      'list',
      '--sandbox',
      '--queue-url',
      main.dlqUrl,
      '--since',
      '2999-01-01T00:00:00Z',
    ])
    expect(future.code, show(future)).toBe(0)
    expect(future.stdout).toBe('')
    const bad = await cli(['dlq', 'list', '--sandbox', '--queue-url', main.dlqUrl, '--reason', 'nope'])
    expect(bad.code, show(bad)).toBe(2)
    expect(bad.stderr).toContain('cache-not-found')
  })

  it('exports raw and decoded NDJSON to a 0600 file, refusing to overwrite without --force', async () => {
    const file = join(home.home, 'dlq.ndjson')
    const run = await cli(['dlq', 'export', '--sandbox', '--queue-url', main.dlqUrl, '--file', file, '--json'])
    expect(run.code, show(run)).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({exported: 6, scanned: 6, file})
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(6)
    for (const line of lines) {
      expect(line.raw.body).toBe(line.decoded.body)
      expect(line.raw.attributes).toHaveProperty('ERROR_CODE')
      expect(line.raw).not.toHaveProperty('receiptHandle')
    }
    expect(await depth(main.dlqUrl)).toBe(6)

    const again = await cli(['dlq', 'export', '--sandbox', '--queue-url', main.dlqUrl, '--file', file])
    expect(again.code, show(again)).toBe(1)
    expect(again.stderr).toMatch(/--force/)
    writeFileSync(file, 'old', {mode: 0o644})
    const forced = await cli(['dlq', 'export', '--sandbox', '--queue-url', main.dlqUrl, '--file', file, '--force'])
    expect(forced.code, show(forced)).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(6)

    const stdout = await cli(['dlq', 'export', '--sandbox', '--queue-url', main.dlqUrl, '--file', '-', '--limit', '3'])
    expect(stdout.code, show(stdout)).toBe(0)
    expect(
      stdout.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).decoded.reason),
    ).toHaveLength(3)
  })

  it('export never writes through a symlink: the link is refused (exit 2), its target keeps content and mode', async () => {
    const target = join(home.home, 'precious.txt')
    writeFileSync(target, 'keep me\n')
    chmodSync(target, 0o644)
    const link = join(home.home, 'export-link.ndjson')
    symlinkSync(target, link)
    for (const force of [[], ['--force']]) {
      const run = await cli(['dlq', 'export', '--sandbox', '--queue-url', main.dlqUrl, '--file', link, ...force])
      expect(run.code, show(run)).toBe(2)
      expect(run.stderr).toMatch(/symbolic link/)
      expect(readFileSync(target, 'utf8')).toBe('keep me\n')
      expect(statSync(target).mode & 0o777).toBe(0o644)
      expect(lstatSync(link).isSymbolicLink()).toBe(true)
    }
    // --force on a regular file replaces it through a temporary file: nothing else is left behind.
    const file = join(home.home, 'replaced.ndjson')
    writeFileSync(file, 'old\n', {mode: 0o644})
    const forced = await cli(['dlq', 'export', '--sandbox', '--queue-url', main.dlqUrl, '--file', file, '--force'])
    expect(forced.code, show(forced)).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).not.toContain('old')
    expect(readdirSync(home.home).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('fails clearly for a queue that does not exist and for an unknown stack', async () => {
    const url = main.dlqUrl.replace(/[^/]+$/, 'no-such-queue')
    const run = await cli(['dlq', 'list', '--sandbox', '--queue-url', url])
    expect(run.code, show(run)).toBe(1)
    expect(run.stderr).toMatch(/no-such-queue/)
    const stack = await cli(['dlq', 'list', '--sandbox', '--stack', 'no-such-stack'])
    expect(stack.code, show(stack)).not.toBe(0)
    expect(stack.stderr).toMatch(/no-such-stack/)
  })

  it('purges only with --yes without a terminal, then lists an empty queue', async () => {
    const refused = await cli(['dlq', 'purge', '--sandbox', '--queue-url', badKey.dlqUrl])
    expect(refused.code, show(refused)).toBe(2)
    expect(refused.stderr).toMatch(/--yes/)
    expect(await depth(badKey.dlqUrl)).toBe(1)
    const run = await cli(['dlq', 'purge', '--sandbox', '--queue-url', badKey.dlqUrl, '--yes', '--json'])
    expect(run.code, show(run)).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({queueUrl: badKey.dlqUrl, purged: 1})
    await until('purged', async () => ((await depth(badKey.dlqUrl)) === 0 ? true : undefined))
    const empty = await cli(['dlq', 'list', '--sandbox', '--queue-url', badKey.dlqUrl, '--json'])
    expect(empty.code, show(empty)).toBe(0)
    expect(JSON.parse(empty.stdout)).toMatchObject({count: 0, scanned: 0})
    const second = await cli(['dlq', 'purge', '--sandbox', '--queue-url', badKey.dlqUrl, '--yes'])
    // SQS allows one purge a minute; the sandbox may or may not model it, but never a crash.
    expect([0, 1], show(second)).toContain(second.code)
  })
})
