import {describe, expect, it} from 'vitest'

import {DETAIL_TYPES, LOGICAL, OUTPUT, PARAM, buildStackTemplate} from '../../src/core/stack-template.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const template = buildStackTemplate() as Json
const resources = template['Resources'] as Json
const props = (logical: string) => resources[logical].Properties as Json

describe('stack template: alarms', () => {
  it('alarms on the DLQ depth of the stack own queue, missing data not breaching', () => {
    expect(props(LOGICAL.alarm.dlqMessages)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{Name: 'QueueName', Value: {'Fn::GetAtt': [LOGICAL.dlq, 'QueueName']}}],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    })
  })

  it('reads each rule AWS/Events metrics with the dimensions of its bus (RuleName, plus EventBusName off the default bus)', () => {
    const metrics = props(LOGICAL.alarm.failureRatio).Metrics as Json[]
    const stats = metrics.filter((m) => m.MetricStat)
    expect(stats.map((m) => m.MetricStat.Metric.MetricName)).toEqual([
      ...DETAIL_TYPES.map(() => 'FailedInvocations'),
      ...DETAIL_TYPES.map(() => 'Invocations'),
    ])
    const dims = stats[0]?.MetricStat.Metric.Dimensions
    expect(dims['Fn::If'][0]).toBe('AlarmsOnDefaultBus')
    expect(dims['Fn::If'][1]).toEqual([
      {
        Name: 'RuleName',
        Value: {'Fn::Select': [1, {'Fn::Split': ['/', {'Fn::GetAtt': [LOGICAL.rule.cacheSet, 'Arn']}]}]},
      },
    ])
    expect(dims['Fn::If'][2][0]).toEqual({Name: 'EventBusName', Value: {Ref: PARAM.eventBus}})
    expect(template['Conditions'].AlarmsOnDefaultBus).toEqual({'Fn::Equals': [{Ref: PARAM.eventBus}, 'default']})
    const returned = metrics.filter((m) => m.ReturnData === true)
    expect(returned).toEqual([
      {
        Id: 'ratio',
        Expression: '100 * SUM([FILL(f0, 0), FILL(f1, 0), FILL(f2, 0)]) / SUM([i0, i1, i2])',
        ReturnData: true,
      },
    ])
    expect(props(LOGICAL.alarm.failureRatio)).toMatchObject({Threshold: 5, TreatMissingData: 'notBreaching'})
    expect(props(LOGICAL.alarm.eventsLost).Metrics.at(-1).Expression).toBe(
      'SUM([FILL(lost0, 0), FILL(lost1, 0), FILL(lost2, 0)])',
    )
    expect(props(LOGICAL.alarm.throttled)).toMatchObject({EvaluationPeriods: 3, DatapointsToAlarm: 2})
  })

  it('adds the e-mail topic and alarm actions only when AlarmEmail is given', () => {
    expect(template['Parameters'][PARAM.alarmEmail]).toMatchObject({Type: 'String', Default: ''})
    expect(resources[LOGICAL.alarmTopic].Condition).toBe('HasAlarmEmail')
    expect(resources[LOGICAL.alarmSubscription]).toMatchObject({
      Condition: 'HasAlarmEmail',
      Properties: {Protocol: 'email', Endpoint: {Ref: PARAM.alarmEmail}},
    })
    for (const logical of Object.values(LOGICAL.alarm)) {
      expect(props(logical).AlarmActions).toEqual({
        'Fn::If': ['HasAlarmEmail', [{Ref: LOGICAL.alarmTopic}], {Ref: 'AWS::NoValue'}],
      })
      expect(template['Outputs'][OUTPUT.alarmName[keyOf(logical)]].Value).toEqual({Ref: logical})
    }
    expect(template['Outputs'][OUTPUT.alarmTopicArn].Condition).toBe('HasAlarmEmail')
  })
})

function keyOf(logical: string): keyof typeof LOGICAL.alarm {
  return (Object.keys(LOGICAL.alarm) as (keyof typeof LOGICAL.alarm)[]).find((k) => LOGICAL.alarm[k] === logical)!
}
