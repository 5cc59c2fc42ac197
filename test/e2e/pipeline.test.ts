/**
 * End to end: PutEvents → rule → API destination → Momento route on one sandbox, driven by the real
 * SDK clients over HTTP, with failures dead-lettered to SQS (docs/reference/aws-facts.md#eb-rule-target,
 * #dlq-messages).
 */
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeleteApiDestinationCommand,
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
  time: string
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
  let copyUrl: string
  let goneDestinationName: string
  /** DLQ messages received so far, by event id. */
  const dlqMessages = new Map<string, Message>()
  const ruleArns: Record<string, string> = {}

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['demo', 'faulty', 'slow', 'busy'], apiDestinationTimeoutMs: TIMEOUT_MS})
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))

    // The DLQ, and a second queue without any policy.
    dlqUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('momento-dlq')}))).QueueUrl as string
    dlqArn = await queueArn(dlqUrl)
    noPolicyUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('no-policy')}))).QueueUrl as string
    const noPolicyArn = await queueArn(noPolicyUrl)
    copyUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('copy')}))).QueueUrl as string
    const copyArn = await queueArn(copyUrl)

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
    const destination = async (
      connectionArn: string,
      path: string,
      method: 'PUT' | 'DELETE' | 'POST',
      name = uniqueName(method.toLowerCase()),
    ) =>
      (
        await eb.send(
          new CreateApiDestinationCommand({
            Name: name,
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
    goneDestinationName = uniqueName('gone')
    const goneDestination = await destination(goodConnection, '/cache/*', 'PUT', goneDestinationName)

    // Targets as docs/reference/aws-facts.md#eb-rule-target recommends.
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
      ['cacheSetGone', setTarget(goneDestination)],
      ['copyToQueue', {Id: 'copy', Arn: copyArn, InputPath: '$.detail'}],
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
    // The SQS target's queue needs the same kind of policy (here without a condition).
    const copyPolicy = {
      Version: '2012-10-17',
      Statement: [{Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}, Action: 'sqs:*', Resource: copyArn}],
    }
    await sqs.send(new SetQueueAttributesCommand({QueueUrl: copyUrl, Attributes: {Policy: JSON.stringify(copyPolicy)}}))
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
      Range: 'bytes=0-1048575',
      'Accept-Encoding': 'gzip,deflate',
      Connection: 'close',
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

  it('retries a call made with the wrong token (401), then dead-letters it', async () => {
    const eventId = await publish('cacheSetWrongToken', {cacheName: 'demo', key: 'a', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    // AWS retries 401 (it may be a token being rotated): eb-api-destinations.html, "API destination error codes"
    expect(attrs).toMatchObject({
      RULE_ARN: ruleArns['cacheSetWrongToken'],
      ERROR_CODE: 'ERROR_FROM_TARGET',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '3',
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

  it('times out a slow endpoint, retries, then dead-letters with the code and text AWS writes', async () => {
    const fault = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({latencyMs: 6000, cache: 'slow'}),
    })
    expect(fault.status).toBe(201)
    const eventId = await publish('cacheSet', {cacheName: 'slow', key: 'k', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    expect(attrs).toMatchObject({
      ERROR_CODE: 'UNKNOWN',
      ERROR_MESSAGE:
        'Unable to invoke ApiDestination endpoint: Timeout calling endpoint for API Destination: socket closed.',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '3',
    })
  })

  it('honours Retry-After on a 429, then delivers', async () => {
    // Given one 429 asking for 120 s (120 ms at the test's timeScale), far above the policy's first backoff (≤ 1 ms)
    const fault = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({status: 429, retryAfterSeconds: 120, cache: 'busy', count: 1}),
    })
    expect(fault.status).toBe(201)
    const eventId = await publish('cacheSet', {cacheName: 'busy', key: 'k', message: 'later', ttl: 60})
    const attempts = await until('the delivery after the 429', async () => {
      const view = await deliveries(`?event=${eventId}`)
      return view.deliveries.some((d) => d.outcome === 'delivered') ? view.deliveries : undefined
    })
    expect(attempts.map((d) => [d.attempt, d.outcome, d.response?.status])).toEqual([
      [1, 'retrying', 429],
      [2, 'delivered', 204],
    ])
    const gap = Date.parse(attempts[1]?.time ?? '') - Date.parse(attempts[0]?.time ?? '')
    expect(gap).toBeGreaterThanOrEqual(110)
    expect((await momento('GET', '/cache/busy?key=k')).body).toBe('"later"')
  })

  it('dead-letters with NO_RESOURCE when the API destination was deleted', async () => {
    await eb.send(new DeleteApiDestinationCommand({Name: goneDestinationName}))
    const eventId = await publish('cacheSetGone', {cacheName: 'demo', key: 'k', message: 'm', ttl: 60})
    const attrs = attributes(await deadLetter(eventId))
    expect(attrs).toMatchObject({RULE_ARN: ruleArns['cacheSetGone'], ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0'})
    expect(attrs['ERROR_MESSAGE']).toContain('does not exist')
  })

  it('sends the selected input to an SQS target', async () => {
    const detail = {cacheName: 'demo', note: 'copied'}
    await publish('copyToQueue', detail)
    const message = await until('the copied message', async () => {
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: copyUrl, MaxNumberOfMessages: 1}))
      return out.Messages?.[0]
    })
    expect(JSON.parse(message.Body as string)).toEqual(detail)
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

describe('delivery pipeline timing (timeScale 1)', () => {
  let sandbox: RunningSandbox
  let eb: EventBridgeClient

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['demo'], timeScale: 1})
    eb = new EventBridgeClient(clientConfig(sandbox))
  })

  afterAll(async () => {
    eb?.destroy()
    await sandbox?.close()
  })

  async function rule(detailType: string, rate: number, endpoint: string): Promise<void> {
    const {ConnectionArn} = await eb.send(
      new CreateConnectionCommand({
        Name: uniqueName('conn'),
        AuthorizationType: 'API_KEY',
        AuthParameters: {ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: TEST_API_KEY}},
      }),
    )
    const {ApiDestinationArn} = await eb.send(
      new CreateApiDestinationCommand({
        Name: uniqueName('dest'),
        ConnectionArn,
        InvocationEndpoint: endpoint,
        HttpMethod: 'PUT',
        InvocationRateLimitPerSecond: rate,
      }),
    )
    const name = uniqueName(detailType)
    await eb.send(new PutRuleCommand({Name: name, EventPattern: JSON.stringify({'detail-type': [detailType]})}))
    await eb.send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [
          {
            Id: 't',
            Arn: ApiDestinationArn,
            RoleArn: ROLE_ARN,
            HttpParameters: {
              PathParameterValues: ['$.detail.cacheName'],
              QueryStringParameters: {key: '$.detail.key', ttl_seconds: '60'},
            },
          },
        ],
      }),
    )
  }

  async function deliveries(query: string): Promise<DeliveryView[]> {
    const response = await fetch(`${sandbox.endpoint}/_sandbox/deliveries${query}`)
    return ((await response.json()) as DeliveriesView).deliveries as (DeliveryView & {time: string})[]
  }

  it('spaces invocations by the destination InvocationRateLimitPerSecond', async () => {
    // Given a destination limited to 2 calls per second
    await rule('limited', 2, `${sandbox.endpoint}/cache/*`)
    // When four events arrive at once
    const entries = [1, 2, 3, 4].map((n) => ({
      Source: 'test',
      DetailType: 'limited',
      Detail: JSON.stringify({cacheName: 'demo', key: `rate-${n}`}),
    }))
    const sentAt = Date.now()
    await eb.send(new PutEventsCommand({Entries: entries}))
    // Then two go at once and the others wait for tokens (0.5 s apart)
    const records = await until('four deliveries', async () => {
      const list = (await deliveries('?outcome=delivered')) as (DeliveryView & {time: string})[]
      const limited = list.filter((d) => d.request?.url.includes('rate-'))
      return limited.length === 4 ? limited : undefined
    })
    expect(records).toHaveLength(4)
    // Measured where the calls arrive (Momento's request log: end time minus duration), against the
    // moment PutEvents was sent (the sandbox runs in this process: one clock). The limiter can't hand
    // out the first tokens before the events arrive, and the fourth call waits for two tokens to
    // refill (1 s) after that, so it arrives at least 1 s after the send however loaded the machine
    // is (load only makes it later). The gap from the first arrival is no bound: a first call slowed
    // by a new connection under load arrives late and shrinks it (467 ms seen in CI at load 9-14).
    // Unlimited, all four arrive within a few milliseconds of the send.
    const response = await fetch(`${sandbox.endpoint}/_sandbox/momento/requests`)
    const {requests} = (await response.json()) as {requests: {time: string; query: string; durationMs: number}[]}
    const arrivals = requests
      .filter((r) => r.query.includes('rate-'))
      .map((r) => Date.parse(r.time) - r.durationMs)
      .sort((a, b) => a - b)
    expect(arrivals).toHaveLength(4)
    expect((arrivals[3] as number) - sentAt).toBeGreaterThanOrEqual(980)
  })

  it('closes promptly while an event waits between retries', async () => {
    // Given an endpoint nobody listens on (connection errors are retried) and the default retry
    // policy (185 retries over 24 h)
    await rule('doomed', 300, 'http://127.0.0.1:1/cache/*')
    const {Entries} = await eb.send(
      new PutEventsCommand({
        Entries: [{Source: 'test', DetailType: 'doomed', Detail: JSON.stringify({cacheName: 'x', key: 'k'})}],
      }),
    )
    const eventId = Entries?.[0]?.EventId as string
    // (the third retry waits 2–4 s, longer than the close may take)
    await until('the third failed attempt', async () =>
      (await deliveries(`?event=${eventId}`)).some((d) => d.outcome === 'retrying' && d.attempt === 3)
        ? true
        : undefined,
    )
    // When the sandbox closes, then it does not wait for the backoff
    const started = Date.now()
    eb.destroy()
    await sandbox.close()
    // The backoff left is at least about 1.9 s (seen as soon as the third attempt failed): 1.5 s tells
    // the two apart with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(1500)
  })
})
