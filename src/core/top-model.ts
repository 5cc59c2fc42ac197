/**
 * The model of `momento-eb top` (pure, no I/O): which CloudWatch series one refresh asks for (all of
 * them in ONE GetMetricData call), the windows and their periods, and how the fetched series, the
 * DLQ's attributes, the alarms and a small DLQ sample become one snapshot. Plus the sparkline.
 *
 * AWS facts used here (EventBridge user guide, "Monitoring Amazon EventBridge", eb-monitoring):
 * - namespace AWS/Events; metrics with only the `RuleName` dimension are the default bus's, metrics
 *   with `EventBusName` and `RuleName` are a custom bus's;
 * - EventBridge sends metrics every minute (so no period under 60 s), best effort: a minute may come
 *   late or never; `Invocations` and `FailedInvocations` are only sent when not zero, so a missing
 *   point of a count is read as 0, never as "no data";
 * - `IngestiontoInvocationStartLatency` is in milliseconds;
 * - `MatchedEvents` is not a per-rule metric: its documented dimension is None (every bus of the
 *   account and region; the AWS CDK dropped its old RuleName variant), so it is fetched once, without
 *   dimensions, and labelled as such. `TriggeredRules` is per rule.
 * SQS (AWS/SQS, dimension QueueName): `ApproximateNumberOfMessagesVisible`,
 * `ApproximateAgeOfOldestMessage` (seconds). SQS has no queue attribute for the oldest message's
 * age: only the metric knows it without receiving messages.
 */
import type {DlqReason, DlqRecord} from './dlq.js'
import {parseRuleArn} from './dlq-decode.js'
import type {AlarmView, MetricSeries, MetricSpec, MetricWindow} from './metrics.js'
import {DETAIL_TYPES, OUTPUT} from './stack-template-names.js'

export type {AlarmView, MetricSeries, MetricSpec, MetricWindow} from './metrics.js'

/* ------------------------------------------------------------------------------------------------ */
/* Windows                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

export const TOP_WINDOW_KEYS = ['5m', '1h', '24h'] as const
export type TopWindowKey = (typeof TOP_WINDOW_KEYS)[number]

/** A window: how far back, and seconds per point (a multiple of 60; at most 60 points a series). */
export interface TopWindowSpec {
  readonly key: TopWindowKey
  readonly label: string
  readonly durationSeconds: number
  readonly periodSeconds: number
}

export const TOP_WINDOWS: Readonly<Record<TopWindowKey, TopWindowSpec>> = {
  // EventBridge's metrics have 1-minute resolution: 5 points is all 5 minutes hold.
  '5m': {key: '5m', label: '5 min', durationSeconds: 300, periodSeconds: 60},
  '1h': {key: '1h', label: '1 hour', durationSeconds: 3_600, periodSeconds: 60},
  // 60 points of 24 minutes.
  '24h': {key: '24h', label: '24 hours', durationSeconds: 86_400, periodSeconds: 1_440},
}

/** The window after `key` (the `w` key cycles 5m → 1h → 24h → 5m). */
export function nextWindow(key: TopWindowKey): TopWindowKey {
  const i = TOP_WINDOW_KEYS.indexOf(key)
  return TOP_WINDOW_KEYS[(i + 1) % TOP_WINDOW_KEYS.length] as TopWindowKey
}

/** Parse `5m`, `1h`, `24h` (also `5min`, `60m`, `1d`); undefined for anything else. */
export function parseWindow(text: string): TopWindowKey | undefined {
  const t = text.trim().toLowerCase()
  if (t === '5m' || t === '5min') return '5m'
  if (t === '1h' || t === '60m') return '1h'
  if (t === '24h' || t === '1d') return '24h'
  return undefined
}

/** Points per series in a window. */
export function pointsOf(window: TopWindowSpec): number {
  return Math.ceil(window.durationSeconds / window.periodSeconds)
}

/**
 * The fetch range of a window at `nowMs`: the end is the next period boundary (so the last point is
 * the current, still filling, period), the start `durationSeconds` before it. Aligned ranges keep
 * the buckets stable from one refresh to the next.
 */
export function windowRange(window: TopWindowSpec, nowMs: number): MetricWindow {
  const periodMs = window.periodSeconds * 1000
  const endMs = Math.ceil((nowMs + 1) / periodMs) * periodMs
  return {startMs: endMs - pointsOf(window) * periodMs, endMs, periodSeconds: window.periodSeconds}
}

/* ------------------------------------------------------------------------------------------------ */
/* What to fetch                                                                                    */
/* ------------------------------------------------------------------------------------------------ */

/** One rule of the integration. */
export interface TopRule {
  /** cacheSet, cacheDelete, topicPublish (or the rule's name when the stack doesn't say). */
  readonly detailType: string
  readonly ruleName: string
  readonly ruleArn?: string | undefined
}

/** What `top` watches: the stack's rules on their bus, its DLQ and its alarms. */
export interface TopTarget {
  readonly stack: string
  readonly bus: string
  readonly rules: readonly TopRule[]
  readonly dlq?: {readonly queueUrl: string; readonly queueName: string} | undefined
  /** Alarm names from the stack's outputs; empty when deployed without alarms. */
  readonly alarms: ReadonlyArray<{readonly key: string; readonly name: string}>
}

/** The per-rule series: key in the snapshot, AWS metric name, statistic. */
export const RULE_METRICS = [
  {key: 'invocations', metricName: 'Invocations', stat: 'Sum'},
  {key: 'failures', metricName: 'FailedInvocations', stat: 'Sum'},
  {key: 'retries', metricName: 'RetryInvocationAttempts', stat: 'Sum'},
  {key: 'throttles', metricName: 'ThrottledRules', stat: 'Sum'},
  {key: 'dlqWrites', metricName: 'InvocationsSentToDlq', stat: 'Sum'},
  {key: 'dlqWriteFailures', metricName: 'InvocationsFailedToBeSentToDlq', stat: 'Sum'},
  {key: 'triggered', metricName: 'TriggeredRules', stat: 'Sum'},
  {key: 'latency', metricName: 'IngestiontoInvocationStartLatency', stat: 'Average'},
] as const
export type RuleMetricKey = (typeof RULE_METRICS)[number]['key']
export type RuleCountKey = Exclude<RuleMetricKey, 'latency'>

export const DLQ_METRICS = [
  {key: 'visible', id: 'dlq_visible', metricName: 'ApproximateNumberOfMessagesVisible', stat: 'Maximum'},
  {key: 'age', id: 'dlq_age', metricName: 'ApproximateAgeOfOldestMessage', stat: 'Maximum'},
] as const

/** The one series not per rule: MatchedEvents with no dimensions (all buses of the account and region). */
export const MATCHED_ID = 'all_matched'

/** A rule's metric dimensions: RuleName alone on the default bus, EventBusName + RuleName on a custom one. */
export function ruleDimensions(bus: string, ruleName: string): Record<string, string> {
  return bus === 'default' || bus === '' ? {RuleName: ruleName} : {EventBusName: bus, RuleName: ruleName}
}

/** The query id of a rule's series (ids must start with a lower-case letter; names may not fit). */
export function ruleSeriesId(ruleIndex: number, key: RuleMetricKey): string {
  return `r${ruleIndex}_${key}`
}

/** Every series of one refresh, for ONE GetMetricData call (3 rules × 8 + 1 + 2 = 27 series). */
export function metricSpecs(target: TopTarget): MetricSpec[] {
  const specs: MetricSpec[] = []
  target.rules.forEach((rule, i) => {
    for (const m of RULE_METRICS) {
      specs.push({
        id: ruleSeriesId(i, m.key),
        namespace: 'AWS/Events',
        metricName: m.metricName,
        dimensions: ruleDimensions(target.bus, rule.ruleName),
        stat: m.stat,
      })
    }
  })
  specs.push({id: MATCHED_ID, namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensions: {}, stat: 'Sum'})
  if (target.dlq) {
    for (const m of DLQ_METRICS) {
      specs.push({
        id: m.id,
        namespace: 'AWS/SQS',
        metricName: m.metricName,
        dimensions: {QueueName: target.dlq.queueName},
        stat: m.stat,
      })
    }
  }
  return specs
}

/* ------------------------------------------------------------------------------------------------ */
/* Sources as the service hands them over                                                           */
/* ------------------------------------------------------------------------------------------------ */

/**
 * One source's latest state: `ok` (read at `at`), `stale` (the last read failed, `value` is older),
 * `error` (never read), `pending` (not read yet), `off` (nothing to read, e.g. no alarms).
 */
export interface SourceState<T> {
  readonly status: 'ok' | 'stale' | 'error' | 'pending' | 'off'
  readonly value?: T | undefined
  /** When `value` was read (ms since epoch). */
  readonly at?: number | undefined
  /** The last failure, one line. */
  readonly error?: string | undefined
}

/** The DLQ's attributes (GetQueueAttributes). */
export interface DlqDepthValue {
  readonly visible: number
  readonly inFlight: number
  readonly delayed: number
}

/** What a sample of the DLQ's newest-available messages says. */
export interface DlqSampleValue {
  /** Messages read (at most the limit). */
  readonly sampled: number
  readonly limit: number
  /** True when the queue held more than the sample read. */
  readonly truncated: boolean
  readonly reasons: ReadonlyArray<{readonly reason: DlqReason; readonly count: number; readonly example: string}>
  /** The oldest SentTimestamp among the sampled messages (ms), a lower bound of the queue's oldest. */
  readonly oldestSentMs: number | undefined
}

/** Count the sample's reasons, most frequent first; `example` is one line from the first such message. */
export function summarizeSample(records: readonly DlqRecord[], limit: number, truncated: boolean): DlqSampleValue {
  const byReason = new Map<DlqReason, {count: number; example: string}>()
  let oldest: number | undefined
  for (const r of records) {
    const entry = byReason.get(r.reason)
    if (entry) entry.count++
    else byReason.set(r.reason, {count: 1, example: exampleOf(r)})
    const sent = r.sentAt ? Date.parse(r.sentAt) : Number.NaN
    if (Number.isFinite(sent) && (oldest === undefined || sent < oldest)) oldest = sent
  }
  const reasons = [...byReason.entries()]
    .map(([reason, v]) => ({reason, count: v.count, example: v.example}))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
  return {sampled: records.length, limit, truncated, reasons, oldestSentMs: oldest}
}

function exampleOf(r: DlqRecord): string {
  const status = r.httpStatus !== undefined ? `HTTP ${r.httpStatus}` : r.errorCode
  const what = r.momentoTitle ?? r.momentoDescription ?? r.errorMessage
  const where = r.cache !== undefined ? `cache ${r.cache}` : undefined
  // Never the key or the value: the sample's example is a reason, not data.
  return [r.detailType, where, status, what]
    .filter((x): x is string => typeof x === 'string' && x !== '')
    .join(' · ')
    .replace(/\s+/g, ' ')
    .slice(0, 200)
}

/* ------------------------------------------------------------------------------------------------ */
/* The snapshot                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

/** A counted metric over the window. Rates are per MINUTE (EventBridge's resolution). */
export interface CountView {
  /** null when no metrics could be read (never a made-up 0). */
  readonly total: number | null
  /** `total` over the window's elapsed minutes. */
  readonly perMinute: number | null
  /** One value per period, oldest first (missing points are 0: EventBridge sends no zeros); empty when unread. */
  readonly points: number[]
}

export interface RuleView {
  readonly detailType: string
  readonly ruleName: string
  readonly invocations: CountView
  readonly failures: CountView
  readonly retries: CountView
  readonly throttles: CountView
  readonly dlqWrites: CountView
  /** InvocationsFailedToBeSentToDlq: events that were LOST. */
  readonly dlqWriteFailures: CountView
  readonly triggered: CountView
  /** IngestiontoInvocationStartLatency, ms: the window's average (weighted by nothing: CloudWatch's per-period averages, averaged) and the latest period's. */
  readonly latencyMs: {
    readonly average: number | null
    readonly latest: number | null
    readonly points: Array<number | null>
  }
}

export interface TopSnapshot {
  readonly takenAt: string
  readonly stack: string
  readonly bus: string
  readonly window: {
    readonly key: TopWindowKey
    readonly label: string
    readonly periodSeconds: number
    readonly start: string
    readonly end: string
    readonly points: number
  }
  readonly rateUnit: 'per-minute'
  readonly metrics: SourceSummary & {readonly partial: boolean}
  readonly rules: RuleView[]
  /** MatchedEvents without dimensions: events that matched any rule, on EVERY bus of the account and region. */
  readonly matchedAllBuses: CountView
  readonly dlq:
    | {
        readonly queueUrl: string
        readonly queueName: string
        readonly depth: SourceSummary & {
          readonly visible: number | null
          readonly inFlight: number | null
          readonly delayed: number | null
        }
        /** Age of the oldest message, seconds: CloudWatch's metric, else the sample's oldest (a lower bound). */
        readonly oldestAgeSeconds: number | null
        readonly oldestAgeSource: 'cloudwatch' | 'sample' | 'none'
        /** ApproximateNumberOfMessagesVisible per period (null where CloudWatch has no point). */
        readonly visiblePoints: Array<number | null>
      }
    | undefined
  readonly alarms: SourceSummary & {
    readonly items: Array<{
      readonly key: string
      readonly name: string
      readonly state: AlarmView['state'] | 'MISSING'
      readonly reason: string
    }>
  }
  readonly failures: SourceSummary & {
    readonly sampled: number
    readonly limit: number
    readonly truncated: boolean
    readonly top: Array<{readonly reason: DlqReason; readonly count: number; readonly example: string}>
  }
}

/** How a source is doing, for the snapshot: status, when it was read, why it failed. */
export interface SourceSummary {
  readonly status: SourceState<unknown>['status']
  readonly readAt: string | null
  readonly error: string | null
}

function summary(state: SourceState<unknown>): SourceSummary {
  return {
    status: state.status,
    readAt: state.at === undefined ? null : new Date(state.at).toISOString(),
    error: state.error ?? null,
  }
}

/** Everything the snapshot is made of. */
export interface SnapshotInput {
  readonly target: TopTarget
  readonly window: TopWindowKey
  readonly nowMs: number
  readonly metrics: SourceState<{readonly range: MetricWindow; readonly series: ReadonlyMap<string, MetricSeries>}>
  readonly depth: SourceState<DlqDepthValue>
  readonly alarms: SourceState<readonly AlarmView[]>
  readonly sample: SourceState<DlqSampleValue>
  /** How many of the top reasons to keep (default 5). */
  readonly topReasons?: number | undefined
}

/**
 * Put a series onto the window's grid: one slot per period, `fill` where CloudWatch has no point.
 * Points outside the range are dropped; two points in one slot (should not happen) are summed for
 * counts and the later one kept for gauges.
 */
export function onGrid(
  series: MetricSeries | undefined,
  range: MetricWindow,
  fill: 0 | null,
  combine: 'sum' | 'last',
): Array<number | null> {
  const periodMs = range.periodSeconds * 1000
  const n = Math.max(0, Math.round((range.endMs - range.startMs) / periodMs))
  const out: Array<number | null> = new Array(n).fill(fill)
  if (!series) return out
  series.timestamps.forEach((t, k) => {
    const slot = Math.floor((t - range.startMs) / periodMs)
    const value = series.values[k]
    if (slot < 0 || slot >= n || value === undefined || !Number.isFinite(value)) return
    const prev = out[slot]
    out[slot] = combine === 'sum' && prev !== null && prev !== undefined ? prev + value : value
  })
  return out
}

const UNREAD: CountView = {total: null, perMinute: null, points: []}

function countView(points: number[], elapsedMinutes: number): CountView {
  const total = points.reduce((a, b) => a + b, 0)
  // Three decimals: 9 invocations in 24 hours is 0.006/min, not 0.
  return {total, perMinute: elapsedMinutes > 0 ? Math.round((total / elapsedMinutes) * 1000) / 1000 : 0, points}
}

function round2(x: number): number {
  return Math.round(x * 100) / 100
}

/** Turn the sources into one snapshot. Pure: the same input gives the same snapshot. */
export function buildSnapshot(input: SnapshotInput): TopSnapshot {
  const spec = TOP_WINDOWS[input.window]
  const fetched = input.metrics.value
  // A stale fetch keeps its own range (it may be of another window); nothing fetched: the window's range now.
  const range = fetched?.range ?? windowRange(spec, input.nowMs)
  const elapsedMinutes = Math.max(1 / 60, (Math.min(input.nowMs, range.endMs) - range.startMs) / 60_000)
  const series = fetched?.series
  const rules: RuleView[] = input.target.rules.map((rule, i) => {
    const counts = {} as Record<RuleCountKey, CountView>
    for (const m of RULE_METRICS) {
      if (m.key === 'latency') continue
      if (!series) {
        counts[m.key] = UNREAD
        continue
      }
      const points = onGrid(series.get(ruleSeriesId(i, m.key)), range, 0, 'sum') as number[]
      counts[m.key] = countView(points, elapsedMinutes)
    }
    const latency = series ? onGrid(series.get(ruleSeriesId(i, 'latency')), range, null, 'last') : []
    const present = latency.filter((v): v is number => v !== null)
    return {
      detailType: rule.detailType,
      ruleName: rule.ruleName,
      ...counts,
      latencyMs: {
        average: present.length > 0 ? round2(present.reduce((a, b) => a + b, 0) / present.length) : null,
        latest: present.length > 0 ? (present[present.length - 1] as number) : null,
        points: latency,
      },
    }
  })

  const matchedAllBuses = series
    ? countView(onGrid(series.get(MATCHED_ID), range, 0, 'sum') as number[], elapsedMinutes)
    : UNREAD

  let dlq: TopSnapshot['dlq']
  if (input.target.dlq) {
    const visiblePoints = series ? onGrid(series.get('dlq_visible'), range, null, 'last') : []
    const agePoints = series ? onGrid(series.get('dlq_age'), range, null, 'last') : []
    // Only a recent point (the last two periods) says how old the oldest message is NOW.
    const lastAge =
      agePoints
        .slice(-2)
        .reverse()
        .find((v) => v !== null) ?? null
    const depth = input.depth.value
    const sampleOldest = input.sample.value?.oldestSentMs
    let oldestAgeSeconds: number | null = null
    let oldestAgeSource: 'cloudwatch' | 'sample' | 'none' = 'none'
    if (lastAge !== null) {
      oldestAgeSeconds = lastAge
      oldestAgeSource = 'cloudwatch'
    } else if (sampleOldest !== undefined && (depth === undefined || depth.visible + depth.inFlight > 0)) {
      oldestAgeSeconds = Math.max(0, Math.round((input.nowMs - sampleOldest) / 1000))
      oldestAgeSource = 'sample'
    }
    // An empty queue has no oldest message, whatever a minute-old metric says.
    if (depth !== undefined && input.depth.status === 'ok' && depth.visible + depth.inFlight + depth.delayed === 0) {
      oldestAgeSeconds = null
      oldestAgeSource = 'none'
    }
    dlq = {
      queueUrl: input.target.dlq.queueUrl,
      queueName: input.target.dlq.queueName,
      depth: {
        ...summary(input.depth),
        visible: depth?.visible ?? null,
        inFlight: depth?.inFlight ?? null,
        delayed: depth?.delayed ?? null,
      },
      oldestAgeSeconds,
      oldestAgeSource,
      visiblePoints,
    }
  }

  const alarmViews = new Map((input.alarms.value ?? []).map((a) => [a.name, a]))
  const alarms = {
    ...summary(input.alarms),
    items: input.target.alarms.map(({key, name}) => {
      const view = alarmViews.get(name)
      return view
        ? {key, name, state: view.state, reason: view.reason}
        : {key, name, state: 'MISSING' as const, reason: input.alarms.value ? 'no such alarm' : ''}
    }),
  }

  const sample = input.sample.value
  const failures = {
    ...summary(input.sample),
    sampled: sample?.sampled ?? 0,
    limit: sample?.limit ?? 0,
    truncated: sample?.truncated ?? false,
    top: (sample?.reasons ?? []).slice(0, input.topReasons ?? 5).map((r) => ({...r})),
  }

  return {
    takenAt: new Date(input.nowMs).toISOString(),
    stack: input.target.stack,
    bus: input.target.bus,
    window: {
      key: spec.key,
      label: spec.label,
      periodSeconds: range.periodSeconds,
      start: new Date(range.startMs).toISOString(),
      end: new Date(range.endMs).toISOString(),
      points: Math.round((range.endMs - range.startMs) / (range.periodSeconds * 1000)),
    },
    rateUnit: 'per-minute',
    metrics: {
      ...summary(input.metrics),
      partial: [...(series?.values() ?? [])].some((s) => s.status !== 'Complete'),
    },
    rules,
    matchedAllBuses,
    dlq,
    alarms,
    failures,
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Sparklines and numbers                                                                           */
/* ------------------------------------------------------------------------------------------------ */

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']
const ASCII = ['_', '.', '-', '~', '=', '+', '*', '#']

/**
 * A sparkline of `values` in `width` cells (default: one per value). More values than cells: each
 * cell shows the largest of its values (a spike stays visible); fewer: each value is stretched over
 * an equal share of the cells. Scaled from 0 to the largest value; a zero is the lowest mark, a positive value at
 * least the second lowest (so "1 failure" never looks like none); `null` (no data) is a space.
 * `ascii` uses `_.-~=+*#` for terminals without the block characters.
 */
export function sparkline(
  values: ReadonlyArray<number | null>,
  options: {width?: number | undefined; ascii?: boolean | undefined} = {},
): string {
  const marks = options.ascii ? ASCII : BLOCKS
  const width = Math.max(0, Math.floor(options.width ?? values.length))
  if (width === 0) return ''
  const cells: Array<number | null> = []
  if (values.length > width) {
    for (let c = 0; c < width; c++) {
      const from = Math.floor((c * values.length) / width)
      const to = Math.floor(((c + 1) * values.length) / width)
      let best: number | null = null
      for (let k = from; k < to; k++) {
        const v = values[k]
        if (v !== null && v !== undefined && Number.isFinite(v) && (best === null || v > best)) best = v
      }
      cells.push(best)
    }
  } else {
    // Fewer values than cells: each value is stretched over an equal share of the width.
    for (let c = 0; c < width && values.length > 0; c++) {
      const v = values[Math.floor((c * values.length) / width)]
      cells.push(v !== null && v !== undefined && Number.isFinite(v) ? v : null)
    }
  }
  const max = cells.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0)
  const top = marks.length - 1
  const line = cells
    .map((v) => {
      if (v === null) return ' '
      if (v <= 0 || max <= 0) return marks[0]
      return marks[Math.max(1, Math.round((v / max) * top))]
    })
    .join('')
  return line
}

/** A rate or count, short: `0`, `<0.1`, `12`, `3.4`, `1.2k`, `3.4M`. */
export function shortNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-'
  const a = Math.abs(x)
  if (a > 0 && a < 0.1) return x > 0 ? '<0.1' : '>-0.1'
  if (a >= 1e6) return `${trim(x / 1e6)}M`
  if (a >= 1e4) return `${Math.round(x / 1e3)}k`
  if (a >= 1e3) return `${trim(x / 1e3)}k`
  if (Number.isInteger(x)) return String(x)
  return a >= 10 ? String(Math.round(x)) : trim(x)
}

function trim(x: number): string {
  return x.toFixed(1).replace(/\.0$/, '')
}

/** A duration in seconds, short: `45s`, `12m`, `3h05m`, `2d04h`, `-` for null. */
export function shortAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`
}

/** Milliseconds, short: `850ms`, `1.2s`, `-`. */
export function shortMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-'
  if (ms < 1000) return `${Math.round(ms)}ms`
  return `${trim(ms / 1000)}s`
}

/** Whether any source failed or is stale (the one-shot run then exits 3, partial). */
export function snapshotDegraded(s: TopSnapshot): boolean {
  const bad = (x: {status: string}) => x.status === 'error' || x.status === 'stale'
  return bad(s.metrics) || (s.dlq !== undefined && bad(s.dlq.depth)) || bad(s.alarms) || bad(s.failures)
}

/* ------------------------------------------------------------------------------------------------ */
/* The target from the stack's outputs                                                              */
/* ------------------------------------------------------------------------------------------------ */

/**
 * What `top` watches, from a stack's outputs: the rules from `<Kind>RuleArn` (name and bus from the
 * ARN), the bus from `EventBusName` (else the rules'), the alarms from `<Alarm>AlarmName` (absent
 * when the stack was deployed without alarms). Rules the outputs don't name are left out (the
 * command then looks them up by resource type). The DLQ is found by the caller (as `dlq` commands do).
 */
export function targetFromOutputs(stack: string, outputs: Readonly<Record<string, string>>): TopTarget {
  const rules: TopRule[] = []
  let ruleBus: string | undefined
  for (const kind of DETAIL_TYPES) {
    const arn = outputs[OUTPUT.ruleArn[kind]]
    const parts = parseRuleArn(arn)
    if (!parts) continue
    ruleBus ??= parts.bus
    rules.push({detailType: kind, ruleName: parts.name, ruleArn: arn})
  }
  const alarms = (Object.keys(OUTPUT.alarmName) as Array<keyof typeof OUTPUT.alarmName>)
    .map((key) => ({key, name: outputs[OUTPUT.alarmName[key]] ?? ''}))
    .filter((a) => a.name !== '')
  return {stack, bus: ruleBus ?? outputs[OUTPUT.eventBus] ?? 'default', rules, alarms}
}
