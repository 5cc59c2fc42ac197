/**
 * `momento-eb put` end to end: the built CLI over real HTTP against a sandbox with the integration
 * deployed through the SDK; values are read back from the sandbox's Momento routes.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, type CliResult, runCliInProcess, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, inspect, until} from '../helpers/integration.js'
import {startTestSandbox} from '../helpers/sandbox.js'

interface Items {
  items: Array<{key: string | null; keyBase64: string; value?: string; ttlRemainingSeconds: number}>
}
interface Counters {
  counters: {matchedEvents: number; delivered: number}
}

describe('put', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  const put = (args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliResult> =>
    runCliInProcess(['put', ...args], {env: {...env, ...extraEnv}})
  const items = async () => (await inspect<Items>(sandbox, '/_sandbox/momento/caches/orders/items')).items
  const matched = async () => (await inspect<Counters>(sandbox, '/_sandbox/deliveries?limit=0')).counters.matchedEvents

  it('cacheSet lands in Momento with its TTL, and cacheDelete removes it', async () => {
    const set = await put([
      'cacheSet',
      '--sandbox',
      '--cache',
      'orders',
      '--key',
      'o-1',
      '--ttl',
      '300',
      '--message',
      'hello',
      '--json',
    ])
    expect(set.code, show(set)).toBe(0)
    const result = JSON.parse(set.stdout)
    expect(result).toMatchObject({
      detailType: 'cacheSet',
      bus: 'default',
      detail: {cacheName: 'orders', key: 'o-1', message: 'hello', ttl: 300, ttl_seconds: 300},
    })
    expect(result.eventId).toMatch(/^[0-9a-f-]{36}$/)
    const item = await until('the item', async () => (await items()).find((i) => i.key === 'o-1'))
    // The stack's `"<message>"` template stores the value as a JSON string literal
    // (docs/reference/aws-facts.md#quoted-message).
    expect(item.value).toBe('"hello"')
    expect(item.ttlRemainingSeconds).toBeGreaterThan(290)
    expect(item.ttlRemainingSeconds).toBeLessThanOrEqual(300)

    const del = await put(['cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'o-1'])
    expect(del.code, show(del)).toBe(0)
    expect(del.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/)
    expect(del.stderr).toContain('Sent cacheDelete for key o-1 in cache orders')
    await until('the delete', async () => ((await items()).some((i) => i.key === 'o-1') ? undefined : true))
  })

  it('cacheSet with --key-base64 and a message from a file; topicPublish from stdin-less flags', async () => {
    const file = join(home.home, 'value.txt')
    writeFileSync(file, 'from a file')
    const set = await put([
      'cacheSet',
      '--sandbox',
      '--cache',
      'orders',
      '--key-base64',
      'AAEC',
      '--ttl',
      '60',
      '--message-file',
      file,
    ])
    expect(set.code, show(set)).toBe(0)
    await until('the binary-key item', async () =>
      (await items()).find((i) => i.keyBase64 === 'AAEC' && i.value === '"from a file"'),
    )

    const pub = await put(['topicPublish', '--sandbox', '--topic', 'shipped', '--message', 'order 7 shipped'], {
      MOMENTO_EB_CACHE: 'orders',
    })
    expect(pub.code, show(pub)).toBe(0)
    const topic = await until('the topic message', async () => {
      const view = await inspect<{messages: Array<{text?: string}>}>(sandbox, '/_sandbox/momento/topics/orders/shipped')
      return view.messages.length > 0 ? view : undefined
    })
    expect(topic.messages[0]?.text).toBe('"order 7 shipped"')
  })

  it('publishes a file of events in batches and reports per-line results', async () => {
    const lines = Array.from({length: 25}, (_, i) =>
      i % 2 === 0
        ? JSON.stringify({
            detailType: 'cacheSet',
            detail: {cacheName: 'orders', key: `batch-${i}`, message: `v${i}`, ttl: 120},
          })
        : JSON.stringify({
            DetailType: 'cacheSet',
            Source: 'billing',
            Detail: JSON.stringify({cacheName: 'orders', key: `batch-${i}`, message: `v${i}`, ttl: 120}),
          }),
    )
    const file = join(home.home, 'batch.ndjson')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const result = await put(['--file', file, '--sandbox', '--json'])
    expect(result.code, show(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({lines: 25, sent: 25, failed: 0, invalid: [], failures: []})
    await until('all 25 items', async () => {
      const keys = new Set((await items()).map((i) => i.key))
      return lines.every((_, i) => keys.has(`batch-${i}`)) ? true : undefined
    })
  })

  it('publishes a large file through worker threads, every event accounted for', async () => {
    // 2,500 lines: above the size where put spreads PutEvents over worker threads.
    const lines = Array.from({length: 2500}, (_, i) =>
      JSON.stringify({detailType: 'cacheDelete', detail: {cacheName: 'orders', key: `bulk-${i}`}}),
    )
    const file = join(home.home, 'large.ndjson')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const before = await matched()
    const result = await put(['--file', file, '--sandbox', '--json'])
    expect(result.code, show(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({lines: 2500, sent: 2500, failed: 0})
    await until('2,500 deliveries', async () => ((await matched()) - before >= 2500 ? true : undefined))
    // A failure before sending must not leave worker threads holding the process open.
    const missingBus = await put(['--file', file, '--sandbox', '--bus', 'nope'])
    expect(missingBus.code, show(missingBus)).toBe(1)
    expect(missingBus.timedOut).toBe(false)
  })

  it('config defaults apply below flags and env vars', async () => {
    const configured = {...env, XDG_CONFIG_HOME: join(home.home, 'xdg')}
    mkdirSync(join(home.home, 'xdg'), {recursive: true})
    const saved = await runCliInProcess(['config', 'set', 'cache', 'orders'], {env: configured})
    expect(saved.code, show(saved)).toBe(0)
    const get = await runCliInProcess(['config', 'get', 'cache', '--json'], {
      env: {...configured, MOMENTO_EB_CACHE: 'envcache'},
    })
    expect(JSON.parse(get.stdout)).toEqual({key: 'cache', value: 'envcache', origin: 'env'})
    const set = await runCliInProcess(
      ['put', 'cacheSet', '--sandbox', '--key', 'cfg', '--ttl', '30', '--message', 'x', '--json'],
      {
        env: configured,
      },
    )
    expect(set.code, show(set)).toBe(0)
    expect(JSON.parse(set.stdout).detail.cacheName).toBe('orders')
    const bad = await runCliInProcess(['config', 'set', 'cache', 'no spaces'], {env: configured})
    expect(bad.code, show(bad)).toBe(2)
  })

  describe('bad input: a clear message, exit 2, nothing sent', () => {
    const emptyFile = () => {
      const file = join(home.home, 'empty.ndjson')
      writeFileSync(file, '\n\n')
      return file
    }
    const lineFile = (name: string, text: string) => {
      const file = join(home.home, name)
      writeFileSync(file, text)
      return file
    }
    const set = (...args: string[]) => ['cacheSet', '--sandbox', '--cache', 'orders', ...args]
    const cases: Array<[string, () => string[], RegExp]> = [
      [
        'both keys',
        () => set('--key', 'a', '--key-base64', 'YQ', '--ttl', '1', '--message', 'm'),
        /--key and --key-base64 can't be used together/,
      ],
      ['neither key', () => set('--ttl', '1', '--message', 'm'), /No key is set/],
      ['an empty key', () => set('--key', '', '--ttl', '1', '--message', 'm'), /key is empty/],
      ['invalid base64', () => set('--key-base64', 'not*base64', '--ttl', '1', '--message', 'm'), /isn't valid base64/],
      ['ttl 0', () => set('--key', 'k', '--ttl', '0', '--message', 'm'), /outside 1–86400/],
      ['a negative ttl', () => set('--key', 'k', '--ttl=-5', '--message', 'm'), /outside 1–86400/],
      ['a fractional ttl', () => set('--key', 'k', '--ttl', '1.5', '--message', 'm'), /whole number/],
      ['a ttl above 86400', () => set('--key', 'k', '--ttl', '86401', '--message', 'm'), /outside 1–86400/],
      ['a non-numeric ttl', () => set('--key', 'k', '--ttl', 'soon', '--message', 'm'), /isn't a number/],
      [
        'no cache and no default',
        () => ['cacheSet', '--sandbox', '--key', 'k', '--ttl', '1', '--message', 'm'],
        /No cache given/,
      ],
      ['no message for cacheSet', () => set('--key', 'k', '--ttl', '1'), /message is missing/],
      [
        'no message for topicPublish',
        () => ['topicPublish', '--sandbox', '--cache', 'orders', '--topic', 't'],
        /message is missing/,
      ],
      [
        // The stack's "<message>" template makes it a 4,098-byte body: over Momento's 4 KiB
        // (docs/reference/aws-facts.md#momento-limits, #eb-input-transformer).
        'a 4,096-byte topic message',
        () => ['topicPublish', '--sandbox', '--cache', 'orders', '--topic', 't', '--message', 'x'.repeat(4096)],
        /4,096 bytes; the stack delivers it as 4,098 bytes .*2 bytes over Momento's topic message limit of 4,096 bytes[^]*at most 4,094 bytes/,
      ],
      [
        'a 4,096-byte topic message in a file (after a valid line)',
        () => [
          '--sandbox',
          '--file',
          lineFile(
            'topic.ndjson',
            [
              {detailType: 'cacheDelete', detail: {cacheName: 'orders', key: 'k'}},
              {detailType: 'topicPublish', detail: {cacheName: 'orders', topicName: 't', message: 'x'.repeat(4096)}},
            ]
              .map((line) => JSON.stringify(line))
              .join('\n'),
          ),
        ],
        /line 2: .*2 bytes over Momento's topic message limit of 4,096 bytes; the largest message that fits is 4,094 bytes/,
      ],
      [
        'an entry over the size limit',
        () => set('--key', 'k', '--ttl', '1', '--message', 'x'.repeat(300), '--max-entry-bytes', '200'),
        /at most 200 bytes/,
      ],
      [
        'an unknown detail type in a file',
        () => ['--sandbox', '--file', lineFile('unknown.ndjson', '{"detailType":"cacheGet","detail":{}}\n')],
        /line 1: Unknown detail type/,
      ],
      [
        'a malformed JSON line',
        () => [
          '--sandbox',
          '--file',
          lineFile('bad.ndjson', '{"detailType":"cacheDelete","detail":{"cacheName":"orders","key":"k"}}\n{oops\n'),
        ],
        /line 2: Malformed JSON/,
      ],
      ['an empty file', () => ['--sandbox', '--file', emptyFile()], /has no events/],
      [
        'an unreadable file',
        () => ['--sandbox', '--file', join(home.home, 'missing.ndjson')],
        /Can't read .*missing\.ndjson/,
      ],
      ['a directory as the file', () => ['--sandbox', '--file', home.home], /Can't read/],
    ]

    it.each(cases)('%s', async (_name, args, message) => {
      const before = await matched()
      const result = await put(args())
      expect(result.code, show(result)).toBe(2)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
      expect(result.stdout).toBe('')
      await new Promise((r) => setTimeout(r, 50))
      expect(await matched()).toBe(before)
    })

    it('a bus that does not exist: exit 1 with the fix, nothing sent', async () => {
      const before = await matched()
      const result = await put(set('--key', 'k', '--ttl', '1', '--message', 'm', '--bus', 'nope'))
      expect(result.code, show(result)).toBe(1)
      expect(result.stderr).toMatch(/event bus `nope`.*doesn't exist/)
      expect(result.stderr).toMatch(/--bus/)
      expect(await matched()).toBe(before)
    })

    it('no credentials or region: exit 4', async () => {
      const noRegion = await runCliInProcess(['put', 'cacheDelete', '--cache', 'orders', '--key', 'k'], {
        env: {...env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: sandbox.endpoint},
      })
      expect(noRegion.code, show(noRegion)).toBe(4)
      expect(noRegion.stderr).toMatch(/region/i)
      const noCredentials = await runCliInProcess(
        ['put', 'cacheDelete', '--cache', 'orders', '--key', 'k', '--region', 'us-east-1'],
        {
          env: {...env, AWS_ENDPOINT_URL: sandbox.endpoint},
        },
      )
      expect(noCredentials.code, show(noCredentials)).toBe(4)
      expect(noCredentials.stderr).toMatch(/credentials/i)
    })

    it('endpoint unreachable: exit 5', async () => {
      const result = await put(['cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k'], {
        MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:9',
      })
      expect(result.code, show(result)).toBe(5)
      expect(result.stderr).toMatch(/127\.0\.0\.1:9/)
    })
  })
})
