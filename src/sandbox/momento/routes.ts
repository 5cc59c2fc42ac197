import {timingSafeEqual} from 'node:crypto'
import {performance} from 'node:perf_hooks'

import type {RawRequest, RawResponse, RestHandler} from '../protocol/rest.js'
import {FaultSpecError, type FaultRule, type MomentoOperation, type RateLimit} from './faults.js'
import type {Cache, MomentoState, Topic, TopicMessage} from './state.js'
import {
  decodeBase64Key,
  MomentoRequestError,
  momentoError,
  parseQuery,
  presentValues,
  redactQuery,
  sleep,
  toBase64Url,
  utf8OrUndefined,
  type QueryPair,
} from './wire.js'

/**
 * Momento's TTL ceiling for on-demand caches (aws-semantics A.4). Above it the sandbox CLAMPS rather
 * than answering 400: Momento's TTL course says an over-long TTL is set back to 24 h, and clamping
 * keeps an event with `ttl: 604800` from landing in the DLQ in the sandbox when it would likely be
 * stored on Momento. Whether the HTTP API clamps or rejects is UNCONFIRMED; the response carries
 * `x-sandbox-ttl-clamped` so the choice is visible.
 */
export const MAX_TTL_SECONDS = 86_400

/**
 * Topic message limit in bytes of the body Momento receives: "4 KB" on Momento's limits page, which
 * earlier read "4KiB per published message", so 4096 (aws-semantics A.4). The sandbox answers 400
 * above it. Through the stack the body is the `"<message>"` template's output, two bytes longer than
 * the message; the CLI (core/momento-events.ts, same limit) counts those bytes before sending.
 */
export const MAX_TOPIC_MESSAGE_BYTES = 4096

/**
 * Content types a topic publish may carry as text. Momento documents `text/plain` (and
 * `application/octet-stream` for binary); its own `curl -d` example sends
 * `application/x-www-form-urlencoded`, so that is accepted as text too (the body is the message, not
 * decoded). `application/json` is what API destinations send unless a `Content-Type` header parameter
 * overrides it (pitfall 6); how Momento treats it is UNCONFIRMED: the sandbox accepts it as text.
 */
const TEXT_TYPES = new Set(['text/plain', 'application/json', 'application/x-www-form-urlencoded'])
const BINARY_TYPES = new Set(['application/octet-stream'])

interface RouteInfo {
  operation?: MomentoOperation
  cache?: string
  fault?: string
}

/**
 * Momento HTTP API routes: `/cache/{cache}` (GET, PUT, DELETE) and `/topics/{cache}/{topic}` (POST
 * publish, GET long-poll subscribe). Every request, answered or not, is written to the request log.
 */
export const momentoRoutes: RestHandler = async (request, state) => {
  const {pathname} = request.url
  if (!/^\/(cache|topics)(\/|$)/.test(pathname)) return undefined
  const started = performance.now()
  const info: RouteInfo = {}
  let query = ''
  let response: RawResponse
  try {
    const pairs = parseQuery(request.url.search)
    query = redactQuery(pairs)
    response = await serve(request, state.momento, pairs, info)
  } catch (error) {
    if (!(error instanceof MomentoRequestError)) throw error
    response = error.toResponse()
  }
  state.momento.record({
    time: new Date(state.now()).toISOString(),
    method: request.method,
    path: pathname,
    query,
    status: response.status,
    ...info,
    durationMs: Math.round(performance.now() - started),
  })
  return response
}

async function serve(
  request: RawRequest,
  momento: MomentoState,
  pairs: readonly QueryPair[],
  info: RouteInfo,
): Promise<RawResponse> {
  // FIRST the route shape and method, so a typo in a URL is not reported as an auth problem.
  const segments = request.url.pathname.split('/').slice(1).map(decodeSegment)
  const [resource, cacheName = '', topicName = ''] = segments
  let operation: MomentoOperation
  if (resource === 'cache' && segments.length === 2) {
    const byMethod: Record<string, MomentoOperation> = {GET: 'get', PUT: 'set', DELETE: 'delete'}
    const op = byMethod[request.method]
    if (!op) return methodNotAllowed(request.method, 'GET, PUT, DELETE')
    operation = op
  } else if (resource === 'topics' && segments.length === 3) {
    const byMethod: Record<string, MomentoOperation> = {GET: 'subscribe', POST: 'publish'}
    const op = byMethod[request.method]
    if (!op) return methodNotAllowed(request.method, 'GET, POST')
    if (topicName === '') throw new MomentoRequestError(400, 'Bad Request', 'The topic name is empty.')
    operation = op
  } else {
    return momentoError(404, 'Not Found', 'Use /cache/{cacheName} or /topics/{cacheName}/{topicName}.')
  }
  if (cacheName === '') throw new MomentoRequestError(400, 'Bad Request', 'The cache name is empty.')
  info.operation = operation
  info.cache = cacheName

  // THEN auth, THEN injected faults and the account rate limit (they model Momento's front door),
  // and only then the cache and the operation's own parameters.
  authenticate(request, momento, pairs)
  const blocked = await applyFaults(request, momento, cacheName, operation, info)
  if (blocked) return blocked

  const cache = momento.caches.get(cacheName)
  if (!cache) return cacheNotFound()

  switch (operation) {
    case 'set':
      return setItem(request, momento, cache, pairs)
    case 'get':
      return getItem(momento, cache, pairs)
    case 'delete':
      momento.deleteItem(cache, readKey(pairs, momento.options.maxKeyBytes))
      return {status: 204}
    case 'publish':
      return publish(request, momento, cache, topicName)
    case 'subscribe':
      return subscribe(request, momento, cache, topicName, pairs)
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new MomentoRequestError(400, 'Bad Request', 'Malformed percent-encoding in the URL path.')
  }
}

function methodNotAllowed(method: string, allow: string): RawResponse {
  return momentoError(405, 'Method Not Allowed', `${method} is not supported here; use ${allow}.`, {allow})
}

function cacheNotFound(): RawResponse {
  return momentoError(404, 'Not Found', 'Cache not found')
}

/**
 * The key goes in the `Authorization` header (raw, as Momento's examples send it) or in `token`,
 * never both (aws-semantics A.2, pitfall 7). `Bearer <key>` is REJECTED with "Invalid authorization
 * header format": Momento documents only the raw form, and a strict sandbox surfaces a template that
 * adds `Bearer` before it reaches the real service.
 */
function authenticate(request: RawRequest, momento: MomentoState, pairs: readonly QueryPair[]): void {
  const header = request.headers.authorization?.trim()
  const fromHeader = header ? [header] : []
  const tokens = [...fromHeader, ...presentValues(pairs, 'token').map((value) => value.toString('utf8'))]
  if (tokens.length > 1) {
    throw new MomentoRequestError(
      400,
      'Multiple Auth Tokens Specified',
      'Send the API key in the Authorization header or in the token query parameter, not both.',
    )
  }
  const [token] = tokens
  if (token === undefined) {
    throw new MomentoRequestError(
      401,
      'No Auth Token Provided',
      'Send the API key in the Authorization header or the token query parameter.',
    )
  }
  if (header && /^bearer\s/i.test(header)) {
    throw new MomentoRequestError(
      401,
      'Invalid authorization header format',
      'The Authorization header must carry the raw API key, without a "Bearer" prefix.',
    )
  }
  if (!sameSecret(token, momento.apiKey)) {
    throw new MomentoRequestError(401, 'Unauthorized', 'The API key is not valid for this endpoint.')
  }
}

/**
 * Compare in constant time for equal lengths (a length mismatch is answered at once: the key's
 * length is no secret worth a hash per request in a local emulator).
 */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function applyFaults(
  request: RawRequest,
  momento: MomentoState,
  cache: string,
  operation: MomentoOperation,
  info: RouteInfo,
): Promise<RawResponse | undefined> {
  const fault = momento.faults.decide(cache, operation)
  if (fault) {
    info.fault = fault.fault.id
    if (fault.latencyMs !== undefined && !(await sleep(fault.latencyMs, request.signal))) {
      // The client left or the sandbox is closing: nobody reads this answer.
      return momentoError(503, 'Service Unavailable', 'The request was abandoned during injected latency.')
    }
    if (fault.status !== undefined) {
      const headers: Record<string, string> = {}
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds)
      const [title, description] = FAULT_TEXT[fault.status] ?? [`Injected ${fault.status}`, 'Injected fault.']
      return momentoError(fault.status, title, `${description} (sandbox fault ${fault.fault.id})`, headers)
    }
  }
  const token = momento.takeToken(cache)
  if (!token.ok) {
    return momentoError(429, 'Resources Exhausted', 'Request rate exceeded the limit for this account; retry later.', {
      'retry-after': String(token.retryAfterSeconds),
    })
  }
  return undefined
}

const FAULT_TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'The request was rejected.'],
  401: ['Unauthorized', 'The API key is not valid for this endpoint.'],
  403: ['Forbidden', 'The API key does not allow this operation.'],
  404: ['Not Found', 'Cache not found'],
  429: ['Resources Exhausted', 'Request rate exceeded the limit for this account; retry later.'],
  500: ['Internal Server Error', 'Momento failed to handle the request.'],
  502: ['Bad Gateway', 'Momento failed to handle the request.'],
  503: ['Service Unavailable', 'Momento is temporarily unavailable.'],
  504: ['Gateway Timeout', 'Momento did not answer in time.'],
}

/**
 * The key bytes from `key` (text) or `key_base64`. Exactly one must be present; an empty value
 * counts as absent because EventBridge sends `key_base64=` when the event has no such field (pitfall 4).
 */
function readKey(pairs: readonly QueryPair[], maxKeyBytes: number): Buffer {
  const key = readKeyBytes(pairs)
  // Momento documents no key limit; a too-long key is refused with a 400 like its other bad requests.
  if (key.length > maxKeyBytes) {
    throw new MomentoRequestError(400, 'Bad Request', `The key is too long: at most ${maxKeyBytes} bytes.`)
  }
  return key
}

function readKeyBytes(pairs: readonly QueryPair[]): Buffer {
  const keys = presentValues(pairs, 'key')
  const encoded = presentValues(pairs, 'key_base64')
  if (keys.length + encoded.length > 1) {
    throw new MomentoRequestError(400, 'Multiple Keys Specified', 'Give either key or key_base64, once, not both.')
  }
  const [key] = keys
  if (key) return key
  const [base64] = encoded
  if (base64) return decodeBase64Key(base64.toString('utf8'))
  throw new MomentoRequestError(400, 'No Key Provided', 'Give the item key in key or key_base64.')
}

function readTtl(pairs: readonly QueryPair[]): {ttl: number; clamped: boolean} {
  const values = presentValues(pairs, 'ttl_seconds')
  if (values.length === 0) throw new MomentoRequestError(400, 'Bad Request', 'ttl_seconds is required.')
  if (values.length > 1) throw new MomentoRequestError(400, 'Bad Request', 'ttl_seconds is given more than once.')
  const text = values[0]?.toString('utf8') ?? ''
  if (!/^\d+$/.test(text)) {
    throw new MomentoRequestError(400, 'Bad Request', 'ttl_seconds must be a non-negative whole number of seconds.')
  }
  const ttl = Number(text)
  return ttl > MAX_TTL_SECONDS ? {ttl: MAX_TTL_SECONDS, clamped: true} : {ttl, clamped: false}
}

function setItem(request: RawRequest, momento: MomentoState, cache: Cache, pairs: readonly QueryPair[]): RawResponse {
  const key = readKey(pairs, momento.options.maxKeyBytes)
  const {ttl, clamped} = readTtl(pairs)
  // Momento limits key plus value (aws-semantics A.4); how its HTTP API reports a breach is
  // undocumented, so the sandbox uses a plain 400, which EventBridge does not retry either way.
  if (key.length + request.body.length > momento.options.maxItemBytes) {
    throw new MomentoRequestError(
      400,
      'Bad Request',
      `The item is too large: key plus value may be at most ${momento.options.maxItemBytes} bytes.`,
    )
  }
  momento.setItem(cache, key, Buffer.from(request.body), ttl)
  return {status: 204, headers: clamped ? {'x-sandbox-ttl-clamped': String(MAX_TTL_SECONDS)} : {}}
}

function getItem(momento: MomentoState, cache: Cache, pairs: readonly QueryPair[]): RawResponse {
  const item = momento.getItem(cache, readKey(pairs, momento.options.maxKeyBytes))
  if (!item) return momentoError(404, 'Key Not Found', 'The cache holds no item with this key.')
  return {status: 200, headers: {'content-type': 'application/octet-stream'}, body: item.value}
}

function publish(request: RawRequest, momento: MomentoState, cache: Cache, topicName: string): RawResponse {
  const contentType = (String(request.headers['content-type'] ?? '').split(';')[0] ?? '').trim().toLowerCase()
  const binary = BINARY_TYPES.has(contentType)
  if (!binary && !TEXT_TYPES.has(contentType)) {
    return momentoError(
      400,
      'Bad Request',
      'Content-Type must be text/plain or application/octet-stream (application/json and application/x-www-form-urlencoded are read as text).',
    )
  }
  if (request.body.length > MAX_TOPIC_MESSAGE_BYTES) {
    return momentoError(
      400,
      'Bad Request',
      `The message is ${request.body.length} bytes; topic messages may be at most ${MAX_TOPIC_MESSAGE_BYTES} bytes.`,
    )
  }
  let value: TopicMessage['value']
  if (binary) {
    value = {binary: Buffer.from(request.body)}
  } else {
    const text = utf8OrUndefined(request.body)
    if (text === undefined) return momentoError(400, 'Bad Request', 'A text message must be valid UTF-8.')
    value = {text}
  }
  momento.publish(cache.name, topicName, value)
  return {status: 204}
}

/**
 * Long-poll subscribe: answer as soon as messages with sequence >= `sequence_number` exist, else
 * after `subscribeWaitMs` with no items. Without `sequence_number` the poll waits for the next message.
 */
async function subscribe(
  request: RawRequest,
  momento: MomentoState,
  cache: Cache,
  topicName: string,
  pairs: readonly QueryPair[],
): Promise<RawResponse> {
  const values = presentValues(pairs, 'sequence_number')
  const text = values[0]?.toString('utf8')
  if (values.length > 1 || (text !== undefined && !/^\d{1,15}$/.test(text))) {
    return momentoError(400, 'Bad Request', 'sequence_number must be one non-negative whole number.')
  }
  let topic = momento.topic(cache.name, topicName)
  const from = text === undefined ? topic.nextSequence : Number(text)
  const deadline = performance.now() + momento.options.subscribeWaitMs
  for (;;) {
    const items = itemsFrom(topic, from, momento.options.subscribeBatch)
    if (items.length > 0) return subscribeResponse(items)
    const left = deadline - performance.now()
    if (left <= 0 || request.signal.aborted) return subscribeResponse([])
    await waitForMessage(topic, left, request.signal)
    // The cache may have been deleted (and the topic with it) while we waited.
    if (momento.caches.get(cache.name) !== cache) return cacheNotFound()
    topic = momento.topic(cache.name, topicName)
  }
}

function itemsFrom(topic: Topic, from: number, batch: number): unknown[] {
  const items: unknown[] = []
  const oldest = topic.messages[0]
  // Messages before `from` were dropped from the bounded history: say so, as Momento's discontinuity does.
  if (oldest && from < oldest.sequence && oldest.sequence > 1) {
    items.push({discontinuity: {last_topic_sequence: Math.max(0, from - 1), new_topic_sequence: oldest.sequence}})
  }
  let count = 0
  for (const message of topic.messages) {
    if (count >= batch) break
    if (message.sequence < from) continue
    count++
    const value =
      'text' in message.value ? {text: message.value.text} : {binary: message.value.binary.toString('base64')}
    items.push({item: {topic_sequence_number: message.sequence, value}})
  }
  return count === 0 ? [] : items
}

function subscribeResponse(items: unknown[]): RawResponse {
  return {status: 200, headers: {'content-type': 'application/json'}, body: JSON.stringify({items})}
}

function waitForMessage(topic: Topic, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      topic.waiters.delete(done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
    topic.waiters.add(done)
  })
}

/* ------------------------------------------------------------------------------------------------ */
/* Inspection and admin routes                                                                      */
/* ------------------------------------------------------------------------------------------------ */

const PREFIX = '/_sandbox/momento'

/**
 * Inspection and admin routes under `/_sandbox/momento/` (no auth, like the rest of `/_sandbox`):
 * - `GET caches`, `POST caches {name}`, `DELETE caches/{name}`, `GET caches/{cache}/items`
 * - `GET topics`, `GET topics/{cache}/{topic}`
 * - `GET|POST|DELETE faults` (POST takes a rule object, a spec string, or `{"spec": "..."}`),
 *   `DELETE faults/{id}`; `GET|PUT|DELETE rate-limit`
 * - `GET|DELETE requests` (the recent request log, tokens redacted)
 *
 * The API key never appears in the output: every body is scrubbed of it as a last line of defence
 * (a client could send the key as a cache key or value).
 */
export const momentoInspection: RestHandler = (request, state) => {
  const {pathname} = request.url
  if (pathname !== PREFIX && !pathname.startsWith(`${PREFIX}/`)) return undefined
  let response: RawResponse
  try {
    const segments = pathname
      .slice(PREFIX.length)
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeSegment)
    response = inspect(request, state.momento, segments)
  } catch (error) {
    if (error instanceof MomentoRequestError) response = error.toResponse()
    else if (error instanceof FaultSpecError) response = momentoError(400, 'Bad Request', error.message)
    else throw error
  }
  const key = state.momento.apiKey
  if (key !== '' && typeof response.body === 'string' && response.body.includes(key)) {
    response.body = response.body.split(key).join('REDACTED')
  }
  return response
}

function json(status: number, value: unknown): RawResponse {
  return {status, headers: {'content-type': 'application/json'}, body: JSON.stringify(value)}
}

function inspect(request: RawRequest, momento: MomentoState, segments: readonly string[]): RawResponse {
  const method = request.method
  const [area, first, second, third] = segments
  const notFound = momentoError(404, 'Not Found', `No sandbox route for ${method} ${request.url.pathname}.`)
  switch (area) {
    case undefined:
      if (method !== 'GET') return notFound
      return json(200, {
        caches: momento.caches.size,
        topics: momento.topics.size,
        faults: momento.faults.list().length,
        rateLimit: momento.rateLimit ?? null,
        requests: momento.requests.length,
      })
    case 'caches':
      if (first === undefined) {
        if (method === 'GET')
          return json(200, {caches: [...momento.caches.values()].map((c) => cacheSummary(momento, c))})
        if (method === 'POST') return createCache(request, momento)
        return notFound
      }
      if (second === undefined && method === 'DELETE') {
        return momento.deleteCache(first) ? {status: 204} : cacheNotFound()
      }
      if (second === undefined && method === 'GET') {
        const cache = momento.caches.get(first)
        return cache ? json(200, cacheSummary(momento, cache)) : cacheNotFound()
      }
      if (second === 'items' && third === undefined && method === 'GET') {
        const cache = momento.caches.get(first)
        return cache ? json(200, {cache: cache.name, items: listItems(momento, cache)}) : cacheNotFound()
      }
      return notFound
    case 'topics':
      if (method !== 'GET') return notFound
      if (first === undefined) {
        const topics = [...momento.topics.values()].map((t) => ({
          cache: t.cache,
          topic: t.name,
          messages: t.messages.length,
          nextSequence: t.nextSequence,
        }))
        return json(200, {topics})
      }
      if (second !== undefined && third === undefined) {
        if (!momento.caches.has(first)) return cacheNotFound()
        const topic = momento.topics.get(`${first}\u0000${second}`)
        return json(200, {
          cache: first,
          topic: second,
          nextSequence: topic?.nextSequence ?? 1,
          messages: (topic?.messages ?? []).map(describeMessage),
        })
      }
      return notFound
    case 'faults':
      if (first === undefined) {
        if (method === 'GET') return json(200, {faults: momento.faults.list(), rateLimit: momento.rateLimit ?? null})
        if (method === 'POST') return json(201, momento.faults.add(readFaultBody(request)))
        if (method === 'DELETE') {
          // Clearing faults also lifts the rate limit: "make Momento healthy again" in one call.
          momento.faults.clear()
          momento.setRateLimit(undefined)
          return {status: 204}
        }
        return notFound
      }
      if (second === undefined && method === 'DELETE') {
        return momento.faults.remove(first) ? {status: 204} : momentoError(404, 'Not Found', `No fault ${first}.`)
      }
      return notFound
    case 'rate-limit':
      if (first !== undefined) return notFound
      if (method === 'GET') return json(200, {rateLimit: momento.rateLimit ?? null})
      if (method === 'PUT' || method === 'POST') {
        const body = readJsonOrText(request)
        // Objects are validated field by field in setRateLimit; a bare number is a spec like `10`.
        momento.setRateLimit(typeof body === 'object' && body !== null ? (body as RateLimit) : String(body))
        return json(200, {rateLimit: momento.rateLimit ?? null})
      }
      if (method === 'DELETE') {
        momento.setRateLimit(undefined)
        return {status: 204}
      }
      return notFound
    case 'requests':
      if (first !== undefined) return notFound
      if (method === 'GET') return json(200, {requests: momento.requests})
      if (method === 'DELETE') {
        momento.requests.length = 0
        return {status: 204}
      }
      return notFound
    default:
      return notFound
  }
}

function cacheSummary(momento: MomentoState, cache: Cache): unknown {
  return {
    name: cache.name,
    itemCount: momento.liveItems(cache).length,
    createdAt: new Date(cache.createdAt).toISOString(),
  }
}

function listItems(momento: MomentoState, cache: Cache): unknown[] {
  const now = momento.now()
  return momento.liveItems(cache).map((item) => {
    const keyText = utf8OrUndefined(item.key)
    const valueText = utf8OrUndefined(item.value)
    return {
      key: keyText ?? null,
      keyBase64: toBase64Url(item.key),
      ...(valueText === undefined ? {valueBase64: item.value.toString('base64')} : {value: valueText}),
      size: item.value.length,
      ttlRemainingSeconds: Math.ceil((item.expiresAt - now) / 1000),
      expiresAt: new Date(item.expiresAt).toISOString(),
    }
  })
}

function describeMessage(message: TopicMessage): unknown {
  return {
    sequence: message.sequence,
    publishedAt: new Date(message.publishedAt).toISOString(),
    ...('text' in message.value ? {text: message.value.text} : {binary: message.value.binary.toString('base64')}),
  }
}

function createCache(request: RawRequest, momento: MomentoState): RawResponse {
  const body = readJsonOrText(request)
  const name = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).name : undefined
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255 || name.includes('/')) {
    return momentoError(
      400,
      'Bad Request',
      'Send {"name": "<cache>"}: a non-empty name without "/", at most 255 characters.',
    )
  }
  if (!momento.createCache(name)) return momentoError(409, 'Already Exists', `Cache ${name} already exists.`)
  return json(201, {name})
}

/** A POSTed body as JSON when it parses, else as trimmed text (so `curl -d 500` works for a spec). */
function readJsonOrText(request: RawRequest): unknown {
  const text = request.body.toString('utf8').trim()
  if (text === '') throw new MomentoRequestError(400, 'Bad Request', 'The request body is empty.')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function readFaultBody(request: RawRequest): FaultRule | string {
  const body = readJsonOrText(request)
  if (typeof body === 'string') return body
  if (typeof body === 'number') return String(body)
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const spec = (body as Record<string, unknown>).spec
    if (typeof spec === 'string' && Object.keys(body).length === 1) return spec
    return body as FaultRule
  }
  throw new MomentoRequestError(400, 'Bad Request', 'Send a fault rule object, a spec string, or {"spec": "..."}.')
}
