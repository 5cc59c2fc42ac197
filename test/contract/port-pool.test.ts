/**
 * AWS port calls on worker threads (src/adapters/aws/port-pool.ts): the built module, since the
 * workers load compiled JavaScript. Results match the in-process ports, and errors cross the thread
 * boundary with their class, code, hints and exit code.
 */
import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createAwsClients} from '../../dist/adapters/aws/clients.js'
import {createDlqQueue} from '../../dist/adapters/aws/sqs.js'
import {PortPool} from '../../dist/adapters/aws/port-pool.js'
import {NotFoundError, UnreachableError} from '../../dist/core/errors.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

describe('PortPool (worker threads)', () => {
  let sandbox: RunningSandbox
  let sqs: SQSClient
  let queueUrl: string
  let pool: PortPool

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    sqs = new SQSClient(clientConfig(sandbox))
    queueUrl = (await sqs.send(new CreateQueueCommand({QueueName: uniqueName('pool')}))).QueueUrl as string
    const entries = Array.from({length: 10}, (_, i) => ({
      Id: `m${i}`,
      MessageBody: JSON.stringify({n: i}),
      MessageAttributes: {ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'}},
    }))
    await sqs.send(new SendMessageBatchCommand({QueueUrl: queueUrl, Entries: entries}))
    const target = {
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: {accessKeyId: 't', secretAccessKey: 't'},
    }
    pool = new PortPool(createAwsClients(target), 2, {sandboxUrl: sandbox.endpoint, queueUrl})
  })
  afterAll(async () => {
    await pool.close()
    sqs.destroy()
    await sandbox.close()
  })

  it('receives, releases and deletes dead letters as the in-process port does', async () => {
    const queue = pool.queuePort(queueUrl)
    const got = await queue.receive({max: 10, visibilityTimeoutSeconds: 30, waitSeconds: 0})
    expect(got).toHaveLength(10)
    expect(got[0]).toMatchObject({attributes: {ERROR_CODE: 'ERROR_FROM_TARGET'}})
    expect(got[0]?.systemAttributes['ApproximateReceiveCount']).toBe('1')
    const released = await queue.changeVisibility(got.slice(0, 5), 0)
    expect(released.succeeded).toHaveLength(5)
    const deleted = await queue.delete(got.slice(5))
    expect(deleted.succeeded.sort()).toEqual(
      got
        .slice(5)
        .map((m) => m.messageId)
        .sort(),
    )
    // The same queue seen in-process: the five released ones are back, the deleted ones gone.
    const local = createDlqQueue(
      createAwsClients({
        endpoint: sandbox.endpoint,
        region: 'us-east-1',
        credentials: {accessKeyId: 't', secretAccessKey: 't'},
      }),
      queueUrl,
    )
    expect((await local.depth()).visible).toBe(5)
    expect((await queue.depth()).visible).toBe(5)
  })

  it('publishes with PutEvents and returns one result per entry', async () => {
    const events = pool.eventsPort()
    const results = await events.putEvents([
      {
        Source: 't',
        DetailType: 'cacheDelete',
        Detail: JSON.stringify({cacheName: 'c', key: 'k'}),
        EventBusName: 'default',
      },
      {
        Source: 't',
        DetailType: 'cacheDelete',
        Detail: JSON.stringify({cacheName: 'c', key: 'j'}),
        EventBusName: 'default',
      },
    ])
    expect(results).toHaveLength(2)
    for (const r of results) expect(r).toHaveProperty('eventId')
  })

  it('rejects with the domain error class, code, hints and exit code of the worker', async () => {
    const error = await pool
      .eventsPort()
      .describeEventBus('no-such-bus')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as NotFoundError).message).toContain('no-such-bus')
    expect((error as NotFoundError).hints.length).toBeGreaterThan(0)
    expect((error as NotFoundError).exitCode).toBe(1)
  })

  it('keeps an unreachable endpoint an UnreachableError (exit 5) with its cause', async () => {
    const dead = new PortPool(
      createAwsClients({
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        credentials: {accessKeyId: 't', secretAccessKey: 't'},
      }),
      1,
      {queueUrl: 'http://127.0.0.1:9/000000000000/q'},
    )
    try {
      const error = await dead
        .queuePort('http://127.0.0.1:9/000000000000/q')
        .receive({max: 1, visibilityTimeoutSeconds: 1, waitSeconds: 0})
        .then(
          () => undefined,
          (e: unknown) => e,
        )
      expect(error).toBeInstanceOf(UnreachableError)
      expect((error as UnreachableError).exitCode).toBe(5)
      expect((error as Error).cause).toBeInstanceOf(Error)
    } finally {
      await dead.close()
    }
  }, 30_000)
})
