import type {Operation} from '../../protocol/context.js'
import {cloudWatchOf} from '../model.js'
import {invalid, validation} from '../queries.js'
import {alarmView} from './alarm-view.js'

/**
 * DescribeAlarms: by names, or by name prefix (not both), optionally by state or action prefix,
 * sorted by name, MaxRecords per page (default 50). The sandbox has no composite alarms, so
 * `CompositeAlarms` is always empty.
 */
export const describeAlarms: Operation = (input, ctx) => {
  const names = input['AlarmNames'] as string[] | undefined
  const prefix = input['AlarmNamePrefix'] as string | undefined
  if (names !== undefined && prefix !== undefined) {
    throw validation('AlarmNamePrefix and AlarmNames cannot be specified together.')
  }
  const stateValue = input['StateValue'] as string | undefined
  const actionPrefix = input['ActionPrefix'] as string | undefined
  const types = input['AlarmTypes'] as string[] | undefined
  const max = (input['MaxRecords'] as number | undefined) ?? 50
  const token = input['NextToken'] as string | undefined
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0) {
    throw invalid('The NextToken is not valid: pass the token the previous page returned.')
  }
  const wanted = names ? new Set(names) : undefined
  const all = [...cloudWatchOf(ctx.state).region(ctx.region).alarms.values()]
    .filter(
      (a) =>
        (!wanted || wanted.has(a.AlarmName)) &&
        (prefix === undefined || a.AlarmName.startsWith(prefix)) &&
        (stateValue === undefined || a.state === stateValue) &&
        (actionPrefix === undefined ||
          [...a.AlarmActions, ...a.OKActions, ...a.InsufficientDataActions].some((x) => x.startsWith(actionPrefix))),
    )
    .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : a.AlarmName > b.AlarmName ? 1 : 0))
  const metricAlarms = types === undefined || types.includes('MetricAlarm') ? all : []
  const page = metricAlarms.slice(start, start + max)
  return {
    MetricAlarms: page.map(alarmView),
    CompositeAlarms: [],
    ...(start + max < metricAlarms.length ? {NextToken: String(start + max)} : {}),
  }
}
