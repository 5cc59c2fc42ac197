import {describe, expect, it} from 'vitest'

import {ttlFromFlag} from '../../src/cli/flags.js'
import {validateDetail} from '../../src/core/momento-events.js'

const ttlOf = (flag: string) =>
  validateDetail('cacheSet', {cacheName: 'c', key: 'k', message: 'm', ttl: ttlFromFlag(flag)})

describe('--ttl', () => {
  it('accepts seconds and durations (5m like --timeout 2m), as seconds in the event', () => {
    expect(ttlFromFlag('300')).toBe('300')
    expect(ttlFromFlag('5m')).toBe(300)
    expect(ttlFromFlag('90s')).toBe(90)
    expect(ttlFromFlag('1h30m')).toBe(5400)
    expect(ttlFromFlag('1.5m')).toBe(90)
    expect(ttlFromFlag('1d')).toBe(86_400)
    const ok = ttlOf('5m')
    expect(ok.ok && ok.event.detail).toMatchObject({ttl: 300})
  })

  it('keeps the bounds: 25h and 0s are refused, so is a fraction of a second and a word', () => {
    for (const [flag, message] of [
      ['25h', /outside 1–86400 seconds/],
      ['0s', /outside 1–86400 seconds/],
      ['1.5s', /isn't a whole number of seconds/],
      ['soon', /isn't a number/],
    ] as const) {
      const result = ttlOf(flag)
      expect(result.ok, flag).toBe(false)
      if (!result.ok) expect(result.issues.map((i) => i.message).join(' '), flag).toMatch(message)
    }
  })
})
