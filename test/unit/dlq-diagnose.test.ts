import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import type {MomentoProbeFinding, RawDlqMessage} from '../../src/core/dlq.js'
import {baseUrlOf, diagnosingDecoder, type DiagnosisPorts} from '../../src/services/dlq-diagnose.js'

const fixture = (name: string): RawDlqMessage => {
  const {expect: _e, ...raw} = JSON.parse(
    readFileSync(new URL(`../fixtures/dlq/${name}.json`, import.meta.url), 'utf8'),
  ) as RawDlqMessage & {expect: unknown}
  return raw
}
const withId = (raw: RawDlqMessage, id: string, cache?: string): RawDlqMessage => {
  const body = JSON.parse(raw.body) as {detail: Record<string, unknown>}
  if (cache) body.detail['cacheName'] = cache
  return {...raw, messageId: id, receiptHandle: `rh-${id}`, body: JSON.stringify(body)}
}

const CELL = 'https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com'

/** Fake ports: each probe answers from `outcomes` by cache, and every call is counted. */
function ports(outcomes: Record<string, MomentoProbeFinding['outcome']>, endpoint = `${CELL}/cache/*`) {
  const calls = {probes: [] as string[], targets: 0}
  const p: DiagnosisPorts = {
    async endpointOfTarget() {
      calls.targets++
      return endpoint
    },
    async probe(at, cache) {
      calls.probes.push(`${at} ${cache}`)
      return {endpoint: at, cache, outcome: outcomes[cache] ?? 'ok', detail: `probe says ${outcomes[cache] ?? 'ok'}`}
    },
  }
  return {ports: p, calls}
}

describe('diagnosingDecoder', () => {
  it('settles an opaque refusal as cache-not-found with one probe per cache, not per message', async () => {
    const {ports: p, calls} = ports({missing: 'cache-not-found'})
    const decode = diagnosingDecoder({}, p)
    const raws = ['a', 'b', 'c'].map((id) => withId(fixture('opaque-refused'), id))
    const records = await decode(raws)
    expect(records.map((r) => [r.reason, r.evidence])).toEqual([
      ['cache-not-found', 'probe'],
      ['cache-not-found', 'probe'],
      ['cache-not-found', 'probe'],
    ])
    expect(records[0]?.diagnosis?.outcome).toBe('cache-not-found')
    expect(records[0]?.explanation).toContain('probe says cache-not-found')
    expect(calls.probes).toEqual([`${CELL} missing`])
    // A second page for the same cache probes nothing new.
    await decode([withId(fixture('opaque-refused'), 'd')])
    expect(calls.probes).toHaveLength(1)
    expect(decode.probes()).toHaveLength(1)
  })

  it.each([
    ['key-invalid', 'key-invalid'],
    ['server-error', 'server-error'],
    ['rate-limited', 'rate-limited'],
    ['timeout', 'timeout'],
    ['unreachable', 'connection-failure'],
  ] as const)('settles exhausted retries when the probe finds %s', async (outcome, reason) => {
    const {ports: p} = ports({missing: outcome})
    const [record] = await diagnosingDecoder({}, p)([fixture('opaque-retries-exhausted')])
    expect([record?.reason, record?.evidence]).toEqual([reason, 'probe'])
  })

  it('keeps the class when the probe finds nothing the retry pattern allows, and says what it found', async () => {
    const {ports: p} = ports({missing: 'ok'})
    const [refused, exhausted] = await diagnosingDecoder(
      {},
      p,
    )([fixture('opaque-refused'), withId(fixture('opaque-retries-exhausted'), 'x')])
    expect([refused?.reason, refused?.evidence, refused?.diagnosis?.outcome]).toEqual([
      'refused',
      'retry-pattern',
      'ok',
    ])
    expect(refused?.fix).toMatch(/400.*403/)
    expect([exhausted?.reason, exhausted?.evidence]).toEqual(['retries-exhausted', 'retry-pattern'])
    expect(exhausted?.fixCommand).toBe('momento-eb dlq redrive --reason retries-exhausted')
    // A 401 can't explain a failure that was not retried: the pattern rules it out.
    const {ports: p401} = ports({missing: 'key-invalid'})
    const [notRetried] = await diagnosingDecoder({}, p401)([fixture('opaque-refused')])
    expect(notRetried?.reason).toBe('refused')
  })

  it('reports a key from another region than the destination without calling Momento', async () => {
    const {ports: p, calls} = ports({})
    const [record] = await diagnosingDecoder({}, p, {keyRegion: 'eu-west-1'})([fixture('opaque-retries-exhausted')])
    expect([record?.reason, record?.evidence, record?.diagnosis?.outcome]).toEqual([
      'key-invalid',
      'probe',
      'endpoint-mismatch',
    ])
    expect(record?.explanation).toContain('us-west-2')
    expect(calls.probes).toEqual([])
  })

  it('never probes a record whose text already says what happened', async () => {
    const {ports: p, calls} = ports({})
    const records = await diagnosingDecoder(
      {},
      p,
    )([fixture('cache-not-found'), fixture('real-aws-timeout'), fixture('no-permission'), fixture('opaque-both-keys')])
    expect(records.map((r) => r.reason)).toEqual(['cache-not-found', 'timeout', 'no-permission', 'both-keys'])
    expect(calls.probes).toEqual([])
    expect(calls.targets).toBe(0)
  })

  it('falls back to the given endpoint when the destination cannot be described, and bounds the probes', async () => {
    const {ports: p, calls} = ports({})
    p.endpointOfTarget = async () => {
      throw new Error('AccessDenied')
    }
    const decode = diagnosingDecoder({}, p, {fallbackEndpoint: 'http://127.0.0.1:9', maxProbes: 2})
    await decode(['c1', 'c2', 'c3'].map((cache) => withId(fixture('opaque-refused'), cache, cache)))
    expect(calls.probes).toEqual(['http://127.0.0.1:9 c1', 'http://127.0.0.1:9 c2'])
  })

  it('probes a cache again once its finding is older than findingTtlMs (a watch outlives a fix)', async () => {
    const outcomes: Record<string, MomentoProbeFinding['outcome']> = {missing: 'cache-not-found'}
    const {ports: p, calls} = ports(outcomes)
    let clock = 0
    const decode = diagnosingDecoder({}, p, {findingTtlMs: 60_000, now: () => clock})
    const first = await decode([fixture('opaque-refused')])
    expect(first[0]?.reason).toBe('cache-not-found')
    outcomes['missing'] = 'ok' // the operator created the cache
    clock = 30_000
    expect((await decode([withId(fixture('opaque-refused'), 'b')]))[0]?.reason).toBe('cache-not-found')
    clock = 61_000
    expect((await decode([withId(fixture('opaque-refused'), 'c')]))[0]?.reason).toBe('refused')
    expect(calls.probes).toHaveLength(2)
  })

  it('waits for a silent endpoint once, not once per cache', async () => {
    const {ports: p, calls} = ports({c1: 'timeout', c2: 'timeout', c3: 'timeout'})
    const decode = diagnosingDecoder({}, p)
    await decode([withId(fixture('opaque-retries-exhausted'), 'a', 'c1')])
    const records = await decode(['c2', 'c3'].map((cache) => withId(fixture('opaque-retries-exhausted'), cache, cache)))
    expect(records.map((r) => [r.cache, r.reason, r.evidence])).toEqual([
      ['c2', 'timeout', 'probe'],
      ['c3', 'timeout', 'probe'],
    ])
    expect(calls.probes).toEqual([`${CELL} c1`])
  })

  it('takes the API base from a destination endpoint', () => {
    expect(baseUrlOf(`${CELL}/cache/*`)).toBe(CELL)
    expect(baseUrlOf(`${CELL}/topics/*/*`)).toBe(CELL)
    expect(baseUrlOf('http://127.0.0.1:4566/cache/*')).toBe('http://127.0.0.1:4566')
  })
})
