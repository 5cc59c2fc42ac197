/**
 * The sandbox's `longPollScale` test knob: a long poll waits its WaitTimeSeconds times the scale, and a
 * message sent during the wait still ends it at once. The default is real time.
 */
import {CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {startSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

describe('longPollScale', () => {
  let scaled: RunningSandbox
  let real: RunningSandbox
  beforeAll(async () => {
    scaled = await startTestSandbox({longPollScale: 0.05})
    // The default: real time.
    real = await startTestSandbox()
  })
  afterAll(async () => {
    await scaled.close()
    await real.close()
  })

  const timedReceive = async (sandbox: RunningSandbox, waitSeconds: number, sendAfterMs?: number) => {
    const sqs = new SQSClient(clientConfig(sandbox))
    try {
      const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: uniqueName('poll')}))
      if (sendAfterMs !== undefined) {
        setTimeout(() => void sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'hello'})), sendAfterMs)
      }
      const started = performance.now()
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: waitSeconds}))
      return {ms: performance.now() - started, messages: out.Messages ?? []}
    } finally {
      sqs.destroy()
    }
  }

  it('an empty 2-second poll ends after about 100 ms at 0.05', async () => {
    const {ms, messages} = await timedReceive(scaled, 2)
    expect(messages).toEqual([])
    expect(ms).toBeGreaterThanOrEqual(90)
    expect(ms).toBeLessThan(1_500)
  })

  it('a message sent during a scaled wait ends it at once', async () => {
    const {ms, messages} = await timedReceive(scaled, 20, 50)
    expect(messages.map((m) => m.Body)).toEqual(['hello'])
    expect(ms).toBeLessThan(900)
  })

  it('the default waits in real time', async () => {
    const {ms, messages} = await timedReceive(real, 1)
    expect(messages).toEqual([])
    expect(ms).toBeGreaterThanOrEqual(990)
  })

  it('refuses a scale outside 0 to 1', async () => {
    await expect(startSandbox({port: 0, longPollScale: 2})).rejects.toThrow(
      /longPollScale must be a number from 0 to 1/,
    )
  })
})
