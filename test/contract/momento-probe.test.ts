import {createServer, type Server, type Socket} from 'node:net'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {probeMomentoCache} from '../../src/adapters/momento/http.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

/** The read-only probe `--diagnose` runs, over real HTTP against the sandbox's Momento. */
describe('probeMomentoCache', () => {
  let sandbox: RunningSandbox
  let silent: Server
  let silentUrl: string
  const sockets = new Set<Socket>()

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    // Accepts connections and never answers: the endpoint that hangs.
    silent = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = silent.address()
    silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterAll(async () => {
    await sandbox.close()
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  })
  afterEach(async () => {
    await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'DELETE'})
  })

  const snapshot = async () => (await (await fetch(`${sandbox.endpoint}/_sandbox/momento/caches`)).json()) as unknown

  it('finds an existing cache, a missing one and a rejected key, and writes nothing', async () => {
    const before = await snapshot()
    const ok = await probeMomentoCache(sandbox.endpoint, TEST_API_KEY, 'orders')
    const missing = await probeMomentoCache(sandbox.endpoint, TEST_API_KEY, 'nope')
    const badKey = await probeMomentoCache(sandbox.endpoint, 'not-the-key-0123456789', 'orders')
    expect([ok.outcome, missing.outcome, badKey.outcome]).toEqual(['ok', 'cache-not-found', 'key-invalid'])
    expect(badKey.httpStatus).toBe(401)
    expect(await snapshot()).toEqual(before)
    for (const f of [ok, missing, badKey]) expect(JSON.stringify(f)).not.toContain(TEST_API_KEY)
  })

  it('reports a Momento 500 as server-error', async () => {
    const res = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'POST', body: '500@orders'})
    expect(res.status).toBe(201)
    const finding = await probeMomentoCache(sandbox.endpoint, TEST_API_KEY, 'orders')
    expect([finding.outcome, finding.httpStatus]).toEqual(['server-error', 500])
  })

  it('gives up on a silent endpoint at its timeout, and reports a refused connection', async () => {
    const started = Date.now()
    const hung = await probeMomentoCache(silentUrl, TEST_API_KEY, 'orders', {timeoutMs: 300})
    expect(hung.outcome).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(5000)
    const refused = await probeMomentoCache('http://127.0.0.1:9', TEST_API_KEY, 'orders')
    expect(refused.outcome).toBe('unreachable')
  })
})
