/**
 * The sandbox's CloudWatch Logs against the real @aws-sdk/client-cloudwatch-logs client: log groups,
 * retention, streams, PutLogEvents, GetLogEvents paging tokens, FilterLogEvents (time range, stream
 * names, paging, filter patterns including the bus-log adapter's `||` form) and the vended-delivery
 * objects, with AWS's error shapes.
 */
import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteDeliveryCommand,
  DeleteDeliverySourceCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeDeliveriesCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetDeliveryDestinationCommand,
  GetDeliverySourceCommand,
  GetLogEventsCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {eventIdFilterPattern} from '../../src/adapters/aws/logs.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {findCliOnPath} from '../helpers/aws-cli.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  CONTRACT_REGION,
  EXTERNAL_ENDPOINT,
  failure,
  startContractTarget,
  uniqueName,
} from '../helpers/sandbox.js'

let sandbox: RunningSandbox
let logs: CloudWatchLogsClient
// The sandbox runs on this fixed clock; another endpoint has its own, so events are stamped from now.
const clock = EXTERNAL_ENDPOINT ? Date.now() : Date.parse('2026-12-06T10:00:00Z')

beforeAll(async () => {
  sandbox = await startContractTarget({now: () => clock})
  logs = new CloudWatchLogsClient(clientConfig(sandbox))
})
afterAll(async () => {
  logs.destroy()
  await sandbox.close()
})

async function groupWithStream(events: {timestamp: number; message: string}[], stream = 's1'): Promise<string> {
  const group = `/test/${uniqueName('g')}`
  await logs.send(new CreateLogGroupCommand({logGroupName: group}))
  await logs.send(new CreateLogStreamCommand({logGroupName: group, logStreamName: stream}))
  if (events.length > 0)
    await logs.send(new PutLogEventsCommand({logGroupName: group, logStreamName: stream, logEvents: events}))
  return group
}

describe('log groups', () => {
  it('creates, describes, refuses duplicates and deletes', async () => {
    const name = `/aws/vendedlogs/${uniqueName('bus')}`
    await logs.send(new CreateLogGroupCommand({logGroupName: name}))
    const dup = await failure(logs.send(new CreateLogGroupCommand({logGroupName: name})))
    expect(dup.name).toBe('ResourceAlreadyExistsException')
    await logs.send(new PutRetentionPolicyCommand({logGroupName: name, retentionInDays: 14}))
    const out = await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: name}))
    expect(out.logGroups).toHaveLength(1)
    expect(out.logGroups?.[0]).toMatchObject({
      logGroupName: name,
      retentionInDays: 14,
      arn: `arn:aws:logs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:log-group:${name}:*`,
      logGroupArn: `arn:aws:logs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:log-group:${name}`,
    })
    await logs.send(new DeleteRetentionPolicyCommand({logGroupName: name}))
    const after = await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: name}))
    expect(after.logGroups?.[0]?.retentionInDays).toBeUndefined()
    await logs.send(new DeleteLogGroupCommand({logGroupName: name}))
    const missing = await failure(logs.send(new DeleteLogGroupCommand({logGroupName: name})))
    expect(missing.name).toBe('ResourceNotFoundException')
    expect(missing.message).toBe('The specified log group does not exist.')
  })

  it('refuses a retention AWS does not offer, and a bad name', async () => {
    const name = `/test/${uniqueName('r')}`
    await logs.send(new CreateLogGroupCommand({logGroupName: name}))
    const bad = await failure(logs.send(new PutRetentionPolicyCommand({logGroupName: name, retentionInDays: 2})))
    expect(bad.name).toBe('InvalidParameterException')
    expect(bad.message).toContain('Member must satisfy enum value set: [1, 3, 5, 7, 14')
    const badName = await failure(logs.send(new CreateLogGroupCommand({logGroupName: 'has space'})))
    expect(badName.name).toBe('InvalidParameterException')
  })

  it('pages DescribeLogGroups', async () => {
    const prefix = `/page/${uniqueName('p')}/`
    for (let i = 0; i < 5; i++) await logs.send(new CreateLogGroupCommand({logGroupName: `${prefix}${i}`}))
    const names: string[] = []
    let nextToken: string | undefined
    do {
      const page = await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: prefix, limit: 2, nextToken}))
      expect(page.logGroups!.length).toBeLessThanOrEqual(2)
      names.push(...page.logGroups!.map((g) => g.logGroupName!))
      nextToken = page.nextToken
    } while (nextToken)
    expect(names).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}${i}`))
  })
})

describe('streams and events', () => {
  it('puts events and reports the ones too old or too new', async () => {
    const group = await groupWithStream([])
    const out = await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        logEvents: [{timestamp: clock - 15 * 86_400_000, message: 'old'}],
      }),
    )
    expect(out.rejectedLogEventsInfo).toEqual({tooOldLogEventEndIndex: 0})
    const future = await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        logEvents: [
          {timestamp: clock, message: 'now'},
          {timestamp: clock + 3 * 3_600_000, message: 'future'},
        ],
      }),
    )
    expect(future.rejectedLogEventsInfo).toEqual({tooNewLogEventStartIndex: 1})
    const span = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's1',
          logEvents: [
            {timestamp: clock - 2 * 86_400_000, message: 'a'},
            {timestamp: clock, message: 'b'},
          ],
        }),
      ),
    )
    expect(span.message).toBe(
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    )
    // Only the events AWS takes count toward the span: a 20-day-old event is rejected, not a span error.
    const oldAndNew = await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        logEvents: [
          {timestamp: clock - 20 * 86_400_000, message: 'ancient'},
          {timestamp: clock, message: 'fresh'},
        ],
      }),
    )
    expect(oldAndNew.rejectedLogEventsInfo).toEqual({tooOldLogEventEndIndex: 0})
    const unordered = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's1',
          logEvents: [
            {timestamp: clock, message: 'b'},
            {timestamp: clock - 1, message: 'a'},
          ],
        }),
      ),
    )
    expect(unordered.name).toBe('InvalidParameterException')
    const noStream = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 'nope',
          logEvents: [{timestamp: clock, message: 'x'}],
        }),
      ),
    )
    expect(noStream.name).toBe('ResourceNotFoundException')
    expect(noStream.message).toBe('The specified log stream does not exist.')
    const streams = await logs.send(new DescribeLogStreamsCommand({logGroupName: group}))
    expect(streams.logStreams?.[0]).toMatchObject({
      logStreamName: 's1',
      firstEventTimestamp: clock,
      lastEventTimestamp: clock,
    })
  })

  it('GetLogEvents pages forward and returns the same token at the end', async () => {
    const events = Array.from({length: 7}, (_, i) => ({timestamp: clock + i, message: `m${i}`}))
    const group = await groupWithStream(events)
    const seen: string[] = []
    let token: string | undefined
    for (let round = 0; round < 10; round++) {
      const page = await logs.send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: 's1',
          startFromHead: true,
          limit: 3,
          nextToken: token,
        }),
      )
      seen.push(...page.events!.map((e) => e.message!))
      if (page.nextForwardToken === token) break
      token = page.nextForwardToken
    }
    expect(seen).toEqual(events.map((e) => e.message))
    // New events after the end are picked up with the same token.
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        logEvents: [{timestamp: clock + 10, message: 'late'}],
      }),
    )
    const more = await logs.send(new GetLogEventsCommand({logGroupName: group, logStreamName: 's1', nextToken: token}))
    expect(more.events!.map((e) => e.message)).toEqual(['late'])
  })

  it('GetLogEvents without a token returns the newest page; the backward token reads the one before', async () => {
    const events = Array.from({length: 5}, (_, i) => ({timestamp: clock + i, message: `m${i}`}))
    const group = await groupWithStream(events)
    const last = await logs.send(new GetLogEventsCommand({logGroupName: group, logStreamName: 's1', limit: 2}))
    expect(last.events!.map((e) => e.message)).toEqual(['m3', 'm4'])
    const before = await logs.send(
      new GetLogEventsCommand({logGroupName: group, logStreamName: 's1', limit: 2, nextToken: last.nextBackwardToken}),
    )
    expect(before.events!.map((e) => e.message)).toEqual(['m1', 'm2'])
    const range = await logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        startTime: clock + 1,
        endTime: clock + 3,
        startFromHead: true,
      }),
    )
    expect(range.events!.map((e) => e.message)).toEqual(['m1', 'm2'])
  })

  it('hides events past the retention when they are read', async () => {
    const group = await groupWithStream([{timestamp: clock - 3 * 86_400_000, message: 'three days old'}])
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        logEvents: [{timestamp: clock, message: 'fresh'}],
      }),
    )
    await logs.send(new PutRetentionPolicyCommand({logGroupName: group, retentionInDays: 1}))
    const out = await logs.send(new FilterLogEventsCommand({logGroupName: group}))
    expect(out.events!.map((e) => e.message)).toEqual(['fresh'])
    const get = await logs.send(
      new GetLogEventsCommand({logGroupName: group, logStreamName: 's1', startFromHead: true}),
    )
    expect(get.events!.map((e) => e.message)).toEqual(['fresh'])
  })
})

describe('FilterLogEvents', () => {
  const record = (id: string, type: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({event_id: id, message_type: type, ...extra})

  it('matches the bus-log adapter pattern (|| of $.event_id equalities) across streams in time order', async () => {
    const group = await groupWithStream([
      {timestamp: clock, message: record('a', 'EVENT_RECEIPT')},
      {timestamp: clock + 2, message: record('b', 'EVENT_RECEIPT')},
      {timestamp: clock + 4, message: record('c', 'EVENT_RECEIPT')},
    ])
    await logs.send(new CreateLogStreamCommand({logGroupName: group, logStreamName: 's2'}))
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's2',
        logEvents: [{timestamp: clock + 1, message: record('a', 'INVOCATION_FAILURE')}],
      }),
    )
    const out = await logs.send(
      new FilterLogEventsCommand({logGroupName: group, filterPattern: eventIdFilterPattern(['a', 'c'])}),
    )
    expect(
      out.events!.map((e) => [e.logStreamName, JSON.parse(e.message!).event_id, JSON.parse(e.message!).message_type]),
    ).toEqual([
      ['s1', 'a', 'EVENT_RECEIPT'],
      ['s2', 'a', 'INVOCATION_FAILURE'],
      ['s1', 'c', 'EVENT_RECEIPT'],
    ])
    expect(out.nextToken).toBeUndefined()
    const oneStream = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: group,
        logStreamNames: ['s2'],
        filterPattern: eventIdFilterPattern(['a']),
      }),
    )
    expect(oneStream.events).toHaveLength(1)
    const window = await logs.send(
      new FilterLogEventsCommand({logGroupName: group, startTime: clock + 1, endTime: clock + 2}),
    )
    expect(window.events!.map((e) => e.timestamp)).toEqual([clock + 1, clock + 2])
  })

  it('supports !=, && , numbers and plain terms', async () => {
    const group = await groupWithStream([
      {timestamp: clock, message: record('a', 'X', {error: {http_status_code: 404}})},
      {timestamp: clock + 1, message: record('b', 'Y', {error: {http_status_code: 500}})},
      {timestamp: clock + 2, message: 'plain ERROR line'},
    ])
    const ids = async (filterPattern: string) =>
      (await logs.send(new FilterLogEventsCommand({logGroupName: group, filterPattern}))).events!.map((e) => e.message)
    expect(await ids('{ $.message_type != "X" }')).toEqual([record('b', 'Y', {error: {http_status_code: 500}})])
    expect(await ids('{ ($.event_id = "a") && ($.error.http_status_code = 404) }')).toHaveLength(1)
    expect(await ids('{ ($.event_id = "a") && ($.error.http_status_code = 500) }')).toHaveLength(0)
    expect(await ids('{ $.error.http_status_code >= 500 }')).toHaveLength(1)
    expect(await ids('ERROR')).toEqual(['plain ERROR line'])
    expect(await ids('"ERROR line" -nope')).toEqual(['plain ERROR line'])
    const bad = await failure(logs.send(new FilterLogEventsCommand({logGroupName: group, filterPattern: '{ $.a = '})))
    expect(bad.name).toBe('InvalidParameterException')
  })

  it('pages with nextToken and limit, without losing or repeating events', async () => {
    const events = Array.from({length: 25}, (_, i) => ({
      timestamp: clock + Math.floor(i / 3),
      message: record(`e${i}`, 'T'),
    }))
    const group = await groupWithStream(events)
    const seen: string[] = []
    let nextToken: string | undefined
    let pages = 0
    do {
      const page = await logs.send(new FilterLogEventsCommand({logGroupName: group, limit: 4, nextToken}))
      seen.push(...page.events!.map((e) => JSON.parse(e.message!).event_id as string))
      nextToken = page.nextToken
      pages++
    } while (nextToken && pages < 20)
    expect(seen).toEqual(events.map((_, i) => `e${i}`))
    expect(pages).toBe(7)
  })

  it('says the log group does not exist as AWS says it', async () => {
    const error = await failure(logs.send(new FilterLogEventsCommand({logGroupName: '/no/such/group'})))
    expect(error.name).toBe('ResourceNotFoundException')
    expect(error.message).toBe('The specified log group does not exist.')
  })
})

describe('vended-log delivery', () => {
  it('connects an event bus to a log group through source, destination and delivery', async () => {
    const group = await groupWithStream([])
    const busArn = `arn:aws:events:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:event-bus/default`
    const source = await logs.send(
      new PutDeliverySourceCommand({name: uniqueName('src'), resourceArn: busArn, logType: 'ERROR_LOGS'}),
    )
    expect(source.deliverySource).toMatchObject({service: 'events', logType: 'ERROR_LOGS', resourceArns: [busArn]})
    const badType = await failure(
      logs.send(new PutDeliverySourceCommand({name: uniqueName('src'), resourceArn: busArn, logType: 'ACCESS_LOGS'})),
    )
    expect(badType.name).toBe('ValidationException')
    const destination = await logs.send(
      new PutDeliveryDestinationCommand({
        name: uniqueName('dst'),
        deliveryDestinationConfiguration: {
          destinationResourceArn: `arn:aws:logs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:log-group:${group}:*`,
        },
      }),
    )
    expect(destination.deliveryDestination?.deliveryDestinationType).toBe('CWL')
    const got = await logs.send(new GetDeliveryDestinationCommand({name: destination.deliveryDestination!.name!}))
    expect(got.deliveryDestination?.arn).toBe(destination.deliveryDestination?.arn)
    const delivery = await logs.send(
      new CreateDeliveryCommand({
        deliverySourceName: source.deliverySource!.name!,
        deliveryDestinationArn: destination.deliveryDestination!.arn!,
      }),
    )
    expect(delivery.delivery?.id).toMatch(/^[0-9A-Za-z]+$/)
    const again = await failure(
      logs.send(
        new CreateDeliveryCommand({
          deliverySourceName: source.deliverySource!.name!,
          deliveryDestinationArn: destination.deliveryDestination!.arn!,
        }),
      ),
    )
    expect(again.name).toBe('ConflictException')
    const inUse = await failure(logs.send(new DeleteDeliverySourceCommand({name: source.deliverySource!.name!})))
    expect(inUse.name).toBe('ConflictException')
    const listed = await logs.send(new DescribeDeliveriesCommand({deliverySourceNames: [source.deliverySource!.name!]}))
    expect(listed.deliveries?.map((d) => d.id)).toEqual([delivery.delivery!.id])
    await logs.send(new DeleteDeliveryCommand({id: delivery.delivery!.id!}))
    await logs.send(new DeleteDeliverySourceCommand({name: source.deliverySource!.name!}))
    const gone = await failure(logs.send(new GetDeliverySourceCommand({name: source.deliverySource!.name!})))
    expect(gone.name).toBe('ResourceNotFoundException')
  })

  it('refuses a source for a bus that does not exist', async () => {
    const error = await failure(
      logs.send(
        new PutDeliverySourceCommand({
          name: uniqueName('src'),
          resourceArn: `arn:aws:events:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:event-bus/nope`,
          logType: 'INFO_LOGS',
        }),
      ),
    )
    expect(error.name).toBe('ResourceNotFoundException')
  })
})

const awsCli = await findCliOnPath()
describe.skipIf(awsCli === undefined)('AWS CLI', () => {
  it('aws logs describe-log-groups and filter-log-events work against the sandbox', async () => {
    const group = await groupWithStream([{timestamp: clock, message: JSON.stringify({event_id: 'cli-1'})}])
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    }
    const run = (args: string[]) =>
      promisify(execFile)('aws', ['--endpoint-url', sandbox.endpoint, '--output', 'json', 'logs', ...args], {
        env,
        timeout: 60_000,
      })
    const described = await run(['describe-log-groups', '--log-group-name-prefix', group])
    expect(JSON.parse(described.stdout).logGroups[0].logGroupName).toBe(group)
    const filtered = await run([
      'filter-log-events',
      '--log-group-name',
      group,
      '--filter-pattern',
      '{ $.event_id = "cli-1" }',
    ])
    expect(JSON.parse(filtered.stdout).events).toHaveLength(1)
  })
})
