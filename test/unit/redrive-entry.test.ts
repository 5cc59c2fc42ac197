import {describe, expect, it} from 'vitest'

import {
  busFromRuleArn,
  diffDetail,
  formatEditFile,
  parseEditFile,
  toRedriveEntry,
} from '../../src/core/redrive-entry.js'
import {record, RULE_DEFAULT, RULE_ON_BUS} from './redrive-fakes.js'

describe('busFromRuleArn', () => {
  it('reads both RULE_ARN forms', () => {
    expect(busFromRuleArn(RULE_DEFAULT)).toBe('default')
    expect(busFromRuleArn(RULE_ON_BUS)).toBe('orders-bus')
    expect(busFromRuleArn('not-an-arn')).toBeUndefined()
    expect(busFromRuleArn(undefined)).toBeUndefined()
  })
})

describe('toRedriveEntry', () => {
  const detail = {cacheName: 'orders', key: 'k', message: 'v', ttl: 60, ttl_seconds: 60}

  it('keeps Source, DetailType, Detail and Resources, on the failing rule’s bus', () => {
    const r = record({id: 'm', ruleArn: RULE_ON_BUS, detail})
    r.event!.resources = ['arn:aws:s3:::thing']
    r.event!.source = 'orders-service'
    const built = toRedriveEntry(r)
    expect(built).toEqual({
      ok: true,
      entry: {
        Source: 'orders-service',
        DetailType: 'cacheSet',
        Detail: JSON.stringify(detail),
        EventBusName: 'orders-bus',
        Resources: ['arn:aws:s3:::thing'],
      },
    })
  })

  it('uses default for rule/<name> and --bus over both', () => {
    const r = record({id: 'm', ruleArn: RULE_DEFAULT, detail})
    expect(toRedriveEntry(r)).toMatchObject({ok: true, entry: {EventBusName: 'default'}})
    expect(toRedriveEntry(r, {bus: 'other'})).toMatchObject({ok: true, entry: {EventBusName: 'other'}})
    expect('Resources' in (toRedriveEntry(r) as {entry: object}).entry).toBe(false)
  })

  it('refuses bodies that are not events, and messages without a rule unless --bus', () => {
    expect(toRedriveEntry(record({id: 'x', body: 'hello'}))).toMatchObject({
      ok: false,
      problem: {reason: 'not-redrivable'},
    })
    const noRule = record({id: 'y', detail})
    noRule.ruleArn = undefined
    noRule.bus = undefined
    expect(toRedriveEntry(noRule)).toMatchObject({ok: false, problem: {reason: 'no-bus'}})
    expect(toRedriveEntry(noRule, {bus: 'b'})).toMatchObject({ok: true})
  })
})

describe('edit file', () => {
  const records = [
    record({id: 'm1', detail: {cacheName: 'orders', key: 'a', message: 'v', ttl: 60, ttl_seconds: 60}}),
    record({id: 'm2', detail: {cacheName: 'orders', key: 'b', message: 'w', ttl: 60, ttl_seconds: 60}}),
  ]

  it('round-trips, reads NDJSON too, and leaves out deleted events', () => {
    const text = formatEditFile(records)
    const parsed = parseEditFile(text, records)
    expect(parsed.ok && [...parsed.edits.keys()]).toEqual(['m1', 'm2'])
    const ndjson = JSON.stringify({messageId: 'm2', detail: {cacheName: 'orders', key: 'fixed', message: 'w', ttl: 30}})
    const one = parseEditFile(ndjson, records)
    expect(one).toMatchObject({ok: true, removed: ['m1']})
    // Normalised like `put`: both TTL names.
    expect(one.ok && one.edits.get('m2')).toEqual({
      cacheName: 'orders',
      key: 'fixed',
      message: 'w',
      ttl: 30,
      ttl_seconds: 30,
    })
  })

  it('reports invalid details, unknown ids and changed detail types with the message id', () => {
    const bad = JSON.stringify([
      {messageId: 'm1', detail: {cacheName: 'orders', key: 'a', key_base64: 'YQ', message: 'v', ttl: 60}},
      {messageId: 'nope', detail: {}},
      {messageId: 'm2', detailType: 'cacheDelete', detail: {cacheName: 'orders', key: 'b'}},
    ])
    const parsed = parseEditFile(bad, records)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.issues.map((i) => [i.messageId, i.field])).toEqual([
      ['m1', 'key'],
      ['nope', 'messageId'],
      ['m2', 'detailType'],
    ])
    expect(parseEditFile('[{', records)).toMatchObject({ok: false, issues: [{field: 'file'}]})
  })

  it('refuses an edited topic message that is too long once the stack delivers it', () => {
    const topic = [
      record({id: 't1', detailType: 'topicPublish', detail: {cacheName: 'orders', topicName: 't', message: 'hi'}}),
    ]
    const edit = (message: string) =>
      parseEditFile(JSON.stringify([{messageId: 't1', detail: {cacheName: 'orders', topicName: 't', message}}]), topic)
    const refused = edit('x'.repeat(4096))
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.issues).toHaveLength(1)
    expect(refused.issues[0]).toMatchObject({messageId: 't1', field: 'message'})
    expect(refused.issues[0]?.message).toMatch(/2 bytes over .*the largest message that fits is 4,094 bytes/)
    expect(edit('x'.repeat(4094)).ok).toBe(true)
  })

  it('diffs top-level fields', () => {
    expect(diffDetail({key: 'a', ttl: 60, x: 1}, {key: 'b', ttl: 60, y: 2})).toEqual([
      {field: 'key', before: 'a', after: 'b'},
      {field: 'x', before: 1, after: undefined},
      {field: 'y', before: undefined, after: 2},
    ])
  })
})
