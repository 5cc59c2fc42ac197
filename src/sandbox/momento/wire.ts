import type {RawResponse} from '../protocol/rest.js'

/**
 * A Momento-style error: JSON `{status, title, description}` (docs/reference/aws-facts.md#momento-http-api).
 * The titles follow the ones Momento's HTTP API is described with; the descriptions are the sandbox's own
 * words.
 */
export function momentoError(
  status: number,
  title: string,
  description: string,
  headers: Record<string, string> = {},
): RawResponse {
  return {
    status,
    headers: {'content-type': 'application/json', ...headers},
    body: JSON.stringify({status, title, description}),
  }
}

/** Thrown by the parsers below; the route turns it into a JSON error response. */
export class MomentoRequestError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    description: string,
  ) {
    super(description)
  }

  toResponse(): RawResponse {
    return momentoError(this.status, this.title, this.message)
  }
}

/** One `name=value` pair of a query string, with the value still as raw bytes. */
export interface QueryPair {
  readonly name: string
  readonly value: Buffer
  /** The pair as it appeared on the wire, for the request log. */
  readonly raw: string
}

/**
 * Split a query string into pairs, percent-decoding values to BYTES. `URLSearchParams` would turn
 * `%FF` into U+FFFD, so two different binary keys sent as `key=` could collide; and it silently
 * keeps a malformed `%zz`, which the sandbox rejects instead.
 * @throws MomentoRequestError (400) for malformed percent-encoding.
 */
export function parseQuery(search: string): QueryPair[] {
  const text = search.startsWith('?') ? search.slice(1) : search
  if (text === '') return []
  const pairs: QueryPair[] = []
  for (const raw of text.split('&')) {
    if (raw === '') continue
    const eq = raw.indexOf('=')
    const name = percentDecode(eq === -1 ? raw : raw.slice(0, eq)).toString('utf8')
    const value = percentDecode(eq === -1 ? '' : raw.slice(eq + 1))
    pairs.push({name, value, raw})
  }
  return pairs
}

function percentDecode(text: string): Buffer {
  if (!text.includes('%') && !text.includes('+')) return Buffer.from(text, 'utf8')
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '+') {
      bytes.push(0x20)
    } else if (char === '%') {
      const hex = text.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new MomentoRequestError(
          400,
          'Bad Request',
          `Malformed percent-encoding in the query string near "%${hex}".`,
        )
      }
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(char ?? '', 'utf8'))
    }
  }
  return Buffer.from(bytes)
}

/**
 * Values of `name`, leaving out empty ones: EventBridge renders a missing JSONPath field as `name=`
 * (docs/reference/aws-facts.md#empty-query-values).
 */
export function presentValues(pairs: readonly QueryPair[], name: string): Buffer[] {
  return pairs.filter((pair) => pair.name === name && pair.value.length > 0).map((pair) => pair.value)
}

/** The query string for the request log, with every `token` value replaced. */
export function redactQuery(pairs: readonly QueryPair[]): string {
  return pairs.map((pair) => (pair.name === 'token' ? 'token=REDACTED' : pair.raw)).join('&')
}

/**
 * Decode a `key_base64` value. Momento documents base64url without padding; the sandbox also takes
 * padded input and the standard alphabet (UNCONFIRMED for Momento,
 * docs/reference/aws-facts.md#momento-http-api), normalising all of them to the same bytes so any spelling
 * addresses the same item.
 * @throws MomentoRequestError (400) when the value is not base64 in either alphabet.
 */
export function decodeBase64Key(text: string): Buffer {
  const unpadded = text.replace(/={1,2}$/, '')
  const validPadding = unpadded.length === text.length || text.length % 4 === 0
  if (!/^[A-Za-z0-9+/_-]*$/.test(unpadded) || unpadded.length % 4 === 1 || !validPadding) {
    throw new MomentoRequestError(400, 'Bad Request', 'key_base64 is not valid base64url (or base64).')
  }
  return Buffer.from(unpadded, 'base64')
}

/** Base64url without padding, the spelling Momento documents for `key_base64`. */
export function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64url')
}

/** The bytes as text when they are valid UTF-8, else `undefined`. */
export function utf8OrUndefined(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(bytes)
  } catch {
    return undefined
  }
}

/** Resolve after `ms` milliseconds, or earlier when `signal` aborts; true when the full time passed. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
