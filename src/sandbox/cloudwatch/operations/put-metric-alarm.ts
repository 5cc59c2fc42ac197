import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {SUPPORTED_COMPARISONS} from '../evaluation.js'
import {isSupportedStat} from '../metrics-store.js'
import {addHistory, alarmArn, cloudWatchOf, MAX_ALARMS, type MetricAlarm} from '../model.js'
import {checkQuery, evaluateQueries, invalid, validation, type MetricQuery} from '../queries.js'

const TREAT = ['breaching', 'notBreaching', 'ignore', 'missing']

function combination(message: string): ServiceError {
  return new ServiceError('InvalidParameterCombinationException', message, 400, {
    queryCode: 'InvalidParameterCombination',
  })
}

function missing(name: string): ServiceError {
  return new ServiceError('MissingRequiredParameterException', `The parameter ${name} is required.`, 400, {
    queryCode: 'MissingParameter',
  })
}

/** Alarm periods: 10, 20, 30 or a multiple of 60 seconds (PutMetricAlarm reference, Period). */
function checkAlarmPeriod(period: number, where: string): void {
  if (![10, 20, 30].includes(period) && !(period >= 60 && period % 60 === 0)) {
    throw invalid(`The parameter ${where} must be 10, 20, 30 or a multiple of 60.`)
  }
}

/**
 * PutMetricAlarm: create or replace a metric alarm (a single metric, or metric math through
 * `Metrics`). A new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation") and is
 * evaluated on the next tick; replacing an alarm keeps its state, as on AWS. Anomaly-detection
 * bands, Metrics Insights queries and EvaluationCriteria (PromQL) are refused: not in the sandbox.
 */
export const putMetricAlarm: Operation = (input, ctx) => {
  const name = input['AlarmName'] as string
  const metrics = input['Metrics'] as MetricQuery[] | undefined
  const single = ['Namespace', 'MetricName', 'Dimensions', 'Period', 'Unit', 'Statistic', 'ExtendedStatistic']
  if (input['EvaluationCriteria'] !== undefined)
    throw invalid('EvaluationCriteria (PromQL alarms) is not supported by the momento-eb sandbox.')
  if (input['ThresholdMetricId'] !== undefined)
    throw invalid('ThresholdMetricId (anomaly detection) is not supported by the momento-eb sandbox.')
  const comparison = input['ComparisonOperator'] as string | undefined
  if (comparison === undefined) throw missing('ComparisonOperator')
  if (!SUPPORTED_COMPARISONS.includes(comparison))
    throw invalid(
      `The comparison ${comparison} needs an anomaly detection band, which the momento-eb sandbox does not support.`,
    )
  const evaluationPeriods = input['EvaluationPeriods'] as number | undefined
  if (evaluationPeriods === undefined) throw missing('EvaluationPeriods')
  const threshold = input['Threshold']
  if (threshold === undefined) throw missing('Threshold')
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    throw invalid(`The value ${String(threshold)} for parameter Threshold is invalid.`)
  const datapoints = input['DatapointsToAlarm'] as number | undefined
  if (datapoints !== undefined && datapoints > evaluationPeriods) {
    throw validation('DatapointsToAlarm must be less than or equal to EvaluationPeriods.')
  }
  const treat = input['TreatMissingData'] as string | undefined
  if (treat !== undefined && !TREAT.includes(treat)) {
    throw validation(
      `The value ${treat} for parameter TreatMissingData is invalid. Valid values: ${TREAT.join(' | ')}.`,
    )
  }
  let period: number
  if (metrics !== undefined) {
    const clash = single.find((key) => input[key] !== undefined)
    if (clash)
      throw combination(
        `The parameters Metrics and ${clash} are mutually exclusive: put the metric in the Metrics list.`,
      )
    if (metrics.length === 0) throw validation('The collection Metrics must not be empty.')
    const seen = new Set<string>()
    metrics.forEach((q, i) => {
      checkQuery(q, `Metrics.member.${i + 1}`)
      if (seen.has(q.Id))
        throw validation(
          `Invalid metrics list: The value ${q.Id} for parameter Metrics.member.${i + 1}.Id is not unique.`,
        )
      seen.add(q.Id)
      if (q.MetricStat) checkAlarmPeriod(q.MetricStat.Period, `Metrics.member.${i + 1}.MetricStat.Period`)
    })
    const returning = metrics.filter(
      (q) => q.ReturnData === true || (q.ReturnData === undefined && metrics.length === 1),
    )
    if (returning.length !== 1)
      throw validation('Invalid metrics list: Exactly one element of the metrics list should return data.')
    const periods = new Set(metrics.flatMap((q) => (q.MetricStat ? [q.MetricStat.Period] : [])))
    if (periods.size > 1) throw validation('Invalid metrics list: All metrics in an alarm must have the same period.')
    period = [...periods][0] ?? returning[0]?.Period ?? 60
    // Reject what the sandbox cannot evaluate (bad expressions, unknown ids) now, not silently later.
    evaluateQueries(
      cloudWatchOf(ctx.state).region(ctx.region).metrics,
      metrics,
      () => [],
      () => 1000,
    )
  } else {
    for (const required of ['MetricName', 'Namespace', 'Period'])
      if (input[required] === undefined) throw missing(required)
    const statistic = input['Statistic'] as string | undefined
    const extended = input['ExtendedStatistic'] as string | undefined
    if ((statistic === undefined) === (extended === undefined)) {
      throw combination('Exactly one of the parameters Statistic and ExtendedStatistic must be specified.')
    }
    if (extended !== undefined && !isSupportedStat(extended))
      throw invalid(
        `The value ${extended} for parameter ExtendedStatistic is not supported by the sandbox (use a percentile such as p99).`,
      )
    period = input['Period'] as number
    checkAlarmPeriod(period, 'Period')
  }
  // "this number multiplied by Period must be 604,800 or less; for a period under one hour, 86,400 or less" (PutMetricAlarm reference, EvaluationPeriods).
  const range = evaluationPeriods * period
  if (range > (period < 3600 ? 86_400 : 604_800)) {
    throw validation(
      `The evaluation range (EvaluationPeriods × Period = ${range} s) is too long: at most 86,400 s for periods under an hour, 604,800 s otherwise.`,
    )
  }
  const region = cloudWatchOf(ctx.state).region(ctx.region)
  const existing = region.alarms.get(name)
  if (!existing && region.alarms.size >= MAX_ALARMS) {
    throw new ServiceError(
      'LimitExceededFault',
      `The maximum number of alarms (${MAX_ALARMS}) has been reached.`,
      400,
      {queryCode: 'LimitExceeded'},
    )
  }
  const now = ctx.state.now()
  const alarm: MetricAlarm = {
    AlarmName: name,
    AlarmArn: alarmArn(ctx.region, ctx.accountId, name),
    AlarmDescription: input['AlarmDescription'] as string | undefined,
    ActionsEnabled: (input['ActionsEnabled'] as boolean | undefined) ?? true,
    OKActions: (input['OKActions'] as string[] | undefined) ?? [],
    AlarmActions: (input['AlarmActions'] as string[] | undefined) ?? [],
    InsufficientDataActions: (input['InsufficientDataActions'] as string[] | undefined) ?? [],
    MetricName: input['MetricName'] as string | undefined,
    Namespace: input['Namespace'] as string | undefined,
    Statistic: input['Statistic'] as string | undefined,
    ExtendedStatistic: input['ExtendedStatistic'] as string | undefined,
    Dimensions: input['Dimensions'] as MetricAlarm['Dimensions'],
    Period: metrics ? undefined : period,
    Unit: input['Unit'] as string | undefined,
    EvaluationPeriods: evaluationPeriods,
    DatapointsToAlarm: datapoints,
    Threshold: threshold,
    ComparisonOperator: comparison,
    TreatMissingData: treat,
    Metrics: metrics,
    configUpdatedAt: now,
    state: existing?.state ?? 'INSUFFICIENT_DATA',
    stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
    stateReasonData: existing?.stateReasonData,
    stateUpdatedAt: existing?.stateUpdatedAt ?? now,
    stateTransitionedAt: existing?.stateTransitionedAt ?? now,
    history: existing?.history ?? [],
  }
  addHistory(alarm, {
    at: now,
    type: 'ConfigurationUpdate',
    summary: `Alarm "${name}" ${existing ? 'updated' : 'created'}`,
    data: JSON.stringify({version: '1.0', type: existing ? 'Update' : 'Create'}),
  })
  region.alarms.set(name, alarm)
  return {}
}
