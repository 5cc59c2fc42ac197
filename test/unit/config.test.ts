import {describe, expect, it} from 'vitest'

import {findConfigKey, resolveSetting} from '../../src/core/config.js'

describe('resolveSetting', () => {
  const env = {MOMENTO_EB_CACHE: 'from-env'}
  const config = {cache: 'from-config', bus: 'saved-bus'}

  it('prefers the flag, then the env var, then the config file, then the default', () => {
    expect(resolveSetting('cache', {flag: 'from-flag', env, config})).toEqual({value: 'from-flag', origin: 'flag'})
    expect(resolveSetting('cache', {env, config})).toEqual({value: 'from-env', origin: 'env'})
    expect(resolveSetting('cache', {env: {}, config})).toEqual({value: 'from-config', origin: 'config'})
    expect(resolveSetting('cache', {env: {}, config: {}, fallback: 'd'})).toEqual({value: 'd', origin: 'default'})
    expect(resolveSetting('cache', {env: {}, config: {}})).toBeUndefined()
  })

  it('treats empty values as unset', () => {
    expect(resolveSetting('bus', {flag: '', env: {MOMENTO_EB_BUS: ''}, config})).toEqual({
      value: 'saved-bus',
      origin: 'config',
    })
  })
})

describe('config keys', () => {
  it.each([
    ['cache', 'orders', undefined],
    ['cache', 'a b', /letters, digits/],
    ['source', 'aws.events', /reserved/],
    ['region', 'us-east-1', undefined],
    ['region', 'mars', /AWS region/],
  ])('validates %s=%s', (key, value, expected) => {
    const message = findConfigKey(key)?.validate(value)
    if (expected) expect(message).toMatch(expected)
    else expect(message).toBeUndefined()
  })
})
