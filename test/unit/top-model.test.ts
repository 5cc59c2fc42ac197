import {describe, expect, it} from 'vitest'

import type {DlqRecord} from '../../src/core/dlq.js'
import {
  buildSnapshot,
  metricSpecs,
  nextWindow,
  onGrid,
  parseWindow,
  pointsOf,
  ruleDimensions,
  shortAge,
  shortMs,
  shortNumber,
  snapshotDegraded,
  type SnapshotInput,
  sparkline,
  summarizeSample,
  targetFromOutputs,
  TOP_WINDOW_KEYS,
  TOP_WINDOWS,
  type TopTarget,
  windowRange,
} from '../../src/core/top-model.js'

const target: TopTarget = {
  stack: 'momento-api',
  bus: 'default',
  rules: [
    {detailType: 'cacheSet', ruleName: 'momento-api-CacheSetRule-AB'},
    {detailType: 'cacheDelete', ruleName: 'momento-api-CacheDeleteRule-CD'},
    {detailType: 'topicPublish', ruleName: 'momento-api-TopicPublishRule-EF'},
  ],
  dlq: {queueUrl: 'http://localhost:4566/000000000000/momento-dlq', queueName: 'momento-dlq'},
  alarms: [
    {key: 'dlqMessages', name: 'momento-api-dlq-messages'},
    {key: 'eventsLost', name: 'momento-api-events-lost'},
  ],
}

const NOW = Date.UTC(2026, 11, 6, 12, 30, 20)

describe('windows', () => {
  it('keeps every window at 60 points or fewer, with periods that are multiples of 60 s', () => {
    for (const key of TOP_WINDOW_KEYS) {
      const w = TOP_WINDOWS[key]
      expect(w.periodSeconds % 60).toBe(0)
      expect(pointsOf(w)).toBeLessThanOrEqual(60)
      expect(pointsOf(w) * w.periodSeconds).toBe(w.durationSeconds)
    }
    expect(pointsOf(TOP_WINDOWS['5m'])).toBe(5)
    expect(pointsOf(TOP_WINDOWS['1h'])).toBe(60)
    expect(TOP_WINDOWS['24h'].periodSeconds).toBe(1440)
  })

  it('aligns the range to the period, ending with the current period', () => {
    const r = windowRange(TOP_WINDOWS['1h'], NOW)
    expect(r.endMs).toBe(Date.UTC(2026, 11, 6, 12, 31))
    expect(r.startMs).toBe(r.endMs - 3_600_000)
    expect(r.periodSeconds).toBe(60)
    // Exactly on a boundary: the new period has begun, so it is the last one.
    expect(windowRange(TOP_WINDOWS['5m'], Date.UTC(2026, 11, 6, 12, 31)).endMs).toBe(Date.UTC(2026, 11, 6, 12, 32))
    const day = windowRange(TOP_WINDOWS['24h'], NOW)
    expect(day.endMs % (1440 * 1000)).toBe(0)
    expect(day.endMs - day.startMs).toBe(86_400_000)
  })

  it('cycles and parses windows', () => {
    expect(nextWindow('5m')).toBe('1h')
    expect(nextWindow('1h')).toBe('24h')
    expect(nextWindow('24h')).toBe('5m')
    expect(parseWindow(' 1D ')).toBe('24h')
    expect(parseWindow('60m')).toBe('1h')
    expect(parseWindow('2h')).toBeUndefined()
  })
})

describe('metricSpecs', () => {
  it('asks for 8 series per rule, MatchedEvents once, and 2 for the DLQ, with unique lower-case ids', () => {
    const specs = metricSpecs(target)
    expect(specs).toHaveLength(27)
    expect(new Set(specs.map((s) => s.id)).size).toBe(27)
    for (const s of specs) expect(s.id).toMatch(/^[a-z][a-zA-Z0-9_]*$/)
    const names = specs.filter((s) => s.namespace === 'AWS/Events').map((s) => s.metricName)
    for (const metric of [
      'Invocations',
      'FailedInvocations',
      'InvocationsSentToDlq',
      'InvocationsFailedToBeSentToDlq',
      'ThrottledRules',
      'RetryInvocationAttempts',
      'IngestiontoInvocationStartLatency',
      'TriggeredRules',
    ]) {
      expect(names.filter((n) => n === metric)).toHaveLength(3)
    }
    // Documented with no dimension (all buses): asked for once.
    expect(specs.filter((s) => s.metricName === 'MatchedEvents')).toEqual([
      {id: 'all_matched', namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensions: {}, stat: 'Sum'},
    ])
    expect(specs.find((s) => s.metricName === 'IngestiontoInvocationStartLatency')?.stat).toBe('Average')
    expect(specs.find((s) => s.metricName === 'Invocations')?.stat).toBe('Sum')
    expect(specs.find((s) => s.id === 'dlq_visible')).toMatchObject({
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: {QueueName: 'momento-dlq'},
    })
    expect(specs.find((s) => s.id === 'dlq_age')?.metricName).toBe('ApproximateAgeOfOldestMessage')
  })

  it('uses RuleName alone on the default bus and EventBusName + RuleName on a custom one', () => {
    expect(ruleDimensions('default', 'r')).toEqual({RuleName: 'r'})
    expect(ruleDimensions('orders', 'r')).toEqual({EventBusName: 'orders', RuleName: 'r'})
    const custom = metricSpecs({...target, bus: 'orders', dlq: undefined})
    expect(custom).toHaveLength(25)
    expect(custom[0]?.dimensions).toEqual({EventBusName: 'orders', RuleName: 'momento-api-CacheSetRule-AB'})
  })
})

describe('onGrid', () => {
  const range = windowRange(TOP_WINDOWS['5m'], NOW)
  const at = (slot: number) => range.startMs + slot * 60_000
  it('fills missing counts with 0 and missing gauges with null', () => {
    const series = {id: 'x', timestamps: [at(1), at(3)], values: [4, 2], status: 'Complete'}
    expect(onGrid(series, range, 0, 'sum')).toEqual([0, 4, 0, 2, 0])
    expect(onGrid(series, range, null, 'last')).toEqual([null, 4, null, 2, null])
    expect(onGrid(undefined, range, 0, 'sum')).toEqual([0, 0, 0, 0, 0])
  })
  it('drops points outside the range and sums two in one slot', () => {
    const series = {
      id: 'x',
      timestamps: [at(-1), at(0), at(0) + 1000, at(5)],
      values: [9, 1, 2, 9],
      status: 'Complete',
    }
    expect(onGrid(series, range, 0, 'sum')).toEqual([3, 0, 0, 0, 0])
  })
})

function input(overrides: Partial<SnapshotInput> = {}): SnapshotInput {
  const range = windowRange(TOP_WINDOWS['5m'], NOW)
  const at = (slot: number) => range.startMs + slot * 60_000
  const s = (id: string, values: number[], slots = values.map((_, i) => i)) => [
    id,
    {id, timestamps: slots.map(at), values, status: 'Complete'},
  ]
  const series = new Map([
    s('r0_invocations', [10, 20, 30, 40, 0]),
    s('r0_failures', [1], [2]),
    s('r0_retries', [3, 3], [1, 2]),
    s('r0_dlqWrites', [1], [2]),
    s('r0_latency', [120, 80], [1, 3]),
    s('r1_invocations', [5], [4]),
    s('dlq_visible', [0, 1, 1], [2, 3, 4]),
    s('dlq_age', [30, 90], [3, 4]),
  ] as Array<[string, {id: string; timestamps: number[]; values: number[]; status: string}]>)
  return {
    target,
    window: '5m',
    nowMs: NOW,
    metrics: {status: 'ok', value: {range, series}, at: NOW},
    depth: {status: 'ok', value: {visible: 1, inFlight: 0, delayed: 0}, at: NOW},
    alarms: {
      status: 'ok',
      value: [{name: 'momento-api-dlq-messages', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint'}],
      at: NOW,
    },
    sample: {
      status: 'ok',
      value: {
        sampled: 3,
        limit: 50,
        truncated: false,
        reasons: [
          {reason: 'cache-not-found', count: 2, example: 'cacheSet · cache orders · HTTP 404'},
          {reason: 'server-error', count: 1, example: 'cacheSet · HTTP 500'},
        ],
        oldestSentMs: NOW - 600_000,
      },
      at: NOW,
    },
    ...overrides,
  }
}

describe('buildSnapshot', () => {
  it('computes totals, per-minute rates over the elapsed window, and sparkline points', () => {
    const snap = buildSnapshot(input())
    expect(snap.rateUnit).toBe('per-minute')
    expect(snap.window).toMatchObject({key: '5m', periodSeconds: 60, points: 5})
    const [set, del, pub] = snap.rules
    expect(set?.invocations.total).toBe(100)
    expect(set?.invocations.points).toEqual([10, 20, 30, 40, 0])
    // 4 full minutes and 20 s of the fifth have passed.
    expect(set?.invocations.perMinute).toBeCloseTo(100 / (4 + 20 / 60), 1)
    expect(set?.failures.total).toBe(1)
    expect(set?.retries.total).toBe(6)
    expect(set?.dlqWrites.total).toBe(1)
    expect(set?.throttles.total).toBe(0)
    expect(set?.latencyMs).toEqual({average: 100, latest: 80, points: [null, 120, null, 80, null]})
    expect(del?.invocations.total).toBe(5)
    expect(pub?.invocations.total).toBe(0)
    expect(pub?.latencyMs.average).toBeNull()
    expect(snap.metrics).toMatchObject({status: 'ok', partial: false, error: null})
  })

  it("shows the DLQ's depth from its attributes and the oldest age from CloudWatch", () => {
    const snap = buildSnapshot(input())
    expect(snap.dlq).toMatchObject({
      queueName: 'momento-dlq',
      depth: {status: 'ok', visible: 1, inFlight: 0, delayed: 0},
      oldestAgeSeconds: 90,
      oldestAgeSource: 'cloudwatch',
      visiblePoints: [null, null, 0, 1, 1],
    })
  })

  it("falls back to the sample's oldest message for the age when CloudWatch has none", () => {
    const snap = buildSnapshot(input({metrics: {status: 'error', error: 'CloudWatch is unreachable'}}))
    expect(snap.dlq?.oldestAgeSeconds).toBe(600)
    expect(snap.dlq?.oldestAgeSource).toBe('sample')
    expect(snap.metrics).toMatchObject({status: 'error', error: 'CloudWatch is unreachable', readAt: null})
    // Unread is not zero.
    expect(snap.rules[0]?.invocations).toEqual({total: null, perMinute: null, points: []})
    expect(snap.rules[0]?.latencyMs).toEqual({average: null, latest: null, points: []})
    expect(snap.dlq?.visiblePoints).toEqual([])
    expect(snapshotDegraded(snap)).toBe(true)
  })

  it('says an empty queue has no oldest message', () => {
    const snap = buildSnapshot(input({depth: {status: 'ok', value: {visible: 0, inFlight: 0, delayed: 0}, at: NOW}}))
    expect(snap.dlq?.oldestAgeSeconds).toBeNull()
    expect(snap.dlq?.oldestAgeSource).toBe('none')
  })

  it('lists every alarm of the stack, MISSING when CloudWatch has no such alarm', () => {
    const snap = buildSnapshot(input())
    expect(snap.alarms.items).toEqual([
      {
        key: 'dlqMessages',
        name: 'momento-api-dlq-messages',
        state: 'ALARM',
        reason: 'Threshold Crossed: 1 datapoint',
      },
      {key: 'eventsLost', name: 'momento-api-events-lost', state: 'MISSING', reason: 'no such alarm'},
    ])
    const none = buildSnapshot(input({target: {...target, alarms: []}, alarms: {status: 'off'}}))
    expect(none.alarms).toMatchObject({status: 'off', items: []})
    expect(snapshotDegraded(none)).toBe(false)
  })

  it('keeps the top reasons of the sample', () => {
    const snap = buildSnapshot(input({topReasons: 1}))
    expect(snap.failures).toMatchObject({status: 'ok', sampled: 3, limit: 50, truncated: false})
    expect(snap.failures.top).toEqual([
      {reason: 'cache-not-found', count: 2, example: 'cacheSet · cache orders · HTTP 404'},
    ])
  })

  it('marks partial data and stale sources as degraded', () => {
    const base = input()
    const range = base.metrics.value!.range
    const series = new Map([
      ['r0_invocations', {id: 'r0_invocations', timestamps: [], values: [], status: 'PartialData'}],
    ])
    const snap = buildSnapshot({...base, metrics: {status: 'ok', value: {range, series}, at: NOW}})
    expect(snap.metrics.partial).toBe(true)
    const stale = buildSnapshot({...base, depth: {...base.depth, status: 'stale', error: 'timed out'}})
    expect(stale.dlq?.depth).toMatchObject({status: 'stale', visible: 1, error: 'timed out'})
    expect(snapshotDegraded(stale)).toBe(true)
    expect(snapshotDegraded(buildSnapshot(base))).toBe(false)
  })
})

describe('summarizeSample', () => {
  const rec = (reason: DlqRecord['reason'], sentAt: string, extra: Partial<DlqRecord> = {}) =>
    ({reason, sentAt, detailType: 'cacheSet', cache: 'orders', key: 'SECRET-KEY', ...extra}) as DlqRecord
  it('counts reasons, most frequent first, with an example that holds no key', () => {
    const s = summarizeSample(
      [
        rec('server-error', '2026-12-06T12:00:00.000Z', {httpStatus: 500}),
        rec('cache-not-found', '2026-12-06T11:00:00.000Z', {httpStatus: 404, momentoTitle: 'cache not found'}),
        rec('cache-not-found', '2026-12-06T12:10:00.000Z'),
      ],
      50,
      true,
    )
    expect(s.reasons.map((r) => [r.reason, r.count])).toEqual([
      ['cache-not-found', 2],
      ['server-error', 1],
    ])
    expect(s.reasons[0]?.example).toBe('cacheSet · cache orders · HTTP 404 · cache not found')
    expect(JSON.stringify(s)).not.toContain('SECRET-KEY')
    expect(s.oldestSentMs).toBe(Date.parse('2026-12-06T11:00:00.000Z'))
    expect(s).toMatchObject({sampled: 3, limit: 50, truncated: true})
  })
})

describe('sparkline', () => {
  it('scales from zero to the largest value, one cell per value', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█')
    expect(sparkline([0, 0, 0])).toBe('▁▁▁')
    expect(sparkline([])).toBe('')
  })
  it('never draws a small positive value as zero, and leaves no-data blank', () => {
    expect(sparkline([0, 1, 1000])).toBe('▁▂█')
    expect(sparkline([null, 5, null])).toBe(' █ ')
  })
  it('squeezes into the width keeping peaks, and stretches short series over it', () => {
    const values = Array.from({length: 60}, (_, i) => (i === 31 ? 9 : 1))
    const line = sparkline(values, {width: 20})
    expect([...line]).toHaveLength(20)
    expect(line.indexOf('█')).toBe(10)
    expect(sparkline([1, 2], {width: 6})).toBe('▅▅▅███')
    expect(sparkline([1, null, 2], {width: 6})).toBe('▅▅  ██')
  })
  it('has an ASCII fallback', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], {ascii: true})).toBe('_.-~=+*#')
    expect(sparkline([0, 7], {ascii: true})).toMatch(/^[ -~]+$/)
  })
})

describe('short formats', () => {
  it('formats numbers, ages and milliseconds', () => {
    expect(shortNumber(0)).toBe('0')
    expect(shortNumber(3.44)).toBe('3.4')
    expect(shortNumber(0.006)).toBe('<0.1')
    expect(shortNumber(12.6)).toBe('13')
    expect(shortNumber(1234)).toBe('1.2k')
    expect(shortNumber(45_000)).toBe('45k')
    expect(shortNumber(3_400_000)).toBe('3.4M')
    expect(shortNumber(null)).toBe('-')
    expect(shortAge(45)).toBe('45s')
    expect(shortAge(720)).toBe('12m')
    expect(shortAge(3 * 3600 + 5 * 60)).toBe('3h05m')
    expect(shortAge(2 * 86_400 + 4 * 3600)).toBe('2d04h')
    expect(shortAge(null)).toBe('-')
    expect(shortMs(850)).toBe('850ms')
    expect(shortMs(1250)).toBe('1.3s')
  })
})

describe('targetFromOutputs', () => {
  it("reads the rules, their bus and the alarms from the stack's outputs", () => {
    const t = targetFromOutputs('s', {
      CacheSetRuleArn: 'arn:aws:events:us-east-1:123456789012:rule/orders/s-CacheSetRule-1',
      CacheDeleteRuleArn: 'arn:aws:events:us-east-1:123456789012:rule/orders/s-CacheDeleteRule-2',
      TopicPublishRuleArn: 'arn:aws:events:us-east-1:123456789012:rule/orders/s-TopicPublishRule-3',
      EventBusName: 'orders',
      DlqMessagesAlarmName: 's-dlq-messages',
      EventsLostAlarmName: 's-events-lost',
    })
    expect(t.bus).toBe('orders')
    expect(t.rules.map((r) => [r.detailType, r.ruleName])).toEqual([
      ['cacheSet', 's-CacheSetRule-1'],
      ['cacheDelete', 's-CacheDeleteRule-2'],
      ['topicPublish', 's-TopicPublishRule-3'],
    ])
    expect(t.alarms).toEqual([
      {key: 'dlqMessages', name: 's-dlq-messages'},
      {key: 'eventsLost', name: 's-events-lost'},
    ])
  })
  it('has no alarms when the stack was deployed without them, and the default bus from a rule/<name> ARN', () => {
    const t = targetFromOutputs('s', {CacheSetRuleArn: 'arn:aws:events:us-east-1:1:rule/s-CacheSetRule-1'})
    expect(t).toMatchObject({
      bus: 'default',
      alarms: [],
      rules: [{detailType: 'cacheSet', ruleName: 's-CacheSetRule-1'}],
    })
    expect(targetFromOutputs('s', {}).rules).toEqual([])
  })
})
