import {describe, expect, it} from 'vitest'

import {compileFilterPattern} from '../../src/sandbox/logs/filter-pattern.js'
import {appendEvents, logsStoreOf, type LogGroup, type LogStream} from '../../src/sandbox/logs/model.js'
import {createSandboxState} from '../../src/sandbox/state.js'

describe('log group memory bound', () => {
  it('evicts the oldest events past the cap, across streams', () => {
    const store = logsStoreOf(createSandboxState(), 'us-east-1')
    const group: LogGroup = {name: 'g', creationTime: 0, streams: new Map(), eventCount: 0, storedBytes: 0}
    const stream = (name: string): LogStream => ({name, creationTime: 0, events: [], base: 0, storedBytes: 0})
    const a = stream('a')
    const b = stream('b')
    group.streams.set('a', a).set('b', b)
    const caps = {events: 10, bytes: 1_000_000}
    for (let i = 0; i < 10; i++) appendEvents(store, group, i % 2 ? b : a, [{timestamp: i, message: `m${i}`}], 0, caps)
    appendEvents(store, group, a, [{timestamp: 10, message: 'm10'}], 0, caps)
    expect(group.eventCount).toBe(10)
    // m0 (the oldest, in stream a) went; a's positions move on so paging tokens stay valid.
    expect(a.events.map((e) => e.message)).toEqual(['m2', 'm4', 'm6', 'm8', 'm10'])
    expect(a.base).toBe(1)
    expect(group.storedBytes).toBe([...a.events, ...b.events].reduce((n, e) => n + e.message.length + 26, 0))
  })

  it('keeps events in timestamp order when they arrive out of order', () => {
    const store = logsStoreOf(createSandboxState(), 'us-east-1')
    const group: LogGroup = {name: 'g', creationTime: 0, streams: new Map(), eventCount: 0, storedBytes: 0}
    const s: LogStream = {name: 's', creationTime: 0, events: [], base: 0, storedBytes: 0}
    appendEvents(store, group, s, [{timestamp: 5, message: 'late'}], 0)
    appendEvents(store, group, s, [{timestamp: 1, message: 'early'}], 0)
    expect(s.events.map((e) => e.message)).toEqual(['early', 'late'])
  })
})

describe('filter patterns', () => {
  const match = (pattern: string, message: string) => compileFilterPattern(pattern).matches(message)

  it('JSON: equality, prefix wildcard, missing fields, arrays, precedence of && over ||', () => {
    const m = JSON.stringify({a: 'xyz', n: 3, list: [{k: 'v'}], t: true, z: null})
    expect(match('{ $.a = "xyz" }', m)).toBe(true)
    expect(match('{ $.a = "xy*" }', m)).toBe(true)
    expect(match('{ $.missing != "q" }', m)).toBe(false)
    expect(match('{ $.list[0].k = "v" }', m)).toBe(true)
    expect(match('{ $.t = true && $.z = null }', m)).toBe(true)
    expect(match('{ $.n > 5 || $.a = "xyz" && $.n = 3 }', m)).toBe(true)
    expect(match('{ ($.n > 5 || $.a = "xyz") && $.n = 4 }', m)).toBe(false)
    expect(match('{ $.a = "xyz" }', 'not json')).toBe(false)
  })

  it('terms: all, any (?), none (-), quoted phrases', () => {
    expect(match('ERROR timeout', 'ERROR: timeout after 5s')).toBe(true)
    expect(match('?404 ?500', 'status 500')).toBe(true)
    expect(match('?404 ?500', 'status 200')).toBe(false)
    expect(match('ERROR -retry', 'ERROR retry')).toBe(false)
    expect(match('"timed out"', 'Request timed out')).toBe(true)
    expect(match('', 'anything')).toBe(true)
  })

  it('refuses malformed patterns', () => {
    for (const bad of ['{ $.a = }', '{ a = "x" }', '{ $.a = "x"', '{ $.a ~ "x" }', '"unterminated'])
      expect(() => compileFilterPattern(bad), bad).toThrow('Invalid filter pattern')
  })
})
