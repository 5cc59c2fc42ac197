import {timingSafeEqual} from 'node:crypto'

import type {RawRequest} from '../../protocol/rest.js'
import type {MomentoState} from '../state.js'
import {MomentoRequestError, presentValues, type QueryPair} from '../wire.js'

/**
 * The key goes in the `Authorization` header (raw, as Momento's examples send it) or in `token`,
 * never both (docs/reference/aws-facts.md#momento-http-api, #raw-authorization). `Bearer <key>` is REJECTED
 * with "Invalid authorization header format": Momento documents only the raw form, and a strict sandbox
 * surfaces a template that adds `Bearer` before it reaches the real service.
 */
export function authenticate(request: RawRequest, momento: MomentoState, pairs: readonly QueryPair[]): void {
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
