import {request as httpRequest} from 'node:http'

import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {startTestSandbox, TEST_API_KEY, uniqueName} from '../helpers/sandbox.js'

const START = Date.UTC(2030, 0, 1)

interface ErrorBody {
  status: number
  title: string
  description: string
}

describe('Momento HTTP API emulator', () => {
  let sandbox: RunningSandbox
  let clock = START
  // Fault probabilities draw from this queue so each dice roll is chosen by the test.
  const rolls: number[] = []

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      caches: ['orders'],
      now: () => clock,
      momento: {random: () => rolls.shift() ?? 0.999, subscribeWaitMs: 3000, maxItemBytes: 64 * 1024},
    })
  })
  afterAll(async () => sandbox.close())
  afterEach(async () => {
    rolls.length = 0
    const res = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'DELETE'})
    expect(res.status).toBe(204)
  })

  /** A Momento call authenticated with the Authorization header unless `init.headers` says otherwise. */
  function api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${sandbox.endpoint}${path}`, {...init, headers: {authorization: TEST_API_KEY, ...init.headers}})
  }

  async function admin(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${sandbox.endpoint}/_sandbox/momento${path}`, init)
  }

  async function newCache(): Promise<string> {
    const name = uniqueName('cache')
    const res = await admin('/caches', {method: 'POST', body: JSON.stringify({name})})
    expect(res.status).toBe(201)
    return name
  }

  async function addFault(spec: unknown): Promise<{id: string}> {
    const res = await admin('/faults', {method: 'POST', body: typeof spec === 'string' ? spec : JSON.stringify(spec)})
    expect(res.status).toBe(201)
    return (await res.json()) as {id: string}
  }

  async function expectError(res: Response, status: number, title: string): Promise<ErrorBody> {
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = (await res.json()) as ErrorBody
    expect(body).toMatchObject({status, title})
    expect(typeof body.description).toBe('string')
    return body
  }

  describe('cache items', () => {
    it('sets (204) and gets (200, raw bytes) an item', async () => {
      const put = await api('/cache/orders?key=greeting&ttl_seconds=60', {method: 'PUT', body: '"hello"'})
      expect(put.status).toBe(204)
      const get = await api('/cache/orders?key=greeting')
      expect(get.status).toBe(200)
      expect(get.headers.get('content-type')).toBe('application/octet-stream')
      expect(await get.text()).toBe('"hello"')
    })

    it('stores binary values byte for byte', async () => {
      const bytes = new Uint8Array([0, 255, 254, 10, 13])
      expect((await api('/cache/orders?key=bin&ttl_seconds=60', {method: 'PUT', body: bytes})).status).toBe(204)
      const get = await api('/cache/orders?key=bin')
      expect(new Uint8Array(await get.arrayBuffer())).toEqual(bytes)
    })

    it('tells a key miss ("Key Not Found") from a missing cache ("Cache not found")', async () => {
      await expectError(await api('/cache/orders?key=never-set'), 404, 'Key Not Found')
      const missing = await expectError(await api('/cache/no-such-cache?key=k'), 404, 'Not Found')
      expect(missing.description).toBe('Cache not found')
    })

    it.each([
      ['PUT', '/cache/no-such-cache?key=k&ttl_seconds=5'],
      ['DELETE', '/cache/no-such-cache?key=k'],
      ['POST', '/topics/no-such-cache/t'],
      ['GET', '/topics/no-such-cache/t?sequence_number=1'],
    ])('answers %s %s with 404 Cache not found', async (method, path) => {
      const init: RequestInit = {method, headers: {'content-type': 'text/plain'}}
      if (method === 'PUT' || method === 'POST') init.body = 'x'
      const body = await expectError(await api(path, init), 404, 'Not Found')
      expect(body.description).toBe('Cache not found')
    })

    it('deletes an item (204), also when it did not exist', async () => {
      await api('/cache/orders?key=doomed&ttl_seconds=60', {method: 'PUT', body: 'v'})
      expect((await api('/cache/orders?key=doomed', {method: 'DELETE'})).status).toBe(204)
      await expectError(await api('/cache/orders?key=doomed'), 404, 'Key Not Found')
      expect((await api('/cache/orders?key=doomed', {method: 'DELETE'})).status).toBe(204)
    })

    it('treats key and key_base64 (unpadded, padded, standard alphabet) as the same item', async () => {
      expect((await api('/cache/orders?key=abc&ttl_seconds=60', {method: 'PUT', body: 'one'})).status).toBe(204)
      expect(await (await api('/cache/orders?key_base64=YWJj')).text()).toBe('one')
      // 0xfb 0xff encodes as "-_8" in base64url and "+/8=" in standard base64.
      await api('/cache/orders?key_base64=-_8&ttl_seconds=60', {method: 'PUT', body: 'two'})
      expect(await (await api(`/cache/orders?key_base64=${encodeURIComponent('+/8=')}`)).text()).toBe('two')
      expect(await (await api('/cache/orders?key_base64=-_8=')).text()).toBe('two')
    })

    it('treats an empty key parameter as absent, as EventBridge sends missing JSONPath fields', async () => {
      const put = await api('/cache/orders?key=k1&key_base64=&ttl_seconds=60', {method: 'PUT', body: 'v'})
      expect(put.status).toBe(204)
      expect((await api('/cache/orders?key=&key_base64=azE')).status).toBe(200)
      await expectError(await api('/cache/orders?key=&key_base64='), 400, 'No Key Provided')
    })

    it('rejects both keys (400 Multiple Keys Specified) and neither (400 No Key Provided)', async () => {
      await expectError(await api('/cache/orders?key=a&key_base64=YQ'), 400, 'Multiple Keys Specified')
      await expectError(await api('/cache/orders?key=a&key=b'), 400, 'Multiple Keys Specified')
      await expectError(await api('/cache/orders?ttl_seconds=5', {method: 'PUT', body: 'v'}), 400, 'No Key Provided')
      await expectError(await api('/cache/orders', {method: 'DELETE'}), 400, 'No Key Provided')
    })

    it.each(['!!!!', 'YWJjZ', 'YW=Jj', 'YQ==='])('rejects key_base64=%s with 400', async (value) => {
      await expectError(await api(`/cache/orders?key_base64=${encodeURIComponent(value)}`), 400, 'Bad Request')
    })

    it.each(['', '-1', '1.5', 'ten', '1e3'])('rejects ttl_seconds=%s on PUT with 400', async (ttl) => {
      const res = await api(`/cache/orders?key=k&ttl_seconds=${ttl}`, {method: 'PUT', body: 'v'})
      const body = await expectError(res, 400, 'Bad Request')
      expect(body.description).toMatch(/ttl_seconds/)
    })

    it('requires ttl_seconds on PUT', async () => {
      await expectError(await api('/cache/orders?key=k', {method: 'PUT', body: 'v'}), 400, 'Bad Request')
    })

    it('expires items after their TTL by the sandbox clock', async () => {
      await api('/cache/orders?key=short&ttl_seconds=10', {method: 'PUT', body: 'v'})
      clock += 9_999
      expect((await api('/cache/orders?key=short')).status).toBe(200)
      clock += 1
      await expectError(await api('/cache/orders?key=short'), 404, 'Key Not Found')
    })

    it('resets the TTL when an item is overwritten', async () => {
      await api('/cache/orders?key=reset&ttl_seconds=10', {method: 'PUT', body: 'a'})
      clock += 8_000
      await api('/cache/orders?key=reset&ttl_seconds=10', {method: 'PUT', body: 'b'})
      clock += 8_000
      expect(await (await api('/cache/orders?key=reset')).text()).toBe('b')
    })

    it('clamps a TTL above 24 hours to 86400 seconds and says so in a header', async () => {
      const put = await api('/cache/orders?key=long&ttl_seconds=604800', {method: 'PUT', body: 'v'})
      expect(put.status).toBe(204)
      expect(put.headers.get('x-sandbox-ttl-clamped')).toBe('86400')
      clock += 86_400_000
      await expectError(await api('/cache/orders?key=long'), 404, 'Key Not Found')
    })

    it('rejects an item larger than the item size limit with 400', async () => {
      const res = await api('/cache/orders?key=big&ttl_seconds=5', {method: 'PUT', body: 'x'.repeat(64 * 1024)})
      const body = await expectError(res, 400, 'Bad Request')
      expect(body.description).toMatch(/too large/)
    })
  })

  describe('auth', () => {
    it('accepts the key in the token query parameter', async () => {
      const url = `${sandbox.endpoint}/cache/orders?key=by-token&token=${TEST_API_KEY}`
      expect((await fetch(`${url}&ttl_seconds=60`, {method: 'PUT', body: 'v'})).status).toBe(204)
      expect((await fetch(url)).status).toBe(200)
    })

    it('rejects a header and a token together with 400 Multiple Auth Tokens Specified', async () => {
      await expectError(await api(`/cache/orders?key=k&token=${TEST_API_KEY}`), 400, 'Multiple Auth Tokens Specified')
    })

    it('answers 401 No Auth Token Provided without a key, also for an empty token', async () => {
      await expectError(await fetch(`${sandbox.endpoint}/cache/orders?key=k`), 401, 'No Auth Token Provided')
      await expectError(await fetch(`${sandbox.endpoint}/cache/orders?key=k&token=`), 401, 'No Auth Token Provided')
    })

    it('answers 401 Unauthorized for a wrong key', async () => {
      await expectError(await api('/cache/orders?key=k', {headers: {authorization: 'wrong'}}), 401, 'Unauthorized')
      await expectError(await fetch(`${sandbox.endpoint}/cache/orders?key=k&token=wrong`), 401, 'Unauthorized')
    })

    it('rejects a Bearer prefix: Momento takes the raw key', async () => {
      const res = await api('/cache/orders?key=k', {headers: {authorization: `Bearer ${TEST_API_KEY}`}})
      await expectError(res, 401, 'Invalid authorization header format')
    })
  })

  describe('topics', () => {
    it('publishes (204) and a subscriber reads the messages from a sequence number', async () => {
      const topic = uniqueName('topic')
      const text = await api(`/topics/orders/${topic}`, {
        method: 'POST',
        headers: {'content-type': 'application/json; charset=utf-8'},
        body: '"first"',
      })
      expect(text.status).toBe(204)
      const binary = await api(`/topics/orders/${topic}`, {
        method: 'POST',
        headers: {'content-type': 'application/octet-stream'},
        body: new Uint8Array([1, 2, 3]),
      })
      expect(binary.status).toBe(204)
      const sub = await api(`/topics/orders/${topic}?sequence_number=1`)
      expect(sub.status).toBe(200)
      expect(await sub.json()).toEqual({
        items: [
          {item: {topic_sequence_number: 1, value: {text: '"first"'}}},
          {item: {topic_sequence_number: 2, value: {binary: 'AQID'}}},
        ],
      })
      const later = await api(`/topics/orders/${topic}?sequence_number=2`)
      expect(await later.json()).toEqual({items: [{item: {topic_sequence_number: 2, value: {binary: 'AQID'}}}]})
    })

    it('wakes a waiting long-poll subscriber when a message is published', async () => {
      const topic = uniqueName('topic')
      const started = Date.now()
      const pending = api(`/topics/orders/${topic}?sequence_number=1`)
      await vi.waitFor(() => expect(sandbox.state.momento.topic('orders', topic).waiters.size).toBe(1))
      await api(`/topics/orders/${topic}`, {method: 'POST', headers: {'content-type': 'text/plain'}, body: 'wake'})
      const res = await pending
      expect(await res.json()).toEqual({items: [{item: {topic_sequence_number: 1, value: {text: 'wake'}}}]})
      expect(Date.now() - started).toBeLessThan(3000)
    })

    it('rejects messages over 4096 bytes and accepts exactly 4096', async () => {
      const post = (body: string): Promise<Response> =>
        api('/topics/orders/sizes', {method: 'POST', headers: {'content-type': 'text/plain'}, body})
      expect((await post('x'.repeat(4096))).status).toBe(204)
      const body = await expectError(await post('x'.repeat(4097)), 400, 'Bad Request')
      expect(body.description).toMatch(/4096/)
    })

    it("accepts application/x-www-form-urlencoded as text, as Momento's own curl -d example sends it", async () => {
      const topic = uniqueName('topic')
      // Given a message that would parse as a query-protocol form
      const body = 'Action=ListQueues&Version=2012-11-05 & more'
      const res = await api(`/topics/orders/${topic}`, {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        body,
      })
      expect(res.status).toBe(204)
      const sub = await api(`/topics/orders/${topic}?sequence_number=1`)
      expect(await sub.json()).toEqual({items: [{item: {topic_sequence_number: 1, value: {text: body}}}]})
    })

    it('rejects a publish without a supported content type', async () => {
      const res = await api('/topics/orders/t', {method: 'POST', headers: {'content-type': 'image/png'}, body: 'x'})
      await expectError(res, 400, 'Bad Request')
    })
  })

  describe('fault injection', () => {
    it('injects 429 with a Retry-After header from a spec string', async () => {
      const cache = await newCache()
      await addFault(`429@${cache}:retry-after=7`)
      const res = await api(`/cache/${cache}?key=k`)
      expect(res.headers.get('retry-after')).toBe('7')
      await expectError(res, 429, 'Resources Exhausted')
    })

    it.each([
      [500, 'Internal Server Error'],
      [503, 'Service Unavailable'],
    ])('injects %d', async (status, title) => {
      const cache = await newCache()
      await addFault({status, cache})
      await expectError(await api(`/cache/${cache}?key=k&ttl_seconds=1`, {method: 'PUT', body: 'v'}), status, title)
    })

    it('scopes faults by cache and operation', async () => {
      const cache = await newCache()
      await addFault(`500@${cache}/set`)
      expect((await api(`/cache/${cache}?key=k`)).status).toBe(404)
      expect((await api('/cache/orders?key=k&ttl_seconds=1', {method: 'PUT', body: 'v'})).status).toBe(204)
      expect((await api(`/cache/${cache}?key=k&ttl_seconds=1`, {method: 'PUT', body: 'v'})).status).toBe(500)
    })

    it('stops a count-limited fault after N applications', async () => {
      const cache = await newCache()
      const fault = await addFault(`503@${cache}:count=2`)
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) statuses.push((await api(`/cache/${cache}?key=k`)).status)
      expect(statuses).toEqual([503, 503, 404])
      const listed = (await (await admin('/faults')).json()) as {faults: {id: string; applied: number}[]}
      expect(listed.faults.find((f) => f.id === fault.id)).toMatchObject({applied: 2, remaining: 0})
    })

    it('applies a probabilistic fault when the random source rolls under p', async () => {
      const cache = await newCache()
      await addFault(`500@${cache}:p=0.5`)
      rolls.push(0.7, 0.2, 0.5, 0.49)
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await api(`/cache/${cache}?key=k`)).status)
      expect(statuses).toEqual([404, 500, 404, 500])
    })

    it('delays the answer by an injected latency', async () => {
      const cache = await newCache()
      await addFault({latencyMs: 150, cache})
      const started = performance.now()
      const res = await api(`/cache/${cache}?key=k`)
      expect(performance.now() - started).toBeGreaterThanOrEqual(140)
      await expectError(res, 404, 'Key Not Found')
    })

    it('stops waiting out injected latency when the client goes away', async () => {
      const cache = await newCache()
      await addFault({latencyMs: 600_000, status: 500, cache})
      const controller = new AbortController()
      const pending = api(`/cache/${cache}?key=abandoned`, {signal: controller.signal})
      await vi.waitFor(() => expect(sandbox.state.momento.faults.list()[0]?.applied).toBe(1))
      controller.abort()
      await expect(pending).rejects.toThrow()
      // The handler finishes (and logs) long before the 10-minute latency.
      await vi.waitFor(async () => {
        const log = (await (await admin('/requests')).json()) as {requests: {query: string; status: number}[]}
        expect(log.requests.some((r) => r.query.includes('abandoned'))).toBe(true)
      })
    })

    it('rejects invalid fault specs on the admin route with a helpful message', async () => {
      const res = await admin('/faults', {method: 'POST', body: '700'})
      const body = await expectError(res, 400, 'Bad Request')
      expect(body.description).toMatch(/status must be an integer from 400 to 599/)
    })

    it('removes one fault by id', async () => {
      const cache = await newCache()
      const fault = await addFault(`500@${cache}`)
      expect((await admin(`/faults/${fault.id}`, {method: 'DELETE'})).status).toBe(204)
      expect((await api(`/cache/${cache}?key=k`)).status).toBe(404)
    })

    it('enforces a rate limit with 429 Resources Exhausted, refilled by the clock', async () => {
      const cache = await newCache()
      expect((await admin('/rate-limit', {method: 'PUT', body: '"2/cache"'})).status).toBe(200)
      expect((await api(`/cache/${cache}?key=k`)).status).toBe(404)
      expect((await api(`/cache/${cache}?key=k`)).status).toBe(404)
      const limited = await api(`/cache/${cache}?key=k`)
      expect(limited.headers.get('retry-after')).toBe('1')
      await expectError(limited, 429, 'Resources Exhausted')
      // Per-cache buckets: another cache still has tokens.
      expect((await api('/cache/orders?key=never-there')).status).toBe(404)
      clock += 500
      expect((await api(`/cache/${cache}?key=k`)).status).toBe(404)
      expect((await api(`/cache/${cache}?key=k`)).status).toBe(429)
    })
  })

  describe('malformed requests', () => {
    it.each([
      ['/cache/%E0%A4%A?key=k', 'path percent-encoding'],
      ['/cache/orders?key=%zz', 'query percent-encoding'],
      ['/cache/orders?key=%', 'truncated percent-encoding'],
    ])('answers %s (%s) with a JSON 400', async (path) => {
      await expectError(await rawGet(path), 400, 'Bad Request')
    })

    it('answers unknown shapes under /cache and /topics with a JSON 404 and wrong methods with 405', async () => {
      await expectError(await api('/cache/orders/extra?key=k'), 404, 'Not Found')
      await expectError(await api('/topics/orders'), 404, 'Not Found')
      const res = await api('/cache/orders?key=k', {method: 'POST', body: 'v'})
      expect(res.headers.get('allow')).toBe('GET, PUT, DELETE')
      await expectError(res, 405, 'Method Not Allowed')
    })

    it('stores a binary key sent as raw percent-encoded bytes distinctly', async () => {
      await api('/cache/orders?key=%FF%FE&ttl_seconds=60', {method: 'PUT', body: 'ff-fe'})
      await api('/cache/orders?key=%FF%FD&ttl_seconds=60', {method: 'PUT', body: 'ff-fd'})
      expect(await (await api('/cache/orders?key_base64=__4')).text()).toBe('ff-fe')
    })

    /** A GET sent byte for byte, so fetch cannot normalise the path. */
    function rawGet(path: string): Promise<Response> {
      return new Promise((resolve, reject) => {
        const req = httpRequest(`${sandbox.endpoint}${path}`, {headers: {authorization: TEST_API_KEY}}, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            const headers = new Headers()
            for (const [name, value] of Object.entries(res.headers))
              if (typeof value === 'string') headers.set(name, value)
            resolve(new Response(Buffer.concat(chunks), {status: res.statusCode ?? 0, headers}))
          })
        })
        req.on('error', reject)
        req.end()
      })
    }
  })

  describe('inspection', () => {
    it('lists caches with item counts, and creates and deletes caches', async () => {
      const cache = await newCache()
      await api(`/cache/${cache}?key=a&ttl_seconds=60`, {method: 'PUT', body: '1'})
      await api(`/cache/${cache}?key=b&ttl_seconds=60`, {method: 'PUT', body: '2'})
      const list = (await (await admin('/caches')).json()) as {caches: {name: string; itemCount: number}[]}
      expect(list.caches.find((c) => c.name === cache)).toMatchObject({itemCount: 2})
      expect((await admin('/caches', {method: 'POST', body: JSON.stringify({name: cache})})).status).toBe(409)
      expect((await admin(`/caches/${cache}`, {method: 'DELETE'})).status).toBe(204)
      expect((await api(`/cache/${cache}?key=a`)).status).toBe(404)
      expect((await admin(`/caches/${cache}`, {method: 'DELETE'})).status).toBe(404)
      await expectError(await admin('/caches', {method: 'POST', body: '{"name": ""}'}), 400, 'Bad Request')
    })

    it('shows items with text and base64url keys, text or base64 values and remaining TTL', async () => {
      const cache = await newCache()
      await api(`/cache/${cache}?key=k1&ttl_seconds=30`, {method: 'PUT', body: 'text value'})
      await api(`/cache/${cache}?key_base64=_w&ttl_seconds=60`, {method: 'PUT', body: new Uint8Array([0xff])})
      clock += 10_000
      const res = await admin(`/caches/${cache}/items`)
      const {items} = (await res.json()) as {items: Record<string, unknown>[]}
      expect(items).toEqual([
        expect.objectContaining({key: 'k1', keyBase64: 'azE', value: 'text value', ttlRemainingSeconds: 20}),
        expect.objectContaining({key: null, keyBase64: '_w', valueBase64: '/w==', ttlRemainingSeconds: 50}),
      ])
    })

    it('shows topic messages', async () => {
      const topic = uniqueName('topic')
      await api(`/topics/orders/${topic}`, {method: 'POST', headers: {'content-type': 'text/plain'}, body: 'm1'})
      const res = await admin(`/topics/orders/${topic}`)
      expect(await res.json()).toMatchObject({cache: 'orders', topic, messages: [{sequence: 1, text: 'm1'}]})
    })

    it('logs recent requests with the token redacted', async () => {
      await fetch(`${sandbox.endpoint}/cache/orders?key=logged&token=${TEST_API_KEY}`)
      const {requests} = (await (await admin('/requests')).json()) as {requests: Record<string, unknown>[]}
      expect(requests.at(-1)).toMatchObject({
        method: 'GET',
        path: '/cache/orders',
        query: 'key=logged&token=REDACTED',
        status: 404,
        operation: 'get',
        cache: 'orders',
      })
    })

    it('never shows the API key in any inspection output', async () => {
      const cache = await newCache()
      const key = encodeURIComponent(TEST_API_KEY)
      await api(`/cache/${cache}?key=${key}&ttl_seconds=60`, {method: 'PUT', body: TEST_API_KEY})
      await fetch(`${sandbox.endpoint}/cache/${cache}?key=x&token=${key}`)
      await fetch(`${sandbox.endpoint}/cache/${cache}?key=x&token=wrong-${key}`)
      await api(`/topics/${cache}/${key}`, {
        method: 'POST',
        headers: {'content-type': 'text/plain'},
        body: TEST_API_KEY,
      })
      await addFault(`500@${cache}`)
      const paths = [
        '',
        '/caches',
        `/caches/${cache}`,
        `/caches/${cache}/items`,
        '/topics',
        `/topics/${cache}/${key}`,
        '/faults',
        '/rate-limit',
        '/requests',
      ]
      for (const path of paths) {
        const res = await admin(path)
        expect(res.status, path).toBe(200)
        expect(await res.text(), path).not.toContain(TEST_API_KEY)
      }
    })
  })
})

describe('Momento emulator start-up options', () => {
  let sandbox: RunningSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      caches: ['c', 'limited'],
      momento: {subscribeWaitMs: 200, faults: ['503@c/set:count=1'], rateLimit: {perSecond: 1, per: 'cache'}},
    })
  })
  afterAll(async () => sandbox.close())

  it('applies faults and the rate limit configured at start', async () => {
    const put = (cache: string): Promise<Response> =>
      fetch(`${sandbox.endpoint}/cache/${cache}?key=k&ttl_seconds=60`, {
        method: 'PUT',
        headers: {authorization: TEST_API_KEY},
        body: 'v',
      })
    expect((await put('c')).status).toBe(503)
    expect((await put('limited')).status).toBe(204)
    expect((await put('limited')).status).toBe(429)
  })

  it('answers {"items":[]} when nothing is published before the wait ends', async () => {
    const started = performance.now()
    const res = await fetch(`${sandbox.endpoint}/topics/c/quiet?sequence_number=1`, {
      headers: {authorization: TEST_API_KEY},
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({items: []})
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
  })

  it('ends a waiting subscribe when the sandbox closes', async () => {
    const other = await startTestSandbox({caches: ['c'], momento: {subscribeWaitMs: 600_000}})
    const pending = fetch(`${other.endpoint}/topics/c/t?sequence_number=1`, {headers: {authorization: TEST_API_KEY}})
      .then((res) => res.status)
      .catch(() => 'closed')
    await vi.waitFor(() => expect(other.state.momento.topic('c', 't').waiters.size).toBe(1))
    await other.close()
    expect([200, 'closed']).toContain(await pending)
    // The long poll itself ended, not just its connection.
    expect(other.state.momento.topic('c', 't').waiters.size).toBe(0)
  })
})
