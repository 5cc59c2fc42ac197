import {describe, expect, it} from 'vitest'

import {
  decodeBase64,
  entrySize,
  MAX_ITEM_BYTES,
  MAX_KEY_BYTES,
  MAX_TOPIC_MESSAGE_BYTES,
  validateDetail,
} from '../../src/core/momento-events.js'

function issuesOf(detailType: unknown, detail: unknown): string[] {
  const result = validateDetail(detailType, detail)
  return result.ok ? [] : result.issues.map((i) => `${i.field}: ${i.message}`)
}

describe('validateDetail', () => {
  it('accepts a cacheSet and emits ttl and ttl_seconds', () => {
    const result = validateDetail('cacheSet', {cacheName: 'orders', key: 'k1', message: 'v', ttl: 300})
    expect(result).toEqual({
      ok: true,
      event: {
        detailType: 'cacheSet',
        detail: {cacheName: 'orders', key: 'k1', message: 'v', ttl: 300, ttl_seconds: 300},
      },
    })
  })

  it('reads ttl_seconds when ttl is absent (events for the launch-button stack)', () => {
    const result = validateDetail('cacheSet', {cacheName: 'c', key: 'k', message: '', ttl_seconds: '60'})
    expect(result.ok && result.event.detail).toMatchObject({ttl: 60, ttl_seconds: 60, message: ''})
  })

  it('normalises key_base64 to unpadded base64url', () => {
    const result = validateDetail('cacheDelete', {cacheName: 'c', key_base64: '+/+/ZQ=='})
    expect(result.ok && result.event.detail).toEqual({cacheName: 'c', key_base64: '-_-_ZQ'})
  })

  it.each([
    ['both keys', {cacheName: 'c', key: 'a', key_base64: 'YQ', message: 'm', ttl: 1}, /Both key and key_base64/],
    ['neither key', {cacheName: 'c', message: 'm', ttl: 1}, /No key is set/],
    ['empty key', {cacheName: 'c', key: '', message: 'm', ttl: 1}, /key is empty/],
    ['invalid base64', {cacheName: 'c', key_base64: 'no*pe', message: 'm', ttl: 1}, /isn't valid base64/],
    ['mixed base64 alphabets', {cacheName: 'c', key_base64: 'a+b_', message: 'm', ttl: 1}, /isn't valid base64/],
    ['ttl 0', {cacheName: 'c', key: 'k', message: 'm', ttl: 0}, /outside 1–86400/],
    ['negative ttl', {cacheName: 'c', key: 'k', message: 'm', ttl: -5}, /outside 1–86400/],
    ['fractional ttl', {cacheName: 'c', key: 'k', message: 'm', ttl: 1.5}, /whole number/],
    ['ttl above 86400', {cacheName: 'c', key: 'k', message: 'm', ttl: 86_401}, /outside 1–86400/],
    ['non-numeric ttl', {cacheName: 'c', key: 'k', message: 'm', ttl: 'soon'}, /isn't a number/],
    ['missing ttl', {cacheName: 'c', key: 'k', message: 'm'}, /TTL is missing/],
    ['conflicting ttl fields', {cacheName: 'c', key: 'k', message: 'm', ttl: 5, ttl_seconds: 6}, /differ/],
    ['missing cache', {key: 'k', message: 'm', ttl: 1}, /cache name is missing/],
    ['implausible cache', {cacheName: 'a/b', key: 'k', message: 'm', ttl: 1}, /plausible/],
    ['missing message', {cacheName: 'c', key: 'k', ttl: 1}, /message is missing/],
  ])('rejects a cacheSet with %s', (_name, detail, expected) => {
    const issues = issuesOf('cacheSet', detail)
    expect(issues.join('\n')).toMatch(expected)
  })

  it('counts a topic message as the stack delivers it: 4,094 bytes fit, 4,096 are refused with the numbers', () => {
    const topic = (message: string) => validateDetail('topicPublish', {cacheName: 'c', topicName: 't', message})
    // The topicPublish template `"<message>"` adds two bytes; Momento's limit is 4,096
    // (docs/reference/aws-facts.md#momento-limits, #eb-input-transformer).
    expect(topic('x'.repeat(MAX_TOPIC_MESSAGE_BYTES - 2)).ok).toBe(true)
    for (const [size, over] of [
      [4095, 1],
      [4096, 2],
    ] as const) {
      const result = topic('x'.repeat(size))
      expect(result.ok).toBe(false)
      const [issue] = result.ok ? [] : result.issues
      expect(issue?.field).toBe('message')
      expect(issue?.message).toContain(`is ${size.toLocaleString('en-US')} bytes`)
      expect(issue?.message).toContain(
        `${over} byte${over === 1 ? '' : 's'} over Momento's topic message limit of 4,096`,
      )
      expect(issue?.message).toContain('the largest message that fits is 4,094 bytes')
      expect(issue?.hint).toContain('at most 4,094 bytes')
    }
    // Bytes, not characters: 2,047 two-byte characters + quotes = 4,096 bytes fit; one more doesn't.
    expect(topic('é'.repeat(2047)).ok).toBe(true)
    expect(topic('é'.repeat(2047) + 'x').ok).toBe(false)
  })

  it("counts a cacheSet item as key plus the delivered value against Momento's item limit", () => {
    const set = (key: string, message: string) => validateDetail('cacheSet', {cacheName: 'c', key, message, ttl: 60})
    const fits = 'v'.repeat(MAX_ITEM_BYTES - 2 - 3)
    expect(set('key', fits).ok).toBe(true)
    const result = set('key', `${fits}v`)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.issues[0]?.message).toMatch(
      /1 byte over Momento's item size limit of 5,000,000 bytes/,
    )
    expect(result.ok ? '' : result.issues[0]?.hint).toContain(`at most ${(MAX_ITEM_BYTES - 5).toLocaleString('en-US')}`)
  })

  it('rejects a topicPublish without topic or message', () => {
    expect(issuesOf('topicPublish', {cacheName: 'c'})).toEqual([
      'topicName: topic name is missing.',
      'message: The message is missing.',
    ])
  })

  it('rejects unknown detail types and non-object details', () => {
    expect(issuesOf('cacheGet', {})).toEqual(['detailType: Unknown detail type "cacheGet".'])
    expect(issuesOf('cacheSet', 'text')).toEqual(['detail: detail must be a JSON object.'])
  })
})

describe('decodeBase64', () => {
  it.each([
    ['ZXhhbXBsZV9rZXk', 'example_key'],
    ['ZXhhbXBsZV9rZXk=', 'example_key'],
    ['-_8', '\ufffd\ufffd'],
  ])('decodes %s', (text, expected) => {
    const bytes = decodeBase64(text)
    expect(bytes?.toString('utf8')).toBe(expected)
  })

  it('refuses text outside the alphabet', () => {
    expect(decodeBase64('a b')).toBeUndefined()
    expect(decodeBase64('abcde')).toBeUndefined()
  })
})

describe('entrySize', () => {
  it('counts UTF-8 bytes of source, detail type, detail and resources', () => {
    expect(entrySize({Source: 'é', DetailType: 'ab', Detail: '{}', Resources: ['xyz']})).toBe(2 + 2 + 2 + 3)
  })
})

describe('keys and text Momento cannot take', () => {
  it(`refuses keys over ${MAX_KEY_BYTES} bytes, as text or as key_base64 bytes, and takes exactly the limit`, () => {
    expect(issuesOf('cacheDelete', {cacheName: 'c', key: 'k'.repeat(100_000)}).join(' ')).toMatch(
      /100,000 bytes; momento-eb accepts keys of at most 4,096 bytes/,
    )
    expect(issuesOf('cacheDelete', {cacheName: 'c', key: 'é'.repeat(2049)}).join(' ')).toMatch(/4,098 bytes/)
    const b64 = Buffer.alloc(MAX_KEY_BYTES + 1, 1).toString('base64url')
    expect(issuesOf('cacheDelete', {cacheName: 'c', key_base64: b64}).join(' ')).toMatch(/4,097 bytes/)
    expect(validateDetail('cacheDelete', {cacheName: 'c', key: 'k'.repeat(MAX_KEY_BYTES)}).ok).toBe(true)
  })

  it('refuses unpaired surrogates in the key and the message', () => {
    expect(issuesOf('cacheDelete', {cacheName: 'c', key: '\ud800'}).join(' ')).toMatch(/unpaired UTF-16 surrogate/)
    expect(issuesOf('cacheSet', {cacheName: 'c', key: 'k', message: 'a\udfff', ttl: 5}).join(' ')).toMatch(/surrogate/)
    expect(validateDetail('cacheDelete', {cacheName: 'c', key: '😀'}).ok).toBe(true)
  })
})
