/**
 * Alarm evaluation: every tick, each metric alarm looks at its last EvaluationPeriods periods and
 * goes to ALARM, OK or INSUFFICIENT_DATA the way the CloudWatch user guide describes ("Evaluating an
 * alarm", "Configuring how CloudWatch alarms treat missing data"):
 *
 * - DatapointsToAlarm (M, default EvaluationPeriods N): ALARM when at least M of the last N
 *   datapoints breach.
 * - TreatMissingData (default `missing`): `breaching` and `notBreaching` count a period without data
 *   as breaching or not; `ignore` keeps the current state when every period is empty and otherwise
 *   looks only at the periods with data; `missing` goes to INSUFFICIENT_DATA when every period is
 *   empty and otherwise looks only at the periods with data.
 * - A metric-math alarm (`Metrics`) evaluates the one query with ReturnData true.
 *
 * Simplification: AWS aligns periods to the clock and may wait for late data before evaluating a
 * period; the sandbox's periods are whole seconds (its metric resolution) and the newest ends with the
 * second of the evaluation (data published just before counts). See `alarmPeriodMs`.
 *
 * Sandbox time: a period lasts `Period × timeScale` of real time, but at least 1 second (and never
 * more than Period), and alarms are evaluated every tick (`60 s × timeScale`, at least 250 ms, at
 * most 60 s). With `timeScale` 1 (`momento-eb sandbox`) an alarm behaves on AWS's minute scale; with
 * the tests' 0.001 a 60-second or 5-minute period lasts 1 s and an alarm reacts within a second or two.
 */
import type {SandboxState} from '../state.js'
import {snsOf} from '../sns/model.js'
import {addHistory, cloudWatchOf, type AlarmState, type MetricAlarm} from './model.js'
import {evaluateQueries, type MetricQuery} from './queries.js'

/** The real-time length of an alarm period of `periodSeconds` under the sandbox's time scale. */
export function scaledPeriodMs(state: SandboxState, periodSeconds: number): number {
  const full = periodSeconds * 1000
  return Math.min(full, Math.max(1000, full * state.options.timeScale))
}

/** The metric store's resolution: one bucket per second (metrics-store.ts). */
const BUCKET_MS = 1000

/**
 * The real-time length of each period of an evaluation at `now`, `gapMs` after the previous one.
 * The store keeps 1-second buckets, so the periods are whole buckets and the newest ends with the
 * current second (data published just before `now` counts). It is at least the scaled period, and
 * it reaches back to the second of the previous evaluation: data that came after the previous
 * tick, even in the last milliseconds of a second that tick did not see the end of, is in the
 * newest period. (A window ending at `now` with its start rounded up to a whole second held only
 * the current second at timeScale 0.001, and a one-off burst written late in a second was never
 * evaluated: the failure-ratio alarm then never fired.) A late tick (a busy machine) stretches the
 * periods over the gap the same way.
 */
export function alarmPeriodMs(state: SandboxState, periodSeconds: number, now: number, gapMs: number): number {
  const scaled = Math.ceil(scaledPeriodMs(state, periodSeconds) / BUCKET_MS) * BUCKET_MS
  const sincePrevious =
    (Math.floor(now / BUCKET_MS) - Math.floor((now - Math.max(0, gapMs)) / BUCKET_MS) + 1) * BUCKET_MS
  return Math.max(scaled, sincePrevious)
}

/** How often alarms are evaluated and queues sampled (real time). */
export function tickMs(state: SandboxState): number {
  return Math.min(60_000, Math.max(250, 60_000 * state.options.timeScale))
}

const COMPARISONS: Readonly<Record<string, {test: (v: number, t: number) => boolean; words: string}>> = {
  GreaterThanThreshold: {test: (v, t) => v > t, words: 'greater than'},
  GreaterThanOrEqualToThreshold: {test: (v, t) => v >= t, words: 'greater than or equal to'},
  LessThanThreshold: {test: (v, t) => v < t, words: 'less than'},
  LessThanOrEqualToThreshold: {test: (v, t) => v <= t, words: 'less than or equal to'},
}

export const SUPPORTED_COMPARISONS = Object.keys(COMPARISONS)

/** The queries an alarm evaluates, and the id of the one that decides. */
export function alarmQueries(alarm: MetricAlarm): {queries: MetricQuery[]; id: string; period: number} {
  if (alarm.Metrics && alarm.Metrics.length > 0) {
    const returned = alarm.Metrics.find(
      (q) => q.ReturnData !== false && (q.ReturnData === true || alarm.Metrics!.length === 1),
    )
    const id = returned?.Id ?? (alarm.Metrics[alarm.Metrics.length - 1] as MetricQuery).Id
    const period = alarm.Metrics.find((q) => q.MetricStat)?.MetricStat?.Period ?? returned?.Period ?? 60
    return {queries: alarm.Metrics, id, period}
  }
  const period = alarm.Period ?? 60
  return {
    id: 'm',
    period,
    queries: [
      {
        Id: 'm',
        MetricStat: {
          Metric: {
            Namespace: alarm.Namespace ?? '',
            MetricName: alarm.MetricName ?? '',
            Dimensions: alarm.Dimensions ?? [],
          },
          Period: period,
          Stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average',
        },
      },
    ],
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** AWS's reason timestamps: `dd/MM/yy HH:mm:ss` (UTC). */
function reasonDate(ms: number): string {
  const d = new Date(ms)
  return (
    `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

function num(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v)
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Evaluate one alarm at `now` and change its state if the data says so. */
export function evaluateAlarm(
  state: SandboxState,
  regionName: string,
  alarm: MetricAlarm,
  now: number,
  gapMs = 0,
): void {
  const region = cloudWatchOf(state).region(regionName)
  const {queries, id, period} = alarmQueries(alarm)
  const length = alarmPeriodMs(state, period, now, gapMs)
  const n = alarm.EvaluationPeriods
  const m = alarm.DatapointsToAlarm ?? n
  const end = (Math.floor(now / BUCKET_MS) + 1) * BUCKET_MS
  const windows: number[] = []
  for (let k = n; k >= 1; k--) windows.push(end - k * length)
  let points
  try {
    points = evaluateQueries(
      region.metrics,
      queries,
      () => windows,
      () => length,
    ).get(id)
  } catch {
    return // An expression that cannot be evaluated leaves the state alone (checked at PutMetricAlarm).
  }
  const comparison = COMPARISONS[alarm.ComparisonOperator]
  if (!comparison || alarm.Threshold === undefined) return
  const threshold = alarm.Threshold
  const treat = alarm.TreatMissingData ?? 'missing'
  const present = windows.flatMap((start) => {
    const value = points?.get(start)
    return value === undefined ? [] : [{start, value}]
  })
  const missing = n - present.length
  const breaching = present.filter((p) => comparison.test(p.value, threshold))
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(now).toISOString(),
    startDate: new Date(windows[0] as number).toISOString(),
    period,
    recentDatapoints: present.map((p) => p.value),
    threshold,
    evaluatedDatapoints: present.map((p) => ({timestamp: new Date(p.start).toISOString(), value: p.value})),
  })
  const list = present
    .slice()
    .reverse()
    .map((p) => `${num(p.value)} (${reasonDate(p.start)})`)
    .join(', ')

  if (present.length === 0) {
    if (treat === 'ignore') return
    if (treat === 'missing') {
      setAlarmState(
        state,
        regionName,
        alarm,
        'INSUFFICIENT_DATA',
        `Insufficient Data: ${plural(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`,
        reasonData,
        now,
      )
      return
    }
    const breach = treat === 'breaching'
    const next: AlarmState = breach && n >= m ? 'ALARM' : 'OK'
    const reason =
      `Threshold Crossed: no datapoints were received for ${plural(n, 'period')} and ` +
      `${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as [${breach ? 'Breaching' : 'NonBreaching'}].`
    setAlarmState(state, regionName, alarm, next, reason, reasonData, now)
    return
  }
  let breachCount = breaching.length
  if (treat === 'breaching') breachCount += missing
  const considered = treat === 'breaching' || treat === 'notBreaching' ? n : present.length
  const missingNote =
    missing > 0 && (treat === 'breaching' || treat === 'notBreaching')
      ? ` and ${plural(missing, 'missing datapoint')} ${missing === 1 ? 'was' : 'were'} treated as [${treat === 'breaching' ? 'Breaching' : 'NonBreaching'}]`
      : ''
  if (breachCount >= m) {
    const reason =
      `Threshold Crossed: ${breachCount} out of the last ${considered} datapoints [${list}] ` +
      `${breachCount === 1 ? 'was' : 'were'} ${comparison.words} the threshold (${num(threshold)})${missingNote} ` +
      `(minimum ${plural(m, 'datapoint')} for OK -> ALARM transition).`
    setAlarmState(state, regionName, alarm, 'ALARM', reason, reasonData, now)
  } else {
    const ok = present.length - breaching.length
    const reason =
      `Threshold Crossed: ${plural(ok, 'datapoint')} [${list}] ${ok === 1 ? 'was' : 'were'} not ${comparison.words} ` +
      `the threshold (${num(threshold)})${missingNote}.`
    setAlarmState(state, regionName, alarm, 'OK', reason, reasonData, now)
  }
}

const REGION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
}

/**
 * Change an alarm's state (a no-op when it is already in it): history, and the actions of the new
 * state when ActionsEnabled. SNS actions are recorded as the message that would have been sent.
 */
export function setAlarmState(
  state: SandboxState,
  regionName: string,
  alarm: MetricAlarm,
  next: AlarmState,
  reason: string,
  reasonData: string | undefined,
  now: number,
  force = false,
): void {
  const old = alarm.state
  if (old === next && !force) return
  alarm.state = next
  alarm.stateReason = reason.slice(0, 1023)
  alarm.stateReasonData = reasonData
  alarm.stateUpdatedAt = now
  if (old !== next) alarm.stateTransitionedAt = now
  addHistory(alarm, {
    at: now,
    type: 'StateUpdate',
    summary: `Alarm updated from ${old} to ${next}`,
    data: JSON.stringify({
      version: '1.0',
      oldState: {stateValue: old},
      newState: {stateValue: next, stateReason: alarm.stateReason},
    }),
  })
  if (!alarm.ActionsEnabled) return
  const actions =
    next === 'ALARM' ? alarm.AlarmActions : next === 'OK' ? alarm.OKActions : alarm.InsufficientDataActions
  for (const action of actions) {
    if (!action.startsWith('arn:aws:sns:')) {
      addHistory(alarm, {
        at: now,
        type: 'Action',
        summary: `Failed to execute action ${action}`,
        data: JSON.stringify({
          actionState: 'Failed',
          notificationResource: action,
          error: 'Only SNS actions are supported by the momento-eb sandbox.',
        }),
      })
      continue
    }
    const message = JSON.stringify({
      AlarmName: alarm.AlarmName,
      AlarmDescription: alarm.AlarmDescription ?? null,
      AWSAccountId: state.accountId,
      NewStateValue: next,
      NewStateReason: alarm.stateReason,
      StateChangeTime: new Date(now).toISOString(),
      Region: REGION_NAMES[regionName] ?? regionName,
      AlarmArn: alarm.AlarmArn,
      OldStateValue: old,
      Trigger: alarm.Metrics
        ? {Metrics: alarm.Metrics, ComparisonOperator: alarm.ComparisonOperator, Threshold: alarm.Threshold}
        : {
            MetricName: alarm.MetricName,
            Namespace: alarm.Namespace,
            Statistic: alarm.Statistic,
            Dimensions: (alarm.Dimensions ?? []).map((d) => ({name: d.Name, value: d.Value})),
            Period: alarm.Period,
            EvaluationPeriods: alarm.EvaluationPeriods,
            ComparisonOperator: alarm.ComparisonOperator,
            Threshold: alarm.Threshold,
            TreatMissingData: alarm.TreatMissingData ?? 'missing',
          },
    })
    const subject = `${next}: "${alarm.AlarmName}" in ${REGION_NAMES[regionName] ?? regionName}`.slice(0, 100)
    const sent = snsOf(state).publish(action, subject, message)
    addHistory(alarm, {
      at: now,
      type: 'Action',
      summary: sent.topicExists
        ? `Successfully executed action ${action}`
        : `Failed to execute action ${action}. Received error: "Resource not found."`,
      data: JSON.stringify({actionState: sent.topicExists ? 'Succeeded' : 'Failed', notificationResource: action}),
    })
  }
}

/** Evaluate every alarm of every region; `gapMs` is the time since the previous evaluation. */
export function evaluateAll(state: SandboxState, gapMs = 0): void {
  const now = state.now()
  for (const [name, region] of cloudWatchOf(state).regions()) {
    for (const alarm of region.alarms.values()) evaluateAlarm(state, name, alarm, now, gapMs)
  }
}
