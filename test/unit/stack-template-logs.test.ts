import {describe, expect, it} from 'vitest'

import {
  LOG_RETENTION_DAYS,
  LOGS_ON_CONDITION,
  logDeliveryId,
  logDeliverySourceId,
  logsPart,
} from '../../src/core/stack-template-logs.js'
import {LOGICAL, OUTPUT, PARAM} from '../../src/core/stack-template-names.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const part = logsPart() as Json

describe('stack template: event-bus logs part', () => {
  it('has the level, detail and retention parameters with AWS’s values and the documented defaults', () => {
    expect(part.Parameters[PARAM.logLevel]).toMatchObject({
      Default: 'ERROR',
      AllowedValues: ['OFF', 'ERROR', 'INFO', 'TRACE'],
    })
    expect(part.Parameters[PARAM.logDetail]).toMatchObject({Default: 'NONE', AllowedValues: ['NONE', 'FULL']})
    expect(part.Parameters[PARAM.logRetentionDays]).toMatchObject({Type: 'Number', Default: 14})
    expect(part.Parameters[PARAM.logRetentionDays].AllowedValues).toEqual([...LOG_RETENTION_DAYS])
  })

  it('creates a log group under /aws/vendedlogs/ and a delivery per log type, only when the level is not OFF', () => {
    expect(part.Conditions[LOGS_ON_CONDITION]).toEqual({'Fn::Not': [{'Fn::Equals': [{Ref: PARAM.logLevel}, 'OFF']}]})
    for (const resource of Object.values(part.Resources) as Json[]) expect(resource.Condition).toBe(LOGS_ON_CONDITION)
    expect(part.Resources[LOGICAL.logGroup].Properties.LogGroupName['Fn::Sub']).toMatch(/^\/aws\/vendedlogs\//)
    const types = ['Error', 'Info', 'Trace'].map((s) => part.Resources[logDeliverySourceId(s)].Properties.LogType)
    expect(types).toEqual(['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS'])
    const source = part.Resources[logDeliverySourceId('Error')].Properties
    expect(source.ResourceArn['Fn::Sub']).toBe(
      'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}',
    )
    // Deliveries to one destination are created one after another (AWS reports conflicts otherwise).
    expect(part.Resources[logDeliveryId('Error')].DependsOn).toBeUndefined()
    expect(part.Resources[logDeliveryId('Info')].DependsOn).toBe(logDeliveryId('Error'))
    expect(part.Resources[logDeliveryId('Trace')].DependsOn).toBe(logDeliveryId('Info'))
    expect(part.Outputs[OUTPUT.logGroupName]).toMatchObject({
      Condition: LOGS_ON_CONDITION,
      Value: {Ref: LOGICAL.logGroup},
    })
  })
})
