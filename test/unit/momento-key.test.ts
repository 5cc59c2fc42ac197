import {describe, expect, it} from 'vitest'

import {chooseMomentoEndpoint, decodeMomentoKey, keyShapeProblem} from '../../src/core/momento-key.js'
import {momentoBaseUrlForRegion} from '../../src/core/regions.js'

const NOW = new Date('2026-06-01T00:00:00Z')
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: Record<string, unknown>) => `${b64url({alg: 'HS256'})}.${b64url(claims)}.c2lnbmF0dXJl`
const v1 = (endpoint: string, claims: Record<string, unknown> = {sub: 'me'}) =>
  Buffer.from(JSON.stringify({api_key: jwt(claims), endpoint})).toString('base64')
const future = Math.floor(NOW.getTime() / 1000) + 3600
const past = Math.floor(NOW.getTime() / 1000) - 3600

describe('decodeMomentoKey', () => {
  it('reads a v1 key: base64 JSON with the cell host', () => {
    const info = decodeMomentoKey(v1('cell-4-us-west-2-1.prod.a.momentohq.com', {exp: future}), NOW)
    expect(info).toEqual({
      kind: 'v1',
      host: 'cell-4-us-west-2-1.prod.a.momentohq.com',
      region: 'us-west-2',
      baseUrl: 'https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com',
      expiresAt: new Date(future * 1000),
      expired: false,
    })
  })

  it('reads a v1 key whose endpoint names no cell (region unknown)', () => {
    const info = decodeMomentoKey(v1('prod.momentohq.com'), NOW)
    expect(info.kind).toBe('v1')
    expect(info.region).toBeUndefined()
    expect(info.baseUrl).toBe('https://api.cache.prod.momentohq.com')
  })

  it('reads a legacy JWT by its c claim', () => {
    const info = decodeMomentoKey(
      jwt({sub: 'x', c: 'cache.cell-1-eu-west-1-1.prod.a.momentohq.com', cp: 'control.cell-1-eu-west-1-1'}),
      NOW,
    )
    expect(info).toMatchObject({
      kind: 'legacy',
      host: 'cell-1-eu-west-1-1.prod.a.momentohq.com',
      region: 'eu-west-1',
      baseUrl: 'https://api.cache.cell-1-eu-west-1-1.prod.a.momentohq.com',
      expired: false,
    })
  })

  it('reads a v2 key (t: g): no endpoint', () => {
    const info = decodeMomentoKey(jwt({t: 'g', id: 'abc', exp: future}), NOW)
    expect(info).toEqual({kind: 'v2', expired: false, expiresAt: new Date(future * 1000)})
  })

  it('flags an expired key', () => {
    expect(decodeMomentoKey(jwt({t: 'g', exp: past}), NOW).expired).toBe(true)
    expect(decodeMomentoKey(v1('cell-us-east-1-1.prod.a.momentohq.com', {exp: past}), NOW).expired).toBe(true)
  })

  it.each(['', 'garbage', 'a.b.c', 'not base64 !', Buffer.from('{"x":1}').toString('base64'), 'eyJ.eyJ.sig'])(
    'treats %j as unknown without throwing',
    (key) => {
      expect(decodeMomentoKey(key, NOW).kind).toBe('unknown')
    },
  )

  it('never puts the key or its inner key into the result', () => {
    const key = v1('cell-us-east-1-1.prod.a.momentohq.com', {sub: 'secret-subject'})
    const text = JSON.stringify(decodeMomentoKey(key, NOW))
    expect(text).not.toContain(key)
    expect(text).not.toContain('secret-subject')
    expect(text).not.toContain('c2lnbmF0dXJl')
  })
})

describe('chooseMomentoEndpoint', () => {
  const mapped = momentoBaseUrlForRegion
  const usWest2Key = decodeMomentoKey(v1('cell-4-us-west-2-1.prod.a.momentohq.com'), NOW)

  it('an explicit endpoint wins', () => {
    const choice = chooseMomentoEndpoint({
      explicit: 'http://127.0.0.1:4566',
      key: usWest2Key,
      stackRegion: 'us-east-1',
      mapped,
    })
    expect(choice.endpoint).toBe('http://127.0.0.1:4566')
    expect(choice.warnings.join()).toContain('belongs to us-west-2')
  })

  it('a key of the stack region uses the region table, passed explicitly', () => {
    expect(chooseMomentoEndpoint({key: usWest2Key, stackRegion: 'us-west-2', mapped})).toEqual({
      endpoint: 'https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com',
      baseUrl: 'https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com',
      warnings: [],
    })
  })

  it('a key of another region uses its own cell, with a warning', () => {
    const choice = chooseMomentoEndpoint({key: usWest2Key, stackRegion: 'eu-west-1', mapped})
    expect(choice.endpoint).toBe('https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com')
    expect(choice.warnings[0]).toMatch(/belongs to us-west-2, but the stack is in eu-west-1/)
  })

  it('a v2 key uses the region table, and fails in a region without a cell', () => {
    const v2 = decodeMomentoKey(jwt({t: 'g'}), NOW)
    expect(chooseMomentoEndpoint({key: v2, stackRegion: 'ap-south-1', mapped}).endpoint).toBe(
      'https://api.cache.cell-1-ap-south-1-1.prod.a.momentohq.com',
    )
    const bad = chooseMomentoEndpoint({key: v2, stackRegion: 'sa-east-1', mapped})
    expect(bad.problem).toMatch(/no public cell in sa-east-1/)
  })

  it('warns about an expired key', () => {
    const expired = decodeMomentoKey(jwt({t: 'g', exp: past}), NOW)
    expect(chooseMomentoEndpoint({key: expired, stackRegion: 'us-east-1', mapped}).warnings[0]).toMatch(/expired/)
  })
})

describe('keyShapeProblem (the API-key prompt)', () => {
  const jwt = (claims: Record<string, unknown>) =>
    ['{"alg":"none"}', JSON.stringify(claims), 'sig'].map((p) => Buffer.from(p).toString('base64url')).join('.')

  it('refuses "abc", a key with spaces and an expired key, without repeating the key', () => {
    expect(keyShapeProblem('abc')).toMatch(/doesn't look like a Momento API key/)
    expect(keyShapeProblem('abc')).not.toContain('abc')
    expect(keyShapeProblem('eyJ a.b.c')).toMatch(/spaces/)
    expect(keyShapeProblem(jwt({t: 'g', exp: 1}), new Date('2026-12-06T00:00:00Z'))).toMatch(/expired on 1970/)
  })

  it('accepts v1 keys and JWTs (legacy, v2, and ones it cannot read further)', () => {
    const v1 = Buffer.from(
      JSON.stringify({api_key: jwt({}), endpoint: 'cell-1-us-east-1-1.prod.a.momentohq.com'}),
    ).toString('base64')
    expect(keyShapeProblem(v1)).toBeUndefined()
    expect(keyShapeProblem(jwt({t: 'g'}))).toBeUndefined()
    expect(keyShapeProblem(jwt({c: 'cache.cell-1-us-east-1-1.prod.a.momentohq.com'}))).toBeUndefined()
    expect(keyShapeProblem(` ${jwt({})}\n`.trim())).toBeUndefined()
  })
})
