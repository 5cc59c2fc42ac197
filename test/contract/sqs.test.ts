import {createHash} from 'node:crypto'

import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  clientConfig,
  CONTRACT_ACCOUNT,
  CONTRACT_REGION,
  EXTERNAL_ENDPOINT,
  failure,
  sandboxOnly,
  startContractTarget,
  startTestSandbox,
  uniqueName,
} from '../helpers/sandbox.js'

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

describe('SQS (JSON 1.0 via @aws-sdk/client-sqs)', () => {
  let sandbox: RunningSandbox
  let sqs: SQSClient

  beforeAll(async () => {
    sandbox = await startContractTarget()
    sqs = new SQSClient(clientConfig(sandbox))
  })
  afterAll(async () => {
    sqs.destroy()
    await sandbox.close()
  })

  async function createQueue(attributes?: Record<string, string>): Promise<{name: string; url: string}> {
    const name = uniqueName('q')
    const out = await sqs.send(new CreateQueueCommand({QueueName: name, Attributes: attributes}))
    return {name, url: out.QueueUrl ?? ''}
  }

  describe('queues', () => {
    it('CreateQueue returns a URL on the request host and is idempotent for equal attributes', async () => {
      const name = uniqueName('q')
      const first = await sqs.send(new CreateQueueCommand({QueueName: name, Attributes: {VisibilityTimeout: '45'}}))
      expect(first.QueueUrl).toBe(`${sandbox.endpoint}/${CONTRACT_ACCOUNT}/${name}`)
      const again = await sqs.send(new CreateQueueCommand({QueueName: name, Attributes: {VisibilityTimeout: '45'}}))
      expect(again.QueueUrl).toBe(first.QueueUrl)
      const error = await failure(
        sqs.send(new CreateQueueCommand({QueueName: name, Attributes: {VisibilityTimeout: '46'}})),
      )
      expect(error.name).toBe('QueueNameExists')
    })

    it('CreateQueue rejects bad names, bad attribute values and FIFO queues', async () => {
      expect((await failure(sqs.send(new CreateQueueCommand({QueueName: 'bad name!'})))).name).toBe(
        'InvalidParameterValue',
      )
      const badValue = await failure(
        sqs.send(new CreateQueueCommand({QueueName: uniqueName('q'), Attributes: {VisibilityTimeout: '50000'}})),
      )
      expect(badValue.name).toBe('InvalidAttributeValue')
      const badName = await failure(
        sqs.send(new CreateQueueCommand({QueueName: uniqueName('q'), Attributes: {Colour: 'blue'} as never})),
      )
      expect(badName.name).toBe('InvalidAttributeName')
      // The sandbox emulates standard queues only; AWS (and other emulators) create FIFO queues.
      if (EXTERNAL_ENDPOINT) return
      const fifo = await failure(sqs.send(new CreateQueueCommand({QueueName: `${uniqueName('q')}.fifo`})))
      expect(fifo.name).toBe('UnsupportedOperation')
    })

    it('GetQueueUrl finds a queue and reports QueueDoesNotExist otherwise', async () => {
      const {name, url} = await createQueue()
      expect((await sqs.send(new GetQueueUrlCommand({QueueName: name}))).QueueUrl).toBe(url)
      const error = await failure(sqs.send(new GetQueueUrlCommand({QueueName: uniqueName('missing')})))
      expect(error.name).toBe('QueueDoesNotExist')
      expect(error.message).toBe('The specified queue does not exist.')
      expect(error.$metadata?.httpStatusCode).toBe(400)
      expect((error as unknown as {Code?: string}).Code).toBe('AWS.SimpleQueueService.NonExistentQueue')
    })

    it('ListQueues filters by prefix and pages with MaxResults/NextToken', async () => {
      const prefix = uniqueName('list')
      const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]
      for (const name of names) await sqs.send(new CreateQueueCommand({QueueName: name}))
      const all = await sqs.send(new ListQueuesCommand({QueueNamePrefix: prefix}))
      expect(all.QueueUrls).toEqual(names.map((name) => `${sandbox.endpoint}/${CONTRACT_ACCOUNT}/${name}`))
      expect(all.NextToken).toBeUndefined()
      const page1 = await sqs.send(new ListQueuesCommand({QueueNamePrefix: prefix, MaxResults: 2}))
      expect(page1.QueueUrls).toHaveLength(2)
      expect(page1.NextToken).toBeTruthy()
      const page2 = await sqs.send(
        new ListQueuesCommand({QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken}),
      )
      expect(page2.QueueUrls).toEqual([`${sandbox.endpoint}/${CONTRACT_ACCOUNT}/${prefix}-c`])
      expect(page2.NextToken).toBeUndefined()
      const none = await sqs.send(new ListQueuesCommand({QueueNamePrefix: uniqueName('nothing')}))
      expect(none.QueueUrls).toBeUndefined()
    })

    it('GetQueueAttributes returns defaults, counts and the ARN; SetQueueAttributes changes them', async () => {
      const {name, url} = await createQueue()
      const before = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['All']}))
      expect(before.Attributes).toMatchObject({
        QueueArn: `arn:aws:sqs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:${name}`,
        VisibilityTimeout: '30',
        DelaySeconds: '0',
        MessageRetentionPeriod: '345600',
        ReceiveMessageWaitTimeSeconds: '0',
        MaximumMessageSize: '1048576',
        SqsManagedSseEnabled: 'true',
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ApproximateNumberOfMessagesDelayed: '0',
      })
      expect(Number(before.Attributes?.['CreatedTimestamp'])).toBeCloseTo(Date.now() / 1000, -1)
      expect(before.Attributes?.['Policy']).toBeUndefined()

      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}, Action: 'sqs:SendMessage'}],
      })
      await sqs.send(new SetQueueAttributesCommand({QueueUrl: url, Attributes: {Policy: policy, DelaySeconds: '5'}}))
      const after = await sqs.send(
        new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['Policy', 'DelaySeconds', 'QueueArn']}),
      )
      expect(after.Attributes).toEqual({
        Policy: policy,
        DelaySeconds: '5',
        QueueArn: `arn:aws:sqs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:${name}`,
      })
      // The store holds what the API returned (sandbox only: another endpoint has no store to read).
      if (!EXTERNAL_ENDPOINT) {
        const handle = sandbox.state.region('us-east-1').sqs.queueByArn(`arn:aws:sqs:us-east-1:000000000000:${name}`)
        expect(handle?.attributes()['Policy']).toBe(policy)
      }

      const noNames = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url}))
      expect(noNames.Attributes).toBeUndefined()
      const badPolicy = await failure(
        sqs.send(new SetQueueAttributesCommand({QueueUrl: url, Attributes: {Policy: '{not json'}})),
      )
      expect(badPolicy.name).toBe('InvalidAttributeValue')
      const readOnly = await failure(
        sqs.send(new SetQueueAttributesCommand({QueueUrl: url, Attributes: {QueueArn: 'x'}})),
      )
      expect(readOnly.name).toBe('InvalidAttributeName')
      const unknown = await failure(
        sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['Nope' as never]})),
      )
      expect(unknown.name).toBe('InvalidAttributeName')
    })

    it('DeleteQueue removes the queue; later calls get QueueDoesNotExist', async () => {
      const {url} = await createQueue()
      await sqs.send(new DeleteQueueCommand({QueueUrl: url}))
      const error = await failure(sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'x'})))
      expect(error.name).toBe('QueueDoesNotExist')
      expect((await failure(sqs.send(new DeleteQueueCommand({QueueUrl: url})))).name).toBe('QueueDoesNotExist')
    })

    it('accepts a bare queue name as QueueUrl', async () => {
      const {name} = await createQueue()
      const sent = await sqs.send(new SendMessageCommand({QueueUrl: name, MessageBody: 'by name'}))
      expect(sent.MessageId).toBeTruthy()
    })
  })

  describe('messages', () => {
    it('SendMessage + ReceiveMessage round-trip body, digests, attributes and system attributes', async () => {
      const {url} = await createQueue()
      const body = 'héllo → wörld'
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageAttributes: {
            ERROR_CODE: {DataType: 'String', StringValue: 'SDK_CLIENT_ERROR'},
            RETRY_ATTEMPTS: {DataType: 'Number', StringValue: '0'},
            raw: {DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3])},
          },
        }),
      )
      expect(sent.MD5OfMessageBody).toBe(md5(body))
      expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/)

      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      )
      expect(out.Messages).toHaveLength(1)
      const message = out.Messages?.[0]
      expect(message?.MessageId).toBe(sent.MessageId)
      expect(message?.Body).toBe(body)
      expect(message?.MD5OfBody).toBe(md5(body))
      expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes)
      expect(message?.MessageAttributes?.['ERROR_CODE']).toEqual({DataType: 'String', StringValue: 'SDK_CLIENT_ERROR'})
      expect(message?.MessageAttributes?.['RETRY_ATTEMPTS']).toEqual({DataType: 'Number', StringValue: '0'})
      expect([...(message?.MessageAttributes?.['raw']?.BinaryValue ?? [])]).toEqual([1, 2, 3])
      expect(message?.Attributes?.ApproximateReceiveCount).toBe('1')
      // The sandbox stands the access key in for the principal id AWS returns (an IAM user or role id).
      expect(message?.Attributes?.SenderId).toMatch(EXTERNAL_ENDPOINT ? /^[A-Z0-9]+(:.+)?$/ : /^test$/)
      expect(Math.abs(Number(message?.Attributes?.SentTimestamp) - Date.now())).toBeLessThan(10_000)
      expect(Number(message?.Attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
        Number(message?.Attributes?.SentTimestamp),
      )
      expect(message?.ReceiptHandle).toBeTruthy()
    })

    it('computes MD5OfMessageAttributes per the SQS algorithm', async () => {
      const {url} = await createQueue()
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: {a: {DataType: 'String', StringValue: 'b'}},
        }),
      )
      // name "a", type "String", transport 1, value "b", each length-prefixed (4-byte big endian).
      const expected = createHash('md5')
        .update(Buffer.from([0, 0, 0, 1, 0x61, 0, 0, 0, 6, ...Buffer.from('String'), 1, 0, 0, 0, 1, 0x62]))
        .digest('hex')
      expect(sent.MD5OfMessageAttributes).toBe(expected)
    })

    it('filters message attributes by exact name and prefix.*, and system attributes by name', async () => {
      const {url} = await createQueue()
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: {
            'foo.one': {DataType: 'String', StringValue: '1'},
            'foo.two': {DataType: 'String', StringValue: '2'},
            bar: {DataType: 'String', StringValue: '3'},
            baz: {DataType: 'String', StringValue: '4'},
          },
        }),
      )
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MessageAttributeNames: ['foo.*', 'baz'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      )
      const message = out.Messages?.[0]
      expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual(['baz', 'foo.one', 'foo.two'])
      expect(Object.keys(message?.Attributes ?? {})).toEqual(['SentTimestamp'])
    })

    it('an empty receive has no Messages key', async () => {
      const {url} = await createQueue()
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 0}))
      expect(out.Messages).toBeUndefined()
      expect(Object.keys(out).filter((key) => key !== '$metadata')).toEqual([])
    })

    it('a received message is invisible until its visibility timeout passes, then counts again', async () => {
      const {url} = await createQueue()
      await sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'once'}))
      const first = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, VisibilityTimeout: 1}))
      expect(first.Messages).toHaveLength(1)
      const hidden = await sqs.send(new ReceiveMessageCommand({QueueUrl: url}))
      expect(hidden.Messages).toBeUndefined()
      const counts = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
      expect(counts.Attributes).toEqual({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1'})
      // A long poll sees the message again as soon as the 1 s timeout ends.
      const started = Date.now()
      const again = await sqs.send(
        new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['All']}),
      )
      expect(Date.now() - started).toBeLessThan(3000)
      expect(again.Messages?.[0]?.Body).toBe('once')
      expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2')
      expect(again.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle)
    })

    it('DelaySeconds hides a message and counts it as delayed', async () => {
      const {url} = await createQueue()
      await sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'later', DelaySeconds: 1}))
      const counts = await sqs.send(
        new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed']}),
      )
      expect(counts.Attributes?.['ApproximateNumberOfMessagesDelayed']).toBe('1')
      expect((await sqs.send(new ReceiveMessageCommand({QueueUrl: url}))).Messages).toBeUndefined()
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 5}))
      expect(out.Messages?.[0]?.Body).toBe('later')
    })

    it('a long poll returns as soon as another client sends', async () => {
      const {url} = await createQueue()
      const other = new SQSClient(clientConfig(sandbox))
      const started = Date.now()
      const polling = sqs.send(new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 20}))
      await new Promise((resolve) => setTimeout(resolve, 100))
      await other.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'wake up'}))
      const out = await polling
      other.destroy()
      expect(out.Messages?.[0]?.Body).toBe('wake up')
      expect(Date.now() - started).toBeLessThan(2000)
    })

    it('a long poll on an empty queue waits for WaitTimeSeconds and returns {}', async () => {
      const {url} = await createQueue()
      const started = Date.now()
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, WaitTimeSeconds: 1}))
      expect(out.Messages).toBeUndefined()
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    })

    it('ReceiveMessage validates its numbers', async () => {
      const {url} = await createQueue()
      for (const input of [{MaxNumberOfMessages: 11}, {MaxNumberOfMessages: 0}, {WaitTimeSeconds: 21}]) {
        const error = await failure(sqs.send(new ReceiveMessageCommand({QueueUrl: url, ...input})))
        expect(error.name).toBe('InvalidParameterValue')
      }
    })

    it('SendMessage validates body, delay and attributes', async () => {
      const {url} = await createQueue({MaximumMessageSize: '1024'})
      const cases: [Record<string, unknown>, string][] = [
        [{MessageBody: ''}, 'InvalidParameterValue'],
        [{MessageBody: 'bad \u0001 char'}, 'InvalidMessageContents'],
        [{MessageBody: 'x'.repeat(1025)}, 'InvalidParameterValue'],
        [{MessageBody: 'x', DelaySeconds: 901}, 'InvalidParameterValue'],
        [{MessageBody: 'x', MessageAttributes: {n: {DataType: 'Number', StringValue: 'abc'}}}, 'InvalidParameterValue'],
        [{MessageBody: 'x', MessageAttributes: {n: {DataType: 'Weird', StringValue: '1'}}}, 'InvalidParameterValue'],
        [
          {MessageBody: 'x', MessageAttributes: {'AWS.x': {DataType: 'String', StringValue: '1'}}},
          'InvalidParameterValue',
        ],
      ]
      for (const [input, name] of cases) {
        const error = await failure(sqs.send(new SendMessageCommand({QueueUrl: url, ...input} as never)))
        expect(error.name, JSON.stringify(input)).toBe(name)
      }
    })

    it('SendMessageBatch reports per-entry failures next to successes', async () => {
      const {url} = await createQueue()
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {Id: 'ok1', MessageBody: 'one'},
            {Id: 'bad', MessageBody: 'two', DelaySeconds: 1000},
            {Id: 'ok2', MessageBody: 'three', MessageAttributes: {k: {DataType: 'String', StringValue: 'v'}}},
          ],
        }),
      )
      expect(out.Successful?.map((entry) => entry.Id)).toEqual(['ok1', 'ok2'])
      expect(out.Successful?.[0]?.MD5OfMessageBody).toBe(md5('one'))
      expect(out.Successful?.[1]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/)
      expect(out.Failed).toEqual([
        expect.objectContaining({Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue'}),
      ])
      const received = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
      expect(received.Messages?.map((message) => message.Body).sort()).toEqual(['one', 'three'])
    })

    it('batch operations reject empty, oversized, duplicate-id and bad-id batches', async () => {
      const {url} = await createQueue()
      const send = (Entries: {Id: string; MessageBody: string}[]) =>
        failure(sqs.send(new SendMessageBatchCommand({QueueUrl: url, Entries})))
      expect((await send([])).name).toBe('EmptyBatchRequest')
      expect((await send(Array.from({length: 11}, (_, i) => ({Id: `m${i}`, MessageBody: 'x'})))).name).toBe(
        'TooManyEntriesInBatchRequest',
      )
      expect(
        (
          await send([
            {Id: 'a', MessageBody: 'x'},
            {Id: 'a', MessageBody: 'y'},
          ])
        ).name,
      ).toBe('BatchEntryIdsNotDistinct')
      expect((await send([{Id: 'no spaces', MessageBody: 'x'}])).name).toBe('InvalidBatchEntryId')
      const big = 'x'.repeat(600_000)
      expect(
        (
          await send([
            {Id: 'a', MessageBody: big},
            {Id: 'b', MessageBody: big},
          ])
        ).name,
      ).toBe('BatchRequestTooLong')
      const deleteEmpty = await failure(sqs.send(new DeleteMessageBatchCommand({QueueUrl: url, Entries: []})))
      expect(deleteEmpty.name).toBe('EmptyBatchRequest')
    })

    it('DeleteMessage removes a message; a malformed handle is ReceiptHandleIsInvalid', async () => {
      const {url} = await createQueue()
      await sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'x'}))
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, VisibilityTimeout: 0}))
      const handle = out.Messages?.[0]?.ReceiptHandle ?? ''
      await sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: handle}))
      const counts = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['All']}))
      expect(counts.Attributes?.['ApproximateNumberOfMessages']).toBe('0')
      expect(counts.Attributes?.['ApproximateNumberOfMessagesNotVisible']).toBe('0')
      // Deleting again with the same handle succeeds, as on AWS.
      await sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: handle}))
      const error = await failure(sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: 'garbage!'})))
      expect(error.name).toBe('ReceiptHandleIsInvalid')
      expect(error.$metadata?.httpStatusCode).toBe(404)
    })

    it('DeleteMessageBatch deletes good handles and fails bad ones per entry', async () => {
      const {url} = await createQueue()
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {Id: '1', MessageBody: 'a'},
            {Id: '2', MessageBody: 'b'},
          ],
        }),
      )
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
      expect(out.Messages).toHaveLength(2)
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            ...(out.Messages ?? []).map((message, index) => ({Id: `d${index}`, ReceiptHandle: message.ReceiptHandle})),
            {Id: 'junk', ReceiptHandle: 'not-a-handle'},
          ],
        }),
      )
      expect(result.Successful?.map((entry) => entry.Id)).toEqual(['d0', 'd1'])
      expect(result.Failed).toEqual([
        expect.objectContaining({Id: 'junk', Code: 'ReceiptHandleIsInvalid', SenderFault: true}),
      ])
      const counts = await sqs.send(
        new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible']}),
      )
      expect(counts.Attributes?.['ApproximateNumberOfMessagesNotVisible']).toBe('0')
    })

    it('ChangeMessageVisibility 0 releases a message; errors for not-in-flight and bad handles', async () => {
      const {url} = await createQueue()
      await sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'x'}))
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, VisibilityTimeout: 600}))
      const handle = out.Messages?.[0]?.ReceiptHandle ?? ''
      await sqs.send(new ChangeMessageVisibilityCommand({QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0}))
      // Now visible again, so not in flight.
      const notInflight = await failure(
        sqs.send(new ChangeMessageVisibilityCommand({QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 10})),
      )
      expect(notInflight.name).toBe('MessageNotInflight')
      const again = await sqs.send(new ReceiveMessageCommand({QueueUrl: url}))
      expect(again.Messages?.[0]?.Body).toBe('x')
      const invalid = await failure(
        sqs.send(new ChangeMessageVisibilityCommand({QueueUrl: url, ReceiptHandle: 'zzz', VisibilityTimeout: 0})),
      )
      expect(invalid.name).toBe('ReceiptHandleIsInvalid')
      const range = await failure(
        sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: again.Messages?.[0]?.ReceiptHandle,
            VisibilityTimeout: 43_201,
          }),
        ),
      )
      expect(range.name).toBe('InvalidParameterValue')
    })

    it('ChangeMessageVisibilityBatch reports per-entry results', async () => {
      const {url} = await createQueue()
      await sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'x'}))
      const out = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, VisibilityTimeout: 600}))
      const result = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: [
            {Id: 'good', ReceiptHandle: out.Messages?.[0]?.ReceiptHandle, VisibilityTimeout: 0},
            {Id: 'bad', ReceiptHandle: 'nope', VisibilityTimeout: 0},
          ],
        }),
      )
      expect(result.Successful).toEqual([{Id: 'good'}])
      expect(result.Failed?.[0]).toMatchObject({Id: 'bad', Code: 'ReceiptHandleIsInvalid'})
      expect((await sqs.send(new ReceiveMessageCommand({QueueUrl: url}))).Messages).toHaveLength(1)
    })

    it('PurgeQueue empties the queue (in-flight too); a second purge within 60 s fails', async () => {
      const {url} = await createQueue()
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {Id: '1', MessageBody: 'a'},
            {Id: '2', MessageBody: 'b'},
          ],
        }),
      )
      await sqs.send(new ReceiveMessageCommand({QueueUrl: url}))
      await sqs.send(new PurgeQueueCommand({QueueUrl: url}))
      const counts = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['All']}))
      expect(counts.Attributes?.['ApproximateNumberOfMessages']).toBe('0')
      expect(counts.Attributes?.['ApproximateNumberOfMessagesNotVisible']).toBe('0')
      const error = await failure(sqs.send(new PurgeQueueCommand({QueueUrl: url})))
      expect(error.name).toBe('PurgeQueueInProgress')
      expect(error.$metadata?.httpStatusCode).toBe(403)
    })

    it('a RedrivePolicy moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
      const dlq = await createQueue()
      const dlqArn = (await sqs.send(new GetQueueAttributesCommand({QueueUrl: dlq.url, AttributeNames: ['QueueArn']})))
        .Attributes?.['QueueArn']
      const source = await createQueue({
        RedrivePolicy: JSON.stringify({deadLetterTargetArn: dlqArn, maxReceiveCount: '1'}),
      })
      await sqs.send(new SendMessageCommand({QueueUrl: source.url, MessageBody: 'poison'}))
      expect(
        (await sqs.send(new ReceiveMessageCommand({QueueUrl: source.url, VisibilityTimeout: 0}))).Messages,
      ).toHaveLength(1)
      expect((await sqs.send(new ReceiveMessageCommand({QueueUrl: source.url}))).Messages).toBeUndefined()
      const moved = await sqs.send(new ReceiveMessageCommand({QueueUrl: dlq.url, AttributeNames: ['All']}))
      expect(moved.Messages?.[0]?.Body).toBe('poison')
      expect(moved.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(
        `arn:aws:sqs:${CONTRACT_REGION}:${CONTRACT_ACCOUNT}:${source.name}`,
      )
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({QueueUrl: source.url, AttributeNames: ['RedrivePolicy']}),
      )
      expect(JSON.parse(attributes.Attributes?.['RedrivePolicy'] ?? '{}')).toEqual({
        deadLetterTargetArn: dlqArn,
        maxReceiveCount: 1,
      })
    })

    it('the pipeline handle (queueByArn().send) writes messages SDK clients can receive', async (ctx) => {
      sandboxOnly(ctx, 'writes through the sandbox store')
      const {name, url} = await createQueue()
      const handle = sandbox.state.region('us-east-1').sqs.queueByArn(`arn:aws:sqs:us-east-1:000000000000:${name}`)
      const sent = handle?.send({
        body: '{"detail-type":"cacheSet"}',
        messageAttributes: {ERROR_CODE: {DataType: 'String', StringValue: 'SDK_CLIENT_ERROR'}},
        senderId: 'AIDAEVENTBRIDGE',
      })
      expect(sent?.MD5OfMessageBody).toBe(md5('{"detail-type":"cacheSet"}'))
      const out = await sqs.send(
        new ReceiveMessageCommand({QueueUrl: url, MessageAttributeNames: ['All'], AttributeNames: ['All']}),
      )
      expect(out.Messages?.[0]?.MessageId).toBe(sent?.MessageId)
      expect(out.Messages?.[0]?.MD5OfMessageAttributes).toBe(sent?.MD5OfMessageAttributes)
      expect(out.Messages?.[0]?.Attributes?.SenderId).toBe('AIDAEVENTBRIDGE')
      expect(
        sandbox.state.region('us-east-1').sqs.queueByArn('arn:aws:sqs:us-east-1:000000000000:nope'),
      ).toBeUndefined()
    })

    it('message retention expires old messages', async (ctx) => {
      sandboxOnly(ctx, "a test clock (the sandbox's `now` option)")
      let now = Date.now()
      const clocked = await startTestSandbox({now: () => now})
      const client = new SQSClient(clientConfig(clocked))
      try {
        const {QueueUrl: url} = await client.send(
          new CreateQueueCommand({QueueName: 'retained', Attributes: {MessageRetentionPeriod: '60'}}),
        )
        await client.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'old'}))
        now += 30_000
        await client.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'new'}))
        now += 31_000
        const counts = await client.send(
          new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages']}),
        )
        expect(counts.Attributes?.['ApproximateNumberOfMessages']).toBe('1')
        const out = await client.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
        expect(out.Messages?.map((message) => message.Body)).toEqual(['new'])
      } finally {
        client.destroy()
        await clocked.close()
      }
    })
  })

  describe('AWS parity (findings of an AWS-verified suite)', () => {
    /** SQS's attribute digest for one String attribute, written out independently of src/sandbox/sqs/md5.ts. */
    function md5OfOneString(name: string, value: string): string {
      const field = (text: string): Buffer => {
        const bytes = Buffer.from(text, 'utf8')
        const length = Buffer.alloc(4)
        length.writeUInt32BE(bytes.length)
        return Buffer.concat([length, bytes])
      }
      return createHash('md5')
        .update(Buffer.concat([field(name), field('String'), Buffer.from([1]), field(value)]))
        .digest('hex')
    }
    const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'

    it('AWSTraceHeader sent as a message system attribute comes back on receive and is in the send digest', async () => {
      const {url} = await createQueue()
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'traced',
          MessageSystemAttributes: {AWSTraceHeader: {DataType: 'String', StringValue: TRACE}},
        }),
      )
      expect(sent.MD5OfMessageSystemAttributes).toBe(md5OfOneString('AWSTraceHeader', TRACE))
      expect(sent.MD5OfMessageAttributes).toBeUndefined()
      const batch = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {
              Id: 'b1',
              MessageBody: 'traced too',
              MessageSystemAttributes: {AWSTraceHeader: {DataType: 'String', StringValue: `${TRACE}-2`}},
            },
            {Id: 'b2', MessageBody: 'untraced'},
          ],
        }),
      )
      expect(batch.Successful?.[0]?.MD5OfMessageSystemAttributes).toBe(md5OfOneString('AWSTraceHeader', `${TRACE}-2`))
      expect(batch.Successful?.[1]?.MD5OfMessageSystemAttributes).toBeUndefined()

      const byName = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['AWSTraceHeader'],
        }),
      )
      const traces = Object.fromEntries((byName.Messages ?? []).map((m) => [m.Body, m.Attributes?.AWSTraceHeader]))
      expect(traces).toEqual({traced: TRACE, 'traced too': `${TRACE}-2`, untraced: undefined})
      expect(Object.keys(byName.Messages?.find((m) => m.Body === 'traced')?.Attributes ?? {})).toEqual([
        'AWSTraceHeader',
      ])
      for (const message of byName.Messages ?? []) {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
      }
      // The deprecated AttributeNames with All brings it too; asking for nothing does not.
      const all = await sqs.send(
        new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10, AttributeNames: ['All']}),
      )
      expect(all.Messages?.find((m) => m.Body === 'traced')?.Attributes?.AWSTraceHeader).toBe(TRACE)
      for (const message of all.Messages ?? []) {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
      }
      const none = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, MaxNumberOfMessages: 10}))
      expect(none.Messages?.every((m) => m.Attributes === undefined)).toBe(true)
    })

    it('refuses a system attribute other than AWSTraceHeader, or not of type String', async () => {
      const {url} = await createQueue()
      for (const attributes of [
        {Colour: {DataType: 'String', StringValue: 'x'}},
        {AWSTraceHeader: {DataType: 'Number', StringValue: '1'}},
        {AWSTraceHeader: {DataType: 'String', StringValue: ''}},
      ]) {
        const error = await failure(
          sqs.send(
            new SendMessageCommand({QueueUrl: url, MessageBody: 'x', MessageSystemAttributes: attributes as never}),
          ),
        )
        expect(error.name, JSON.stringify(attributes)).toBe('InvalidParameterValue')
      }
    })

    it('SendMessageBatch with an entry over 1 MiB fails as a whole with BatchRequestTooLong, counting every entry', async () => {
      const {url} = await createQueue()
      const oversized = await failure(
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              {Id: 'small', MessageBody: 'fits'},
              {Id: 'huge', MessageBody: 'x'.repeat(1_048_577)},
            ],
          }),
        ),
      )
      expect(oversized.name).toBe('BatchRequestTooLong')
      expect(oversized.message).toBe('Batch requests cannot be longer than 1048576 bytes. You have sent 1048581 bytes.')
      // Attributes count toward the total too: 1048570 body bytes + "k" + "String" + "v" = 1048578.
      const withAttributes = await failure(
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              {
                Id: 'a',
                MessageBody: 'x'.repeat(1_048_570),
                MessageAttributes: {k: {DataType: 'String', StringValue: 'v'}},
              },
            ],
          }),
        ),
      )
      expect(withAttributes.message).toBe(
        'Batch requests cannot be longer than 1048576 bytes. You have sent 1048578 bytes.',
      )
      const counts = await sqs.send(
        new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages']}),
      )
      expect(counts.Attributes?.['ApproximateNumberOfMessages']).toBe('0')
      // Exactly 1 MiB in total is accepted.
      const atLimit = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {Id: 'a', MessageBody: 'x'.repeat(524_288)},
            {Id: 'b', MessageBody: 'y'.repeat(524_288)},
          ],
        }),
      )
      expect(atLimit.Successful).toHaveLength(2)
    })

    it('an entry over a small queue MaximumMessageSize, within the batch limit, still fails on its own', async () => {
      const {url} = await createQueue({MaximumMessageSize: '1024'})
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {Id: 'ok', MessageBody: 'fits'},
            {Id: 'big', MessageBody: 'x'.repeat(1025)},
          ],
        }),
      )
      expect(out.Successful?.map((entry) => entry.Id)).toEqual(['ok'])
      expect(out.Failed).toEqual([
        expect.objectContaining({Id: 'big', Code: 'InvalidParameterValue', SenderFault: true}),
      ])
    })

    it('words empty batches and invalid receipt handles as AWS does', async () => {
      const {url} = await createQueue()
      const emptySend = await failure(sqs.send(new SendMessageBatchCommand({QueueUrl: url, Entries: []})))
      expect(emptySend.name).toBe('EmptyBatchRequest')
      expect(emptySend.message).toBe('There should be at least one SendMessageBatchRequestEntry in the request.')
      const emptyDelete = await failure(sqs.send(new DeleteMessageBatchCommand({QueueUrl: url, Entries: []})))
      expect(emptyDelete.message).toBe('There should be at least one DeleteMessageBatchRequestEntry in the request.')
      const emptyVisibility = await failure(
        sqs.send(new ChangeMessageVisibilityBatchCommand({QueueUrl: url, Entries: []})),
      )
      expect(emptyVisibility.message).toBe(
        'There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.',
      )
      const invalid = await failure(sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: 'garbage!'})))
      expect(invalid.name).toBe('ReceiptHandleIsInvalid')
      expect(invalid.message).toBe('The input receipt handle "garbage!" is not a valid receipt handle.')
      const batch = await sqs.send(
        new DeleteMessageBatchCommand({QueueUrl: url, Entries: [{Id: 'junk', ReceiptHandle: 'not-a-handle'}]}),
      )
      expect(batch.Failed?.[0]?.Message).toBe('The input receipt handle "not-a-handle" is not a valid receipt handle.')
    })

    it('words message-attribute errors as AWS does', async () => {
      const {url} = await createQueue()
      const cases: [Record<string, unknown>, string][] = [
        [
          {k: {DataType: 'String', StringValue: ''}},
          "The message attribute 'k' must contain a non-empty message attribute value for message attribute type 'String'.",
        ],
        [
          {n: {DataType: 'Number', StringValue: ''}},
          "The message attribute 'n' must contain a non-empty message attribute value for message attribute type 'Number'.",
        ],
        [
          {k: {DataType: 'Weird', StringValue: '1'}},
          "The message attribute 'k' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
        ],
        [
          {'bad name': {DataType: 'String', StringValue: '1'}},
          "The message attribute name 'bad name' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.",
        ],
      ]
      for (const [attributes, message] of cases) {
        const error = await failure(
          sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'x', MessageAttributes: attributes as never})),
        )
        expect(error.name, message).toBe('InvalidParameterValue')
        expect(error.message).toBe(message)
      }
    })

    it('an older receipt handle still deletes the message, but cannot change its visibility', async () => {
      const {url} = await createQueue()
      await sqs.send(new SendMessageCommand({QueueUrl: url, MessageBody: 'twice'}))
      const first = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, VisibilityTimeout: 0}))
      const second = await sqs.send(new ReceiveMessageCommand({QueueUrl: url, VisibilityTimeout: 600}))
      const older = first.Messages?.[0]?.ReceiptHandle ?? ''
      const latest = second.Messages?.[0]?.ReceiptHandle ?? ''
      expect(second.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId)
      expect(latest).not.toBe(older)
      // ChangeMessageVisibility wants the most recent handle (SQS developer guide, receipt handle).
      const stale = await failure(
        sqs.send(new ChangeMessageVisibilityCommand({QueueUrl: url, ReceiptHandle: older, VisibilityTimeout: 0})),
      )
      expect(stale.name).toBe('InvalidParameterValue')
      expect(stale.message).toBe(
        `Value ${older} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
      )
      // The message stayed hidden: the stale call changed nothing.
      const hidden = await sqs.send(new ReceiveMessageCommand({QueueUrl: url}))
      expect(hidden.Messages).toBeUndefined()
      // DeleteMessage with the older handle succeeds and deletes (DeleteMessage API reference).
      await sqs.send(new DeleteMessageCommand({QueueUrl: url, ReceiptHandle: older}))
      const counts = await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['All']}))
      expect(counts.Attributes?.['ApproximateNumberOfMessages']).toBe('0')
      expect(counts.Attributes?.['ApproximateNumberOfMessagesNotVisible']).toBe('0')
      // Now the latest handle names a deleted message.
      const gone = await failure(
        sqs.send(new ChangeMessageVisibilityCommand({QueueUrl: url, ReceiptHandle: latest, VisibilityTimeout: 0})),
      )
      expect(gone.message).toBe(
        `Value ${latest} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      )
    })
  })
})
