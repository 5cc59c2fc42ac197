/**
 * CloudWatch state of one sandbox: per region a metric store and the metric alarms, with each
 * alarm's state history. Held beside the sandbox state (`cloudWatchOf`), like the delivery pipeline.
 */
import type {SandboxState} from '../state.js'
import {MetricsStore} from './metrics-store.js'
import type {MetricQuery} from './queries.js'

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

export interface AlarmHistoryItem {
  readonly at: number
  readonly type: 'StateUpdate' | 'ConfigurationUpdate' | 'Action'
  readonly summary: string
  readonly data: string
}

/** A metric alarm as PutMetricAlarm defined it, plus its state. */
export interface MetricAlarm {
  AlarmName: string
  AlarmArn: string
  AlarmDescription?: string | undefined
  ActionsEnabled: boolean
  OKActions: string[]
  AlarmActions: string[]
  InsufficientDataActions: string[]
  MetricName?: string | undefined
  Namespace?: string | undefined
  Statistic?: string | undefined
  ExtendedStatistic?: string | undefined
  Dimensions?: {Name: string; Value: string}[] | undefined
  Period?: number | undefined
  Unit?: string | undefined
  EvaluationPeriods: number
  DatapointsToAlarm?: number | undefined
  Threshold?: number | undefined
  ComparisonOperator: string
  TreatMissingData?: string | undefined
  Metrics?: MetricQuery[] | undefined
  configUpdatedAt: number
  state: AlarmState
  stateReason: string
  stateReasonData?: string | undefined
  stateUpdatedAt: number
  stateTransitionedAt: number
  /** Newest last, at most MAX_HISTORY. */
  history: AlarmHistoryItem[]
}

/** History items kept per alarm (AWS keeps 30 days; the sandbox keeps the newest 100). */
export const MAX_HISTORY = 100
/** Metric alarms per region (AWS's default quota is 5,000 per region per account). */
export const MAX_ALARMS = 5000

export interface CloudWatchRegion {
  readonly metrics: MetricsStore
  readonly alarms: Map<string, MetricAlarm>
}

export interface CloudWatchState {
  region(name: string): CloudWatchRegion
  regions(): ReadonlyMap<string, CloudWatchRegion>
}

const STATES = new WeakMap<SandboxState, CloudWatchState>()

export function cloudWatchOf(state: SandboxState): CloudWatchState {
  let cw = STATES.get(state)
  if (!cw) {
    const regions = new Map<string, CloudWatchRegion>()
    cw = {
      region(name) {
        let region = regions.get(name)
        if (!region) {
          region = {metrics: new MetricsStore(() => state.now()), alarms: new Map()}
          regions.set(name, region)
        }
        return region
      },
      regions: () => regions,
    }
    STATES.set(state, cw)
  }
  return cw
}

export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`
}

export function addHistory(alarm: MetricAlarm, item: AlarmHistoryItem): void {
  alarm.history.push(item)
  if (alarm.history.length > MAX_HISTORY) alarm.history.splice(0, alarm.history.length - MAX_HISTORY)
}
