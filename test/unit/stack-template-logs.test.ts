import {describe, expect, it} from 'vitest'

import {busLogNameTag} from '../../src/core/bus-log-settings.js'
import {
  LOG_NAME_TAG_PARAM,
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

describe('stack template: names of the log delivery objects', () => {
  const uuid = '12345678-1234-1234-1234-123456789012'
  /** A name the template builds, for the stack id's UUID and a tag. */
  const nameOf = (id: string, tag: string): string => {
    const join = part.Resources[id].Properties.Name['Fn::Join'] as [string, Json[]]
    return join[1].map((p) => (typeof p === 'string' ? p : p['Ref'] === LOG_NAME_TAG_PARAM ? tag : uuid)).join(join[0])
  }
  const ids = [LOGICAL.logDeliveryDestination, ...['Error', 'Info', 'Trace'].map(logDeliverySourceId)]

  it('end in BusLogNameTag, whose default gives the names stacks had before it', () => {
    expect(part.Parameters[LOG_NAME_TAG_PARAM]).toMatchObject({Default: 'logs', AllowedPattern: '^(logs|[0-9a-f]{6})$'})
    expect(ids.map((id) => nameOf(id, 'logs'))).toEqual(
      ['bus-logs', 'error-logs', 'info-logs', 'trace-logs'].map((s) => `momento-eb-${uuid}-${s}`),
    )
  })

  it('fit the 60 characters of [\\w-] AWS allows, with a tag from a bus name', () => {
    const tag = busLogNameTag('a'.repeat(256))
    for (const id of ids) expect(nameOf(id, tag)).toMatch(/^[\w-]{1,60}$/)
  })

  it('change with the bus: six hex digits of the name, never the previous tag', () => {
    expect(busLogNameTag('orders')).toMatch(/^[0-9a-f]{6}$/)
    expect(busLogNameTag('orders')).toBe(busLogNameTag('orders'))
    expect(busLogNameTag('orders')).not.toBe(busLogNameTag('default'))
    const same = busLogNameTag('orders')
    expect(busLogNameTag('orders', same)).not.toBe(same)
    expect(busLogNameTag('orders', same)).toMatch(/^[0-9a-f]{6}$/)
  })
})
