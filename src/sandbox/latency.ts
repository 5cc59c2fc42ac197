/**
 * Added latency for the sandbox's AWS APIs: on localhost a call costs well under a millisecond, on
 * AWS 10–50 ms. Each AWS request waits `meanMs ± jitterMs` (uniform, never below 0) on a timer
 * before it is handled, so nothing blocks the event loop. The Momento HTTP API has its own faults
 * (`--fault latency=…`) and the `/_sandbox` routes are never delayed.
 */
import {suggestValue} from '../cli/suggest.js'
import {jsonResponse, type RestHandler} from './protocol/rest.js'

/** The services a latency can be set for, by their SigV4 signing names (`monitoring` is CloudWatch). */
export const LATENCY_SERVICES = [
  'sqs',
  'events',
  'cloudformation',
  'secretsmanager',
  'sts',
  'logs',
  'monitoring',
  'sns',
] as const

export type LatencyService = (typeof LATENCY_SERVICES)[number]

/** The added latency of one service: `meanMs ± jitterMs`, uniform, never below 0. */
export interface ServiceLatency {
  meanMs: number
  /** Default 0: every call waits exactly `meanMs`. */
  jitterMs?: number
}

/** Added latency per AWS service, e.g. `{sqs: {meanMs: 15, jitterMs: 5}, events: {meanMs: 20}}`. */
export type LatencySettings = Partial<Record<LatencyService, ServiceLatency>>

/**
 * `--latency aws`: the sandbox's assumption of typical in-region call latencies (client in the same
 * region, small requests). Not a measurement of AWS: a plausible middle of the 10–50 ms range AWS
 * calls cost, with CloudFormation's control-plane calls slower.
 */
export const AWS_LATENCY_PRESET: Readonly<Record<LatencyService, Readonly<ServiceLatency>>> = {
  sqs: {meanMs: 15, jitterMs: 5},
  events: {meanMs: 20, jitterMs: 5},
  cloudformation: {meanMs: 60, jitterMs: 20},
  secretsmanager: {meanMs: 20, jitterMs: 5},
  sts: {meanMs: 20, jitterMs: 5},
  logs: {meanMs: 20, jitterMs: 5},
  monitoring: {meanMs: 20, jitterMs: 5},
  sns: {meanMs: 20, jitterMs: 5},
}

/** A single call never waits longer than this (a typo such as 150000 would otherwise stall every client). */
export const MAX_LATENCY_MS = 60_000

export const LATENCY_HELP =
  'Expected aws, off, or a comma list of <service>=<ms>[~<jitter ms>], e.g. sqs=15~5,events=20,cloudformation=60 ' +
  `(services: ${LATENCY_SERVICES.join(', ')}; "aws,sqs=40" starts from the preset).`

/** A latency spec or JSON value the sandbox refuses; the message says what and how to fix it. */
export class LatencySpecError extends Error {
  override readonly name = 'LatencySpecError'
}

function unknownService(name: string, where: string): LatencySpecError {
  const guess = suggestValue(name, LATENCY_SERVICES)
  return new LatencySpecError(
    `${where}: "${name}" is not a service the sandbox delays.${guess ? ` Did you mean "${guess}"?` : ''} ` +
      `Services: ${LATENCY_SERVICES.join(', ')}.`,
  )
}

function checkMs(value: unknown, what: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw new LatencySpecError(`${where}: ${what} must be a number of milliseconds from 0 to ${MAX_LATENCY_MS}.`)
  }
  return value
}

/**
 * Parse the `--latency` grammar: `aws` (the preset), `off`, or `<service>=<ms>[~<jitter>]` items
 * separated by commas; `aws` may come first and later items override it (`aws,cloudformation=200`).
 * @throws LatencySpecError naming the bad part, with a did-you-mean for a misspelt service.
 */
export function parseLatencySpec(spec: string): LatencySettings {
  const text = spec.trim()
  if (text === '') throw new LatencySpecError(`Empty latency spec. ${LATENCY_HELP}`)
  const out: LatencySettings = {}
  const items = text.split(',').map((item) => item.trim())
  for (const [index, item] of items.entries()) {
    if (item === 'aws' || item === 'off' || item === 'none') {
      if (index !== 0) {
        throw new LatencySpecError(`Latency "${spec}": "${item}" must come first (later items override it).`)
      }
      if (item === 'aws') for (const service of LATENCY_SERVICES) out[service] = {...AWS_LATENCY_PRESET[service]}
      continue
    }
    const match = /^([A-Za-z-]+)=(\d+(?:\.\d+)?)(?:~(\d+(?:\.\d+)?))?$/.exec(item)
    if (!match) {
      const name = /^([A-Za-z-]+)$/.exec(item)?.[1]
      if (name && !(LATENCY_SERVICES as readonly string[]).includes(name)) {
        // A bare word: a misspelt preset or service.
        const guess = suggestValue(name, [...LATENCY_SERVICES, 'aws', 'off'])
        throw new LatencySpecError(
          `Latency "${spec}": "${item}" is not understood.${guess ? ` Did you mean "${guess}"?` : ''} ${LATENCY_HELP}`,
        )
      }
      throw new LatencySpecError(`Latency "${spec}": "${item}" is not <service>=<ms>[~<jitter>]. ${LATENCY_HELP}`)
    }
    const [, rawName = '', mean = '', jitter] = match
    const name = rawName.toLowerCase()
    if (!(LATENCY_SERVICES as readonly string[]).includes(name)) throw unknownService(rawName, `Latency "${spec}"`)
    const where = `Latency "${spec}"`
    out[name as LatencyService] = {
      meanMs: checkMs(Number(mean), `${name}'s latency`, where),
      jitterMs: jitter === undefined ? 0 : checkMs(Number(jitter), `${name}'s jitter`, where),
    }
  }
  return out
}

/**
 * Check latency settings that arrived as options or JSON and return a clean copy.
 * @throws LatencySpecError for an unknown service or a value out of range.
 */
export function validateLatency(input: unknown, where = 'Latency'): LatencySettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LatencySpecError(`${where} must be an object like {"sqs": {"meanMs": 15, "jitterMs": 5}}.`)
  }
  const out: LatencySettings = {}
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(LATENCY_SERVICES as readonly string[]).includes(name)) throw unknownService(name, where)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new LatencySpecError(`${where}: ${name} must be an object like {"meanMs": 15, "jitterMs": 5}.`)
    }
    const {meanMs, jitterMs, ...rest} = value as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) {
      throw new LatencySpecError(`${where}: ${name} has an unknown field "${extra}"; only meanMs and jitterMs.`)
    }
    out[name as LatencyService] = {
      meanMs: checkMs(meanMs, `${name}.meanMs`, where),
      jitterMs: jitterMs === undefined ? 0 : checkMs(jitterMs, `${name}.jitterMs`, where),
    }
  }
  return out
}

/** `sqs=15~5,events=20` (the `--latency` grammar), or `off`. */
export function formatLatency(settings: LatencySettings): string {
  const items = LATENCY_SERVICES.flatMap((service) => {
    const value = settings[service]
    if (!value) return []
    return [`${service}=${value.meanMs}${value.jitterMs ? `~${value.jitterMs}` : ''}`]
  })
  return items.length === 0 ? 'off' : items.join(',')
}

/**
 * How long this call to `service` waits: uniform in `meanMs ± jitterMs`, never below 0; 0 when the
 * service has no latency set (the caller then skips the timer altogether).
 */
export function latencyFor(settings: LatencySettings, service: string, random: () => number = Math.random): number {
  const value = (settings as Record<string, ServiceLatency | undefined>)[service]
  if (!value) return 0
  const jitter = value.jitterMs ?? 0
  const ms = jitter > 0 ? value.meanMs + (random() * 2 - 1) * jitter : value.meanMs
  return ms > 0 ? ms : 0
}

/** Wait `ms` on a timer (the event loop keeps serving other requests). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

const PATH = '/_sandbox/latency'

/**
 * Read or change the added AWS latency while the sandbox runs:
 *
 * - `GET /_sandbox/latency` → `{"latency": {"sqs": {"meanMs": 15, "jitterMs": 5}, …}, "spec": "sqs=15~5"}`
 * - `PUT` with the settings as JSON (`{"sqs": {"meanMs": 15}}` or `{"latency": {…}}`) or a spec
 *   string in the `--latency` grammar (`curl -X PUT -d sqs=15~5,events=20`) → replaces them all;
 *   `{}` or `off` clears them.
 * - `DELETE` clears them.
 *
 * It applies to requests that arrive from then on.
 */
export const latencyRoute: RestHandler = (request, state) => {
  const {pathname} = request.url
  if (pathname !== PATH && pathname !== `${PATH}/`) return undefined
  if (request.method === 'PUT') {
    try {
      state.options.latency = readLatency(request.body.toString('utf8'))
    } catch (error) {
      if (!(error instanceof LatencySpecError)) throw error
      return jsonResponse(400, {message: error.message, description: error.message})
    }
  } else if (request.method === 'DELETE') {
    state.options.latency = {}
  } else if (request.method !== 'GET') {
    return jsonResponse(405, {message: `Use GET, PUT or DELETE on ${PATH}.`}, {allow: 'GET, PUT, DELETE'})
  }
  return jsonResponse(200, {latency: state.options.latency, spec: formatLatency(state.options.latency)})
}

function readLatency(text: string): LatencySettings {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return parseLatencySpec(text)
  }
  if (typeof parsed === 'string') return parseLatencySpec(parsed)
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const record = parsed as Record<string, unknown>
    const inner = Object.keys(record).length === 1 && 'latency' in record ? record['latency'] : parsed
    if (typeof inner === 'string') return parseLatencySpec(inner)
    return validateLatency(inner, 'Latency')
  }
  throw new LatencySpecError(`Send latency settings as JSON or a spec to ${PATH}. ${LATENCY_HELP}`)
}
