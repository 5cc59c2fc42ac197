/**
 * `momento-eb sandbox cache create|list|delete|items` and `sandbox fault add|list|clear` against a
 * running sandbox (the built CLI over HTTP), and the sandbox's banner naming its caches and how to add one.
 */
import {createServer} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, collect, runCliInProcess, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

interface Caches {
  caches: Array<{name: string; itemCount: number}>
}

describe('sandbox cache', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  const cli = (...args: string[]) => runCliInProcess(['sandbox', 'cache', ...args], {env})
  const names = async () => (await inspect<Caches>(sandbox, '/_sandbox/momento/caches')).caches.map((c) => c.name)

  it('list on a sandbox with no caches says how to add one', async () => {
    const result = await cli('list')
    expect(result.code, show(result)).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('The sandbox has no caches. Add one: `momento-eb sandbox cache create orders`.')
    const json = await cli('list', '--json')
    expect(json.code, show(json)).toBe(0)
    expect(stdoutJson(json)).toEqual({caches: []})
  })

  it('create adds the cache to the running sandbox; a second create is a conflict (exit 1)', async () => {
    const created = await cli('create', 'orders')
    expect(created.code, show(created)).toBe(0)
    expect(created.stdout).toContain(`Created cache orders in the sandbox at ${sandbox.endpoint}.`)
    expect(await names()).toContain('orders')

    const again = await cli('create', 'orders', '--json')
    expect(again.code, show(again)).toBe(1)
    expect((stdoutJson(again) as {error: {code: string}}).error.code).toBe('EB_CACHE_EXISTS')
  })

  it('list shows the caches with their item counts', async () => {
    await cli('create', 'audit')
    const result = await cli('list')
    expect(result.code, show(result)).toBe(0)
    expect(result.stdout).toMatch(/^NAME\s+ITEMS\s+CREATED$/m)
    expect(result.stdout).toMatch(/^orders\s+0\s+\d{4}-\d\d-\d\dT/m)
    expect(result.stdout).toMatch(/^audit\s+0\s+/m)
    const json = stdoutJson(await cli('list', '--json')) as Caches
    expect(json.caches.map((c) => c.name).sort()).toEqual(['audit', 'orders'])
  })

  it('a name the sandbox refuses is a usage error (exit 2)', async () => {
    const result = await cli('create', 'a/b')
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toContain('The sandbox refused the cache name "a/b"')
    expect(await names()).not.toContain('a/b')
  })

  it('delete removes the cache; deleting it again is not found (exit 1)', async () => {
    const deleted = await cli('delete', 'audit')
    expect(deleted.code, show(deleted)).toBe(0)
    expect(deleted.stdout).toContain('Deleted cache audit')
    expect(await names()).not.toContain('audit')
    const again = await cli('delete', 'audit')
    expect(again.code, show(again)).toBe(1)
    expect(again.stderr).toContain('The sandbox has no cache audit.')
    expect(again.stderr).toContain('momento-eb sandbox cache list')
  })

  it('items shows what reached a cache, one key with --key; a missing key is not found (exit 1)', async () => {
    await cli('create', 'carts')
    // Momento's HTTP API, as the integration's API destination calls it.
    const put = await fetch(`${sandbox.endpoint}/cache/carts?key=cart-1&ttl_seconds=600`, {
      method: 'PUT',
      headers: {authorization: TEST_API_KEY},
      body: 'three apples',
    })
    expect(put.status).toBe(204)
    const all = await cli('items', 'carts')
    expect(all.code, show(all)).toBe(0)
    expect(all.stdout).toMatch(/^cart-1 {2}ttl \d+s {2}"three apples"$/m)
    const one = stdoutJson(await cli('items', 'carts', '--key', 'cart-1', '--json')) as {items: Array<{value: string}>}
    expect(one.items.map((i) => i.value)).toEqual(['three apples'])
    const missing = await cli('items', 'carts', '--key', 'cart-2')
    expect(missing.code, show(missing)).toBe(1)
    expect(missing.stderr).toContain('Cache carts has no item with key "cart-2"')
    const noCache = await cli('items', 'nope')
    expect(noCache.code, show(noCache)).toBe(1)
    expect(noCache.stderr).toContain('The sandbox has no cache nope.')
  })

  it('fault add makes Momento fail, fault list shows it, fault clear heals it', async () => {
    const fault = (...args: string[]) => runCliInProcess(['sandbox', 'fault', ...args], {env})
    const added = await fault('add', '503@carts')
    expect(added.code, show(added)).toBe(0)
    expect(added.stdout).toMatch(/Added fault fault-\d+: 503@carts\./)
    const get = await fetch(`${sandbox.endpoint}/cache/carts?key=cart-1`, {headers: {authorization: TEST_API_KEY}})
    expect(get.status).toBe(503)
    const listed = await fault('list')
    expect(listed.stdout).toMatch(/^fault-\d+ {2}status 503, cache carts {2}\(applied 1×\)$/m)
    const cleared = await fault('clear')
    expect(cleared.code, show(cleared)).toBe(0)
    const healthy = await fetch(`${sandbox.endpoint}/cache/carts?key=cart-1`, {headers: {authorization: TEST_API_KEY}})
    expect(healthy.status).toBe(200)
    const none = await fault('list')
    expect(none.stderr).toContain('Momento is healthy: no faults, no rate limit.')
  })

  it('fault add refuses a rule that does not parse (exit 2), before calling the sandbox', async () => {
    const result = await runCliInProcess(['sandbox', 'fault', 'add', 'cacheSet:500:abc'], {env})
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toMatch(/Fault spec/)
    expect(result.stderr).not.toMatch(/Unexpected failure/)
    expect((await inspect<{faults: unknown[]}>(sandbox, '/_sandbox/momento/faults')).faults).toEqual([])
  })

  it('with no sandbox running: exit 5, saying how to start one', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as {port: number}
        server.close(() => resolve(address.port))
      })
    })
    const result = await runCliInProcess(['sandbox', 'cache', 'list'], {
      env: {...env, MOMENTO_EB_SANDBOX_URL: `http://127.0.0.1:${port}`},
    })
    expect(result.code, show(result)).toBe(5)
    expect(result.stderr).toContain(`No sandbox answers at http://127.0.0.1:${port}.`)
    expect(result.stderr).toContain('Start it in another terminal: `momento-eb sandbox`.')
    expect(result.stderr).toContain('code EB_SANDBOX_NOT_RUNNING')
  })

  it("the sandbox's banner lists its caches and how to add one", async () => {
    for (const [args, caches] of [
      [['--cache', 'orders', '--cache', 'audit'], 'orders, audit'],
      [[], 'none yet'],
    ] as const) {
      const child = spawnCli(['sandbox', '--port', '0', ...args], {env: cleanEnv(home.home)})
      let out = ''
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
      await until('the banner', async () => (out.includes('cache create orders') ? true : undefined), 15_000)
      child.kill('SIGTERM')
      const done = await collect(child, 10_000)
      expect(done.code, show(done)).toBe(0)
      expect(out).toMatch(new RegExp(`^ {2}caches {5}${caches}`, 'm'))
      expect(out).toContain('Add a Momento cache while it runs (or start it with --cache NAME):')
      // Not the default port: the command needs the URL, and the banner says so.
      expect(out).toMatch(
        /MOMENTO_EB_SANDBOX_URL=http:\/\/127\.0\.0\.1:\d+ \\\n {4}momento-eb sandbox cache create orders/,
      )
    }
  })
})
