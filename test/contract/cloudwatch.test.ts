import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  CONTRACT_REGION,
  failure,
  sandboxOnly,
  startContractTarget,
  uniqueName,
} from '../helpers/sandbox.js'

async function waitFor<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (ok(value) || Date.now() > deadline) return value
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** AWS evaluates alarms once a minute; the test sandbox does it on its scaled clock, in milliseconds. */
const SCALED_ALARM_CLOCK = "alarms evaluated on the sandbox's scaled clock (timeScale)"

describe('CloudWatch contract (SDK v3, AWS JSON 1.0)', () => {
  let sandbox: RunningSandbox
  let cw: CloudWatchClient

  beforeAll(async () => {
    sandbox = await startContractTarget()
    cw = new CloudWatchClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    cw.destroy()
    await sandbox.close()
  })

  it('sums datapoints per period, lists only periods with data, in the ScanBy order', async () => {
    const ns = uniqueName('Test')
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000
    const at = (minute: number, second = 0) => new Date(base + minute * 60_000 + second * 1000)
    await cw.send(
      new PutMetricDataCommand({
        Namespace: ns,
        MetricData: [
          {MetricName: 'Hits', Dimensions: [{Name: 'RuleName', Value: 'r'}], Timestamp: at(0, 5), Value: 2},
          {MetricName: 'Hits', Dimensions: [{Name: 'RuleName', Value: 'r'}], Timestamp: at(0, 50), Value: 3},
          {
            MetricName: 'Hits',
            Dimensions: [{Name: 'RuleName', Value: 'r'}],
            Timestamp: at(2, 1),
            Values: [1, 4],
            Counts: [2, 1],
          },
          {MetricName: 'Errors', Dimensions: [{Name: 'RuleName', Value: 'r'}], Timestamp: at(2, 1), Value: 3},
        ],
      }),
    )
    const metric = (name: string) => ({Namespace: ns, MetricName: name, Dimensions: [{Name: 'RuleName', Value: 'r'}]})
    const query = {
      StartTime: at(0),
      EndTime: at(5),
      MetricDataQueries: [
        {Id: 'hits', MetricStat: {Metric: metric('Hits'), Period: 60, Stat: 'Sum'}},
        {Id: 'max', MetricStat: {Metric: metric('Hits'), Period: 60, Stat: 'Maximum'}},
        {Id: 'n', MetricStat: {Metric: metric('Hits'), Period: 60, Stat: 'SampleCount'}},
        {Id: 'errors', MetricStat: {Metric: metric('Errors'), Period: 60, Stat: 'Sum'}, ReturnData: false},
        {Id: 'ratio', Expression: '100 * FILL(errors, 0) / hits'},
        {Id: 'none', MetricStat: {Metric: {...metric('Hits'), Dimensions: []}, Period: 60, Stat: 'Sum'}},
      ],
    }
    const desc = await cw.send(new GetMetricDataCommand(query))
    const byId = new Map((desc.MetricDataResults ?? []).map((r) => [r.Id, r]))
    expect(byId.has('errors')).toBe(false)
    // Newest first by default; the empty minutes 1, 3, 4 have no datapoint (not zero).
    expect(byId.get('hits')?.Timestamps?.map((t) => t.getTime())).toEqual([at(2).getTime(), at(0).getTime()])
    expect(byId.get('hits')?.Values).toEqual([6, 5])
    expect(byId.get('max')?.Values).toEqual([4, 3])
    expect(byId.get('n')?.Values).toEqual([3, 2])
    expect(byId.get('ratio')?.Values).toEqual([50, 0])
    expect(byId.get('hits')?.Label).toBe('Hits')
    // A different dimension set is a different metric.
    expect(byId.get('none')?.Values).toEqual([])
    const asc = await cw.send(new GetMetricDataCommand({...query, ScanBy: 'TimestampAscending'}))
    expect(asc.MetricDataResults?.find((r) => r.Id === 'hits')?.Values).toEqual([5, 6])

    const five = await cw.send(
      new GetMetricDataCommand({
        ...query,
        MetricDataQueries: [{Id: 'h', MetricStat: {Metric: metric('Hits'), Period: 300, Stat: 'Sum'}}],
      }),
    )
    expect(five.MetricDataResults?.[0]?.Values).toEqual([11])

    const listed = await cw.send(new ListMetricsCommand({Namespace: ns}))
    expect(listed.Metrics?.map((m) => m.MetricName).sort()).toEqual(['Errors', 'Hits'])
    const filtered = await cw.send(
      new ListMetricsCommand({Namespace: ns, Dimensions: [{Name: 'RuleName'}], MetricName: 'Hits'}),
    )
    expect(filtered.Metrics).toEqual([
      {Namespace: ns, MetricName: 'Hits', Dimensions: [{Name: 'RuleName', Value: 'r'}]},
    ])
  })

  it('refuses bad input with CloudWatch error codes', async () => {
    const reserved = await failure(
      cw.send(new PutMetricDataCommand({Namespace: 'AWS/Events', MetricData: [{MetricName: 'x', Value: 1}]})),
    )
    // awsQueryCompatible: the modeled exception's name, and the query code in `Code` (from x-amzn-query-error).
    expect(reserved.name).toBe('InvalidParameterValueException')
    expect((reserved as {Code?: string}).Code).toBe('InvalidParameterValue')
    const badPeriod = await failure(
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 60_000),
          EndTime: new Date(),
          MetricDataQueries: [
            {Id: 'a', MetricStat: {Metric: {Namespace: 'N', MetricName: 'M'}, Period: 45, Stat: 'Sum'}},
          ],
        }),
      ),
    )
    expect(badPeriod.name).toBe('InvalidParameterValueException')
    expect(badPeriod.message).toMatch(/multiple of 60/)
    const badId = await failure(
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 60_000),
          EndTime: new Date(),
          MetricDataQueries: [
            {Id: 'Upper', MetricStat: {Metric: {Namespace: 'N', MetricName: 'M'}, Period: 60, Stat: 'Sum'}},
          ],
        }),
      ),
    )
    expect(badId.name).toBe('ValidationException')
    expect((badId as {Code?: string}).Code).toBe('ValidationError')
    const both = await failure(
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: uniqueName('a'),
          MetricName: 'M',
          Namespace: 'N',
          Metrics: [{Id: 'm', MetricStat: {Metric: {Namespace: 'N', MetricName: 'M'}, Period: 60, Stat: 'Sum'}}],
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ),
    )
    expect(both.name).toBe('InvalidParameterCombinationException')
    const m2n = await failure(
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: uniqueName('a'),
          MetricName: 'M',
          Namespace: 'N',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 2,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ),
    )
    expect(m2n.name).toBe('ValidationException')
    const gone = await failure(cw.send(new DeleteAlarmsCommand({AlarmNames: ['no-such-alarm']})))
    expect(gone.name).toBe('ResourceNotFound')
    expect(gone.$metadata?.httpStatusCode).toBe(404)
    const tooLong = await failure(cw.send(new DescribeAlarmsCommand({AlarmNamePrefix: 'x'.repeat(256)})))
    expect(tooLong.name).toBe('ValidationException')
    expect(tooLong.message).toMatch(/alarmNamePrefix/)
  })

  it('evaluates alarms: ALARM on breaching data, OK when it stops (notBreaching), with history and reasons', async (ctx) => {
    sandboxOnly(ctx, SCALED_ALARM_CLOCK)
    const ns = uniqueName('Alarmy')
    const name = uniqueName('depth')
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        AlarmDescription: 'queue depth',
        Namespace: ns,
        MetricName: 'Depth',
        Dimensions: [{Name: 'QueueName', Value: 'q'}],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    )
    const describe = async () => (await cw.send(new DescribeAlarmsCommand({AlarmNames: [name]}))).MetricAlarms?.[0]
    const initial = await describe()
    // A new alarm starts unchecked. The sandbox's scaled evaluation tick (every 250 ms here) can come
    // between the create and this read (under load it has): then the alarm's history says where it started.
    if (initial?.StateValue === 'INSUFFICIENT_DATA') {
      expect(initial.StateReason).toBe('Unchecked: Initial alarm creation')
    } else {
      const started = await cw.send(new DescribeAlarmHistoryCommand({AlarmName: name, HistoryItemType: 'StateUpdate'}))
      expect(started.AlarmHistoryItems?.map((h) => h.HistorySummary)).toContain(
        'Alarm updated from INSUFFICIENT_DATA to OK',
      )
    }
    // No data at all, notBreaching: OK.
    const quiet = await waitFor(describe, (a) => a?.StateValue === 'OK')
    expect(quiet?.StateReason).toMatch(
      /no datapoints were received for 1 period and 1 missing datapoint was treated as \[NonBreaching\]/,
    )

    const putDepth = () =>
      cw.send(
        new PutMetricDataCommand({
          Namespace: ns,
          MetricData: [{MetricName: 'Depth', Dimensions: [{Name: 'QueueName', Value: 'q'}], Value: 3}],
        }),
      )
    await putDepth()
    const alarmed = await waitFor(
      async () => {
        await putDepth()
        return describe()
      },
      (a) => a?.StateValue === 'ALARM',
    )
    expect(alarmed?.StateValue).toBe('ALARM')
    expect(alarmed?.StateReason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoints \[3\.0 \(.+\)\] was greater than the threshold \(0\.0\)/,
    )
    // The data stops: within a (scaled) period the alarm is OK again.
    const back = await waitFor(describe, (a) => a?.StateValue === 'OK')
    expect(back?.StateValue).toBe('OK')

    const byState = await cw.send(new DescribeAlarmsCommand({AlarmNamePrefix: name.slice(0, 6), StateValue: 'OK'}))
    expect(byState.MetricAlarms?.map((a) => a.AlarmName)).toContain(name)
    const history = await cw.send(new DescribeAlarmHistoryCommand({AlarmName: name, HistoryItemType: 'StateUpdate'}))
    expect(history.AlarmHistoryItems?.map((h) => h.HistorySummary)).toEqual(
      expect.arrayContaining(['Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']),
    )

    await cw.send(new SetAlarmStateCommand({AlarmName: name, StateValue: 'ALARM', StateReason: 'testing'}))
    expect((await describe())?.StateReason).toBe('testing')
    await cw.send(new DeleteAlarmsCommand({AlarmNames: [name]}))
    expect(await describe()).toBeUndefined()
  })

  it('evaluates a metric-math ratio alarm and records SNS actions as would-be notifications', async (ctx) => {
    sandboxOnly(ctx, `${SCALED_ALARM_CLOCK}; reads /_sandbox/notifications`)
    const ns = uniqueName('Ratio')
    const name = uniqueName('ratio')
    const topic = `arn:aws:sns:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:no-such-topic`
    const metric = (m: string) => ({Namespace: ns, MetricName: m, Dimensions: [{Name: 'RuleName', Value: 'r'}]})
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Metrics: [
          {Id: 'f', MetricStat: {Metric: metric('Failed'), Period: 300, Stat: 'Sum'}, ReturnData: false},
          {Id: 'i', MetricStat: {Metric: metric('Invocations'), Period: 300, Stat: 'Sum'}, ReturnData: false},
          {Id: 'ratio', Expression: '100 * FILL(f, 0) / i', ReturnData: true},
        ],
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      }),
    )
    await cw.send(
      new PutMetricDataCommand({
        Namespace: ns,
        MetricData: [
          {MetricName: 'Invocations', Dimensions: [{Name: 'RuleName', Value: 'r'}], Value: 10},
          {MetricName: 'Failed', Dimensions: [{Name: 'RuleName', Value: 'r'}], Value: 1},
        ],
      }),
    )
    const describe = async () => (await cw.send(new DescribeAlarmsCommand({AlarmNames: [name]}))).MetricAlarms?.[0]
    const alarmed = await waitFor(describe, (a) => a?.StateValue === 'ALARM')
    expect(alarmed?.StateValue).toBe('ALARM')
    expect(alarmed?.Metrics?.length).toBe(3)
    const res = await fetch(`${sandbox.endpoint}/_sandbox/notifications?topic=${encodeURIComponent(topic)}`)
    const body = (await res.json()) as {notifications: {subject: string; topicExists: boolean; message: string}[]}
    expect(body.notifications.length).toBeGreaterThanOrEqual(1)
    expect(body.notifications[0]?.topicExists).toBe(false)
    expect(JSON.parse(body.notifications[0]?.message ?? '{}')).toMatchObject({AlarmName: name, NewStateValue: 'ALARM'})
    const history = await cw.send(new DescribeAlarmHistoryCommand({AlarmName: name, HistoryItemType: 'Action'}))
    expect(history.AlarmHistoryItems?.[0]?.HistorySummary).toMatch(/^Failed to execute action/)
  })
})
