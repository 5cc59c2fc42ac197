import {describe, expect, it} from 'vitest'

import {createMomentoState} from '../../src/sandbox/momento/state.js'
import {
  decodeBase64Key,
  MomentoRequestError,
  parseQuery,
  presentValues,
  redactQuery,
  utf8OrUndefined,
} from '../../src/sandbox/momento/wire.js'

describe('parseQuery', () => {
  it('percent-decodes values to bytes, keeping invalid UTF-8 distinct', () => {
    const pairs = parseQuery('?key=%FF%FE&other=a+b%20c&flag')
    expect(pairs.map((p) => [p.name, p.value.toString('hex')])).toEqual([
      ['key', 'fffe'],
      ['other', Buffer.from('a b c').toString('hex')],
      ['flag', ''],
    ])
  })

  it.each(['?key=%', '?key=%4', '?key=%zz', '?%GG=1'])('rejects malformed percent-encoding in %j', (search) => {
    expect(() => parseQuery(search)).toThrow(MomentoRequestError)
  })

  it('treats empty values as absent and redacts tokens for the log', () => {
    const pairs = parseQuery('?key=&key_base64=YQ&token=secret&token=')
    expect(presentValues(pairs, 'key')).toEqual([])
    expect(presentValues(pairs, 'key_base64').map(String)).toEqual(['YQ'])
    expect(redactQuery(pairs)).toBe('key=&key_base64=YQ&token=REDACTED&token=REDACTED')
  })
})

describe('decodeBase64Key', () => {
  it.each([
    ['ZXhhbXBsZV9rZXk', 'example_key'],
    ['ZXhhbXBsZV9rZXk=', 'example_key'],
    ['YWJj', 'abc'],
    ['YQ', 'a'],
    ['YQ==', 'a'],
  ])('decodes %j', (text, expected) => {
    expect(decodeBase64Key(text).toString('utf8')).toBe(expected)
  })

  it('decodes both alphabets to the same bytes', () => {
    expect(decodeBase64Key('-_8')).toEqual(decodeBase64Key('+/8='))
    expect(decodeBase64Key('-_8')).toEqual(Buffer.from([0xfb, 0xff]))
  })

  it.each(['a', 'YQ=', 'Y===', 'a b', 'YW*j', '=YWJj'])('rejects %j', (text) => {
    expect(() => decodeBase64Key(text)).toThrow(/not valid base64/)
  })
})

describe('utf8OrUndefined', () => {
  it('returns text for UTF-8 and undefined otherwise', () => {
    expect(utf8OrUndefined(Buffer.from('héllo'))).toBe('héllo')
    expect(utf8OrUndefined(Buffer.from([0xff]))).toBeUndefined()
  })
})

describe('MomentoState', () => {
  it('expires items by its clock and sweeps them from listings', () => {
    // Given an item with a 5-second TTL
    let now = 1000
    const momento = createMomentoState({apiKey: 'k', caches: ['c'], now: () => now})
    const cache = momento.caches.get('c')
    if (!cache) throw new Error('cache missing')
    momento.setItem(cache, Buffer.from('key'), Buffer.from('v'), 5)
    // Then it lives until exactly its expiry
    now = 5999
    expect(momento.getItem(cache, Buffer.from('key'))?.value.toString()).toBe('v')
    now = 6000
    expect(momento.getItem(cache, Buffer.from('key'))).toBeUndefined()
    expect(momento.liveItems(cache)).toEqual([])
    expect(cache.items.size).toBe(0)
  })

  it('keeps a bounded topic history and numbers messages from 1', () => {
    const momento = createMomentoState({apiKey: 'k', caches: ['c'], topicHistory: 3})
    for (let i = 1; i <= 5; i++) momento.publish('c', 't', {text: `m${i}`})
    const topic = momento.topic('c', 't')
    expect(topic.messages.map((m) => m.sequence)).toEqual([3, 4, 5])
    expect(topic.nextSequence).toBe(6)
  })

  it('rejects an invalid start-up fault with a FaultSpecError', () => {
    expect(() => createMomentoState({apiKey: 'k', caches: [], faults: ['bogus']})).toThrow(/neither an HTTP status/)
  })

  it('wakes subscribers when their cache is deleted', () => {
    const momento = createMomentoState({apiKey: 'k', caches: ['c']})
    let woken = false
    momento.topic('c', 't').waiters.add(() => (woken = true))
    expect(momento.deleteCache('c')).toBe(true)
    expect(woken).toBe(true)
    expect(momento.topics.size).toBe(0)
  })
})
