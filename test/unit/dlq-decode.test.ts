import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import type {RawDlqMessage} from '../../src/core/dlq.js'
import {DLQ_REASONS} from '../../src/core/dlq.js'
import {decodeDlqMessage, parseErrorMessage, parseRuleArn, REASON_INFO} from '../../src/core/dlq-decode.js'

const DIR = fileURLToPath(new URL('../fixtures/dlq', import.meta.url))
const NOW = Date.parse('2026-01-31T12:05:00Z')

type Fixture = RawDlqMessage & {expect: Record<string, unknown>}
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({name: f.replace(/\.json$/, ''), fixture: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture}))

describe('decodeDlqMessage: one fixture per row of the decoding table', () => {
  it.each(fixtures)('$name', ({fixture}) => {
    const {expect: expected, ...raw} = fixture
    const record = decodeDlqMessage(raw, {now: NOW})
    for (const [field, value] of Object.entries(expected)) {
      expect(record[field as keyof typeof record] ?? null, field).toEqual(value)
    }
    expect(record.explanation.length).toBeGreaterThan(10)
    expect(record.fix.length).toBeGreaterThan(10)
    expect(record.messageId).toBe(raw.messageId)
    expect(record.body).toBe(raw.body)
  })

  it('covers every reason of the closed set with at least one fixture', () => {
    const seen = new Set(fixtures.map((f) => f.fixture.expect['reason']))
    for (const reason of DLQ_REASONS.filter((r) => r !== 'unknown' && r !== 'not-redrivable')) {
      expect(seen, reason).toContain(reason)
    }
    expect(Object.keys(REASON_INFO).sort()).toEqual([...DLQ_REASONS].sort())
  })
})

describe('decoded fields', () => {
  const load = (name: string): RawDlqMessage => {
    const found = fixtures.find((f) => f.name === name)
    if (!found) throw new Error(name)
    const {expect: _e, ...raw} = found.fixture
    return raw
  }

  it('reads the envelope, rule, bus, target, status, Momento title and age', () => {
    const r = decodeDlqMessage(load('cache-not-found'), {now: NOW})
    expect(r).toMatchObject({
      detailType: 'cacheSet',
      cache: 'missing',
      key: 'order-1',
      ttl: 60,
      ruleName: 'momento-cacheSet',
      bus: 'default',
      errorCode: 'ERROR_FROM_TARGET',
      httpStatus: 404,
      momentoTitle: 'Not Found',
      momentoDescription: 'Cache not found',
      retryAttempts: 0,
      receiveCount: 1,
      sentAt: '2026-01-31T12:00:00.000Z',
      ageSeconds: 300,
      region: 'eu-west-1',
      redrivable: true,
      format: 'envelope',
    })
    expect(r.event?.id).toBe('11111111-2222-4333-8444-555555555555')
    expect(r.explanation).toContain('missing')
    expect(r.explanation).toContain('eu-west-1')
    expect(r.fix).toContain('momento cache create missing')
  })

  it('names the key and region in the explanation of a 401', () => {
    const r = decodeDlqMessage(load('key-invalid'), {now: NOW})
    expect(r.explanation).toContain('key order-1 in cache orders')
    expect(r.explanation).toContain('eu-west-1')
    expect(r.fix).toContain('momento-eb deploy')
  })

  it('takes the region from the rule ARN when the body has none', () => {
    const raw = load('not-redrivable')
    const r = decodeDlqMessage(raw)
    expect(r.region).toBe('eu-west-1')
    expect(decodeDlqMessage({...raw, attributes: {}}, {region: 'us-west-2'}).region).toBe('us-west-2')
  })

  it('accepts RETRY_ATTEMPTS given as a number and tolerates junk', () => {
    const raw = load('server-error')
    const asNumber = {...raw, attributes: {...raw.attributes, RETRY_ATTEMPTS: 4 as unknown as string}}
    expect(decodeDlqMessage(asNumber).retryAttempts).toBe(4)
    const junk = {...raw, attributes: {...raw.attributes, RETRY_ATTEMPTS: 'many'}}
    expect(decodeDlqMessage(junk).retryAttempts).toBeUndefined()
  })

  it('never throws on hostile input', () => {
    const odd: RawDlqMessage[] = [
      {messageId: 'a', receiptHandle: 'h', body: '', attributes: {}, systemAttributes: {}},
      {messageId: 'b', receiptHandle: 'h', body: 'null', attributes: {}, systemAttributes: {}},
      {messageId: 'c', receiptHandle: 'h', body: '[1,2]', attributes: {ERROR_MESSAGE: '{{{'}, systemAttributes: {}},
      {
        messageId: 'd',
        receiptHandle: 'h',
        body: '{"detail-type":"cacheSet","detail":"{not json"}',
        attributes: {RULE_ARN: 'garbage'},
        systemAttributes: {SentTimestamp: 'soon'},
      },
      {
        messageId: 'e',
        receiptHandle: 'h',
        body: '{"detail-type":"cacheSet","detail":{"cacheName":5,"key":{}}}',
        attributes: {},
        systemAttributes: {},
      },
      undefined as unknown as RawDlqMessage,
    ].filter(Boolean)
    for (const raw of odd) {
      const r = decodeDlqMessage(raw)
      expect(DLQ_REASONS).toContain(r.reason)
      expect(typeof r.explanation).toBe('string')
    }
    expect(decodeDlqMessage(odd[0]!).reason).toBe('not-redrivable')
    expect(decodeDlqMessage(odd[4]!).redrivable).toBe(true)
  })

  it('accepts a detail given as a JSON string', () => {
    const body = JSON.stringify({'detail-type': 'cacheDelete', detail: JSON.stringify({cacheName: 'c', key: 'k'})})
    const r = decodeDlqMessage({messageId: 'x', receiptHandle: 'h', body, attributes: {}, systemAttributes: {}})
    expect(r).toMatchObject({redrivable: true, cache: 'c', key: 'k', detailType: 'cacheDelete'})
  })
})

describe('parseRuleArn', () => {
  it('reads the bus from rule/<bus>/<name> and defaults otherwise', () => {
    expect(parseRuleArn('arn:aws:events:us-east-1:123456789012:rule/my-bus/r1')).toEqual({
      region: 'us-east-1',
      account: '123456789012',
      bus: 'my-bus',
      name: 'r1',
    })
    expect(parseRuleArn('arn:aws:events:us-east-1:123456789012:rule/r1')?.bus).toBe('default')
    expect(parseRuleArn('arn:aws:sqs:us-east-1:1:q')).toBeUndefined()
    expect(parseRuleArn(undefined)).toBeUndefined()
  })
})

describe('parseErrorMessage', () => {
  it('prefers the embedded body, then HTTP <n>, and ignores IPs and ports', () => {
    expect(parseErrorMessage('x {"status":429,"title":"Resources Exhausted","description":"slow"}')).toEqual({
      httpStatus: 429,
      title: 'Resources Exhausted',
      description: 'slow',
    })
    expect(parseErrorMessage('API destination endpoint returned HTTP 503 (Service Unavailable)').httpStatus).toBe(503)
    expect(parseErrorMessage('connect ECONNREFUSED 127.0.0.1:443').httpStatus).toBeUndefined()
    expect(parseErrorMessage('Returned 404 after 3 attempts').httpStatus).toBe(404)
    expect(parseErrorMessage(undefined)).toEqual({httpStatus: undefined, title: undefined, description: undefined})
  })
})
