import type {MetricAlarm} from '../model.js'

/** An alarm as DescribeAlarms returns it (JSON 1.0: timestamps in epoch seconds). */
export function alarmView(alarm: MetricAlarm): Record<string, unknown> {
  const view: Record<string, unknown> = {
    AlarmName: alarm.AlarmName,
    AlarmArn: alarm.AlarmArn,
    AlarmDescription: alarm.AlarmDescription,
    AlarmConfigurationUpdatedTimestamp: alarm.configUpdatedAt / 1000,
    ActionsEnabled: alarm.ActionsEnabled,
    OKActions: alarm.OKActions,
    AlarmActions: alarm.AlarmActions,
    InsufficientDataActions: alarm.InsufficientDataActions,
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    StateReasonData: alarm.stateReasonData,
    StateUpdatedTimestamp: alarm.stateUpdatedAt / 1000,
    StateTransitionedTimestamp: alarm.stateTransitionedAt / 1000,
    MetricName: alarm.MetricName,
    Namespace: alarm.Namespace,
    Statistic: alarm.Statistic,
    ExtendedStatistic: alarm.ExtendedStatistic,
    Dimensions: alarm.Metrics ? undefined : (alarm.Dimensions ?? []),
    Period: alarm.Period,
    Unit: alarm.Unit,
    EvaluationPeriods: alarm.EvaluationPeriods,
    DatapointsToAlarm: alarm.DatapointsToAlarm,
    Threshold: alarm.Threshold,
    ComparisonOperator: alarm.ComparisonOperator,
    TreatMissingData: alarm.TreatMissingData,
    Metrics: alarm.Metrics,
  }
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined))
}
