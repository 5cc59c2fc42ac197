/**
 * Protocol fuzzing of the sandbox: thousands of malformed requests across every service, from a
 * seeded generator (so a failure replays). The server must answer each with a well-formed error in
 * the service's own shape, never a 5xx, never a hang, and keep serving real clients afterwards.
 */
import {connect} from 'node:net'

import {EventBridgeClient, ListEventBusesCommand} from '@aws-sdk/client-eventbridge'
import {ListQueuesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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

async function send(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Answer> {
  const res = await fetch(`${endpoint}${path}`, {
    method,
    headers,
    ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : {body}),
    signal: AbortSignal.timeout(10_000),
  })
  return {status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text()}
}

const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=00'

describe('sandbox protocol fuzzing', () => {
  let sandbox: RunningSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['fuzz']})
  })
  afterAll(async () => sandbox.close())

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
