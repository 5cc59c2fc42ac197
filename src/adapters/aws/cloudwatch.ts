/**
 * CloudWatch: metrics and alarms as `top` and `status` need them: every series of one view in one
 * GetMetricData call (up to 500 queries per call, AWS's limit; pages followed), and the state of
 * named alarms in one DescribeAlarms call per 100 names.
 */
import type {AlarmView, MetricSeries, MetricSpec, MetricWindow} from '../../core/metrics.js'
import type {AwsClients} from './clients.js'
import {sendAndTranslate, type CallOptions} from './errors.js'
import {sdk} from './sdk.js'

export type {AlarmView, MetricSeries, MetricSpec, MetricWindow} from '../../core/metrics.js'

/** GetMetricData takes at most 500 queries per call. */
export const MAX_METRIC_QUERIES = 500
/** DescribeAlarms takes at most 100 names per call. */
export const MAX_ALARM_NAMES = 100

/** Fetch every series of `specs` over `window`: one GetMetricData call per 500 specs (plus its pages). */
export async function getMetricSeries(
  clients: AwsClients,
  specs: readonly MetricSpec[],
  window: MetricWindow,
  options: CallOptions = {},
): Promise<Map<string, MetricSeries>> {
  const out = new Map<string, {timestamps: number[]; values: number[]; status: string}>()
  for (let i = 0; i < specs.length; i += MAX_METRIC_QUERIES) {
    const chunk = specs.slice(i, i + MAX_METRIC_QUERIES)
    let nextToken: string | undefined
    for (let page = 0; page < 50; page++) {
      const response = await sendAndTranslate(clients, 'cloudwatch', options, "Can't read CloudWatch metrics", () =>
        clients.cloudWatch.send(
          new sdk.cloudWatch.GetMetricDataCommand({
            StartTime: new Date(window.startMs),
            EndTime: new Date(window.endMs),
            ScanBy: 'TimestampAscending',
            MetricDataQueries: chunk.map((spec) => ({
              Id: spec.id,
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: spec.namespace,
                  MetricName: spec.metricName,
                  Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({Name, Value})),
                },
                Period: window.periodSeconds,
                Stat: spec.stat,
              },
            })),
            ...(nextToken ? {NextToken: nextToken} : {}),
          }),
        ),
      )
      for (const result of response.MetricDataResults ?? []) {
        if (!result.Id) continue
        let series = out.get(result.Id)
        if (!series) out.set(result.Id, (series = {timestamps: [], values: [], status: 'Complete'}))
        const times = result.Timestamps ?? []
        const values = result.Values ?? []
        for (let k = 0; k < Math.min(times.length, values.length); k++) {
          series.timestamps.push((times[k] as Date).getTime())
          series.values.push(values[k] as number)
        }
        if (result.StatusCode && result.StatusCode !== 'Complete') series.status = result.StatusCode
      }
      if (!response.NextToken || response.NextToken === nextToken) break
      nextToken = response.NextToken
    }
  }
  const result = new Map<string, MetricSeries>()
  for (const spec of specs) {
    const series = out.get(spec.id) ?? {timestamps: [], values: [], status: 'Complete'}
    // Pages may interleave: keep each series in time order.
    const order = series.timestamps.map((_, k) => k).sort((a, b) => series.timestamps[a]! - series.timestamps[b]!)
    result.set(spec.id, {
      id: spec.id,
      timestamps: order.map((k) => series.timestamps[k]!),
      values: order.map((k) => series.values[k]!),
      status: series.status,
    })
  }
  return result
}

/** The state of each named alarm that exists (missing names are left out). */
export async function describeAlarms(
  clients: AwsClients,
  names: readonly string[],
  options: CallOptions = {},
): Promise<AlarmView[]> {
  const views: AlarmView[] = []
  for (let i = 0; i < names.length; i += MAX_ALARM_NAMES) {
    const chunk = names.slice(i, i + MAX_ALARM_NAMES)
    let nextToken: string | undefined
    for (let page = 0; page < 20; page++) {
      const response = await sendAndTranslate(clients, 'cloudwatch', options, "Can't read the stack's alarms", () =>
        clients.cloudWatch.send(
          new sdk.cloudWatch.DescribeAlarmsCommand({
            AlarmNames: chunk,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            ...(nextToken ? {NextToken: nextToken} : {}),
          }),
        ),
      )
      for (const alarm of [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])]) {
        if (!alarm.AlarmName) continue
        const state = alarm.StateValue
        views.push({
          name: alarm.AlarmName,
          state: state === 'OK' || state === 'ALARM' ? state : 'INSUFFICIENT_DATA',
          reason: alarm.StateReason ?? '',
          updatedAt: alarm.StateUpdatedTimestamp?.getTime(),
          description: alarm.AlarmDescription,
          ...('MetricName' in alarm ? {metricName: alarm.MetricName, namespace: alarm.Namespace} : {}),
        })
      }
      if (!response.NextToken || response.NextToken === nextToken) break
      nextToken = response.NextToken
    }
  }
  return views
}
