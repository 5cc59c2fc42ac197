/**
 * Pacing for redrive (docs/reference/aws-facts.md#redrive-pacing, #quotas: pacing, not parallelism, is the
 * design problem). A token bucket kept as one "next free slot" time (GCRA), so a caller reserves n messages
 * and learns how long to wait before sending them; concurrent callers get consecutive slots. On throttling
 * the rate halves (at most once per cooldown, so one burst of rejections counts once) and then climbs back
 * linearly (AIMD), the way TCP shares a link it can't see. Pure: the clock is injected.
 */

export interface PacerOptions {
  /** Messages per second; 0 or Infinity = no cap until the first throttle. */
  rate: number
  /** Clock in ms. */
  now: () => number
  /** Lowest rate a throttle can push it to. Default 1/s. */
  minRate?: number
  /** Fraction of the rate kept on a throttle. Default 0.5. */
  decrease?: number
  /** Ignore further throttles for this long after a decrease. Default 1000 ms. */
  cooldownMs?: number
  /** Rate regained per second without throttling, as a fraction of the rate before the first decrease. Default 0.1. */
  recoverFraction?: number
}

/** A snapshot of the pacer, for progress lines and summaries. */
export interface PacerState {
  /** The configured ceiling (Infinity = none). */
  target: number
  /** The rate in force now (Infinity = none). */
  current: number
  /** How many times throttling lowered the rate. */
  decreases: number
}

/** Token-bucket pacer with additive-increase / multiplicative-decrease on throttling. */
export class RatePacer {
  private readonly now: () => number
  private readonly minRate: number
  private readonly decrease: number
  private readonly cooldownMs: number
  private readonly recoverFraction: number
  /** The ceiling the operator asked for (Infinity = none). */
  readonly target: number
  private current: number
  /** Theoretical arrival time: when the next reservation may start. */
  private nextFree = -Infinity
  private lastDecrease = -Infinity
  private lastIncrease = -Infinity
  /** Rate regained per second after a throttle. */
  private step = 0
  private decreases = 0
  /** Recent reservations [time, n], to know the real rate when there is no cap. */
  private recent: Array<[number, number]> = []

  constructor(options: PacerOptions) {
    this.now = options.now
    this.target = options.rate > 0 ? options.rate : Infinity
    this.current = this.target
    this.minRate = options.minRate ?? 1
    this.decrease = options.decrease ?? 0.5
    this.cooldownMs = options.cooldownMs ?? 1000
    this.recoverFraction = options.recoverFraction ?? 0.1
  }

  /** The rate in force now (messages/s; Infinity = no cap). */
  get rate(): number {
    return this.current
  }

  state(): PacerState {
    return {target: this.target, current: this.current, decreases: this.decreases}
  }

  /**
   * Book `n` messages and return how many ms to wait before sending them (0 = now). The slot is
   * taken at once, so callers that reserve concurrently are spread out, not bunched.
   */
  reserve(n: number): number {
    const now = this.now()
    this.recover(now)
    this.remember(now, n)
    if (!Number.isFinite(this.current)) return 0
    // No credit for idle time: after a pause the bucket holds one batch, so a pause can't turn into a burst.
    const start = Math.max(this.nextFree, now)
    this.nextFree = start + (n * 1000) / this.current
    return start - now
  }

  /** Give back slots reserved for messages that turned out not to need sending (skipped, filtered). */
  refund(n: number): void {
    if (!Number.isFinite(this.current) || n <= 0) return
    this.nextFree = Math.max(this.now(), this.nextFree - (n * 1000) / this.current)
  }

  /** PutEvents throttled (a ThrottlingException entry or request): halve the rate, once per cooldown. */
  throttled(): void {
    const now = this.now()
    if (now - this.lastDecrease < this.cooldownMs) return
    const base = Number.isFinite(this.current) ? this.current : this.observedRate(now)
    if (this.decreases === 0 || this.step === 0)
      this.step = this.recoverFraction > 0 ? Math.max(1, base * this.recoverFraction) : 0
    this.current = Math.max(this.minRate, base * this.decrease)
    this.decreases++
    this.lastDecrease = now
    this.lastIncrease = now
    // The next slot moves out too: messages already booked at the old rate would throttle again.
    this.nextFree = Math.max(this.nextFree, now + 1000 / this.current)
  }

  /** Additive increase: regain `step` messages/s per second since the last change, up to the target. */
  private recover(now: number): void {
    if (this.decreases === 0 || this.current >= this.target) return
    const elapsed = now - this.lastIncrease
    if (elapsed <= 0) return
    this.current = Math.min(this.target, this.current + (this.step * elapsed) / 1000)
    this.lastIncrease = now
  }

  private remember(now: number, n: number): void {
    this.recent.push([now, n])
    while (this.recent.length > 0 && (this.recent[0]?.[0] ?? now) < now - 1000) this.recent.shift()
  }

  /** Messages reserved over the last second (at least `minRate`). */
  private observedRate(now: number): number {
    let total = 0
    for (const [time, n] of this.recent) if (time >= now - 1000) total += n
    return Math.max(this.minRate, total)
  }
}
