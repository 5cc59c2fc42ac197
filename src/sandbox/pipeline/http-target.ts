/**
 * Building the HTTP request EventBridge sends to an API destination
 * (docs/reference/aws-facts.md#integration-stack): path wildcards, query string and headers from the target,
 * the connection's parameters and authorization on top (the connection wins on conflicts,
 * docs/reference/aws-facts.md#connection-params-win), and the fixed headers.
 */
import type {ApiDestination, Connection, Target} from '../eventbridge/model.js'
import {compileTargetInput, type InputContext, type InputRenderer} from './input-transformer.js'
import {compileParameterValue, type ParameterValue} from './json-path.js'

/**
 * Headers EventBridge sends on every API destination call, whatever the target or connection says
 * (docs/reference/aws-facts.md#eb-api-destination). `Content-Length` and `Host` are added by the HTTP client.
 *
 * `Connection: close` is what AWS sends, and the delivery log shows it; on the wire the sandbox
 * keeps connections alive instead (see {@link LOGGED_NOT_SENT}).
 */
export const FIXED_HEADERS: Readonly<Record<string, string>> = {
  'User-Agent': 'Amazon/EventBridge/ApiDestinations',
  Range: 'bytes=0-1048575',
  'Accept-Encoding': 'gzip,deflate',
  Connection: 'close',
}

/**
 * The default `Content-Type`. Since 2024-02-29 EventBridge honours a `Content-Type` header parameter
 * on the target (`HttpParameters.HeaderParameters`) or the connection
 * (`InvocationHttpParameters.HeaderParameters`, which wins on conflicts,
 * docs/reference/aws-facts.md#connection-params-win); only without one is this sent
 * (docs/reference/aws-facts.md#eb-input-transformer, #content-type).
 */
export const DEFAULT_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * Fixed headers logged but not sent. `Connection: close` would make node's HTTP client close the
 * socket after every call: a new TCP connection per event cannot sustain thousands of events per
 * second on one machine (and leaves a TIME_WAIT socket per event, which exhausts local ports within
 * seconds at that rate). Endpoints cannot tell the difference in what they are asked to do, so the
 * sandbox keeps sockets alive and shows `close` in the delivery log, as AWS sends it.
 */
export const LOGGED_NOT_SENT: ReadonlySet<string> = new Set(['connection'])

/** What is computed once per target and reused for every event. */
export interface CompiledTarget {
  readonly pathValues: readonly ParameterValue[]
  readonly query: readonly (readonly [string, ParameterValue])[]
  readonly headers: readonly (readonly [string, ParameterValue])[]
  readonly input: InputRenderer
}

/** Compile a target's `HttpParameters` and input. */
export function compileTarget(target: Target): CompiledTarget {
  const http = target.HttpParameters
  return {
    pathValues: (http?.PathParameterValues ?? []).map(compileParameterValue),
    query: Object.entries(http?.QueryStringParameters ?? {}).map(([k, v]) => [k, compileParameterValue(v)] as const),
    headers: Object.entries(http?.HeaderParameters ?? {}).map(([k, v]) => [k, compileParameterValue(v)] as const),
    input: compileTargetInput(target),
  }
}

/**
 * Replace each `*` of an invocation endpoint, in order, with the URL-encoded value.
 *
 * @returns the URL, or `undefined` when the number of values differs from the number of `*`
 *   (AWS's behaviour is unconfirmed; the sandbox fails the invocation with INVALID_PARAMETER).
 */
export function fillPathWildcards(endpoint: string, values: readonly string[]): string | undefined {
  const parts = endpoint.split('*')
  if (parts.length - 1 !== values.length) return undefined
  let url = parts[0] as string
  for (let i = 0; i < values.length; i++) url += encodeURIComponent(values[i] as string) + (parts[i + 1] as string)
  return url
}

/** Where a request goes, split the way `http.request` takes it. */
export interface RequestTarget {
  readonly protocol: 'http:' | 'https:'
  readonly hostname: string
  readonly port: number
  /** Path and query string. */
  readonly path: string
}

/** A request ready to send, with what must never be logged. */
export interface OutgoingRequest {
  readonly method: string
  /** The full URL, as logged. */
  readonly url: string
  readonly target: RequestTarget
  /** Header name (as configured) → value. */
  readonly headers: Record<string, string>
  readonly body: string
  /** Lower-case names of headers whose values are secret (authorization, secret parameters). */
  readonly secretHeaders: ReadonlySet<string>
  /** Secret values to scrub from anything logged (API key, password, secret parameter values). */
  readonly secrets: readonly string[]
}

/**
 * Build the request for one event.
 *
 * @returns the request, or a message saying why it cannot be built (INVALID_PARAMETER).
 */
export function buildRequest(
  compiled: CompiledTarget,
  destination: Pick<ApiDestination, 'InvocationEndpoint' | 'HttpMethod'>,
  connection: Pick<Connection, 'AuthorizationType' | 'AuthParameters'>,
  context: InputContext,
): OutgoingRequest | string {
  const event = context.event
  const pathValues = compiled.pathValues.map((v) => v.resolve(event))
  const filled = fillPathWildcards(destination.InvocationEndpoint, pathValues)
  if (filled === undefined) {
    const wildcards = destination.InvocationEndpoint.split('*').length - 1
    return `The invocation endpoint has ${wildcards} path wildcard(s) but the target gives ${pathValues.length} PathParameterValues.`
  }
  const origin = originOf(filled)
  if (!origin) return `The invocation endpoint ${filled} is not a valid HTTP(S) URL.`

  const secrets: string[] = []
  const secretHeaders = new Set<string>()
  // Lower-case name → [name as configured, value]: later writers (the connection) win.
  const headers = new Map<string, [string, string]>()
  for (const [name, value] of compiled.headers) headers.set(name.toLowerCase(), [name, value.resolve(event)])
  const query = new Map<string, string>()
  for (const [name, value] of compiled.query) query.set(name, value.resolve(event))

  const auth = connection.AuthParameters
  const invocation = auth.InvocationHttpParameters
  for (const p of invocation?.HeaderParameters ?? []) {
    headers.set(p.Key.toLowerCase(), [p.Key, p.Value])
    if (p.IsValueSecret) {
      secretHeaders.add(p.Key.toLowerCase())
      secrets.push(p.Value)
    }
  }
  for (const p of invocation?.QueryStringParameters ?? []) {
    query.set(p.Key, p.Value)
    if (p.IsValueSecret) secrets.push(p.Value)
  }
  if (connection.AuthorizationType === 'API_KEY' && auth.ApiKeyAuthParameters) {
    const {ApiKeyName, ApiKeyValue} = auth.ApiKeyAuthParameters
    headers.set(ApiKeyName.toLowerCase(), [ApiKeyName, ApiKeyValue])
    secretHeaders.add(ApiKeyName.toLowerCase())
    secrets.push(ApiKeyValue)
  } else if (connection.AuthorizationType === 'BASIC' && auth.BasicAuthParameters) {
    const {Username, Password} = auth.BasicAuthParameters
    headers.set('authorization', [
      'Authorization',
      `Basic ${Buffer.from(`${Username}:${Password}`).toString('base64')}`,
    ])
    secretHeaders.add('authorization')
    secrets.push(Password)
  }
  // OAuth client credentials would need a token endpoint round trip; the sandbox sends no token.
  if (!headers.has('content-type')) headers.set('content-type', ['Content-Type', DEFAULT_CONTENT_TYPE])
  for (const [name, value] of Object.entries(FIXED_HEADERS)) headers.set(name.toLowerCase(), [name, value])
  let path = filled.slice(origin.length) || '/'
  const hash = path.indexOf('#')
  if (hash >= 0) path = path.slice(0, hash)
  let separator = path.includes('?') ? '&' : '?'
  for (const [name, value] of query) {
    path += `${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}`
    separator = '&'
  }
  const url = filled.slice(0, origin.length) + path

  const method = destination.HttpMethod.toUpperCase()
  let body = method === 'GET' || method === 'HEAD' ? '' : compiled.input(context)
  if (body && invocation?.BodyParameters?.length) body = mergeBodyParameters(body, invocation.BodyParameters, secrets)

  const out: Record<string, string> = {}
  for (const [name, value] of headers.values()) out[name] = value
  const target = {protocol: origin.protocol, hostname: origin.hostname, port: origin.port, path}
  return {method, url, target, headers: out, body, secretHeaders, secrets}
}

interface Origin {
  readonly protocol: 'http:' | 'https:'
  readonly hostname: string
  readonly port: number
  /** Length of `scheme://authority` in the URL. */
  readonly length: number
}

/** Parsed origins by their text: every event of a destination shares one, so parse it once. */
const ORIGINS = new Map<string, Origin | null>()

function originOf(url: string): Origin | undefined {
  const text = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url)?.[0]
  if (text === undefined) return undefined
  let origin = ORIGINS.get(text)
  if (origin === undefined) {
    origin = null
    try {
      const parsed = new URL(text)
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
        const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80
        // WHATWG keeps IPv6 brackets in `hostname`; http.request wants the bare address.
        const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
        origin = {protocol: parsed.protocol, hostname, port, length: text.length}
      }
    } catch {
      origin = null
    }
    if (ORIGINS.size >= 1000) ORIGINS.clear()
    ORIGINS.set(text, origin)
  }
  return origin ?? undefined
}

/** Connection body parameters join a JSON object body (connection wins); other bodies are left alone. */
function mergeBodyParameters(
  body: string,
  parameters: readonly {Key: string; Value: string; IsValueSecret?: boolean}[],
  secrets: string[],
): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return body
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return body
  const merged = parsed as Record<string, unknown>
  for (const p of parameters) {
    merged[p.Key] = p.Value
    if (p.IsValueSecret) secrets.push(p.Value)
  }
  return JSON.stringify(merged)
}
