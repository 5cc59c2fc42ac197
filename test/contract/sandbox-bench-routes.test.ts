/**
 * The benchmark-only routes: `POST /_sandbox/sqs/seed` stores messages as SendMessage would (real SDK
 * clients receive them, with digests they verify), and `/_sandbox/memory` reports the process's memory.
 */
import {CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

describe('sandbox benchmark routes', () => {
  let sandbox: RunningSandbox
  let sqs: SQSClient

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    sqs = new SQSClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    sqs.destroy()
    await sandbox.close()
  })

  const seed = async (input: unknown) => {
    const res = await fetch(`${sandbox.endpoint}/_sandbox/sqs/seed`, {method: 'POST', body: JSON.stringify(input)})
    return {status: res.status, json: (await res.json()) as Record<string, unknown>}
  }

  it('seeds count messages from templates, {{i}} numbering each, receivable by the SDK', async () => {
    const {QueueUrl: url = ''} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('seed')}))
    const attributes = {ERROR_CODE: {DataType: 'String', StringValue: 'UNKNOWN'}}
    const answer = await seed({
      queue: url,
      count: 25,
      first: 100,
      messages: [{MessageBody: '{"key":"k-{{i}}"}', MessageAttributes: attributes}, {MessageBody: 'plain'}],
    })
    expect(answer).toMatchObject({status: 200, json: {seeded: 25}})
    const depth = await sqs.send(
      new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages']}),
    )
    expect(depth.Attributes?.['ApproximateNumberOfMessages']).toBe('25')
    const bodies: string[] = []
    for (;;) {
      // The SDK checks MD5OfBody and MD5OfMessageAttributes of every message it receives.
      const got = await sqs.send(
        new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All']}),
      )
      if (!got.Messages) break
      for (const message of got.Messages) {
        bodies.push(message.Body ?? '')
        if (message.Body !== 'plain') expect(message.MessageAttributes).toEqual(attributes)
      }
    }
    expect(bodies.filter((body) => body === 'plain')).toHaveLength(12)
    expect(bodies.filter((body) => body !== 'plain').sort()).toEqual(
      Array.from({length: 13}, (_, k) => `{"key":"k-${100 + 2 * k}"}`).sort(),
    )
  })

  it('refuses a missing queue, a bad count and an invalid template', async () => {
    expect((await seed({queue: uniqueName('none'), count: 1, messages: [{MessageBody: 'x'}]})).status).toBe(404)
    const {QueueUrl: url = ''} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('seed')}))
    for (const count of [0, 1.5, 'ten', 10_000_000]) {
      const answer = await seed({queue: url, count, messages: [{MessageBody: 'x'}]})
      expect(answer.status).toBe(400)
      expect(String(answer.json['message'])).toContain('"count" must be a whole number')
    }
    const bad = await seed({queue: url, count: 1, messages: [{MessageBody: ''}]})
    expect(bad.status).toBe(400)
    expect(String(bad.json['message'])).toContain('A message template is invalid')
    expect((await seed({queue: url, count: 1, messages: []})).status).toBe(400)
  })

  it('GET /_sandbox/memory reports the process memory; POST …/gc needs --expose-gc', async () => {
    const res = await fetch(`${sandbox.endpoint}/_sandbox/memory`)
    expect(res.status).toBe(200)
    const usage = (await res.json()) as Record<string, number>
    expect(usage['rss']).toBeGreaterThan(usage['heapUsed'] ?? Infinity)
    const gc = await fetch(`${sandbox.endpoint}/_sandbox/memory/gc`, {method: 'POST'})
    const body = (await gc.json()) as {message?: string; heapUsed?: number}
    if (gc.status === 409) expect(body.message).toContain('node --expose-gc')
    else expect(body.heapUsed).toBeGreaterThan(0)
  })
})
