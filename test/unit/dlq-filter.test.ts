import {describe, expect, it} from 'vitest'

import type {DlqRecord, RawDlqMessage} from '../../src/core/dlq.js'
import {decodeDlqMessage} from '../../src/core/dlq-decode.js'
import {
  formatAge,
  matchesFilter,
  parseDuration,
  parseReasons,
  parseSince,
  summarize,
} from '../../src/core/dlq-filter.js'
import {UsageError} from '../../src/core/errors.js'

const T0 = Date.parse('2026-01-31T12:00:00Z')

function record(i: number, status: number, detailType: string, cache: string, minutesAgo: number): DlqRecord {
  const raw: RawDlqMessage = {
    messageId: `m${i}`,
    receiptHandle: 'h',
    body: JSON.stringify({
      id: `e${i}`,
      'detail-type': detailType,
      detail: {cacheName: cache, key: 'k', topicName: 't'},
    }),
    attributes: {ERROR_CODE: 'ERROR_FROM_TARGET', ERROR_MESSAGE: `returned HTTP ${status}`},
    systemAttributes: {SentTimestamp: String(T0 - minutesAgo * 60_000)},
  }
  return decodeDlqMessage(raw, {now: T0})
}

const records = [
  record(1, 404, 'cacheSet', 'orders', 1),
  record(2, 404, 'cacheSet', 'users', 30),
  record(3, 429, 'topicPublish', 'orders', 120),
  record(4, 401, 'cacheDelete', 'orders', 5),
]

describe('filters', () => {
  it('by reason, detail type, cache and since', () => {
    const ids = (f: Parameters<typeof matchesFilter>[1]) =>
      records.filter((r) => matchesFilter(r, f)).map((r) => r.messageId)
    expect(ids({reasons: ['cache-not-found']})).toEqual(['m1', 'm2'])
    expect(ids({detailTypes: ['topicPublish']})).toEqual(['m3'])
    expect(ids({caches: ['orders'], reasons: ['cache-not-found', 'key-invalid']})).toEqual(['m1', 'm4'])
    expect(ids({sinceMs: parseSince('15m', T0)})).toEqual(['m1', 'm4'])
    expect(ids({})).toHaveLength(4)
  })

  it('parses reasons, durations and times, refusing nonsense with a UsageError', () => {
    expect(parseReasons(['cache-not-found,timeout', 'rate-limited'])).toEqual([
      'cache-not-found',
      'timeout',
      'rate-limited',
    ])
    expect(parseReasons(undefined)).toBeUndefined()
    expect(() => parseReasons(['cache-missing'])).toThrow(UsageError)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('2x')).toBeUndefined()
    expect(parseSince('2026-01-31T11:00:00Z', T0)).toBe(T0 - 3_600_000)
    expect(parseSince(undefined)).toBeUndefined()
    expect(() => parseSince('yesterday', T0)).toThrow(UsageError)
  })
})

describe('summarize', () => {
  it('counts per reason, largest first, with oldest and newest', () => {
    const s = summarize(records)
    expect(s.total).toBe(4)
    expect(s.groups.map((g) => [g.reason, g.count])).toEqual([
      ['cache-not-found', 2],
      ['key-invalid', 1],
      ['rate-limited', 1],
    ])
    expect(s.groups[0]).toMatchObject({oldest: '2026-01-31T11:30:00.000Z', newest: '2026-01-31T11:59:00.000Z'})
    expect(s.oldest).toBe('2026-01-31T10:00:00.000Z')
    expect(s.newest).toBe('2026-01-31T11:59:00.000Z')
    expect(summarize([])).toEqual({total: 0, oldest: undefined, newest: undefined, groups: []})
  })

  it('formats ages compactly', () => {
    expect([formatAge(5), formatAge(300), formatAge(7200), formatAge(200_000), formatAge(undefined)]).toEqual([
      '5s',
      '5m',
      '2h',
      '2d',
      '-',
    ])
  })
})
