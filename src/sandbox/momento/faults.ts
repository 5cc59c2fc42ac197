/**
 * Fault injection and rate limiting for the Momento emulator.
 *
 * Rules let tests and demos make the emulated Momento misbehave the way the real one can: throttling
 * (429), server faults (500/503) and slow answers (latency beyond EventBridge's 5-second API
 * destination timeout, docs/reference/aws-facts.md#destination-timeout).
 */

/** The data-plane operations a fault rule can be scoped to. */
export const MOMENTO_OPERATIONS = ['set', 'get', 'delete', 'publish', 'subscribe'] as const

/** One Momento data-plane operation kind. */
export type MomentoOperation = (typeof MOMENTO_OPERATIONS)[number]

/** A fault rule as configured (start options, admin route, CLI flag). */
export interface FaultRule {
  /** HTTP status to answer with (400–599). Omitted: the request is only delayed, then served normally. */
  status?: number
  /** `Retry-After` header value in seconds. Defaults to 1 for status 429, absent otherwise. */
  retryAfterSeconds?: number
  /** Delay before answering, in real milliseconds (not scaled by `timeScale`: it must beat real timeouts). */
  latencyMs?: number
  /** Chance (0–1) that a matching request is hit. Default 1. */
  probability?: number
  /** Only requests for this cache. Default: every cache. */
  cache?: string
  /** Only these operations. Default: every operation. */
  operations?: readonly MomentoOperation[]
  /** Apply this many times, then stop. Default: no limit. */
  count?: number
}

/** A rule as the emulator holds it: with an id and usage counters. */
export interface ActiveFault extends FaultRule {
  readonly id: string
  /** How often the rule has been applied so far. */
  applied: number
  /** Applications left, when the rule has a count. */
  remaining?: number
}

/** An account-style rate limit (Momento answers 429 "Resources Exhausted" above it). */
export interface RateLimit {
  /** Sustained operations per second. */
  perSecond: number
  /** Bucket size: how many operations may arrive at once. Default `perSecond` (at least 1). */
  burst?: number
  /** One bucket for all caches (`global`, default) or one per cache (`cache`). */
  per?: 'global' | 'cache'
}

/** Thrown for an invalid fault rule, rate limit or spec string; the message says what to write instead. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError'
}

const SPEC_HELP =
  'Expected <status>|latency=<ms>[@<cache>|*[/<op>[,<op>]]][:p=<0..1>][:count=<n>][:retry-after=<s>][:latency=<ms>], ' +
  'e.g. 500, 429:retry-after=2, latency=6000, 503@orders:p=0.5:count=3, 500@*/publish.'

/**
 * Parse a fault spec string, the syntax of the `--momento-fault` style CLI flags and of the string form
 * accepted by `POST /_sandbox/momento/faults`.
 *
 * Grammar: `EFFECT[@SCOPE][:OPTION]...`
 * - EFFECT: an HTTP status `400`–`599`, or `latency=<ms>` for a delay only (the request is then served).
 * - SCOPE: `<cache>` or `<cache>/<ops>`, where `<ops>` is a comma list of `set`, `get`, `delete`,
 *   `publish`, `subscribe`; a cache of `*` means every cache (so `@*` then `/publish` scopes by
 *   operation only). Omitted: every cache and operation.
 * - OPTION: `p=<0..1>` probability, `count=<n>` apply n times then stop, `retry-after=<seconds>`
 *   (`Retry-After` header; 429 defaults to 1), `latency=<ms>` delay before the status is answered.
 *
 * Examples: `500`, `429:retry-after=2`, `latency=6000`, `503@orders:p=0.5:count=3`,
 * `429@orders/set,delete:latency=200`.
 *
 * @returns the rule, validated as {@link validateFaultRule} does.
 * @throws FaultSpecError naming the offending part and showing the expected syntax.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const text = spec.trim()
  if (text === '') throw new FaultSpecError(`Empty fault spec. ${SPEC_HELP}`)
  const [head = '', ...options] = text.split(':')
  const at = head.indexOf('@')
  const effect = at === -1 ? head : head.slice(0, at)
  const scope = at === -1 ? undefined : head.slice(at + 1)
  const rule: FaultRule = {}

  if (/^\d+$/.test(effect)) {
    rule.status = Number(effect)
  } else if (effect.startsWith('latency=')) {
    rule.latencyMs = parseNumber(effect.slice('latency='.length), 'latency', spec, true)
  } else {
    throw new FaultSpecError(
      `Fault spec "${spec}": "${effect}" is neither an HTTP status nor latency=<ms>. ${SPEC_HELP}`,
    )
  }

  if (scope !== undefined) {
    const slash = scope.indexOf('/')
    const cache = slash === -1 ? scope : scope.slice(0, slash)
    if (cache === '') throw new FaultSpecError(`Fault spec "${spec}": the scope after "@" names no cache. ${SPEC_HELP}`)
    if (cache !== '*') rule.cache = cache
    if (slash !== -1) rule.operations = parseOperations(scope.slice(slash + 1), spec)
  }

  const seen = new Set<string>()
  for (const option of options) {
    const eq = option.indexOf('=')
    const name = eq === -1 ? option : option.slice(0, eq)
    const value = eq === -1 ? '' : option.slice(eq + 1)
    if (seen.has(name)) throw new FaultSpecError(`Fault spec "${spec}": option "${name}" is given twice.`)
    seen.add(name)
    switch (name) {
      case 'p':
        rule.probability = parseNumber(value, 'p', spec, false)
        break
      case 'count':
        rule.count = parseNumber(value, 'count', spec, true)
        break
      case 'retry-after':
        rule.retryAfterSeconds = parseNumber(value, 'retry-after', spec, true)
        break
      case 'latency':
        if (rule.latencyMs !== undefined) throw new FaultSpecError(`Fault spec "${spec}": latency is given twice.`)
        rule.latencyMs = parseNumber(value, 'latency', spec, true)
        break
      default:
        throw new FaultSpecError(`Fault spec "${spec}": unknown option "${option}". ${SPEC_HELP}`)
    }
  }
  return validateFaultRule(rule, `Fault spec "${spec}"`)
}

function parseNumber(value: string, name: string, spec: string, integer: boolean): number {
  const pattern = integer ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/
  if (!pattern.test(value)) {
    const kind = integer ? 'a non-negative integer' : 'a number between 0 and 1'
    throw new FaultSpecError(`Fault spec "${spec}": ${name} must be ${kind}, got "${value}". ${SPEC_HELP}`)
  }
  return Number(value)
}

function parseOperations(list: string, spec: string): MomentoOperation[] {
  const operations = list.split(',').map((op) => op.trim())
  for (const op of operations) {
    if (!isOperation(op)) {
      throw new FaultSpecError(
        `Fault spec "${spec}": unknown operation "${op}"; use ${MOMENTO_OPERATIONS.join(', ')}. ${SPEC_HELP}`,
      )
    }
  }
  return operations as MomentoOperation[]
}

function isOperation(value: unknown): value is MomentoOperation {
  return typeof value === 'string' && (MOMENTO_OPERATIONS as readonly string[]).includes(value)
}

/**
 * Check a fault rule that arrived as JSON (start options or the admin route) and return a clean copy.
 * @throws FaultSpecError when a field has the wrong type or range, or the rule has no effect.
 */
export function validateFaultRule(input: unknown, where = 'Fault rule'): FaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultSpecError(`${where} must be a JSON object or a spec string.`)
  }
  const raw = input as Record<string, unknown>
  const known = new Set(['status', 'retryAfterSeconds', 'latencyMs', 'probability', 'cache', 'operations', 'count'])
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new FaultSpecError(`${where}: unknown field "${key}"; known: ${[...known].join(', ')}.`)
  }
  const rule: FaultRule = {}
  const integer = (name: string, min: number, max: number): number | undefined => {
    const value = raw[name]
    if (value === undefined) return undefined
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new FaultSpecError(
        `${where}: ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`,
      )
    }
    return value
  }
  const status = integer('status', 400, 599)
  if (status !== undefined) rule.status = status
  const retryAfter = integer('retryAfterSeconds', 0, 86_400)
  if (retryAfter !== undefined) rule.retryAfterSeconds = retryAfter
  // A day of latency is far beyond any client timeout; the cap only keeps timers sane.
  const latency = integer('latencyMs', 0, 86_400_000)
  if (latency !== undefined) rule.latencyMs = latency
  const count = integer('count', 1, Number.MAX_SAFE_INTEGER)
  if (count !== undefined) rule.count = count
  if (raw.probability !== undefined) {
    const p = raw.probability
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new FaultSpecError(`${where}: probability must be a number from 0 to 1, got ${JSON.stringify(p)}.`)
    }
    rule.probability = p
  }
  if (raw.cache !== undefined) {
    if (typeof raw.cache !== 'string' || raw.cache === '') {
      throw new FaultSpecError(`${where}: cache must be a non-empty string.`)
    }
    rule.cache = raw.cache
  }
  if (raw.operations !== undefined) {
    const ops = raw.operations
    if (!Array.isArray(ops) || ops.length === 0 || !ops.every(isOperation)) {
      throw new FaultSpecError(`${where}: operations must be a non-empty list of ${MOMENTO_OPERATIONS.join(', ')}.`)
    }
    rule.operations = [...new Set(ops)]
  }
  if (rule.status === undefined && rule.latencyMs === undefined) {
    throw new FaultSpecError(`${where} has no effect: give a status (400–599) or a latency in milliseconds.`)
  }
  if (rule.retryAfterSeconds !== undefined && rule.status === undefined) {
    throw new FaultSpecError(`${where}: retry-after needs a status to go with it.`)
  }
  return rule
}

/**
 * Parse a rate limit spec: `<perSecond>[/global|/cache][:burst=<n>]`, e.g. `100`, `10/cache`,
 * `5:burst=20`.
 * @throws FaultSpecError with the expected syntax.
 */
export function parseRateLimitSpec(spec: string): RateLimit {
  const match = /^\s*(\d+(?:\.\d+)?)(?:\/(global|cache))?(?::burst=(\d+))?\s*$/.exec(spec)
  if (!match) {
    throw new FaultSpecError(
      `Rate limit "${spec}": expected <perSecond>[/global|/cache][:burst=<n>], e.g. 100, 10/cache, 5:burst=20.`,
    )
  }
  const limit: RateLimit = {perSecond: Number(match[1])}
  if (match[2]) limit.per = match[2] as 'global' | 'cache'
  if (match[3]) limit.burst = Number(match[3])
  return validateRateLimit(limit, `Rate limit "${spec}"`)
}

/**
 * Check a rate limit that arrived as JSON and return a clean copy.
 * @throws FaultSpecError when a field has the wrong type or range.
 */
export function validateRateLimit(input: unknown, where = 'Rate limit'): RateLimit {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultSpecError(`${where} must be a JSON object like {"perSecond": 10} or a spec string.`)
  }
  const raw = input as Record<string, unknown>
  const perSecond = raw.perSecond
  if (typeof perSecond !== 'number' || !(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new FaultSpecError(`${where}: perSecond must be a number above 0.`)
  }
  const limit: RateLimit = {perSecond}
  if (raw.burst !== undefined) {
    if (typeof raw.burst !== 'number' || !Number.isInteger(raw.burst) || raw.burst < 1) {
      throw new FaultSpecError(`${where}: burst must be an integer of at least 1.`)
    }
    limit.burst = raw.burst
  }
  if (raw.per !== undefined) {
    if (raw.per !== 'global' && raw.per !== 'cache')
      throw new FaultSpecError(`${where}: per must be "global" or "cache".`)
    limit.per = raw.per
  }
  return limit
}

/** What a matching fault asks the emulator to do. */
export interface FaultDecision {
  readonly fault: ActiveFault
  readonly status?: number
  readonly retryAfterSeconds?: number
  readonly latencyMs?: number
}

/** The active fault rules of one emulator, in the order they were added (the first match wins). */
export class FaultSet {
  private readonly rules: ActiveFault[] = []
  private nextId = 1

  constructor(private readonly random: () => number) {}

  /** Add a rule (object or spec string); returns it with its id. @throws FaultSpecError */
  add(input: FaultRule | string): ActiveFault {
    const rule = typeof input === 'string' ? parseFaultSpec(input) : validateFaultRule(input)
    const active: ActiveFault = {id: `fault-${this.nextId++}`, ...rule, applied: 0}
    if (rule.count !== undefined) active.remaining = rule.count
    this.rules.push(active)
    return active
  }

  /** Remove one rule by id; false when there was none. */
  remove(id: string): boolean {
    const index = this.rules.findIndex((rule) => rule.id === id)
    if (index === -1) return false
    this.rules.splice(index, 1)
    return true
  }

  clear(): void {
    this.rules.length = 0
  }

  list(): readonly ActiveFault[] {
    return this.rules
  }

  /**
   * The first rule that matches the request and wins its dice roll, with its counters updated.
   * A rule that loses the roll lets later rules try: each rule's probability is independent.
   */
  decide(cache: string, operation: MomentoOperation): FaultDecision | undefined {
    for (const rule of this.rules) {
      if (rule.remaining === 0) continue
      if (rule.cache !== undefined && rule.cache !== cache) continue
      if (rule.operations && !rule.operations.includes(operation)) continue
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue
      rule.applied++
      if (rule.remaining !== undefined) rule.remaining--
      const retryAfter = rule.retryAfterSeconds ?? (rule.status === 429 ? 1 : undefined)
      return {
        fault: rule,
        ...(rule.status !== undefined && {status: rule.status}),
        ...(retryAfter !== undefined && {retryAfterSeconds: retryAfter}),
        ...(rule.latencyMs !== undefined && {latencyMs: rule.latencyMs}),
      }
    }
    return undefined
  }
}

/** Token buckets for a {@link RateLimit}, refilled by the sandbox clock so tests can drive time. */
export class RateLimiter {
  private readonly buckets = new Map<string, {tokens: number; at: number}>()

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number,
  ) {}

  /** Take one token for `cache`; returns the seconds to wait (for `Retry-After`) when there is none. */
  take(cache: string): {ok: true} | {ok: false; retryAfterSeconds: number} {
    const capacity = Math.max(1, this.limit.burst ?? Math.ceil(this.limit.perSecond))
    const key = this.limit.per === 'cache' ? cache : ''
    const now = this.now()
    const bucket = this.buckets.get(key) ?? {tokens: capacity, at: now}
    bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.limit.perSecond)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return {ok: true}
    }
    return {ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond))}
  }
}
