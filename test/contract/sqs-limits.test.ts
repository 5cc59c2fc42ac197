/**
 * SQS's real limits in the sandbox: the in-flight quota of a standard queue (OverLimit to a short
 * poll, an empty answer to a long poll) and 1–10 messages a receive, through the real SDK client,
 * the query protocol and the real AWS CLIs; and the added AWS latency (`latency`, `/_sandbox/latency`).
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ListQueuesCommand,
  OverLimit,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {findClis, isolatedCliEnv} from '../helpers/aws-cli.js'
import {clientConfig, failure, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const run = promisify(execFile)
const LIMIT = 25

/** Every distinct AWS CLI (the pyenv v1 speaks JSON, the distro v2.9 the query protocol). */
const clis = (await findClis()).map((cli) => cli.path)

describe('SQS in-flight quota and receive size', () => {
  let sandbox: RunningSandbox
  let sqs: SQSClient
  let home: string

  beforeAll(async () => {
    sandbox = await startTestSandbox({sqsMaxInFlight: LIMIT})
    sqs = new SQSClient(clientConfig(sandbox))
    home = mkdtempSync(join(tmpdir(), 'sqs-limits-'))
  })
  afterAll(async () => {
    sqs.destroy()
    await sandbox.close()
    rmSync(home, {recursive: true, force: true})
  })

  /** A queue holding `count` messages, all received (in flight) but `leave`. */
  async function queueInFlight(count: number, leave = 0): Promise<{url: string; handles: string[]}> {
    const {QueueUrl: url = ''} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('limit')}))
    for (let i = 0; i < count; i += 10) {
      const entries = Array.from({length: Math.min(10, count - i)}, (_, j) => ({
        Id: `m${j}`,
        MessageBody: `m-${i + j}`,
      }))
      await sqs.send(new SendMessageBatchCommand({QueueUrl: url, Entries: entries}))
    }
    const handles: string[] = []
    while (handles.length < count - leave) {
      const max = Math.min(10, count - leave - handles.length)
      const got = await sqs.send(
        new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: max, VisibilityTimeout: 600}),
      )
      for (const message of got.Messages ?? []) handles.push(message.ReceiptHandle ?? '')
    }
    return {url, handles}
  }

  it('a short poll at the quota fails with OverLimit (403), as the SDK models it', async () => {
    const {url, handles} = await queueInFlight(LIMIT + 5, 5)
    expect(handles).toHaveLength(LIMIT)
    const error = await failure(sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10})))
    expect(error).toBeInstanceOf(OverLimit)
    expect(error.name).toBe('OverLimit')
    expect(error.$metadata?.httpStatusCode).toBe(403)
    expect((error as unknown as {Code?: string}).Code).toBe('OverLimit')
    expect(error.message).toContain(`limit of ${LIMIT} in-flight messages`)

    // One delete frees one place: the next receive gets exactly one of the 5 waiting messages.
    await sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: handles[0]}))
    const one = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
    expect(one.Messages).toHaveLength(1)
    await expect(sqs.send(new ReceiveMessageCommand({QueueUrl: url}))).rejects.toBeInstanceOf(OverLimit)
  })

  it('a receive just below the quota gets only what fits', async () => {
    const {url} = await queueInFlight(LIMIT + 10, 10 + 3)
    const got = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
    expect(got.Messages).toHaveLength(3)
  })

  it('a long poll at the quota returns no error: it ends empty, or gets a message once one is deleted', async () => {
    const {url, handles} = await queueInFlight(LIMIT + 2, 2)
    const started = Date.now()
    const empty = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 1}))
    expect(empty.Messages).toBeUndefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)

    const waiting = sqs.send(new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 10, MaxNumberOfMessages: 10}))
    await new Promise((resolve) => setTimeout(resolve, 100))
    await sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: handles[0]}))
    const woke = await waiting
    expect(woke.Messages).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(8_000)
  })

  it('MaxNumberOfMessages outside 1..10 is InvalidParameterValue; a receive never returns more than 10', async () => {
    const {QueueUrl: url = ''} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('max')}))
    for (let i = 0; i < 2; i++) {
      const entries = Array.from({length: 10}, (_, j) => ({Id: `m${j}`, MessageBody: `b${i}${j}`}))
      await sqs.send(new SendMessageBatchCommand({QueueUrl: url, Entries: entries}))
    }
    for (const bad of [0, 11]) {
      const error = await failure(sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: bad})))
      // JS v3 names the error by the legacy code of x-amzn-query-error.
      expect(error.name).toBe('InvalidParameterValue')
      expect(error.$metadata?.httpStatusCode).toBe(400)
    }
    const got = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
    expect(got.Messages).toHaveLength(10)
  })

  it('the query protocol answers OverLimit as XML with HTTP 403, unprefixed', async () => {
    const {url} = await queueInFlight(LIMIT + 1, 1)
    const res = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDQUERY/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({Version: '2012-11-05', Action: 'ReceiveMessage', QueueUrl: url}).toString(),
    })
    const text = await res.text()
    expect(res.status).toBe(403)
    expect(text).toContain('<Error><Type>Sender</Type><Code>OverLimit</Code><Message>')
    const json = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage'},
      body: JSON.stringify({QueueUrl: url}),
    })
    expect(json.status).toBe(403)
    expect(json.headers.get('x-amzn-query-error')).toBe('OverLimit;Sender')
    expect(((await json.json()) as {__type: string}).__type).toBe('com.amazonaws.sqs#OverLimit')
  })

  it.skipIf(clis.length === 0).each(clis)(
    'the AWS CLI at %s reports (OverLimit) and fails',
    {timeout: 120_000},
    async (path) => {
      const {url} = await queueInFlight(LIMIT + 1, 1)
      const env = isolatedCliEnv(home, {AWS_MAX_ATTEMPTS: '1'})
      const argv = [
        '--endpoint-url',
        sandbox.endpoint,
        '--region',
        'us-east-1',
        'sqs',
        'receive-message',
        '--queue-url',
        url,
      ]
      const failed = await run(path, argv, {env, timeout: 60_000}).then(
        () => ({code: 0, stderr: ''}),
        (error: {code?: number; stderr?: string}) => ({code: error.code ?? -1, stderr: error.stderr ?? ''}),
      )
      expect(failed.code).not.toBe(0)
      expect(failed.stderr).toContain('An error occurred (OverLimit) when calling the ReceiveMessage operation')
      expect(failed.stderr).toContain(`limit of ${LIMIT} in-flight messages`)
    },
  )
})

describe('added AWS latency', () => {
  let sandbox: RunningSandbox
  let sqs: SQSClient

  beforeAll(async () => {
    sandbox = await startTestSandbox({latency: {sqs: {meanMs: 150, jitterMs: 20}, events: {meanMs: 20, jitterMs: 5}}})
    sqs = new SQSClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    sqs.destroy()
    await sandbox.close()
  })

  const route = async (method = 'GET', body?: string) => {
    const res = await fetch(`${sandbox.endpoint}/_sandbox/latency`, {method, ...(body === undefined ? {} : {body})})
    return {status: res.status, json: (await res.json()) as {latency: unknown; spec: string; message?: string}}
  }
  const timed = async (): Promise<number> => {
    const started = performance.now()
    await sqs.send(new ListQueuesCommand({}))
    return performance.now() - started
  }

  it('delays each AWS call by at least mean − jitter, without holding up the others', async () => {
    expect(await timed()).toBeGreaterThanOrEqual(129)
    // Ten calls at once take about one latency, not ten: the wait is a timer, not a blocked loop.
    const started = performance.now()
    await Promise.all(Array.from({length: 10}, () => sqs.send(new ListQueuesCommand({}))))
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(129)
    expect(elapsed).toBeLessThan(1_300)
  })

  it('GET /_sandbox/latency shows it; PUT replaces it (JSON or spec); DELETE clears it', async () => {
    expect(await route()).toEqual({
      status: 200,
      json: {
        latency: {sqs: {meanMs: 150, jitterMs: 20}, events: {meanMs: 20, jitterMs: 5}},
        spec: 'sqs=150~20,events=20~5',
      },
    })
    const bad = await route('PUT', 'sqs=15,evnts=20')
    expect(bad.status).toBe(400)
    expect(bad.json.message).toContain('Did you mean "events"?')
    expect((await route()).json.spec).toBe('sqs=150~20,events=20~5')

    expect((await route('PUT', JSON.stringify({sqs: {meanMs: 300}}))).json.spec).toBe('sqs=300')
    expect(await timed()).toBeGreaterThanOrEqual(299)
    expect((await route('PUT', 'cloudformation=60~10')).json).toEqual({
      latency: {cloudformation: {meanMs: 60, jitterMs: 10}},
      spec: 'cloudformation=60~10',
    })
    expect((await route('DELETE')).json).toEqual({latency: {}, spec: 'off'})
    expect((await route('PATCH')).status).toBe(405)
    // Restore the suite's setting for the other test.
    await route('PUT', 'sqs=150~20,events=20~5')
  })
})
