/** The sandbox's own Momento routes (`/_sandbox/momento/...`): not Momento's API. */
import type {RawRequest, RawResponse, RestHandler} from '../protocol/rest.js'
import {cacheNotFound, decodeSegment} from './api/shared.js'
import {FaultSpecError, type FaultRule, type RateLimit} from './faults.js'
import type {Cache, MomentoState, TopicMessage} from './state.js'
import {MomentoRequestError, momentoError, toBase64Url, utf8OrUndefined} from './wire.js'

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
