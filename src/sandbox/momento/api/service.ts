import {performance} from 'node:perf_hooks'

import type {RawRequest, RawResponse, RestHandler} from '../../protocol/rest.js'
import type {MomentoOperation} from '../faults.js'
import type {MomentoState} from '../state.js'
import {MomentoRequestError, momentoError, parseQuery, redactQuery, type QueryPair} from '../wire.js'
import {authenticate} from './auth.js'
import {deleteItem} from './cache-delete.js'
import {getItem} from './cache-get.js'
import {setItem} from './cache-set.js'
import {applyFaults} from './front-door.js'
import {cacheNotFound, decodeSegment, methodNotAllowed} from './shared.js'
import {publish} from './topic-publish.js'
import {subscribe} from './topic-subscribe.js'

export interface RouteInfo {
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
      return deleteItem(momento, cache, pairs)
    case 'publish':
      return publish(request, momento, cache, topicName)
    case 'subscribe':
      return subscribe(request, momento, cache, topicName, pairs)
  }
}
