/**
 * End to end: PutEvents → rule → API destination → Momento route on one sandbox, driven by the real
 * SDK clients over HTTP, with failures dead-lettered to SQS (aws-semantics B.3, C).
 */
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
  type Target,
} from '@aws-sdk/client-eventbridge'
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox, TEST_API_KEY, uniqueName} from '../helpers/sandbox.js'

const ROLE_ARN = 'arn:aws:iam::000000000000:role/service-role/momento-eb-invoke'
/** Per-attempt timeout for the test sandbox: the injected latency (6 s) must beat it. */
const TIMEOUT_MS = 400

interface DeliveryView {
  eventId: string
  attempt: number
  outcome: string
  request?: {method: string; url: string; headers: Record<string, string>; body: string}
  response?: {status: number; body: string}
  error?: {code: string; message: string}
  deadLetter?: {queueArn: string; sent: boolean; reason?: string}
}

interface DeliveriesView {
  counters: Record<string, number>
  deliveries: DeliveryView[]
}

/** Poll `probe` until it returns a value (not undefined) or the deadline passes. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('delivery pipeline end to end', () => {
  let sandbox: RunningSandbox
  let eb: EventBridgeClient
  let sqs: SQSClient
  let dlqUrl: string
  let dlqArn: string
  let noPolicyUrl: string
  /** DLQ messages received so far, by event id. */
  const dlqMessages = new Map<string, Message>()
  const ruleArns: Record<string, string> = {}

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['demo', 'faulty', 'slow'], apiDestinationTimeoutMs: TIMEOUT_MS})
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))

    // The DLQ, and a second queue without any policy.
    dlqUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('momento-dlq')}))).QueueUrl as string
    dlqArn = await queueArn(dlqUrl)
    noPolicyUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('no-policy')}))).QueueUrl as string
    const noPolicyArn = await queueArn(noPolicyUrl)

    // One connection with the right key, one with a wrong key.
    const connection = async (value: string) =>
      (
        await eb.send(
          new CreateConnectionCommand({
            Name: uniqueName('momento'),
            AuthorizationType: 'API_KEY',
            AuthParameters: {ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: value}},
          }),
        )
      ).ConnectionArn as string
    const goodConnection = await connection(TEST_API_KEY)
    const badConnection = await connection('not-the-momento-key-0000')
    const destination = async (connectionArn: string, path: string, method: 'PUT' | 'DELETE' | 'POST') =>
      (
        await eb.send(
          new CreateApiDestinationCommand({
            Name: uniqueName(method.toLowerCase()),
            ConnectionArn: connectionArn,
            InvocationEndpoint: `${sandbox.endpoint}${path}`,
            HttpMethod: method,
            InvocationRateLimitPerSecond: 300,
          }),
        )
      ).ApiDestinationArn as string
    const setDestination = await destination(goodConnection, '/cache/*', 'PUT')
    const deleteDestination = await destination(goodConnection, '/cache/*', 'DELETE')
    const publishDestination = await destination(goodConnection, '/topics/*/*', 'POST')
    const wrongTokenDestination = await destination(badConnection, '/cache/*', 'PUT')

    // Targets as aws-semantics B.3 recommends.
    const retry = {MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 86_400}
    const setTarget = (arn: string, dlq = dlqArn): Target => ({
      Id: 'cacheSet-rule',
      Arn: arn,
      RoleArn: ROLE_ARN,
      HttpParameters: {
        PathParameterValues: ['$.detail.cacheName'],
        QueryStringParameters: {key: '$.detail.key', key_base64: '$.detail.key_base64', ttl_seconds: '$.detail.ttl'},
      },
      InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
      RetryPolicy: retry,
      DeadLetterConfig: {Arn: dlq},
    })
    const rules: [string, Target][] = [
      ['cacheSet', setTarget(setDestination)],
      [
        'cacheDelete',
        {
          Id: 'cacheDelete-rule',
          Arn: deleteDestination,
          RoleArn: ROLE_ARN,
          HttpParameters: {
            PathParameterValues: ['$.detail.cacheName'],
            QueryStringParameters: {key: '$.detail.key', key_base64: '$.detail.key_base64'},
          },
          RetryPolicy: retry,
          DeadLetterConfig: {Arn: dlqArn},
        },
      ],
      [
        'topicPublish',
        {
          Id: 'topicPublish-rule',
          Arn: publishDestination,
          RoleArn: ROLE_ARN,
          HttpParameters: {PathParameterValues: ['$.detail.cacheName', '$.detail.topicName']},
          InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
          RetryPolicy: retry,
          DeadLetterConfig: {Arn: dlqArn},
        },
      ],
      ['cacheSetWrongToken', setTarget(wrongTokenDestination)],
      ['cacheSetNoPolicy', setTarget(setDestination, noPolicyArn)],
    ]
    for (const [detailType, target] of rules) {
      const name = uniqueName(detailType)
      const {RuleArn} = await eb.send(
        new PutRuleCommand({Name: name, EventPattern: JSON.stringify({'detail-type': [detailType]})}),
      )
      ruleArns[detailType] = RuleArn as string
      const out = await eb.send(new PutTargetsCommand({Rule: name, Targets: [target]}))
      expect(out.FailedEntryCount).toBe(0)
    }

    // The DLQ lets EventBridge in for our rules only; the no-policy queue stays closed.
    const allowed = Object.entries(ruleArns)
      .filter(([detailType]) => detailType !== 'cacheSetNoPolicy')
      .map(([, arn]) => arn)
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
          Action: 'sqs:SendMessage',
          Resource: dlqArn,
          Condition: {ArnEquals: {'aws:SourceArn': allowed}},
        },
      ],
    }
    await sqs.send(new SetQueueAttributesCommand({QueueUrl: dlqUrl, Attributes: {Policy: JSON.stringify(policy)}}))
  })

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
  })

  async function queueArn(url: string): Promise<string> {
    const out = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['QueueArn']}))
    return out.Attributes?.['QueueArn'] as string
  }

  async function publish(
    detailType: string,
    detail: Record<string, unknown>,
    extra: Partial<PutEventsRequestEntry> = {},
  ) {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [{Source: 'momento-eb.test', DetailType: detailType, Detail: JSON.stringify(detail), ...extra}],
      }),
    )
    expect(out.FailedEntryCount).toBe(0)
    return out.Entries?.[0]?.EventId as string
  }

  async function momento(method: string, path: string): Promise<{status: number; body: string}> {
    const response = await fetch(`${sandbox.endpoint}${path}`, {method, headers: {authorization: TEST_API_KEY}})
    return {status: response.status, body: await response.text()}
  }

  async function deliveries(query = ''): Promise<DeliveriesView> {
    const response = await fetch(`${sandbox.endpoint}/_sandbox/deliveries${query}`)
    expect(response.status).toBe(200)
    return (await response.json()) as DeliveriesView
  }

  /** The DLQ message of an event, once EventBridge wrote it. */
  async function deadLetter(eventId: string, timeoutMs = 20_000): Promise<Message> {
    return until(
      `DLQ message for ${eventId}`,
      async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 0,
          }),
        )
        const received = out.Messages ?? []
        for (const message of received) {
          const id = (JSON.parse(message.Body as string) as {id: string}).id
          dlqMessages.set(id, message)
        }
        if (received.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: dlqUrl,
              Entries: received.map((m, i) => ({Id: String(i), ReceiptHandle: m.ReceiptHandle as string})),
            }),
          )
        }
        return dlqMessages.get(eventId)
      },
      timeoutMs,
    )
  }

  function attributes(message: Message): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      expect(value.DataType).toBe('String')
      out[name] = value.StringValue as string
    }
    return out
  }

  it('sets a cache item; the stored value keeps its JSON quotes', async () => {
    const eventId = await publish('cacheSet', {cacheName: 'demo', key: 'greeting', message: 'hello world!', ttl: 300})
    const item = await until('the item', async () => {
      const got = await momento('GET', '/cache/demo?key=greeting')
      return got.status === 200 ? got : undefined
    })
    expect(item.body).toBe('"hello world!"')

    // The delivery log shows the call, with the key redacted and nowhere in the log.
    const log = await until('the delivered record', async () => {
      const view = await deliveries(`?event=${eventId}`)
      return view.deliveries.some((d) => d.outcome === 'delivered') ? view : undefined
    })
    const [record] = log.deliveries
    expect(record?.request?.method).toBe('PUT')
    expect(record?.request?.url).toBe(`${sandbox.endpoint}/cache/demo?key=greeting&key_base64=&ttl_seconds=300`)
    expect(record?.request?.headers).toMatchObject({
      Authorization: 'REDACTED',
      'User-Agent': 'Amazon/EventBridge/ApiDestinations',
      'Content-Type': 'application/json; charset=utf-8',
    })
    expect(record?.request?.body).toBe('"hello world!"')
    expect(record?.response?.status).toBe(204)
    expect(JSON.stringify(await deliveries())).not.toContain(TEST_API_KEY)
  })

  it('deletes a cache item', async () => {
    const put = await fetch(`${sandbox.endpoint}/cache/demo?key=doomed&ttl_seconds=300`, {
      method: 'PUT',
      headers: {authorization: TEST_API_KEY},
      body: 'bye',
    })
    expect(put.status).toBe(204)
    expect((await momento('GET', '/cache/demo?key=doomed')).status).toBe(200)
    await publish('cacheDelete', {cacheName: 'demo', key: 'doomed'})
    await until('the delete', async () =>
      (await momento('GET', '/cache/demo?key=doomed')).status === 404 ? true : undefined,
    )
  })

  it('publishes to a topic', async () => {
    await publish('topicPublish', {cacheName: 'demo', topicName: 'news', message: 'extra extra'})
    const messages = await until('the topic message', async () => {
      const response = await fetch(`${sandbox.endpoint}/_sandbox/momento/topics/demo/news`)
      if (response.status !== 200) return undefined
      const view = (await response.json()) as {messages: {text?: string}[]}
      return view.messages.length > 0 ? view.messages : undefined
    })
    expect(messages.map((m) => m.text)).toEqual(['"extra extra"'])
  })

  it('dead-letters a missing cache at once (404, no retries), with the original event as body', async () => {
    const detail = {cacheName: 'no-such-cache', key: 'k', message: 'm', ttl: 60}
    const eventId = await publish('cacheSet', detail, {Resources: ['arn:aws:s3:::bucket']})
    const message = await deadLetter(eventId)
    const attrs = attributes(message)
    expect(attrs).toMatchObject({
      RULE_ARN: ruleArns['cacheSet'],
      TARGET_ARN: expect.stringContaining(':api-destination/'),
      ERROR_CODE: 'ERROR_FROM_TARGET',
      RETRY_ATTEMPTS: '0',
    })
    expect(attrs['ERROR_MESSAGE']).toMatch(
      /^API destination endpoint returned HTTP 404 \(Not Found\): \{.*"status":404/,
    )
    expect(attrs).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION')
    const body = JSON.parse(message.Body as string) as Record<string, unknown>
    expect(Object.keys(body)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ])
    expect(body).toMatchObject({
      version: '0',
      id: eventId,
      'detail-type': 'cacheSet',
      source: 'momento-eb.test',
      account: sandbox.accountId,
      region: sandbox.region,
      resources: ['arn:aws:s3:::bucket'],
      detail,
    })
    expect(body['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const attempts = (await deliveries(`?event=${eventId}`)).deliveries
    expect(attempts.map((d) => [d.attempt, d.outcome])).toEqual([[1, 'dead-lettered']])
  })

  it('dead-letters an event with both key and key_base64 (400)', async () => {
    const eventId = await publish('cacheSet', {cacheName: 'demo', key: 'a', key_base64: 'Yg', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    expect(attrs['ERROR_CODE']).toBe('ERROR_FROM_TARGET')
    expect(attrs['ERROR_MESSAGE']).toMatch(/HTTP 400 \(Bad Request\)/)
    expect(attrs['RETRY_ATTEMPTS']).toBe('0')
    expect(attrs).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION')
  })

  it('dead-letters a call made with the wrong token (401)', async () => {
    const eventId = await publish('cacheSetWrongToken', {cacheName: 'demo', key: 'a', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    expect(attrs).toMatchObject({
      RULE_ARN: ruleArns['cacheSetWrongToken'],
      ERROR_CODE: 'ERROR_FROM_TARGET',
      RETRY_ATTEMPTS: '0',
    })
    expect(attrs['ERROR_MESSAGE']).toMatch(/HTTP 401 \(Unauthorized\)/)
    expect(attrs['ERROR_MESSAGE']).not.toContain('not-the-momento-key')
  })

  it('retries a 500 until MaximumRetryAttempts, then dead-letters it', async () => {
    const fault = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({status: 500, cache: 'faulty'}),
    })
    expect(fault.status).toBe(201)
    const eventId = await publish('cacheSet', {cacheName: 'faulty', key: 'k', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    expect(attrs).toMatchObject({
      ERROR_CODE: 'ERROR_FROM_TARGET',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '3',
    })
    expect(attrs['ERROR_MESSAGE']).toMatch(/HTTP 500 \(Internal Server Error\)/)
    const attempts = (await deliveries(`?event=${eventId}`)).deliveries
    expect(attempts.map((d) => [d.attempt, d.outcome, d.response?.status])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'retrying', 500],
      [4, 'dead-lettered', 500],
    ])
  })

  it('times out a slow endpoint, retries, then dead-letters with TIMEOUT', async () => {
    const fault = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({latencyMs: 6000, cache: 'slow'}),
    })
    expect(fault.status).toBe(201)
    const eventId = await publish('cacheSet', {cacheName: 'slow', key: 'k', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    expect(attrs).toMatchObject({
      ERROR_CODE: 'TIMEOUT',
      ERROR_MESSAGE: `Request to API destination timed out after ${TIMEOUT_MS / 1000} seconds`,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '3',
    })
  })

  it('drops the event and counts it when the DLQ policy does not let EventBridge in', async () => {
    const before = (await deliveries()).counters['failedToDlq'] ?? 0
    const eventId = await publish('cacheSetNoPolicy', {cacheName: 'no-such-cache', key: 'k', message: 'm', ttl: 60})
    const record = await until('the dropped record', async () => {
      const view = await deliveries(`?event=${eventId}`)
      return view.deliveries.find((d) => d.outcome === 'dropped')
    })
    expect(record.deadLetter).toMatchObject({sent: false, reason: expect.stringContaining('policy')})
    expect((await deliveries()).counters['failedToDlq']).toBe(before + 1)
    const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: noPolicyUrl, MaxNumberOfMessages: 10}))
    expect(out.Messages ?? []).toEqual([])
  })

  it('accepts an event for a missing bus and delivers nothing', async () => {
    // Given an event on a bus that does not exist, then one on the default bus
    const lost = await publish(
      'cacheSet',
      {cacheName: 'demo', key: 'lost', message: 'm', ttl: 60},
      {EventBusName: 'no-such-bus'},
    )
    expect(lost).toMatch(/^[0-9a-f-]{36}$/)
    const marker = await publish('cacheSet', {cacheName: 'demo', key: 'marker', message: 'm', ttl: 60})
    // When the later event has been delivered (routing keeps arrival order)
    await until('the marker', async () => {
      const view = await deliveries(`?event=${marker}`)
      return view.deliveries.some((d) => d.outcome === 'delivered') ? true : undefined
    })
    // Then the lost event went nowhere
    expect((await deliveries(`?event=${lost}`)).deliveries).toEqual([])
    expect((await momento('GET', '/cache/demo?key=lost')).status).toBe(404)
  })

  it('rejects more than ten entries with the AWS validation error', async () => {
    const entry = {Source: 's', DetailType: 'd', Detail: '{}'}
    const error = await eb
      .send(new PutEventsCommand({Entries: Array.from({length: 11}, () => entry)}))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({name: 'ValidationException'})
    expect((error as Error).message).toMatch(/Member must have length less than or equal to 10$/)
  })
})
