import {describe, expect, it} from 'vitest'

import {parseRuleArn} from '../../src/core/dlq-decode.js'
import {countSkips, newCollapseState, planRedrive, ruleProblem} from '../../src/core/redrive-plan.js'
import {record} from './redrive-fakes.js'

const NOW = Date.parse('2026-11-26T12:00:00Z')
const at = (iso: string) => `2026-11-26T${iso}Z`
const set = (id: string, time: string, key = 'k', extra: Record<string, unknown> = {}) =>
  record({
    id,
    time: at(time),
    sent: Date.parse(at(time)),
    detail: {cacheName: 'orders', key, message: id, ttl: 86_400, ttl_seconds: 86_400, ...extra},
  })

describe('planRedrive', () => {
  it('collapses failed sets and deletes of one cache and key to the newest event', () => {
    const records = [
      set('a', '10:00:00'),
      record({id: 'b', detailType: 'cacheDelete', time: at('10:05:00'), detail: {cacheName: 'orders', key: 'k'}}),
      set('c', '10:02:00'),
      set('d', '10:01:00', 'other'),
    ]
    const plan = planRedrive(records, {now: NOW})
    expect(plan.send.map((s) => s.record.messageId)).toEqual(['b', 'd'])
    expect(plan.skip.map((s) => [s.record.messageId, s.reason])).toEqual([
      ['a', 'superseded'],
      ['c', 'superseded'],
    ])
    expect(countSkips(plan.skip)).toEqual({superseded: 2})
  })

  it('breaks a tie on event time with SentTimestamp', () => {
    const older = record({
      id: 'x',
      time: at('10:00:00'),
      sent: 1000,
      detail: {cacheName: 'c', key: 'k', message: '1', ttl: 86_400},
    })
    const newer = record({
      id: 'y',
      time: at('10:00:00'),
      sent: 2000,
      detail: {cacheName: 'c', key: 'k', message: '2', ttl: 86_400},
    })
    expect(planRedrive([newer, older], {now: NOW}).send.map((s) => s.record.messageId)).toEqual(['y'])
  })

  it('treats key and key_base64 of the same bytes as one item', () => {
    const a = set('a', '10:00:00', 'ab')
    const b = record({
      id: 'b',
      time: at('10:01:00'),
      detail: {cacheName: 'orders', key_base64: 'YWI', message: 'x', ttl: 86_400},
    })
    expect(planRedrive([a, b], {now: NOW}).send.map((s) => s.record.messageId)).toEqual(['b'])
  })

  it('keeps newest-wins across windows of one run', () => {
    const state = newCollapseState()
    expect(planRedrive([set('new', '11:00:00')], {now: NOW}, state).send).toHaveLength(1)
    const later = planRedrive([set('old', '10:00:00'), set('newer', '11:30:00')], {now: NOW}, state)
    expect(later.skip.map((s) => s.record.messageId)).toEqual(['old'])
    expect(later.send.map((s) => s.record.messageId)).toEqual(['newer'])
  })

  it('sends every event with --no-collapse', () => {
    const records = [set('a', '10:00:00'), set('b', '10:01:00'), set('c', '10:02:00')]
    const plan = planRedrive(records, {now: NOW, collapse: false})
    expect(plan.send.map((s) => s.record.messageId)).toEqual(['a', 'b', 'c'])
    expect(plan.skip).toEqual([])
  })

  it('never collapses topic messages', () => {
    const topic = (id: string) =>
      record({id, detailType: 'topicPublish', detail: {cacheName: 'orders', topicName: 't', message: id}})
    expect(planRedrive([topic('a'), topic('b')], {now: NOW}).send).toHaveLength(2)
  })

  it('skips a cacheSet whose TTL has passed, unless --include-expired', () => {
    const expired = set('e', '11:00:00', 'k1', {ttl: 60, ttl_seconds: 60})
    const live = set('l', '11:59:30', 'k2', {ttl: 60, ttl_seconds: 60})
    const plan = planRedrive([expired, live], {now: NOW})
    expect(plan.send.map((s) => s.record.messageId)).toEqual(['l'])
    expect(plan.skip).toMatchObject([{reason: 'expired'}])
    expect(plan.skip[0]?.message).toContain('2026-11-26T11:01:00.000Z')
    expect(planRedrive([expired, live], {now: NOW, includeExpired: true}).send).toHaveLength(2)
  })

  it('never expires a cacheDelete', () => {
    const del = record({id: 'd', detailType: 'cacheDelete', time: at('01:00:00'), detail: {cacheName: 'c', key: 'k'}})
    expect(planRedrive([del], {now: NOW}).send).toHaveLength(1)
  })

  it('skips bodies that are not event envelopes and counts the reasons', () => {
    const plan = planRedrive([record({id: 'n', body: '"hello"'}), set('ok', '11:00:00')], {now: NOW})
    expect(plan.send.map((s) => s.record.messageId)).toEqual(['ok'])
    expect(plan.skip).toMatchObject([{reason: 'not-redrivable'}])
    expect(countSkips(plan.skip)).toEqual({'not-redrivable': 1})
  })

  it('plans edited details in place of the originals', () => {
    const r = set('a', '11:00:00', 'bad key')
    const edits = new Map([['a', {cacheName: 'orders', key: 'good', message: 'v', ttl: 86_400, ttl_seconds: 86_400}]])
    const plan = planRedrive([r], {now: NOW, edits})
    expect(JSON.parse(plan.send[0]?.entry.Detail ?? '{}')).toMatchObject({key: 'good'})
  })
})

describe('ruleProblem', () => {
  const onBus = 'arn:aws:events:us-east-1:000000000000:rule/orders-bus/momento-cacheSet'
  const target = 'arn:aws:events:us-east-1:000000000000:api-destination/set/1'

  it('parses rule ARNs on the default bus and on a named bus', () => {
    expect(parseRuleArn('arn:aws:events:us-east-1:1:rule/r1')).toMatchObject({name: 'r1', bus: 'default'})
    expect(parseRuleArn(onBus)).toMatchObject({name: 'momento-cacheSet', bus: 'orders-bus'})
    // A partner bus name has slashes; a rule name never does.
    expect(parseRuleArn('arn:aws:events:us-east-1:1:rule/aws.partner/acme/orders/r1')).toMatchObject({
      name: 'r1',
      bus: 'aws.partner/acme/orders',
    })
    expect(parseRuleArn('arn:aws:sqs:us-east-1:1:q')).toBeUndefined()
  })

  it('accepts an enabled rule (any ENABLED state) that still targets the message target', () => {
    expect(ruleProblem(onBus, target, {found: true, state: 'ENABLED', targetArns: [target]})).toBeUndefined()
    expect(
      ruleProblem(onBus, target, {
        found: true,
        state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        targetArns: ['x', target],
      }),
    ).toBeUndefined()
    // No TARGET_ARN on the message: any target will do, none won't.
    expect(ruleProblem(onBus, undefined, {found: true, state: 'ENABLED', targetArns: ['x']})).toBeUndefined()
    expect(ruleProblem(onBus, undefined, {found: true, state: 'ENABLED', targetArns: []})?.errorCode).toBe(
      'TargetNotFound',
    )
  })

  it('names the rule, the bus and the fix', () => {
    const disabled = ruleProblem(onBus, target, {found: true, state: 'DISABLED', targetArns: [target]})
    expect(disabled?.errorCode).toBe('RuleDisabled')
    expect(disabled?.message).toContain('aws events enable-rule --name momento-cacheSet --event-bus-name orders-bus')
    expect(disabled?.message).toContain('momento-eb deploy')
    expect(ruleProblem(onBus, target, {found: false})).toMatchObject({
      errorCode: 'RuleNotFound',
      message: expect.stringContaining('Rule momento-cacheSet on bus orders-bus'),
    })
    expect(ruleProblem(onBus, target, {found: true, state: 'ENABLED', targetArns: ['other']})).toMatchObject({
      errorCode: 'TargetNotFound',
      message: expect.stringContaining(target),
    })
  })
})
