/**
 * Protocol fuzzing of the sandbox: thousands of malformed requests across every service, from a
 * seeded generator (so a failure replays). The server must answer each with a well-formed error in
 * the service's own shape, never a 5xx, never a hang, and keep serving real clients afterwards.
 */
import {Agent, request} from 'node:http'
import {connect} from 'node:net'

import {EventBridgeClient, ListEventBusesCommand} from '@aws-sdk/client-eventbridge'
import {ListQueuesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {prng} from '../helpers/prng.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

const FIELDS = [
  'Name',
  'EventBusName',
  'Entries',
  'Source',
  'DetailType',
  'Detail',
  'Time',
  'Resources',
  'Rule',
  'Targets',
  'Ids',
  'EventPattern',
  'Event',
  'State',
  'Arn',
  'RoleArn',
  'HttpParameters',
  'InputTransformer',
  'RetryPolicy',
  'DeadLetterConfig',
  'ConnectionArn',
  'AuthorizationType',
  'AuthParameters',
  'InvocationEndpoint',
  'HttpMethod',
  'InvocationRateLimitPerSecond',
  'QueueName',
  'QueueUrl',
  'Attributes',
  'AttributeNames',
  'MessageBody',
  'MessageAttributes',
  'ReceiptHandle',
  'VisibilityTimeout',
  'WaitTimeSeconds',
  'MaxNumberOfMessages',
  'DelaySeconds',
  'Id',
  'SecretId',
  'SecretString',
  'SecretBinary',
  'VersionId',
  'VersionStage',
  'RecoveryWindowInDays',
  'NextToken',
  'Limit',
  'MaxResults',
]

const TARGETS = [
  ...[
    'PutEvents',
    'DescribeEventBus',
    'CreateEventBus',
    'DeleteEventBus',
    'ListEventBuses',
    'PutRule',
    'DescribeRule',
    'ListRules',
    'DeleteRule',
    'EnableRule',
    'DisableRule',
    'PutTargets',
    'RemoveTargets',
    'ListTargetsByRule',
    'CreateConnection',
    'DescribeConnection',
    'UpdateConnection',
    'DeleteConnection',
    'ListConnections',
    'CreateApiDestination',
    'DescribeApiDestination',
    'UpdateApiDestination',
    'DeleteApiDestination',
    'ListApiDestinations',
    'TestEventPattern',
    'Bogus',
  ].map((op) => `AWSEvents.${op}`),
  ...[
    'CreateQueue',
    'GetQueueUrl',
    'ListQueues',
    'DeleteQueue',
    'GetQueueAttributes',
    'SetQueueAttributes',
    'SendMessage',
    'SendMessageBatch',
    'ReceiveMessage',
    'DeleteMessage',
    'DeleteMessageBatch',
    'ChangeMessageVisibility',
    'ChangeMessageVisibilityBatch',
    'PurgeQueue',
    'Bogus',
  ].map((op) => `AmazonSQS.${op}`),
  ...[
    'CreateSecret',
    'GetSecretValue',
    'DescribeSecret',
    'PutSecretValue',
    'UpdateSecret',
    'DeleteSecret',
    'Bogus',
  ].map((op) => `secretsmanager.${op}`),
  ...[
    'PutMetricData',
    'GetMetricData',
    'ListMetrics',
    'PutMetricAlarm',
    'DescribeAlarms',
    'DeleteAlarms',
    'SetAlarmState',
    'DescribeAlarmHistory',
    'Bogus',
  ].map((op) => `GraniteServiceVersion20100801.${op}`),
  'Unknown.Op',
  '',
  '.',
  'AWSEvents.',
]

const ACTIONS: Array<[string, string]> = [
  ['GetCallerIdentity', '2011-06-15'],
  ['AssumeRole', '2011-06-15'],
  ['CreateQueue', '2012-11-05'],
  ['SendMessage', '2012-11-05'],
  ['ReceiveMessage', '2012-11-05'],
  ['DeleteMessageBatch', '2012-11-05'],
  ['SetQueueAttributes', '2012-11-05'],
  ['SendMessageBatch', '2012-11-05'],
  ['DescribeStacks', '2010-05-15'],
  ['CreateChangeSet', '2010-05-15'],
  ['Bogus', '2012-11-05'],
  ['GetCallerIdentity', ''],
]

type Gen = () => number

function pick<T>(rand: Gen, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T
}

function randomString(rand: Gen): string {
  const kinds = [
    () => '',
    () => 'x'.repeat(Math.floor(rand() * 300)),
    () => 'arn:aws:events:us-east-1:000000000000:rule/' + Math.floor(rand() * 1e6),
    () => 'http://127.0.0.1:1/000000000000/q' + Math.floor(rand() * 10),
    () => '\u0000\u0001\uFFFF\uD800',
    () => '{"detail-type":["cacheSet"]}',
    () => '%%%%',
    () => '💥'.repeat(5),
    () => String(Math.floor(rand() * 1e9)),
    () => 'default',
  ]
  return pick(rand, kinds)()
}

function randomValue(rand: Gen, depth = 0): unknown {
  const r = rand()
  if (depth > 3 || r < 0.3) return randomString(rand)
  if (r < 0.4) return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1)
  if (r < 0.45) return rand() < 0.5
  if (r < 0.5) return null
  if (r < 0.7) return Array.from({length: Math.floor(rand() * 12)}, () => randomValue(rand, depth + 1))
  return randomObject(rand, depth + 1)
}

function randomObject(rand: Gen, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  const count = Math.floor(rand() * 6)
  for (let i = 0; i < count; i++)
    object[rand() < 0.8 ? pick(rand, FIELDS) : randomString(rand)] = randomValue(rand, depth)
  return object
}

function randomJsonBody(rand: Gen): string | Buffer {
  const r = rand()
  if (r < 0.05) return ''
  if (r < 0.1) return '{'
  if (r < 0.15) return '[1,2,3]'
  if (r < 0.2) return '"text"'
  if (r < 0.25) return Buffer.from([0xff, 0xfe, 0x00, 0x7b])
  if (r < 0.3) return JSON.stringify(randomObject(rand)).slice(0, -1)
  return JSON.stringify(randomObject(rand))
}

function randomQueryBody(rand: Gen): string {
  const [action, version] = pick(rand, ACTIONS)
  const params = new URLSearchParams()
  if (rand() < 0.95) params.set('Action', action)
  if (version && rand() < 0.9) params.set('Version', version)
  const count = Math.floor(rand() * 8)
  for (let i = 0; i < count; i++) {
    const base = pick(rand, FIELDS)
    const key = rand() < 0.5 ? `${base}.${Math.floor(rand() * 12)}${rand() < 0.5 ? '.Name' : ''}` : base
    params.append(key, randomString(rand))
  }
  let body = params.toString()
  if (rand() < 0.05) body += '&%zz=%'
  return body
}

interface Answer {
  status: number
  contentType: string
  body: string
}

/**
 * One request over node:http with a kept-alive connection (fetch cost about twice the CPU a request,
 * thousands of times here), answering as a client sees it: status, Content-Type, body.
 */
function send(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD'
    const req = request(
      `${endpoint}${path}`,
      {
        method,
        headers: withBody ? {...headers, 'content-length': String(Buffer.byteLength(body))} : headers,
        agent: keepAlive,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer in 10 s: ${method} ${path}`)))
    req.on('error', reject)
    req.end(withBody ? body : undefined)
  })
}

const keepAlive = new Agent({keepAlive: true, maxSockets: 4})

/**
 * One request on a bare socket: `head` as given, then `bytes` of body (chunk-framed when `chunked`),
 * then either the end of the body, a half-close (`end`) or a reset (`destroy`) in its middle.
 * Resolves with the status line's code (undefined when the server closed without one); `hung` when
 * nothing happened for 10 s.
 */
function rawExchange(
  port: number,
  head: string,
  body: {bytes: number; chunked: boolean; cut: 'none' | 'end' | 'destroy'} = {bytes: 0, chunked: false, cut: 'none'},
): Promise<{status: number | undefined; text: string; hung: boolean}> {
  return new Promise((resolve) => {
    let text = ''
    let hung = false
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head)
      const data = Buffer.alloc(body.bytes, 'a')
      if (body.chunked) {
        for (let at = 0; at < data.length; at += 64 * 1024) {
          const part = data.subarray(at, at + 64 * 1024)
          socket.write(`${part.length.toString(16)}\r\n`)
          socket.write(part)
          socket.write('\r\n')
        }
      } else if (data.length > 0) {
        socket.write(data)
      }
      if (body.cut === 'destroy') socket.destroy()
      else if (body.cut === 'end') socket.end()
      else if (body.chunked) socket.write('0\r\n\r\n')
    })
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      // One answer is all this needs: a complete head with a body we don't wait for.
      if (/\r\n\r\n/.test(text) && body.cut === 'none') socket.end()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      const code = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]
      resolve({status: code === undefined ? undefined : Number(code), text, hung})
    })
    socket.setTimeout(10_000, () => {
      hung = true
      socket.destroy()
    })
  })
}

const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=00'

describe('sandbox protocol fuzzing', () => {
  let sandbox: RunningSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['fuzz']})
  })
  afterAll(async () => {
    keepAlive.destroy()
    await sandbox.close()
  })

  it('answers 2,000 malformed JSON-protocol requests with JSON errors, never a 5xx', async () => {
    const rand = prng(1)
    const failures: string[] = []
    let errors = 0
    for (let i = 0; i < 2000; i++) {
      const target = pick(rand, TARGETS)
      const version = target.startsWith('AmazonSQS') ? '1.0' : '1.1'
      const body = randomJsonBody(rand)
      const answer = await send(
        sandbox.endpoint,
        'POST',
        '/',
        {'x-amz-target': target, 'content-type': `application/x-amz-json-${version}`, authorization: AUTH},
        body,
      )
      let parsed: unknown
      try {
        parsed = JSON.parse(answer.body)
      } catch {
        parsed = undefined
      }
      const errorShape =
        answer.status < 400 ||
        (typeof parsed === 'object' && parsed !== null && '__type' in parsed && 'message' in parsed)
      if (answer.status >= 400) errors++
      if (answer.status >= 500 || parsed === undefined || !errorShape) {
        failures.push(`#${i} ${target} ${String(body).slice(0, 120)} → ${answer.status} ${answer.body.slice(0, 200)}`)
      }
    }
    expect(failures.slice(0, 5)).toEqual([])
    // The generator must mostly hit error paths, or this test proves little.
    expect(errors).toBeGreaterThan(1500)
  })

  it('answers 1,000 malformed query-protocol requests with XML, never a 5xx', async () => {
    const rand = prng(2)
    const failures: string[] = []
    let errors = 0
    for (let i = 0; i < 1000; i++) {
      const body = randomQueryBody(rand)
      const get = rand() < 0.2
      const path = rand() < 0.3 ? '/000000000000/some-queue' : '/'
      const answer = get
        ? await send(sandbox.endpoint, 'GET', `${path}?${body}`, {authorization: AUTH})
        : await send(
            sandbox.endpoint,
            'POST',
            path,
            {'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: AUTH},
            body,
          )
      if (answer.status >= 400) errors++
      const wellFormed = answer.body.startsWith('<?xml') || answer.contentType.includes('json')
      if (answer.status >= 500 || !wellFormed)
        failures.push(`#${i} ${body.slice(0, 160)} → ${answer.status} ${answer.body.slice(0, 200)}`)
    }
    expect(failures.slice(0, 5)).toEqual([])
    expect(errors).toBeGreaterThan(500)
  })

  it('answers 1,000 malformed Momento requests with JSON error bodies, never a 5xx', async () => {
    const rand = prng(3)
    const failures: string[] = []
    let errors = 0
    const paths = [
      '/cache/fuzz',
      '/cache/',
      '/cache/missing',
      '/topics/fuzz/t',
      '/topics/fuzz',
      '/topics//',
      '/cache/%ZZ',
    ]
    for (let i = 0; i < 1000; i++) {
      const query = new URLSearchParams()
      for (const key of ['key', 'key_base64', 'ttl_seconds', 'token', 'sequence_number']) {
        if (rand() < 0.4) query.set(key, randomString(rand))
      }
      const raw = rand() < 0.1 ? '&key=%E0%A4%A&ttl_seconds=%' : ''
      const headers: Record<string, string> = {}
      if (rand() < 0.7)
        headers['authorization'] = rand() < 0.7 ? TEST_API_KEY : randomString(rand).replace(/[^\x20-\x7e]/g, '')
      if (rand() < 0.5)
        headers['content-type'] = pick(rand, ['text/plain', 'application/octet-stream', 'application/json', 'x/y'])
      const method = pick(rand, ['GET', 'PUT', 'DELETE', 'POST', 'PATCH'])
      const path = `${pick(rand, paths)}?${query.toString()}${raw}`
      // A long-poll subscribe with a valid key would wait its full time: keep sequence numbers in the past.
      const safePath = method === 'GET' && path.startsWith('/topics') ? `${path}&sequence_number=0` : path
      const answer = await send(sandbox.endpoint, method, safePath, headers, randomString(rand))
      let parsed: unknown
      try {
        parsed = answer.body === '' ? {} : JSON.parse(answer.body)
      } catch {
        parsed = undefined
      }
      if (answer.status >= 400) errors++
      const ok =
        answer.status < 400 ||
        (typeof parsed === 'object' && parsed !== null && 'status' in parsed && 'title' in parsed)
      if (answer.status >= 500 || !ok)
        failures.push(`#${i} ${method} ${safePath} → ${answer.status} ${answer.body.slice(0, 200)}`)
    }
    expect(failures.slice(0, 5)).toEqual([])
    expect(errors).toBeGreaterThan(700)
  })

  it('survives garbage on the socket and oversized bodies', async () => {
    const rand = prng(4)
    const url = new URL(sandbox.endpoint)
    for (let i = 0; i < 50; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          const junk = Buffer.from(Array.from({length: 1 + Math.floor(rand() * 400)}, () => Math.floor(rand() * 256)))
          socket.end(
            rand() < 0.5
              ? junk
              : Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n'), junk]),
          )
        })
        socket.on('error', () => resolve())
        socket.on('close', () => resolve())
        socket.resume()
        socket.setTimeout(5000, () => socket.destroy())
      })
    }
    const big = await send(
      sandbox.endpoint,
      'POST',
      '/',
      {'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1'},
      'x'.repeat(17 * 1024 * 1024),
    ).catch((error: unknown) => ({status: 0, contentType: '', body: String(error)}))
    expect([413, 0]).toContain(big.status)
  })

  it('answers 600 requests with random Host, Origin and Sec-Fetch headers: 403 exactly when it must, never a 5xx', async () => {
    const rand = prng(5)
    const port = sandbox.port
    const goodHosts = [`127.0.0.1:${port}`, `localhost:${port}`, '127.3.2.1', `[::1]:${port}`, 'LocalHost.', '127.1']
    const badHosts = [
      'evil.example',
      `evil.example:${port}`,
      'localhost.evil.example',
      'a@b',
      'x.1',
      '[',
      '[::2]',
      ':80',
    ]
    const browsers: Array<Record<string, string>> = [
      {origin: 'https://evil.example'},
      {origin: 'null'},
      {'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors'},
      {'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors'},
      {'sec-fetch-site': 'same-origin'},
      {'sec-fetch-mode': 'no-cors'},
    ]
    const benign: Array<Record<string, string>> = [
      {},
      {'sec-fetch-mode': 'cors'},
      {'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate'},
      {'user-agent': 'aws-cli/1.45 Python/3.11'},
    ]
    const routes: Array<{method: string; path: string; headers: Record<string, string>; body?: string}> = [
      {method: 'GET', path: '/_sandbox/info?include=apiKey', headers: {}},
      {method: 'GET', path: '/_sandbox/momento/caches', headers: {}},
      {
        method: 'POST',
        path: '/',
        headers: {
          'x-amz-target': 'AWSEvents.ListEventBuses',
          'content-type': 'application/x-amz-json-1.1',
          authorization: AUTH,
        },
        body: '{}',
      },
      {
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: AUTH.replace('/events/', '/sqs/'),
        },
        body: 'Action=ListQueues&Version=2012-11-05',
      },
      {method: 'GET', path: '/?Action=GetCallerIdentity&Version=2011-06-15', headers: {}},
      {method: 'GET', path: '/cache/fuzz?key=k', headers: {authorization: TEST_API_KEY}},
      {method: 'GET', path: '//x:99999', headers: {}},
      {method: 'GET', path: '/%zz/%', headers: {}},
    ]
    const failures: string[] = []
    let refused = 0
    for (let i = 0; i < 600; i++) {
      const hostIsBad = rand() < 0.3
      const isBrowser = rand() < 0.3
      const host = pick(rand, hostIsBad ? badHosts : goodHosts)
      const extra = pick(rand, isBrowser ? browsers : benign)
      const route = pick(rand, routes)
      const head = Object.entries({...route.headers, ...extra, host})
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')
      const body = route.body ?? ''
      const answer = await rawExchange(
        port,
        `${route.method} ${route.path} HTTP/1.1\r\n${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
      const status = answer.status ?? 0
      const mustRefuse = hostIsBad || isBrowser
      if (mustRefuse) refused++
      if (
        status >= 500 ||
        status === 0 ||
        (mustRefuse && status !== 403) ||
        (!mustRefuse && status === 403) ||
        (mustRefuse && answer.text.includes(TEST_API_KEY))
      ) {
        failures.push(`#${i} ${route.method} ${route.path} host=${host} ${JSON.stringify(extra)} → ${status}`)
      }
    }
    expect(failures.slice(0, 5)).toEqual([])
    expect(refused).toBeGreaterThan(200)
  })

  it('answers 300 bodies around every limit (declared, streamed, cut short) with no 5xx, no hang, and frees every buffer', async () => {
    const lines: string[] = []
    // A 300 KiB ceiling keeps the data small; the per-route limits below it work as in the default sandbox.
    const small = await startTestSandbox({caches: ['fuzz'], maxBodyBytes: 300 * 1024, log: (l) => lines.push(l)})
    const rand = prng(6)
    const routes: Array<{head: string; limit: number}> = [
      {
        head: 'POST / HTTP/1.1\r\nx-amz-target: AWSEvents.PutEvents\r\ncontent-type: application/x-amz-json-1.1\r\n',
        limit: 300 * 1024,
      },
      {
        head: 'POST / HTTP/1.1\r\nx-amz-target: AmazonSQS.SendMessage\r\ncontent-type: application/x-amz-json-1.0\r\n',
        limit: 300 * 1024,
      },
      {
        head: `POST / HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded\r\nauthorization: ${AUTH.replace('/events/', '/sts/')}\r\n`,
        limit: 64 * 1024,
      },
      {head: 'POST / HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded\r\n', limit: 300 * 1024},
      {head: `PUT /cache/fuzz?key=k HTTP/1.1\r\nauthorization: ${TEST_API_KEY}\r\n`, limit: 300 * 1024},
      {
        head: `POST /topics/fuzz/t HTTP/1.1\r\nauthorization: ${TEST_API_KEY}\r\ncontent-type: text/plain\r\n`,
        limit: 64 * 1024,
      },
      {head: 'POST /_sandbox/momento/faults HTTP/1.1\r\ncontent-type: application/json\r\n', limit: 64 * 1024},
    ]
    const failures: string[] = []
    const statuses = new Map<number, number>()
    for (let i = 0; i < 300; i++) {
      const route = pick(rand, routes)
      const size = pick(rand, [0, 1, route.limit - 1, route.limit, route.limit + 1, 2 * route.limit])
      const declared = rand() < 0.2 ? 16 * 1024 * 1024 : size
      const chunked = rand() < 0.3
      const cut = pick(rand, ['none', 'none', 'end', 'destroy'] as const)
      const sent = cut === 'none' ? size : Math.floor(size * rand())
      const framing = chunked ? 'transfer-encoding: chunked\r\n' : `content-length: ${declared}\r\n`
      const answer = await rawExchange(small.port, `${route.head}host: 127.0.0.1\r\n${framing}\r\n`, {
        bytes: sent,
        chunked,
        cut: cut === 'none' && declared !== size && !chunked ? 'end' : cut,
      })
      const status = answer.status ?? 0
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      const over = (chunked ? sent : declared) > route.limit
      if (answer.hung || status >= 500 || (over && status !== 0 && status !== 413))
        failures.push(
          `#${i} ${route.head.split('\r\n')[0]} declared=${declared} sent=${sent} chunked=${chunked} cut=${cut} → ${status}${answer.hung ? ' (hung)' : ''}`,
        )
    }
    expect(failures.slice(0, 5)).toEqual([])
    expect(statuses.get(413) ?? 0).toBeGreaterThan(50)
    await expect.poll(() => small.bufferedBodyBytes(), {timeout: 5000}).toBe(0)
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
    await small.close()
  })

  it('still serves real SDK clients afterwards', async () => {
    const eb = new EventBridgeClient(clientConfig(sandbox))
    const sqs = new SQSClient(clientConfig(sandbox))
    const buses = await eb.send(new ListEventBusesCommand({}))
    expect(buses.EventBuses?.some((b) => b.Name === 'default')).toBe(true)
    await sqs.send(new ListQueuesCommand({}))
    eb.destroy()
    sqs.destroy()
  })
})
