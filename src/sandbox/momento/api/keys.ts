import {decodeBase64Key, MomentoRequestError, presentValues, type QueryPair} from '../wire.js'

/**
 * The key bytes from `key` (text) or `key_base64`. Exactly one must be present; an empty value
 * counts as absent because EventBridge sends `key_base64=` when the event has no such field
 * (docs/reference/aws-facts.md#empty-query-values).
 */
export function readKey(pairs: readonly QueryPair[], maxKeyBytes: number): Buffer {
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
