/**
 * `momento-eb sandbox deliveries` against a running sandbox (the built CLI over HTTP): the recent
 * attempts of the integration's targets, one line each within 80 columns, newest last; --outcome and
 * --limit filter; --json is the sandbox's record; no sandbox is exit 5 saying how to start one.
 */
import {createServer} from 'node:net'

import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

interface Deliveries {
  counters: {delivered: number; deadLettered: number}
  deliveries: Array<{outcome: string; attempt: number; request?: {url: string; headers: Record<string, string>}}>
}

describe('sandbox deliveries', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  // In the test process: a client of a running sandbox needs no process of its own (a spawn costs ~1 s of CPU).
  const cli = (...args: string[]) => runCli(['sandbox', 'deliveries', ...args], {env, inProcess: true})

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it('before any event: nothing on stdout, a hint on stderr, exit 0', async () => {
    const result = await cli()
    expect(result.code, show(result)).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('The sandbox has recorded no deliveries yet.')
  })

  it('shows each attempt (time, outcome, attempt, request, status), newest last, within 80 columns', async () => {
    await deployIntegrationWithSdk(sandbox, {retry: {MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60}})
    const eb = new EventBridgeClient(clientConfig(sandbox))
    const put = (cacheName: string, key: string) =>
      eb.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: 'deliveries.test',
              DetailType: 'cacheSet',
              Detail: JSON.stringify({cacheName, key, message: 'v', ttl: 600}),
            },
          ],
        }),
      )
    try {
      await put('orders', 'first-key')
      await until('the first delivery', async () =>
        (await inspect<Deliveries>(sandbox, '/_sandbox/deliveries')).counters.delivered >= 1 ? true : undefined,
      )
      // A cache the sandbox lacks: Momento answers 404, not retried, dead-lettered.
      await put('a-cache-that-is-not-there-with-a-long-name', 'second-key-which-is-long-too')
      await until('the dead-lettered event', async () =>
        (await inspect<Deliveries>(sandbox, '/_sandbox/deliveries')).counters.deadLettered >= 1 ? true : undefined,
      )
    } finally {
      eb.destroy()
    }

    const result = await cli()
    expect(result.code, show(result)).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3}Z {2}delivered {6}#1 {3}PUT \/cache\/orders\?key=first-key\S* +204$/,
    )
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z {2}dead-lettered {2}#1 {3}PUT \/cache\/a-cache-that\S*… +404$/)
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80)
    expect(result.stdout).not.toContain(TEST_API_KEY)

    const dead = await cli('--outcome', 'dead-lettered')
    expect(dead.code, show(dead)).toBe(0)
    expect(dead.stdout.trimEnd().split('\n')).toEqual([lines[1]])
    const newest = await cli('--limit', '1')
    expect(newest.code, show(newest)).toBe(0)
    expect(newest.stdout.trimEnd().split('\n')).toEqual([lines[1]])

    const json = stdoutJson(await cli('--json')) as Deliveries
    expect(json.deliveries.map((d) => d.outcome)).toEqual(['delivered', 'dead-lettered'])
    expect(json.counters).toMatchObject({delivered: 1, deadLettered: 1})
    expect(JSON.stringify(json)).not.toContain(TEST_API_KEY)
  })

  it('refuses an unknown outcome and a limit below 1 (exit 2) without calling the sandbox', async () => {
    const outcome = await cli('--outcome', 'failed')
    expect(outcome.code, show(outcome)).toBe(2)
    expect(outcome.stderr).toMatch(/dead-lettered/)
    const limit = await cli('--limit', '0')
    expect(limit.code, show(limit)).toBe(2)
    expect(`${limit.stdout}${limit.stderr}`).not.toMatch(/Unexpected failure/)
  })

  it('with no sandbox running: exit 5, saying how to start one', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as {port: number}
        server.close(() => resolve(address.port))
      })
    })
    const result = await runCli(['sandbox', 'deliveries'], {
      env: {...env, MOMENTO_EB_SANDBOX_URL: `http://127.0.0.1:${port}`},
      inProcess: true,
    })
    expect(result.code, show(result)).toBe(5)
    expect(result.stderr).toContain(`No sandbox answers at http://127.0.0.1:${port}.`)
    expect(result.stderr).toContain('Start it in another terminal: `momento-eb sandbox`.')
  })
})
