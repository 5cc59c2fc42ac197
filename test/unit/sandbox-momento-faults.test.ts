import {describe, expect, it} from 'vitest'

import {
  FaultSet,
  FaultSpecError,
  parseFaultSpec,
  parseRateLimitSpec,
  RateLimiter,
  validateFaultRule,
} from '../../src/sandbox/momento/faults.js'
import {prng} from '../helpers/prng.js'

describe('parseFaultSpec', () => {
  it.each([
    ['500', {status: 500}],
    ['429:retry-after=2', {status: 429, retryAfterSeconds: 2}],
    ['latency=6000', {latencyMs: 6000}],
    ['503@orders:p=0.5:count=3', {status: 503, cache: 'orders', probability: 0.5, count: 3}],
    ['500@*/publish', {status: 500, operations: ['publish']}],
    [
      '429@orders/set,delete:latency=200',
      {status: 429, cache: 'orders', operations: ['set', 'delete'], latencyMs: 200},
    ],
    ['latency=10@my-cache.v2/get:p=1', {latencyMs: 10, cache: 'my-cache.v2', operations: ['get'], probability: 1}],
    ['  404  ', {status: 404}],
    ['500:p=.25', {status: 500, probability: 0.25}],
  ])('parses %j', (spec, expected) => {
    expect(parseFaultSpec(spec)).toEqual(expected)
  })

  it.each([
    ['', /Empty fault spec/],
    ['oops', /"oops" is neither an HTTP status nor latency=<ms>/],
    ['200', /status must be an integer from 400 to 599/],
    ['600', /status must be an integer from 400 to 599/],
    ['latency=-5', /latency must be a non-negative integer, got "-5"/],
    ['latency=fast', /latency must be a non-negative integer/],
    ['500:p=1.5', /probability must be a number from 0 to 1/],
    ['500:p=half', /p must be a number between 0 and 1, got "half"/],
    ['500:count=0', /count must be an integer from 1/],
    ['500:count=2.5', /count must be a non-negative integer/],
    ['500:colour=red', /unknown option "colour=red"/],
    ['500:p=0.1:p=0.2', /option "p" is given twice/],
    ['500@', /names no cache/],
    ['500@orders/write', /unknown operation "write"; use set, get, delete, publish, subscribe/],
    ['latency=5:latency=6', /latency is given twice/],
    ['latency=5:retry-after=1', /retry-after needs a status/],
  ])('rejects %j with a helpful message', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError)
    expect(() => parseFaultSpec(spec)).toThrow(message)
  })

  it('shows the expected syntax in its errors', () => {
    expect(() => parseFaultSpec('nope')).toThrow(/e\.g\. 500, 429:retry-after=2, latency=6000/)
  })
})

describe('validateFaultRule', () => {
  it('accepts a JSON rule and drops duplicate operations', () => {
    expect(validateFaultRule({status: 503, operations: ['set', 'set'], count: 2})).toEqual({
      status: 503,
      operations: ['set'],
      count: 2,
    })
  })

  it.each([
    [null, /must be a JSON object/],
    [[], /must be a JSON object/],
    [{}, /has no effect/],
    [{status: '500'}, /status must be an integer/],
    [{status: 500, cache: ''}, /cache must be a non-empty string/],
    [{status: 500, operations: []}, /operations must be a non-empty list/],
    [{status: 500, operations: ['bogus']}, /operations must be a non-empty list/],
    [{status: 500, probability: Number.NaN}, /probability must be a number from 0 to 1/],
    [{status: 500, extra: true}, /unknown field "extra"/],
  ])('rejects %j', (input, message) => {
    expect(() => validateFaultRule(input)).toThrow(message)
  })
})

describe('FaultSet', () => {
  it('lets the first matching rule win and honours scope', () => {
    // Given a cache-scoped rule before a global one
    const faults = new FaultSet(() => 0)
    faults.add('500@orders/set')
    faults.add('503')
    // Then each request meets the first rule that matches it
    expect(faults.decide('orders', 'set')?.status).toBe(500)
    expect(faults.decide('orders', 'get')?.status).toBe(503)
    expect(faults.decide('other', 'set')?.status).toBe(503)
  })

  it('gives 429 a default Retry-After of 1 second', () => {
    const faults = new FaultSet(() => 0)
    faults.add('429')
    expect(faults.decide('c', 'get')).toMatchObject({status: 429, retryAfterSeconds: 1})
  })

  it('counts applications down to zero and then skips the rule', () => {
    const faults = new FaultSet(() => 0)
    const rule = faults.add({status: 500, count: 2})
    expect([1, 2, 3].map(() => faults.decide('c', 'get')?.status)).toEqual([500, 500, undefined])
    expect(rule).toMatchObject({applied: 2, remaining: 0})
  })

  it('applies a probability through the injected random source', () => {
    // Given a seeded random source and p = 0.3
    const faults = new FaultSet(prng(42))
    faults.add('500:p=0.3')
    // When many requests arrive
    let hits = 0
    for (let i = 0; i < 2000; i++) if (faults.decide('c', 'get')) hits++
    // Then about 30% of them are hit (the seed makes this exact and repeatable)
    expect(hits).toBeGreaterThan(520)
    expect(hits).toBeLessThan(680)
    const again = new FaultSet(prng(42))
    again.add('500:p=0.3')
    let hitsAgain = 0
    for (let i = 0; i < 2000; i++) if (again.decide('c', 'get')) hitsAgain++
    expect(hitsAgain).toBe(hits)
  })

  it('lets a later rule try when an earlier one loses its roll', () => {
    const rolls = [0.9, 0.1]
    const faults = new FaultSet(() => rolls.shift() ?? 1)
    faults.add('500:p=0.5')
    faults.add('503:p=0.5')
    expect(faults.decide('c', 'get')?.status).toBe(503)
  })

  it('removes and clears rules', () => {
    const faults = new FaultSet(() => 0)
    const first = faults.add('500')
    faults.add('503')
    expect(faults.remove(first.id)).toBe(true)
    expect(faults.remove(first.id)).toBe(false)
    expect(faults.decide('c', 'get')?.status).toBe(503)
    faults.clear()
    expect(faults.decide('c', 'get')).toBeUndefined()
  })
})

describe('rate limits', () => {
  it.each([
    ['100', {perSecond: 100}],
    ['10/cache', {perSecond: 10, per: 'cache'}],
    ['5:burst=20', {perSecond: 5, burst: 20}],
    ['0.5/global:burst=1', {perSecond: 0.5, per: 'global', burst: 1}],
  ])('parses %j', (spec, expected) => {
    expect(parseRateLimitSpec(spec)).toEqual(expected)
  })

  it.each(['', 'fast', '0', '10/region', '5:burst=0'])('rejects %j', (spec) => {
    expect(() => parseRateLimitSpec(spec)).toThrow(FaultSpecError)
  })

  it('refills the bucket by the clock and reports how long to wait', () => {
    // Given 2 operations per second with a burst of 2, globally
    let now = 0
    const limiter = new RateLimiter({perSecond: 2}, () => now)
    // Then the burst passes and the next one must wait
    expect(limiter.take('a')).toEqual({ok: true})
    expect(limiter.take('b')).toEqual({ok: true})
    expect(limiter.take('a')).toEqual({ok: false, retryAfterSeconds: 1})
    // When half a second passes, one token is back
    now = 500
    expect(limiter.take('a')).toEqual({ok: true})
    expect(limiter.take('a').ok).toBe(false)
  })

  it('keeps one bucket per cache when asked to', () => {
    const limiter = new RateLimiter({perSecond: 1, per: 'cache'}, () => 0)
    expect(limiter.take('a').ok).toBe(true)
    expect(limiter.take('a').ok).toBe(false)
    expect(limiter.take('b').ok).toBe(true)
  })

  it('asks a slow limit to wait several seconds', () => {
    const limiter = new RateLimiter({perSecond: 0.25}, () => 0)
    expect(limiter.take('a').ok).toBe(true)
    expect(limiter.take('a')).toEqual({ok: false, retryAfterSeconds: 4})
  })
})
