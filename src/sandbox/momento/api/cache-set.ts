/** Cache set: `PUT /cache/{cache}?key=…&ttl_seconds=…` with the value as the body. */
import type {RawRequest, RawResponse} from '../../protocol/rest.js'
import type {Cache, MomentoState} from '../state.js'
import {MomentoRequestError, presentValues, type QueryPair} from '../wire.js'
import {readKey} from './keys.js'

/**
 * Momento's TTL ceiling for on-demand caches (docs/reference/aws-facts.md#momento-limits). Above it the
 * sandbox CLAMPS rather than answering 400: Momento's TTL course says an over-long TTL is set back to 24 h,
 * and clamping keeps an event with `ttl: 604800` from landing in the DLQ in the sandbox when it would likely
 * be stored on Momento. Whether the HTTP API clamps or rejects is UNCONFIRMED; the response carries
 * `x-sandbox-ttl-clamped` so the choice is visible.
 */
export const MAX_TTL_SECONDS = 86_400

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

export function setItem(
  request: RawRequest,
  momento: MomentoState,
  cache: Cache,
  pairs: readonly QueryPair[],
): RawResponse {
  const key = readKey(pairs, momento.options.maxKeyBytes)
  const {ttl, clamped} = readTtl(pairs)
  // Momento limits key plus value (docs/reference/aws-facts.md#momento-limits); how its HTTP API reports a
  // breach is undocumented, so the sandbox uses a plain 400, which EventBridge does not retry either way.
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
