import {describe, expect, it} from 'vitest'

import {RatePacer} from '../../src/core/rate-pacer.js'

/** Send `batch` messages at a time for `seconds` of fake time, waiting as the pacer says. */
function simulate(pacer: RatePacer, clock: {t: number}, seconds: number, batch = 10, onSend?: (t: number) => void) {
  let sent = 0
  const end = clock.t + seconds * 1000
  for (;;) {
    const wait = pacer.reserve(batch)
    clock.t += wait
    if (clock.t >= end) break
    sent += batch
    onSend?.(clock.t)
  }
  return sent
}

describe('RatePacer', () => {
  it.each([1, 7, 50, 200, 1000])('holds %i messages/s within 2 percent over 10 s', (rate) => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate, now: () => clock.t})
    const batch = Math.max(1, Math.min(10, Math.round(rate / 5)))
    const sent = simulate(pacer, clock, 10, batch)
    expect(Math.abs(sent - rate * 10) / (rate * 10)).toBeLessThanOrEqual(0.02 + batch / (rate * 10))
  })

  it('spreads concurrent reservations over consecutive slots', () => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate: 100, now: () => clock.t})
    expect([pacer.reserve(10), pacer.reserve(10), pacer.reserve(10)]).toEqual([0, 100, 200])
  })

  it('gives no burst credit for idle time', () => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate: 10, now: () => clock.t})
    pacer.reserve(10)
    clock.t = 60_000
    expect(pacer.reserve(10)).toBe(0)
    expect(pacer.reserve(10)).toBe(1000)
  })

  it('refunds slots of messages that were not sent', () => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate: 10, now: () => clock.t})
    pacer.reserve(10)
    pacer.refund(10)
    expect(pacer.reserve(10)).toBe(0)
  })

  it('is a no-op without a cap', () => {
    const pacer = new RatePacer({rate: 0, now: () => 0})
    expect(pacer.rate).toBe(Infinity)
    expect(pacer.reserve(1_000_000)).toBe(0)
  })

  it('halves on throttling once per cooldown, then climbs back linearly to the target (AIMD)', () => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate: 200, now: () => clock.t})
    pacer.throttled()
    pacer.throttled() // same burst: ignored
    expect(pacer.rate).toBe(100)
    clock.t = 1500
    pacer.throttled()
    expect(pacer.rate).toBe(50)
    expect(pacer.state()).toEqual({target: 200, current: 50, decreases: 2})
    // +10% of the original rate (20/s) per second without throttling.
    clock.t = 2500
    pacer.reserve(1)
    expect(pacer.rate).toBeCloseTo(70)
    clock.t = 20_000
    pacer.reserve(1)
    expect(pacer.rate).toBe(200)
  })

  it('paces at the reduced rate after a throttle', () => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate: 100, now: () => clock.t, recoverFraction: 0})
    pacer.throttled()
    clock.t = 10 // the first slot after a throttle is pushed out
    const sent = simulate(pacer, clock, 10)
    expect(sent).toBeGreaterThanOrEqual(480)
    expect(sent).toBeLessThanOrEqual(520)
  })

  it('without a cap, a throttle caps it at half the observed rate and never below minRate', () => {
    const clock = {t: 0}
    const pacer = new RatePacer({rate: 0, now: () => clock.t})
    for (let i = 0; i < 100; i++) {
      pacer.reserve(10)
      clock.t += 5
    }
    // 1,000 messages in the last 500 ms → 1,000 observed over the last second.
    pacer.throttled()
    expect(pacer.rate).toBe(500)
    const slow = new RatePacer({rate: 0, now: () => 0, minRate: 5})
    slow.throttled()
    expect(slow.rate).toBe(5)
  })
})
