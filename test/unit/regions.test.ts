import {describe, expect, it} from 'vitest'

import {
  MOMENTO_REGIONS,
  httpBaseUrlForHost,
  momentoBaseUrlForRegion,
  regionFromCellHost,
} from '../../src/core/regions.js'

describe('Momento region map', () => {
  it('covers every region of the reference table with its cell URL', () => {
    expect(Object.fromEntries(MOMENTO_REGIONS.map((r) => [r.region, r.baseUrl]))).toEqual({
      'us-east-1': 'https://api.cache.cell-us-east-1-1.prod.a.momentohq.com',
      'us-east-2': 'https://api.cache.cell-1-us-east-2-1.prod.a.momentohq.com',
      'us-west-2': 'https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com',
      'eu-west-1': 'https://api.cache.cell-1-eu-west-1-1.prod.a.momentohq.com',
      'eu-west-2': 'https://api.cache.cell-1-eu-west-2-1.prod.a.momentohq.com',
      'eu-central-1': 'https://api.cache.cell-1-eu-central-1-1.prod.a.momentohq.com',
      'eu-north-1': 'https://api.cache.cell-1-eu-north-1-1.prod.a.momentohq.com',
      'ap-south-1': 'https://api.cache.cell-1-ap-south-1-1.prod.a.momentohq.com',
      'ap-northeast-1': 'https://api.cache.cell-ap-northeast-1-1.prod.a.momentohq.com',
      'ap-southeast-1': 'https://api.cache.cell-1-ap-southeast-1-1.prod.a.momentohq.com',
      'ap-southeast-2': 'https://api.cache.cell-1-ap-southeast-2-1.prod.a.momentohq.com',
    })
  })

  it('has no entry for regions without a public cell', () => {
    expect(momentoBaseUrlForRegion('sa-east-1')).toBeUndefined()
    expect(momentoBaseUrlForRegion('us-west-2')).toBe('https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com')
  })

  it.each([
    ['cell-us-east-1-1.prod.a.momentohq.com', 'us-east-1'],
    ['cell-4-us-west-2-1.prod.a.momentohq.com', 'us-west-2'],
    ['cache.cell-1-ap-southeast-2-1.prod.a.momentohq.com', 'ap-southeast-2'],
    ['https://api.cache.cell-1-eu-central-1-1.prod.a.momentohq.com', 'eu-central-1'],
    ['https://api.cache.cell-ap-northeast-1-1.prod.a.momentohq.com/cache/x', 'ap-northeast-1'],
  ])('reads the region of %s', (host, region) => {
    expect(regionFromCellHost(host)).toBe(region)
  })

  it.each(['prod.momentohq.com', 'http://127.0.0.1:4566', 'not a url', 'xcell-us-east-1-1.example', ''])(
    'finds no region in %s',
    (host) => {
      expect(regionFromCellHost(host)).toBeUndefined()
    },
  )

  it('maps every table region back from its own base URL', () => {
    for (const r of MOMENTO_REGIONS) expect(regionFromCellHost(r.baseUrl)).toBe(r.region)
  })

  it('builds the HTTP base from a cache host with or without the cache. prefix', () => {
    expect(httpBaseUrlForHost('cache.cell-x-us-east-1-1.prod.a.momentohq.com')).toBe(
      'https://api.cache.cell-x-us-east-1-1.prod.a.momentohq.com',
    )
  })
})
