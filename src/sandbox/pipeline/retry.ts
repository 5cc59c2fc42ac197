/**
 * EventBridge's retry schedule for a target (docs/reference/aws-facts.md#eb-api-destination,
 * #eb-rule-target): exponential backoff with jitter, `Retry-After` honoured, bounded by the target's
 * `RetryPolicy`. All times here are simulated milliseconds; the pipeline scales them by `timeScale` before
 * waiting.
 */
import type {Target} from '../eventbridge/model.js'

/** AWS defaults when the target has no `RetryPolicy` (or leaves a member out). */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400

/**
 * Backoff parameters. AWS publishes none beyond "exponential backoff and jitter"; these spread 185
 * retries over a few hours with the first retry after about a second.
 */
const BASE_DELAY_MS = 1000
const MAX_DELAY_MS = 120_000

/** The limits of one target. */
export interface RetryLimits {
  readonly maxRetries: number
  readonly maxAgeMs: number
}

/** The limits of a target's `RetryPolicy`, defaults filled in. */
export function retryLimits(policy: Target['RetryPolicy']): RetryLimits {
  const attempts = policy?.MaximumRetryAttempts
  const age = policy?.MaximumEventAgeInSeconds
  return {
    maxRetries: typeof attempts === 'number' && attempts >= 0 ? attempts : DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
    maxAgeMs: (typeof age === 'number' && age > 0 ? age : DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000,
  }
}

/**
 * The policy's delay before retry number `retry` (1-based): "equal jitter", a uniform pick in the
 * upper half of `min(cap, base·2^(retry-1))`, so delays grow but never collapse to zero.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, retry - 1))
  return ceiling / 2 + (random() * ceiling) / 2
}

/**
 * A parsed `Retry-After`: a wait in milliseconds, or `stop` (a negative value ends retries,
 * docs/reference/aws-facts.md#eb-api-destination).
 */
export type RetryAfter = number | 'stop'

/**
 * Parse a `Retry-After` header: delta-seconds (fractions tolerated) or an HTTP date.
 *
 * @returns the wait in milliseconds (0 for a date in the past), `stop` for a negative number, or
 *   `undefined` when absent or unreadable (the policy alone then decides).
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): RetryAfter | undefined {
  if (header === undefined) return undefined
  const text = header.trim()
  if (text === '') return undefined
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text)
    return seconds < 0 ? 'stop' : seconds * 1000
  }
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}

/** Why retries ended, as the DLQ's `EXHAUSTED_RETRY_CONDITION` says it. */
export type ExhaustedCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds'

/** What to do after a retryable failure. */
export type RetryDecision =
  {readonly retry: true; readonly delayMs: number} | {readonly retry: false; readonly exhausted?: ExhaustedCondition}

/**
 * Decide whether to retry after a retryable failure.
 *
 * @param retriesMade retries already made (0 after the first attempt)
 * @param ageMs simulated time since the event was ingested
 * @param retryAfter the endpoint's `Retry-After`, if any: the longer of it and the policy's delay
 *   wins; `stop` ends retries without an exhausted condition (neither limit was reached)
 */
export function decideRetry(
  retriesMade: number,
  limits: RetryLimits,
  ageMs: number,
  retryAfter?: RetryAfter,
  random: () => number = Math.random,
): RetryDecision {
  if (retryAfter === 'stop') return {retry: false}
  if (retriesMade >= limits.maxRetries) return {retry: false, exhausted: 'MaximumRetryAttempts'}
  const delayMs = Math.max(backoffDelayMs(retriesMade + 1, random), retryAfter ?? 0)
  // A retry that could only start after the event's maximum age never happens: stop now rather
  // than sleep until then.
  if (ageMs + delayMs > limits.maxAgeMs) return {retry: false, exhausted: 'MaximumEventAgeInSeconds'}
  return {retry: true, delayMs}
}

/**
 * A token bucket per API destination for `InvocationRateLimitPerSecond`. Tokens may go negative:
 * each taker reserves the next free slot and waits for it, so queued events leave in arrival order
 * without a queue structure.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  /**
   * @param ratePerSecond tokens added per (simulated) second; the bucket holds at most that many
   * @param now the clock, in the same unit as the waits returned (simulated milliseconds)
   */
  constructor(
    private ratePerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = ratePerSecond
    this.last = now()
  }

  /** Change the rate (UpdateApiDestination), keeping reservations already made. */
  setRate(ratePerSecond: number): void {
    if (ratePerSecond === this.ratePerSecond) return
    this.refill()
    this.ratePerSecond = ratePerSecond
    this.tokens = Math.min(this.tokens, ratePerSecond)
  }

  /** Take one token. @returns how long to wait (simulated ms) before the invocation may start. */
  take(): number {
    this.refill()
    this.tokens -= 1
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000
  }

  /** Give a reserved token back (the event was abandoned before it used its slot). */
  giveBack(): void {
    this.tokens = Math.min(this.ratePerSecond, this.tokens + 1)
  }

  private refill(): void {
    const now = this.now()
    const elapsed = now - this.last
    this.last = now
    if (elapsed > 0) this.tokens = Math.min(this.ratePerSecond, this.tokens + (elapsed / 1000) * this.ratePerSecond)
  }
}
