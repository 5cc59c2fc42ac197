/** Cache delete: `DELETE /cache/{cache}?key=…`; deleting a missing key succeeds too. */
import type {RawResponse} from '../../protocol/rest.js'
import type {Cache, MomentoState} from '../state.js'
import type {QueryPair} from '../wire.js'
import {readKey} from './keys.js'

export function deleteItem(momento: MomentoState, cache: Cache, pairs: readonly QueryPair[]): RawResponse {
  momento.deleteItem(cache, readKey(pairs, momento.options.maxKeyBytes))
  return {status: 204}
}
