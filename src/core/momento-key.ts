/**
 * Read what a Momento API key says about where it works (docs/reference/aws-facts.md#momento-api-keys),
 * without checking its signature and without ever returning the key itself: the result is safe to print.
 *
 * - v1 keys are standard base64 of `{"api_key": "<jwt>", "endpoint": "<cell-host>"}`.
 * - Legacy auth tokens are JWTs whose claims carry `c` (the cache host, `cache.<cell-host>`).
 * - v2 keys are JWTs with `t: "g"` (global): no endpoint, so the region has to come from elsewhere.
 */
import {httpBaseUrlForHost, regionFromCellHost} from './regions.js'

/** The key generations we recognise; `unknown` is anything else (the key is still usable as is). */
export type MomentoKeyKind = 'v1' | 'legacy' | 'v2' | 'unknown'

/** What a key reveals. Never contains the key or any part of it. */
export interface MomentoKeyInfo {
  readonly kind: MomentoKeyKind
  /** The cell host the key is bound to (v1, legacy), e.g. `cell-4-us-west-2-1.prod.a.momentohq.com`. */
  readonly host?: string
  /** The AWS region of that cell, when the host names one. */
  readonly region?: string
  /** `https://api.cache.<host>` for keys that carry a host. */
  readonly baseUrl?: string
  /** The `exp` claim, when there is one. */
  readonly expiresAt?: Date
  /** True when `exp` is in the past: Momento will answer 401 to every call. */
  readonly expired: boolean
}

/** Decode a Momento key. Never throws: unreadable input is `{kind: 'unknown'}`. */
export function decodeMomentoKey(key: string, now: Date = new Date()): MomentoKeyInfo {
  const token = key.trim()
  const v1 = decodeV1(token)
  if (v1) {
    const claims = jwtClaims(v1.apiKey)
    return withHost('v1', v1.endpoint, claims, now)
  }
  const claims = jwtClaims(token)
  if (!claims) return {kind: 'unknown', expired: false}
  if (claims['t'] === 'g') return {kind: 'v2', ...expiry(claims, now)}
  if (typeof claims['c'] === 'string' && claims['c'] !== '') {
    return withHost('legacy', claims['c'].replace(/^cache\./, ''), claims, now)
  }
  return {kind: 'unknown', ...expiry(claims, now)}
}

/**
 * What is wrong with the shape of a key typed at a prompt, if anything: Momento keys are a v1 key
 * (base64 of a JSON object) or a JWT (legacy and v2), so "abc" or a pasted half is caught before it
 * goes into a secret and every delivery answers 401. An expired key is refused too. Never mentions
 * the key itself.
 */
export function keyShapeProblem(key: string, now: Date = new Date()): string | undefined {
  const token = key.trim()
  if (token === '') return 'No key was entered.'
  if (/\s/.test(token)) return "That key has spaces or line breaks inside; Momento keys don't."
  const info = decodeMomentoKey(token, now)
  const isJwt = jwtClaims(token) !== undefined
  if (info.kind === 'unknown' && !isJwt) {
    return (
      "That doesn't look like a Momento API key: a key is either a long base64 string (v1) or a JWT " +
      '(three dot-separated parts), as the Momento console shows it.'
    )
  }
  if (info.expired) return `That key expired on ${info.expiresAt?.toISOString() ?? 'an earlier date'}.`
  return undefined
}

function withHost(
  kind: MomentoKeyKind,
  host: string,
  claims: Record<string, unknown> | undefined,
  now: Date,
): MomentoKeyInfo {
  const region = regionFromCellHost(host)
  return {
    kind,
    host,
    ...(region ? {region} : {}),
    baseUrl: httpBaseUrlForHost(host),
    ...expiry(claims, now),
  }
}

function expiry(claims: Record<string, unknown> | undefined, now: Date): {expired: boolean; expiresAt?: Date} {
  const exp = claims?.['exp']
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return {expired: false}
  const expiresAt = new Date(exp * 1000)
  return {expiresAt, expired: expiresAt.getTime() <= now.getTime()}
}

// The SDK's test for a v1 key: it decodes as standard base64 and re-encodes to the same string
// (a JWT contains dots, so it never passes).
function decodeV1(token: string): {apiKey: string; endpoint: string} | undefined {
  if (token === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined
  const bytes = Buffer.from(token, 'base64')
  if (bytes.toString('base64') !== token) return undefined
  const parsed = parseJsonObject(bytes.toString('utf8'))
  const apiKey = parsed?.['api_key']
  const endpoint = parsed?.['endpoint']
  if (typeof apiKey !== 'string' || typeof endpoint !== 'string' || apiKey === '' || endpoint === '') return undefined
  return {apiKey, endpoint}
}

function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1]) return undefined
  return parseJsonObject(Buffer.from(parts[1], 'base64url').toString('utf8'))
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** What deploy passes as the MomentoEndpoint parameter, and what to tell the user about it. */
export interface EndpointChoice {
  /** The parameter value: the base URL ('' only with a problem). The template has no region map. */
  readonly endpoint: string
  /** The base URL the destinations will call, when known. */
  readonly baseUrl?: string
  readonly warnings: readonly string[]
  /** Set when no endpoint can be worked out: the region has no Momento cell and nothing overrides it. */
  readonly problem?: string
}

/**
 * Pick the Momento endpoint for a stack in `stackRegion`:
 * 1. an explicit endpoint (flag, env, sandbox) always wins;
 * 2. a key bound to a cell (v1, legacy) in the stack's region uses that region's table entry;
 *    a key bound elsewhere uses its own cell (with a warning: cross-region calls), since a
 *    cell-bound key is rejected by other cells;
 * 3. otherwise (v2, unknown, or no new key) the region table (regions.ts), if the region has a cell.
 */
export function chooseMomentoEndpoint(input: {
  explicit?: string | undefined
  key?: MomentoKeyInfo | undefined
  stackRegion: string | undefined
  mapped: (region: string) => string | undefined
}): EndpointChoice {
  const warnings: string[] = []
  const {key, stackRegion} = input
  if (key?.expired) {
    warnings.push(
      `The Momento API key expired on ${key.expiresAt?.toISOString() ?? 'an earlier date'}: Momento will answer 401 to every event.`,
    )
  }
  const mappedUrl = stackRegion ? input.mapped(stackRegion) : undefined
  if (input.explicit) {
    if (key?.region && stackRegion && key.region !== stackRegion) {
      warnings.push(`The Momento API key belongs to ${key.region}, but the stack is in ${stackRegion}.`)
    }
    return {endpoint: input.explicit, baseUrl: input.explicit, warnings}
  }
  if (key?.baseUrl && key.host) {
    if (key.region && key.region === stackRegion && mappedUrl)
      return {endpoint: mappedUrl, baseUrl: mappedUrl, warnings}
    if (key.region !== stackRegion) {
      warnings.push(
        `The Momento API key belongs to ${key.region ?? key.host}, but the stack is in ${stackRegion ?? 'an unknown region'}: ` +
          `events will go to ${key.baseUrl} across regions (more latency and transfer cost).`,
      )
    }
    return {endpoint: key.baseUrl, baseUrl: key.baseUrl, warnings}
  }
  if (mappedUrl) return {endpoint: mappedUrl, baseUrl: mappedUrl, warnings}
  return {
    endpoint: '',
    warnings,
    problem: stackRegion
      ? `Momento has no public cell in ${stackRegion}, and the API key doesn't say which cell to use.`
      : "The stack's region is unknown, and the API key doesn't say which Momento cell to use.",
  }
}
