import {describe, expect, it} from 'vitest'

import {
  AWS_LATENCY_PRESET,
  formatLatency,
  LATENCY_SERVICES,
  latencyFor,
  LatencySpecError,
  parseLatencySpec,
  validateLatency,
} from '../../src/sandbox/latency.js'

describe('sandbox latency: the --latency grammar', () => {
  it('reads <service>=<ms>[~<jitter>] items', () => {
    expect(parseLatencySpec('sqs=15~5,events=20,cloudformation=60')).toEqual({
      sqs: {meanMs: 15, jitterMs: 5},
      events: {meanMs: 20, jitterMs: 0},
      cloudformation: {meanMs: 60, jitterMs: 0},
    })
    expect(parseLatencySpec(' monitoring=2.5 , SNS=1~0.5 ')).toEqual({
      monitoring: {meanMs: 2.5, jitterMs: 0},
      sns: {meanMs: 1, jitterMs: 0.5},
    })
  })

  it('aws is the preset for every service; later items override it; off is none', () => {
    const preset = parseLatencySpec('aws')
    expect(Object.keys(preset).sort()).toEqual([...LATENCY_SERVICES].sort())
    expect(preset.sqs).toEqual({meanMs: 15, jitterMs: 5})
    expect(parseLatencySpec('aws,cloudformation=200').cloudformation).toEqual({meanMs: 200, jitterMs: 0})
    expect(parseLatencySpec('aws,cloudformation=200').events).toEqual(AWS_LATENCY_PRESET.events)
    expect(parseLatencySpec('off')).toEqual({})
    expect(() => parseLatencySpec('sqs=1,aws')).toThrow(/must come first/)
  })

  it('refuses a misspelt service with a did-you-mean and the list of services', () => {
    expect(() => parseLatencySpec('sqs=15,evnts=20')).toThrow(LatencySpecError)
    expect(() => parseLatencySpec('sqs=15,evnts=20')).toThrow(
      /"evnts" is not a service.*Did you mean "events"\?.*Services: sqs, events/,
    )
    expect(() => parseLatencySpec('cloudwatch=20')).toThrow(/"cloudwatch" is not a service/)
    expect(() => parseLatencySpec('secretmanager=20')).toThrow(/Did you mean "secretsmanager"/)
    expect(() => parseLatencySpec('asw')).toThrow(/Did you mean "aws"/)
  })

  it('refuses malformed items, negative and huge values, and an empty spec', () => {
    for (const bad of [
      '',
      'sqs',
      'sqs=',
      'sqs=-1',
      'sqs=15+-5',
      'sqs=15~',
      'sqs=abc',
      'sqs=15;events=2',
      'sqs=60001',
    ]) {
      expect(() => parseLatencySpec(bad), bad).toThrow(LatencySpecError)
    }
    expect(() => parseLatencySpec('sqs=15+5')).toThrow(/<service>=<ms>\[~<jitter>\]/)
  })

  it('formats back to the grammar', () => {
    expect(formatLatency(parseLatencySpec('events=20,sqs=15~5'))).toBe('sqs=15~5,events=20')
    expect(formatLatency({})).toBe('off')
  })
})

describe('sandbox latency: settings as options or JSON', () => {
  it('validates services and numbers', () => {
    expect(validateLatency({sqs: {meanMs: 15, jitterMs: 5}, events: {meanMs: 20}})).toEqual({
      sqs: {meanMs: 15, jitterMs: 5},
      events: {meanMs: 20, jitterMs: 0},
    })
    expect(() => validateLatency({sqs: {meanMs: -1}})).toThrow(/sqs.meanMs must be a number/)
    expect(() => validateLatency({sqs: {meanMs: 1, jitter: 2}})).toThrow(/unknown field "jitter"/)
    expect(() => validateLatency({sqss: {meanMs: 1}})).toThrow(/Did you mean "sqs"/)
    expect(() => validateLatency([])).toThrow(/must be an object/)
    expect(() => validateLatency({sqs: 15})).toThrow(/sqs must be an object/)
  })
})

describe('sandbox latency: the wait of one call', () => {
  it('is uniform in mean ± jitter, never below 0, and 0 for a service without latency', () => {
    const settings = {sqs: {meanMs: 15, jitterMs: 5}, events: {meanMs: 2, jitterMs: 10}}
    expect(latencyFor(settings, 'sqs', () => 0)).toBe(10)
    expect(latencyFor(settings, 'sqs', () => 0.5)).toBe(15)
    expect(latencyFor(settings, 'sqs', () => 0.999999)).toBeCloseTo(20, 3)
    expect(latencyFor(settings, 'events', () => 0)).toBe(0)
    expect(latencyFor(settings, 'cloudformation')).toBe(0)
    for (let i = 0; i < 1000; i++) {
      const ms = latencyFor(settings, 'sqs')
      expect(ms).toBeGreaterThanOrEqual(10)
      expect(ms).toBeLessThanOrEqual(20)
    }
  })
})
