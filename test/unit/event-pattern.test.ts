import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {compilePattern, InvalidEventPatternError, matchesPattern} from '../../src/core/event-pattern.js'

interface MatchCase {
  name: string
  pattern: unknown
  event: unknown
  match: boolean
}
interface ErrorCase {
  name: string
  pattern: unknown
  error: true
}
type Case = MatchCase | ErrorCase

const dir = fileURLToPath(new URL('../fixtures/event-patterns/', import.meta.url))
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
const corpus = files.flatMap((file) =>
  (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Case[]).map((c) => ({...c, file})),
)

// A string pattern is the exact text (lets fixtures carry invalid JSON, duplicate keys or 300.0).
const textOf = (pattern: unknown): string => (typeof pattern === 'string' ? pattern : JSON.stringify(pattern))

describe('event-pattern corpus', () => {
  it('is large, uniquely named and covers both outcomes', () => {
    // Given the fixture files
    const names = corpus.map((c) => c.name)
    // Then
    expect(new Set(names).size).toBe(names.length)
    expect(corpus.length).toBeGreaterThanOrEqual(150)
    expect(corpus.filter((c) => 'match' in c && c.match).length).toBeGreaterThan(50)
    expect(corpus.filter((c) => 'match' in c && !c.match).length).toBeGreaterThan(50)
    expect(corpus.filter((c) => 'error' in c).length).toBeGreaterThan(40)
  })

  for (const c of corpus) {
    it(`${c.file}: ${c.name}`, () => {
      if ('error' in c) {
        // When compiling an invalid pattern, Then it is rejected with an AWS-like message
        expect(() => compilePattern(textOf(c.pattern))).toThrow(InvalidEventPatternError)
        expect(() => compilePattern(textOf(c.pattern))).toThrow(/^Event pattern is not valid\. Reason: /)
        return
      }
      // Given a compiled pattern, When matching the event, Then the outcome is as recorded
      expect(compilePattern(textOf(c.pattern)).matches(c.event)).toBe(c.match)
    })
  }
})

describe('compilePattern', () => {
  it('compiles once and is reusable across events', () => {
    // Given
    const pattern = compilePattern('{"detail-type": ["cacheSet"], "detail": {"cache": [{"prefix": "o"}]}}')
    // Then
    expect(pattern.matches({'detail-type': 'cacheSet', detail: {cache: 'orders'}})).toBe(true)
    expect(pattern.matches({'detail-type': 'cacheSet', detail: {cache: 'users'}})).toBe(false)
    expect(pattern.matches({'detail-type': 'cacheSet', detail: {cache: 'orders'}})).toBe(true)
  })

  it('names the error class so callers can map it to InvalidEventPatternException', () => {
    // When
    const error = (() => {
      try {
        compilePattern('{"a": [{"nope": 1}]}')
      } catch (e) {
        return e
      }
      return undefined
    })()
    // Then
    expect(error).toBeInstanceOf(InvalidEventPatternError)
    expect((error as Error).name).toBe('InvalidEventPatternError')
    expect((error as Error).message).toContain('Unrecognized match type nope')
  })

  it('offers a one-shot helper', () => {
    expect(matchesPattern('{"source": ["demo"]}', {source: 'demo'})).toBe(true)
    expect(matchesPattern('{"source": ["demo"]}', {source: 'other'})).toBe(false)
  })

  it('does not mutate or depend on the event object identity', () => {
    // Given
    const event = Object.freeze({source: 'demo', detail: Object.freeze({items: Object.freeze([{a: 1}])})})
    // Then
    expect(compilePattern('{"detail": {"items": {"a": [1]}}}').matches(event)).toBe(true)
  })

  it('matches simple patterns fast enough for the rule engine', () => {
    // Given a typical momento-eb rule and a realistic event
    const pattern = compilePattern('{"source": ["momento-eb", "demo"], "detail-type": ["cacheSet"]}')
    const event = {source: 'demo', 'detail-type': 'cacheSet', detail: {cache: 'c', key: 'k', value: 'v'}}
    // When matching many times
    const n = 200_000
    let hits = 0
    const start = performance.now()
    for (let i = 0; i < n; i++) if (pattern.matches(event)) hits++
    const seconds = (performance.now() - start) / 1000
    // Then (a loose floor: shared CI cores; locally this is millions per second)
    expect(hits).toBe(n)
    expect(n / seconds).toBeGreaterThan(100_000)
  })
})
