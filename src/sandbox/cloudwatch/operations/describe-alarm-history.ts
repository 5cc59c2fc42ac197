import type {Operation} from '../../protocol/context.js'
import {cloudWatchOf} from '../model.js'

/** DescribeAlarmHistory: newest first (the sandbox keeps each alarm's last 100 items). */
export const describeAlarmHistory: Operation = (input, ctx) => {
  const name = input['AlarmName'] as string | undefined
  const type = input['HistoryItemType'] as string | undefined
  const max = (input['MaxRecords'] as number | undefined) ?? 100
  const items = [...cloudWatchOf(ctx.state).region(ctx.region).alarms.values()]
    .filter((a) => name === undefined || a.AlarmName === name)
    .flatMap((a) =>
      a.history.map((h) => ({
        AlarmName: a.AlarmName,
        AlarmType: 'MetricAlarm',
        Timestamp: h.at / 1000,
        HistoryItemType: h.type,
        HistorySummary: h.summary,
        HistoryData: h.data,
      })),
    )
    .filter((h) => type === undefined || h.HistoryItemType === type)
    .sort((a, b) => b.Timestamp - a.Timestamp)
  return {AlarmHistoryItems: items.slice(0, max)}
}
