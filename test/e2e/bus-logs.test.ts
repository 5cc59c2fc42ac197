/**
 * The sandbox's event-bus logs end to end through the real SDK: a bus with LogConfig and a vended
 * delivery to a log group, events delivered and refused (missing cache → 404), records read back with
 * fetchBusLogRecords, in the sandbox's opaque failure-detail mode. Levels, detail and the key's
 * absence are checked on the same records.
 */
import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  FilterLogEventsCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createAwsClients} from '../../src/adapters/aws/clients.js'
import {fetchBusLogRecords} from '../../src/adapters/aws/logs.js'
import type {BusLogRecord} from '../../src/core/bus-log.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {deployIntegrationWithSdk, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

let sandbox: RunningSandbox
let events: EventBridgeClient
let logs: CloudWatchLogsClient
const logGroupName = `/aws/vendedlogs/events/event-bus/${uniqueName('default')}`

beforeAll(async () => {
  sandbox = await startTestSandbox({caches: ['orders'], failureDetail: 'opaque'})
  events = new EventBridgeClient(clientConfig(sandbox))
  logs = new CloudWatchLogsClient(clientConfig(sandbox))
  await deployIntegrationWithSdk(sandbox)
  await logs.send(new CreateLogGroupCommand({logGroupName}))
  const busArn = 'arn:aws:events:us-east-1:000000000000:event-bus/default'
  const destination = await logs.send(
    new PutDeliveryDestinationCommand({
      name: uniqueName('dst'),
      deliveryDestinationConfiguration: {
        destinationResourceArn: `arn:aws:logs:us-east-1:000000000000:log-group:${logGroupName}`,
      },
    }),
  )
  for (const logType of ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS']) {
    const source = await logs.send(
      new PutDeliverySourceCommand({name: uniqueName('src'), resourceArn: busArn, logType}),
    )
    await logs.send(
      new CreateDeliveryCommand({
        deliverySourceName: source.deliverySource!.name!,
        deliveryDestinationArn: destination.deliveryDestination!.arn!,
      }),
    )
  }
}, 60_000)
afterAll(async () => {
  events.destroy()
  logs.destroy()
  await sandbox.close()
})

async function publish(detail: Record<string, unknown>, detailType = 'cacheSet'): Promise<string> {
  const out = await events.send(
    new PutEventsCommand({Entries: [{Source: 'test', DetailType: detailType, Detail: JSON.stringify(detail)}]}),
  )
  return out.Entries![0]!.EventId!
}

async function recordsOf(ids: string[], done: (r: Map<string, BusLogRecord[]>) => boolean) {
  const clients = createAwsClients({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
  })
  return until('bus-log records', async () => {
    const found = await fetchBusLogRecords(clients, {logGroupName, eventIds: ids})
    return done(found) ? found : undefined
  })
}

const types = (records: BusLogRecord[] | undefined) => (records ?? []).map((r) => r.message_type)

describe('event-bus logs', () => {
  it('at ERROR: nothing for a delivered event, the 404 and Momento’s text for a refused one, even in opaque mode', async () => {
    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'ERROR', IncludeDetail: 'NONE'}}))
    const delivered = await publish({cacheName: 'orders', key: 'k1', message: 'secret-value-1', ttl: 60})
    const refused = await publish({cacheName: 'missing-cache', key: 'k2', message: 'secret-value-2', ttl: 60})
    const found = await recordsOf([delivered, refused], (m) => types(m.get(refused)).includes('INVOCATION_DLQ'))
    expect(found.get(delivered)).toBeUndefined()
    const records = found.get(refused)!
    expect(types(records)).toEqual(['INVOCATION_ATTEMPT_PERMANENT_FAILURE', 'INVOCATION_FAILURE', 'INVOCATION_DLQ'])
    for (const r of records) {
      expect(r.log_level).toBe('ERROR')
      expect(r.error?.http_status_code).toBe(404)
      expect(r.error?.error_message.toLowerCase()).toContain('cache')
      expect(r.resource_arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/default')
      expect(r.invocation_id).toBeTruthy()
    }
    const raw = JSON.stringify(records)
    expect(raw).not.toContain('secret-value-2')
    expect(raw).not.toContain(sandbox.apiKey)
  })

  it('at TRACE with FULL detail: every step, and event_detail carries the event', async () => {
    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'TRACE', IncludeDetail: 'FULL'}}))
    const delivered = await publish({cacheName: 'orders', key: 'k3', message: 'v3', ttl: 60})
    const found = await recordsOf([delivered], (m) => types(m.get(delivered)).includes('INVOCATION_SUCCESS'))
    const records = found.get(delivered)!
    expect(types(records)).toEqual([
      'EVENT_RECEIPT',
      'EVENT_INGEST_SUCCESS',
      'RULE_MATCH_START',
      'RULE_MATCH',
      'INVOCATION_START',
      'INVOCATION_ATTEMPT_START',
      'INVOCATION_ATTEMPT_SUCCESS',
      'INVOCATION_SUCCESS',
    ])
    expect(JSON.parse(records[0]!.details!.event_detail!)).toMatchObject({cacheName: 'orders', key: 'k3'})
    const match = records.find((r) => r.message_type === 'RULE_MATCH')!
    const success = records.find((r) => r.message_type === 'INVOCATION_SUCCESS')!
    expect(match.details!.invocation_ids).toEqual([success.invocation_id])
    expect(success.details).toMatchObject({total_attempts: 1, final_invocation_status: 'SUCCESS'})
    // FULL adds the request sent (body, method and URL), never its headers or the key.
    expect(success.details!.target_input).toContain('v3')
    expect(JSON.parse(success.details!.target_properties!)).toMatchObject({method: 'PUT'})
    expect(JSON.stringify(records)).not.toContain(sandbox.apiKey)
  })

  it('never stores the connection’s secret, even when an event carries it (FULL detail)', async () => {
    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'TRACE', IncludeDetail: 'FULL'}}))
    const id = await publish({cacheName: 'orders', key: 'leak', message: `oops ${sandbox.apiKey}`, ttl: 60})
    const found = await recordsOf([id], (m) => types(m.get(id)).includes('INVOCATION_SUCCESS'))
    const text = JSON.stringify(found.get(id))
    expect(text).not.toContain(sandbox.apiKey)
    expect(text).toContain('oops REDACTED')
  })

  it('at INFO without detail: major steps only, no event_detail; OFF writes nothing', async () => {
    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'INFO', IncludeDetail: 'NONE'}}))
    const id = await publish({cacheName: 'orders', key: 'k4', message: 'v4', ttl: 60})
    const found = await recordsOf([id], (m) => types(m.get(id)).includes('INVOCATION_SUCCESS'))
    expect(types(found.get(id))).toEqual(['EVENT_RECEIPT', 'EVENT_INGEST_SUCCESS', 'RULE_MATCH', 'INVOCATION_SUCCESS'])
    expect(JSON.stringify(found.get(id))).not.toContain('event_detail')
    expect(JSON.stringify(found.get(id))).not.toContain('target_input')

    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'OFF'}}))
    const quiet = await publish({cacheName: 'missing-cache', key: 'k5', message: 'v5', ttl: 60})
    await new Promise((r) => setTimeout(r, 300))
    const none = await logs.send(
      new FilterLogEventsCommand({logGroupName, filterPattern: `{ $.event_id = "${quiet}" }`}),
    )
    expect(none.events).toEqual([])
  })

  it('writes throttle records when the destination’s rate limit makes an invocation wait', async () => {
    const busName = uniqueName('slow')
    const created = await events.send(
      new CreateEventBusCommand({Name: busName, LogConfig: {Level: 'TRACE', IncludeDetail: 'NONE'}}),
    )
    const group = `/aws/vendedlogs/events/event-bus/${busName}`
    await logs.send(new CreateLogGroupCommand({logGroupName: group}))
    const destination = await logs.send(
      new PutDeliveryDestinationCommand({
        name: uniqueName('dst'),
        deliveryDestinationConfiguration: {
          destinationResourceArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}`,
        },
      }),
    )
    for (const logType of ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS']) {
      const source = await logs.send(
        new PutDeliverySourceCommand({name: uniqueName('src'), resourceArn: created.EventBusArn!, logType}),
      )
      await logs.send(
        new CreateDeliveryCommand({
          deliverySourceName: source.deliverySource!.name!,
          deliveryDestinationArn: destination.deliveryDestination!.arn!,
        }),
      )
    }
    const connection = await events.send(
      new CreateConnectionCommand({
        Name: uniqueName('c'),
        AuthorizationType: 'API_KEY',
        AuthParameters: {ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: sandbox.apiKey}},
      }),
    )
    const api = await events.send(
      new CreateApiDestinationCommand({
        Name: uniqueName('slow'),
        ConnectionArn: connection.ConnectionArn!,
        InvocationEndpoint: `${sandbox.endpoint}/cache/*`,
        HttpMethod: 'PUT',
        InvocationRateLimitPerSecond: 1,
      }),
    )
    const rule = uniqueName('r')
    await events.send(
      new PutRuleCommand({
        Name: rule,
        EventBusName: busName,
        EventPattern: JSON.stringify({'detail-type': ['cacheSet']}),
      }),
    )
    await events.send(
      new PutTargetsCommand({
        Rule: rule,
        EventBusName: busName,
        Targets: [
          {
            Id: 't',
            Arn: api.ApiDestinationArn!,
            RoleArn: 'arn:aws:iam::000000000000:role/r',
            HttpParameters: {
              PathParameterValues: ['orders'],
              QueryStringParameters: {key: '$.detail.key', ttl_seconds: '$.detail.ttl'},
            },
          },
        ],
      }),
    )
    const out = await events.send(
      new PutEventsCommand({
        Entries: Array.from({length: 5}, (_, i) => ({
          EventBusName: busName,
          Source: 'test',
          DetailType: 'cacheSet',
          Detail: JSON.stringify({cacheName: 'orders', key: `t${i}`, message: 'v', ttl: 60}),
        })),
      }),
    )
    const ids = out.Entries!.map((e) => e.EventId!)
    const clients = createAwsClients({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
    })
    const found = await until('all five delivered', async () => {
      const m = await fetchBusLogRecords(clients, {logGroupName: group, eventIds: ids})
      return ids.every((id) => types(m.get(id)).includes('INVOCATION_SUCCESS')) ? m : undefined
    })
    const throttled = ids.filter((id) => types(found.get(id)).includes('INVOCATION_ATTEMPT_THROTTLE'))
    expect(throttled.length).toBeGreaterThan(0)
    const record = found.get(throttled[0]!)!.find((r) => r.message_type === 'INVOCATION_ATTEMPT_THROTTLE')!
    expect(record.details).toMatchObject({attempt_type: 'THROTTLE', target_arn: api.ApiDestinationArn})
    // The invocation starts, then waits for the rate limit, then attempts.
    const order = types(found.get(throttled[0]!))
    expect(order.indexOf('INVOCATION_START')).toBeLessThan(order.indexOf('INVOCATION_THROTTLE_START'))
    expect(order.indexOf('INVOCATION_ATTEMPT_THROTTLE')).toBeLessThan(order.indexOf('INVOCATION_ATTEMPT_START'))
  })

  it('records an entry PutEvents refuses (EVENT_INGEST_FAILURE) at ERROR', async () => {
    await events.send(new UpdateEventBusCommand({Name: 'default', LogConfig: {Level: 'ERROR', IncludeDetail: 'NONE'}}))
    const out = await events.send(
      new PutEventsCommand({Entries: [{Source: 'test', DetailType: 'cacheSet', Detail: '{not json'}]}),
    )
    expect(out.FailedEntryCount).toBe(1)
    const found = await until('the ingest failure record', async () => {
      const page = await logs.send(
        new FilterLogEventsCommand({logGroupName, filterPattern: '{ $.message_type = "EVENT_INGEST_FAILURE" }'}),
      )
      return page.events?.length ? page.events : undefined
    })
    const record = JSON.parse(found[0]!.message!) as BusLogRecord
    expect(record.log_level).toBe('ERROR')
    expect(record.error?.error_message).toContain('MalformedDetail')
    expect(record.details?.detail_type).toBe('cacheSet')
  })
})
