/**
 * How API destination calls fail, end to end through the real SDK clients: which answers are
 * retried, what EventBridge writes to the DLQ for each failure
 * (docs/reference/aws-facts.md#eb-api-destination, #dlq-attributes), the `failureDetail` modes, and the
 * headers that reach the endpoint (docs/reference/aws-facts.md#eb-api-destination, #eb-input-transformer).
 */
import {createServer, type IncomingHttpHeaders, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {gzipSync} from 'node:zlib'

import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type ConnectionHttpParameters,
  type HttpParameters,
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
import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, TEST_API_KEY, uniqueName} from '../helpers/sandbox.js'

const ROLE_ARN = 'arn:aws:iam::000000000000:role/service-role/momento-eb-invoke'
const RETRIES = 2
const TIMEOUT_MS = 300
const TIMEOUT_TEXT =
  'Unable to invoke ApiDestination endpoint: Timeout calling endpoint for API Destination: socket closed.'
const UNREACHABLE_TEXT = 'Unable to invoke ApiDestination endpoint: API destination endpoint cannot be reached.'

interface DeliveryView {
  attempt: number
  outcome: string
  request?: {headers: Record<string, string>}
  response?: {status: number; body: string}
  error?: {code: string; message: string; detail?: string}
}

interface MomentoRequestView {
  cache?: string
  status: number
}

/** One sandbox with a DLQ open to EventBridge, and a way to wire rules to destinations. */
class Bench {
  sandbox!: RunningSandbox
  eb!: EventBridgeClient
  sqs!: SQSClient
  dlqUrl = ''
  dlqArn = ''
  private readonly received = new Map<string, Message>()

  async start(options: Parameters<typeof startTestSandbox>[0]): Promise<void> {
    this.sandbox = await startTestSandbox(options)
    this.eb = new EventBridgeClient(clientConfig(this.sandbox))
    this.sqs = new SQSClient(clientConfig(this.sandbox))
    this.dlqUrl = (await this.sqs.send(new CreateQueueCommand({QueueName: uniqueName('dlq')}))).QueueUrl as string
    const attrs = await this.sqs.send(
      new GetQueueAttributesCommand({QueueUrl: this.dlqUrl, AttributeNames: ['QueueArn']}),
    )
    this.dlqArn = attrs.Attributes?.['QueueArn'] as string
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
          Action: 'sqs:SendMessage',
          Resource: this.dlqArn,
        },
      ],
    }
    await this.sqs.send(
      new SetQueueAttributesCommand({QueueUrl: this.dlqUrl, Attributes: {Policy: JSON.stringify(policy)}}),
    )
  }

  async stop(): Promise<void> {
    this.eb?.destroy()
    this.sqs?.destroy()
    await this.sandbox?.close()
  }

  /** A rule for a fresh detail-type whose one target calls `endpoint`; returns the detail-type. */
  async wire(
    endpoint: string,
    options: {
      method?: string
      http?: HttpParameters
      connectionHttp?: ConnectionHttpParameters
      apiKey?: string
    } = {},
  ): Promise<string> {
    const {ConnectionArn} = await this.eb.send(
      new CreateConnectionCommand({
        Name: uniqueName('conn'),
        AuthorizationType: 'API_KEY',
        AuthParameters: {
          ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: options.apiKey ?? TEST_API_KEY},
          ...(options.connectionHttp ? {InvocationHttpParameters: options.connectionHttp} : {}),
        },
      }),
    )
    const {ApiDestinationArn} = await this.eb.send(
      new CreateApiDestinationCommand({
        Name: uniqueName('dest'),
        ConnectionArn,
        InvocationEndpoint: endpoint,
        HttpMethod: (options.method ?? 'PUT') as 'PUT',
        InvocationRateLimitPerSecond: 300,
      }),
    )
    const detailType = uniqueName('type')
    await this.eb.send(
      new PutRuleCommand({Name: detailType, EventPattern: JSON.stringify({'detail-type': [detailType]})}),
    )
    const out = await this.eb.send(
      new PutTargetsCommand({
        Rule: detailType,
        Targets: [
          {
            Id: 't',
            Arn: ApiDestinationArn,
            RoleArn: ROLE_ARN,
            HttpParameters: options.http ?? {
              PathParameterValues: ['$.detail.cacheName'],
              QueryStringParameters: {key: '$.detail.key', ttl_seconds: '60'},
            },
            InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
            // The age limit is simulated time: at the test timeScale (0.001) a day is 86 real seconds.
            RetryPolicy: {MaximumRetryAttempts: RETRIES, MaximumEventAgeInSeconds: 86_400},
            DeadLetterConfig: {Arn: this.dlqArn},
          },
        ],
      }),
    )
    expect(out.FailedEntryCount).toBe(0)
    return detailType
  }

  async publish(detailType: string, detail: Record<string, unknown>): Promise<string> {
    const out = await this.eb.send(
      new PutEventsCommand({Entries: [{Source: 'test', DetailType: detailType, Detail: JSON.stringify(detail)}]}),
    )
    expect(out.FailedEntryCount).toBe(0)
    return out.Entries?.[0]?.EventId as string
  }

  /** The DLQ message attributes of an event, each checked to be of DataType String. */
  async deadLetter(eventId: string): Promise<Record<string, string>> {
    const message = await until(`DLQ message for ${eventId}`, async () => {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({QueueUrl: this.dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All']}),
      )
      const got = out.Messages ?? []
      for (const m of got) this.received.set((JSON.parse(m.Body as string) as {id: string}).id, m)
      if (got.length > 0) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.dlqUrl,
            Entries: got.map((m, i) => ({Id: String(i), ReceiptHandle: m.ReceiptHandle as string})),
          }),
        )
      }
      return this.received.get(eventId)
    })
    const attributes: Record<string, string> = {}
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      expect(value.DataType, name).toBe('String')
      attributes[name] = value.StringValue as string
    }
    return attributes
  }

  async deliveries(eventId: string): Promise<DeliveryView[]> {
    const response = await fetch(`${this.sandbox.endpoint}/_sandbox/deliveries?event=${eventId}`)
    return ((await response.json()) as {deliveries: DeliveryView[]}).deliveries
  }

  /** Statuses Momento answered for a cache, oldest first. */
  async momentoStatuses(cache: string): Promise<number[]> {
    const response = await fetch(`${this.sandbox.endpoint}/_sandbox/momento/requests`)
    const {requests} = (await response.json()) as {requests: MomentoRequestView[]}
    return requests.filter((r) => r.cache === cache).map((r) => r.status)
  }

  async fault(rule: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.sandbox.endpoint}/_sandbox/momento/faults`, {
      method: 'POST',
      body: JSON.stringify(rule),
    })
    expect(response.status).toBe(201)
  }

  async createCache(name: string): Promise<void> {
    const response = await fetch(`${this.sandbox.endpoint}/_sandbox/momento/caches`, {
      method: 'POST',
      body: JSON.stringify({name}),
    })
    expect(response.status).toBe(201)
  }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('API destination failures (failureDetail opaque)', () => {
  const bench = new Bench()
  let cacheSet: string

  beforeAll(async () => {
    await bench.start({failureDetail: 'opaque', apiDestinationTimeoutMs: TIMEOUT_MS})
    cacheSet = await bench.wire(`${bench.sandbox.endpoint}/cache/*`)
  })
  afterAll(async () => bench.stop())

  for (const status of [401, 407, 409]) {
    it(`retries a ${status} MaximumRetryAttempts times, then dead-letters it`, async () => {
      // Given a cache whose every call answers the status
      const cache = uniqueName(`c${status}`)
      await bench.createCache(cache)
      await bench.fault({status, cache})
      // When an event is delivered to it
      const eventId = await bench.publish(cacheSet, {cacheName: cache, key: 'k', message: 'm'})
      // Then EventBridge tried 1 + RETRIES times and gave up on MaximumRetryAttempts
      const attrs = await bench.deadLetter(eventId)
      expect(attrs).toMatchObject({EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: String(RETRIES)})
      expect(await bench.momentoStatuses(cache)).toEqual(Array(RETRIES + 1).fill(status))
      const attempts = await bench.deliveries(eventId)
      expect(attempts.map((d) => d.outcome)).toEqual(['retrying', 'retrying', 'dead-lettered'])
    })
  }

  it('retries a wrong API key (a real 401 from Momento) the same way', async () => {
    const cache = uniqueName('wrongkey')
    await bench.createCache(cache)
    const detailType = await bench.wire(`${bench.sandbox.endpoint}/cache/*`, {apiKey: 'not-the-momento-key-0000'})
    const eventId = await bench.publish(detailType, {cacheName: cache, key: 'k', message: 'm'})
    const attrs = await bench.deadLetter(eventId)
    expect(attrs).toMatchObject({EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: String(RETRIES)})
    expect(await bench.momentoStatuses(cache)).toEqual(Array(RETRIES + 1).fill(401))
    expect(JSON.stringify(attrs)).not.toContain('not-the-momento-key')
  })

  for (const status of [400, 403, 404]) {
    it(`dead-letters a ${status} at once: RETRY_ATTEMPTS 0 and no EXHAUSTED_RETRY_CONDITION`, async () => {
      const cache = uniqueName(`c${status}`)
      await bench.createCache(cache)
      await bench.fault({status, cache})
      const eventId = await bench.publish(cacheSet, {cacheName: cache, key: 'k', message: 'm'})
      const attrs = await bench.deadLetter(eventId)
      expect(attrs['RETRY_ATTEMPTS']).toBe('0')
      expect(attrs).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION')
      expect(await bench.momentoStatuses(cache)).toEqual([status])
    })
  }

  it('writes the real AWS code and text for a timeout, after the retries', async () => {
    const cache = uniqueName('slow')
    await bench.createCache(cache)
    await bench.fault({latencyMs: TIMEOUT_MS * 5, cache})
    const eventId = await bench.publish(cacheSet, {cacheName: cache, key: 'k', message: 'm'})
    const attrs = await bench.deadLetter(eventId)
    expect(attrs).toMatchObject({
      ERROR_CODE: 'UNKNOWN',
      ERROR_MESSAGE: TIMEOUT_TEXT,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: String(RETRIES),
    })
    expect(Object.keys(attrs).sort()).toEqual(
      ['ERROR_CODE', 'ERROR_MESSAGE', 'EXHAUSTED_RETRY_CONDITION', 'RETRY_ATTEMPTS', 'RULE_ARN', 'TARGET_ARN'].sort(),
    )
  })

  it('writes the real AWS code and text for an endpoint that refuses connections', async () => {
    const port = await closedPort()
    const detailType = await bench.wire(`http://127.0.0.1:${port}/cache/*`)
    const eventId = await bench.publish(detailType, {cacheName: 'x', key: 'k', message: 'm'})
    const attrs = await bench.deadLetter(eventId)
    expect(attrs).toMatchObject({
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: UNREACHABLE_TEXT,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: String(RETRIES),
    })
    // The sandbox's own log keeps the socket error.
    const [first] = await bench.deliveries(eventId)
    expect(first?.error?.detail).toMatch(/ECONNREFUSED/)
  })

  it('writes the same for a host name that does not resolve', async () => {
    const detailType = await bench.wire('http://no-such-host.invalid/cache/*')
    const eventId = await bench.publish(detailType, {cacheName: 'x', key: 'k', message: 'm'})
    const attrs = await bench.deadLetter(eventId)
    expect(attrs).toMatchObject({ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: UNREACHABLE_TEXT})
  })

  it('hides the status and body of a 404 and a 500, while the delivery log keeps them', async () => {
    // A 404 for a cache that does not exist, and an injected 500
    const missing = await bench.publish(cacheSet, {cacheName: uniqueName('missing'), key: 'k', message: 'm'})
    const cache = uniqueName('broken')
    await bench.createCache(cache)
    await bench.fault({status: 500, cache})
    const broken = await bench.publish(cacheSet, {cacheName: cache, key: 'k', message: 'm'})
    for (const [eventId, status, retries] of [
      [missing, 404, 0],
      [broken, 500, RETRIES],
    ] as const) {
      const attrs = await bench.deadLetter(eventId)
      expect(attrs['ERROR_CODE']).toBe('UNKNOWN')
      expect(attrs['ERROR_MESSAGE']).toBe('Unable to invoke ApiDestination endpoint: The endpoint returned an error.')
      expect(attrs['ERROR_MESSAGE']).not.toMatch(/\d/)
      expect(attrs['RETRY_ATTEMPTS']).toBe(String(retries))
      const last = (await bench.deliveries(eventId)).at(-1)
      expect(last?.response?.status).toBe(status)
      expect(last?.response?.body).toContain(`"status":${status}`)
    }
  })
})

describe('API destination failures (failureDetail detailed)', () => {
  const bench = new Bench()
  let cacheSet: string

  beforeAll(async () => {
    await bench.start({failureDetail: 'detailed', apiDestinationTimeoutMs: TIMEOUT_MS})
    cacheSet = await bench.wire(`${bench.sandbox.endpoint}/cache/*`)
  })
  afterAll(async () => bench.stop())

  it('names the status and quotes the body of a 404 and a 500', async () => {
    const missing = await bench.publish(cacheSet, {cacheName: uniqueName('missing'), key: 'k', message: 'm'})
    const cache = uniqueName('broken')
    await bench.createCache(cache)
    await bench.fault({status: 500, cache})
    const broken = await bench.publish(cacheSet, {cacheName: cache, key: 'k', message: 'm'})
    const notFound = await bench.deadLetter(missing)
    expect(notFound).toMatchObject({ERROR_CODE: 'ERROR_FROM_TARGET', RETRY_ATTEMPTS: '0'})
    expect(notFound['ERROR_MESSAGE']).toMatch(
      /^API destination endpoint returned HTTP 404 \(Not Found\): \{.*"status":404/,
    )
    expect(notFound).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION')
    const serverError = await bench.deadLetter(broken)
    expect(serverError).toMatchObject({
      ERROR_CODE: 'ERROR_FROM_TARGET',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: String(RETRIES),
    })
    expect(serverError['ERROR_MESSAGE']).toMatch(
      /^API destination endpoint returned HTTP 500 \(Internal Server Error\)/,
    )
  })

  it('still writes the real AWS texts for timeouts and unreachable endpoints', async () => {
    const cache = uniqueName('slow')
    await bench.createCache(cache)
    await bench.fault({latencyMs: TIMEOUT_MS * 5, cache})
    const slow = await bench.publish(cacheSet, {cacheName: cache, key: 'k', message: 'm'})
    const detailType = await bench.wire(`http://127.0.0.1:${await closedPort()}/cache/*`)
    const refused = await bench.publish(detailType, {cacheName: 'x', key: 'k', message: 'm'})
    expect(await bench.deadLetter(slow)).toMatchObject({ERROR_CODE: 'UNKNOWN', ERROR_MESSAGE: TIMEOUT_TEXT})
    expect(await bench.deadLetter(refused)).toMatchObject({
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: UNREACHABLE_TEXT,
    })
  })
})

describe('failure-detail route', () => {
  const bench = new Bench()
  const route = (): string => `${bench.sandbox.endpoint}/_sandbox/pipeline/failure-detail`

  beforeAll(async () => bench.start({}))
  afterAll(async () => bench.stop())

  it('reads the mode and changes it at run time', async () => {
    // startTestSandbox pins detailed for the older suites; a bare state defaults to opaque
    expect((await (await fetch(route())).json()) as unknown).toEqual({failureDetail: 'detailed'})
    const put = await fetch(route(), {method: 'PUT', body: JSON.stringify({failureDetail: 'opaque'})})
    expect(put.status).toBe(200)
    expect(await put.json()).toEqual({failureDetail: 'opaque'})
    // The change applies to the next failure
    const cacheSet = await bench.wire(`${bench.sandbox.endpoint}/cache/*`)
    const eventId = await bench.publish(cacheSet, {cacheName: uniqueName('missing'), key: 'k', message: 'm'})
    expect((await bench.deadLetter(eventId))['ERROR_CODE']).toBe('UNKNOWN')
    // A bare word works too (curl -X PUT -d detailed)
    const text = await fetch(route(), {method: 'PUT', body: 'detailed'})
    expect(await text.json()).toEqual({failureDetail: 'detailed'})
    expect(bench.sandbox.state.options.failureDetail).toBe('detailed')
  })

  it('refuses an unknown mode and other methods, saying what to send', async () => {
    const bad = await fetch(route(), {method: 'PUT', body: JSON.stringify({failureDetail: 'verbose'})})
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as {message: string}).message).toMatch(/opaque.*detailed/)
    const post = await fetch(route(), {method: 'DELETE'})
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, PUT')
  })
})

describe('headers sent to the endpoint', () => {
  const bench = new Bench()
  let server: Server
  let endpoint: string
  /** Requests the endpoint received, by the event's `detail.n`. */
  const seen = new Map<string, {headers: IncomingHttpHeaders; body: string}>()

  beforeAll(async () => {
    await bench.start({failureDetail: 'opaque'})
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x')
        const n = url.searchParams.get('n') ?? ''
        seen.set(n, {headers: req.headers, body: Buffer.concat(chunks).toString('utf8')})
        if (url.pathname === '/gzip') {
          // An endpoint that takes Accept-Encoding at its word
          res.writeHead(400, {'content-encoding': 'gzip', 'content-type': 'application/json'})
          res.end(gzipSync(JSON.stringify({status: 400, title: 'Zipped Error'})))
          return
        }
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  })
  afterAll(async () => {
    await bench.stop()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  async function deliver(
    options: {http?: HttpParameters; connectionHttp?: ConnectionHttpParameters} = {},
  ): Promise<{headers: IncomingHttpHeaders; body: string; logged: Record<string, string>}> {
    const n = uniqueName('n')
    const http = {...options.http, QueryStringParameters: {n: '$.detail.n'}}
    const detailType = await bench.wire(endpoint, {...options, method: 'POST', http})
    const eventId = await bench.publish(detailType, {n, message: 'hi'})
    const got = await until('the request at the endpoint', async () => seen.get(n))
    const logged = await until('the delivered record', async () => {
      const record = (await bench.deliveries(eventId)).find((d) => d.outcome === 'delivered')
      return record?.request?.headers
    })
    return {...got, logged}
  }

  it('sends the fixed EventBridge headers and the default Content-Type', async () => {
    const {headers, body, logged} = await deliver()
    expect(headers).toMatchObject({
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      'content-type': 'application/json; charset=utf-8',
      range: 'bytes=0-1048575',
      'accept-encoding': 'gzip,deflate',
      authorization: TEST_API_KEY,
    })
    expect(body).toBe('"hi"')
    // The log shows the request as AWS sends it, Connection: close included (see pipeline.ts).
    expect(logged).toMatchObject({
      'User-Agent': 'Amazon/EventBridge/ApiDestinations',
      'Content-Type': 'application/json; charset=utf-8',
      Range: 'bytes=0-1048575',
      'Accept-Encoding': 'gzip,deflate',
      Connection: 'close',
      Authorization: 'REDACTED',
    })
  })

  it('lets a Content-Type header parameter on the target win over the default', async () => {
    const {headers, logged} = await deliver({http: {HeaderParameters: {'Content-Type': 'text/plain'}}})
    expect(headers['content-type']).toBe('text/plain')
    expect(logged['Content-Type']).toBe('text/plain')
    expect(headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations')
  })

  it('lets a Content-Type header parameter on the connection win over the default', async () => {
    const {headers} = await deliver({
      connectionHttp: {HeaderParameters: [{Key: 'content-type', Value: 'text/plain; charset=utf-8'}]},
    })
    expect(headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  it('keeps the other fixed headers whatever the target says', async () => {
    const {headers} = await deliver({http: {HeaderParameters: {'User-Agent': 'mine', Range: 'bytes=0-1'}}})
    expect(headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations')
    expect(headers['range']).toBe('bytes=0-1048575')
  })

  it('decodes a gzip-compressed error answer for the delivery log and the detailed DLQ text', async () => {
    await fetch(`${bench.sandbox.endpoint}/_sandbox/pipeline/failure-detail`, {method: 'PUT', body: 'detailed'})
    try {
      const detailType = await bench.wire(endpoint.replace(/\/hook$/, '/gzip'), {
        method: 'POST',
        http: {QueryStringParameters: {n: '$.detail.n'}},
      })
      const eventId = await bench.publish(detailType, {n: uniqueName('n'), message: 'hi'})
      const attrs = await bench.deadLetter(eventId)
      expect(attrs['ERROR_MESSAGE']).toContain('"title":"Zipped Error"')
      const [record] = await bench.deliveries(eventId)
      expect(record?.response).toEqual({status: 400, body: '{"status":400,"title":"Zipped Error"}'})
    } finally {
      await fetch(`${bench.sandbox.endpoint}/_sandbox/pipeline/failure-detail`, {method: 'PUT', body: 'opaque'})
    }
  })

  it('publishes to a Momento topic with a text/plain header parameter', async () => {
    await bench.createCache('news')
    const detailType = await bench.wire(`${bench.sandbox.endpoint}/topics/*/*`, {
      method: 'POST',
      http: {
        PathParameterValues: ['$.detail.cacheName', '$.detail.topicName'],
        HeaderParameters: {'Content-Type': 'text/plain'},
      },
    })
    await bench.publish(detailType, {cacheName: 'news', topicName: 't', message: 'extra'})
    const messages = await until('the topic message', async () => {
      const response = await fetch(`${bench.sandbox.endpoint}/_sandbox/momento/topics/news/t`)
      const view = (await response.json()) as {messages: {text?: string}[]}
      return view.messages.length > 0 ? view.messages : undefined
    })
    expect(messages.map((m) => m.text)).toEqual(['"extra"'])
  })
})
