/** Cache get: `GET /cache/{cache}?key=…`. */
import type {RawResponse} from '../../protocol/rest.js'
import type {Cache, MomentoState} from '../state.js'
import {momentoError, type QueryPair} from '../wire.js'
import {readKey} from './keys.js'

export function getItem(momento: MomentoState, cache: Cache, pairs: readonly QueryPair[]): RawResponse {
  const item = momento.getItem(cache, readKey(pairs, momento.options.maxKeyBytes))
  if (!item) return momentoError(404, 'Key Not Found', 'The cache holds no item with this key.')
  return {status: 200, headers: {'content-type': 'application/octet-stream'}, body: item.value}
}
