/**
 * Alarm evaluation against the sandbox's 1-second metric buckets, on a fake clock: a datapoint is
 * seen by at least one evaluation whatever the phase of the evaluation timer, the length of the
 * gap between two ticks (a loaded machine) or where in its second the datapoint lands.
 *
 * The CI flake this pins down (alarms.test.ts, failure-ratio alarm never fired within 45 s): a
 * 1-second alarm window ending at `now` was mapped to whole buckets by rounding its start up, so it
 * held only the current second. Data written in the last part of a second, after that second's last
 * tick, was in no window ever: a one-off burst of FailedInvocations never reached the alarm.
 */
import {describe, expect, it} from 'vitest'

import {evaluateAll} from '../../src/sandbox/cloudwatch/evaluation.js'
import {cloudWatchOf, type MetricAlarm} from '../../src/sandbox/cloudwatch/model.js'
import {createSandboxState, type SandboxState} from '../../src/sandbox/state.js'

const NS = 'AWS/Events'
const DIMS = {RuleName: 'r'}

function ratioAlarm(): MetricAlarm {
  return {
    AlarmName: 'ratio',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:ratio',
    ActionsEnabled: false,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Metrics: [
      {
        Id: 'f',
        ReturnData: false,
        MetricStat: {
          Metric: {Namespace: NS, MetricName: 'FailedInvocations', Dimensions: [{Name: 'RuleName', Value: 'r'}]},
          Period: 300,
          Stat: 'Sum',
        },
      },
      {
        Id: 'i',
        ReturnData: false,
        MetricStat: {
          Metric: {Namespace: NS, MetricName: 'Invocations', Dimensions: [{Name: 'RuleName', Value: 'r'}]},
          Period: 300,
          Stat: 'Sum',
        },
      },
      {Id: 'ratio', Expression: '100 * FILL(f, 0) / i', ReturnData: true},
    ],
    configUpdatedAt: 0,
    state: 'OK',
    stateReason: '',
    stateUpdatedAt: 0,
    stateTransitionedAt: 0,
    history: [],
  }
}

/** A sandbox state on a settable clock, with the ratio alarm (5-minute period, 1 s at timeScale 0.001). */
function setup(): {state: SandboxState; alarm: MetricAlarm; clock: {now: number}} {
  const clock = {now: 1_000_000}
  const state = createSandboxState({timeScale: 0.001, now: () => clock.now})
  const alarm = ratioAlarm()
  cloudWatchOf(state).region('us-east-1').alarms.set(alarm.AlarmName, alarm)
  return {state, alarm, clock}
}

/** Two failed invocations of two at `at`. */
function burst(state: SandboxState, at: number): void {
  const metrics = cloudWatchOf(state).region('us-east-1').metrics
  for (let k = 0; k < 2; k++) {
    metrics.add(NS, 'Invocations', DIMS, 1, at)
    metrics.add(NS, 'FailedInvocations', DIMS, 1, at)
  }
}

describe('alarm evaluation over 1-second buckets', () => {
  // Every phase of a burst within its second, every tick phase, ticks 250 ms apart (the test
  // sandbox's tick) and late ticks (1 s, 1.7 s, 3 s apart: a loaded machine).
  for (const gap of [250, 1000, 1700, 3000]) {
    it(`sees a one-off burst whatever its phase, with ticks ${gap} ms apart`, () => {
      const missed: string[] = []
      for (let tickPhase = 0; tickPhase < 1000; tickPhase += 50) {
        for (let burstOffset = 1; burstOffset < gap; burstOffset += 37) {
          const {state, alarm, clock} = setup()
          const first = 1_000_000 + tickPhase
          clock.now = first
          evaluateAll(state, gap)
          burst(state, first + burstOffset)
          clock.now = first + gap
          evaluateAll(state, gap)
          if (alarm.state !== 'ALARM') missed.push(`tick at +${tickPhase}, burst ${burstOffset} ms after it`)
        }
      }
      expect(missed).toEqual([])
    })
  }

  it('a burst a whole period before the evaluation is no longer in the window (the alarm returns to OK)', () => {
    const {state, alarm, clock} = setup()
    burst(state, 1_000_100)
    clock.now = 1_000_200
    evaluateAll(state, 250)
    expect(alarm.state).toBe('ALARM')
    // 250 ms ticks for 2.5 s: the burst leaves the (1-second, at most 2-bucket) window.
    for (let t = 1_000_450; t <= 1_002_700; t += 250) {
      clock.now = t
      evaluateAll(state, 250)
    }
    expect(alarm.state).toBe('OK')
  })

  it('a period of two evaluation periods counts each bucket once (no double counting at the boundary)', () => {
    const {state, alarm, clock} = setup()
    alarm.EvaluationPeriods = 2
    alarm.DatapointsToAlarm = 2
    burst(state, 1_000_100)
    clock.now = 1_000_300
    evaluateAll(state, 250)
    // One burst is one datapoint in one period: 1 of 2 breaching is not enough.
    expect(alarm.state).toBe('OK')
  })
})
