import {createHash} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {md5OfBody, md5OfMessageAttributes} from '../../src/sandbox/sqs/md5.js'
import {sqsQueryInput} from '../../src/sandbox/sqs/query.js'
import {SqsStore, type SqsQueue} from '../../src/sandbox/sqs/store.js'

describe('md5OfMessageAttributes', () => {
  it('matches an independent computation of the SQS algorithm (UTF-8, numbers, binary, name order)', () => {
    // Reference from Python's hashlib over the documented byte layout, not from this code.
    const md5 = md5OfMessageAttributes({
      RULE_ARN: {DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:rule/b/r'},
      ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
      n: {DataType: 'Number', StringValue: '42'},
      é: {DataType: 'String', StringValue: 'ünï'},
      bin: {DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255])},
    })
    expect(md5).toBe('f60dc4ae8d62dad467cc2c5247d934e3')
    expect(md5OfMessageAttributes({})).toBeUndefined()
    expect(md5OfMessageAttributes(undefined)).toBeUndefined()
  })
})

function makeQueue(clock: {now: number}, attributes: Record<string, string> = {}): {store: SqsStore; queue: SqsQueue} {
  let id = 0
  const store = new SqsStore(
    () => clock.now,
    () => `id-${++id}`,
  )
  const queue = store.create({
    name: 'q',
    arn: 'arn:aws:sqs:us-east-1:000000000000:q',
    attributes,
    tags: {},
    now: clock.now,
  })
  return {store, queue}
}

describe('SqsQueue', () => {
  it('hands out visible messages in send order and hides them for the visibility timeout', () => {
    // Given three messages
    const clock = {now: 1_000_000}
    const {queue} = makeQueue(clock)
    for (const body of ['a', 'b', 'c']) queue.send({body})
    // When two are received with a 10 s timeout
    const first = queue.receive(2, 10, clock.now)
    // Then they come in order and only the third is left visible
    expect(first.map((item) => item.message.body)).toEqual(['a', 'b'])
    expect(queue.counts(clock.now)).toEqual({visible: 1, inflight: 2, delayed: 0})
    clock.now += 10_000
    expect(queue.counts(clock.now)).toEqual({visible: 3, inflight: 0, delayed: 0})
    const second = queue.receive(10, 10, clock.now)
    expect(second.map((item) => item.message.body).sort()).toEqual(['a', 'b', 'c'])
    expect(second.find((item) => item.message.body === 'a')?.message.receiveCount).toBe(2)
  })

  it('tracks delayed messages separately and releases them when due', () => {
    const clock = {now: 5_000}
    const {queue} = makeQueue(clock)
    queue.sendAt({body: 'late', delaySeconds: 5}, clock.now)
    expect(queue.counts(clock.now)).toEqual({visible: 0, inflight: 0, delayed: 1})
    expect(queue.nextVisibleAt()).toBe(10_000)
    expect(queue.receive(1, 30, clock.now)).toEqual([])
    clock.now = 10_000
    expect(queue.receive(1, 30, clock.now).map((item) => item.message.body)).toEqual(['late'])
  })

  it('changeVisibility checks the handle and the in-flight state', () => {
    const clock = {now: 0}
    const {queue} = makeQueue(clock)
    queue.send({body: 'x'})
    const [item] = queue.receive(1, 30, clock.now)
    const handle = item?.receiptHandle ?? ''
    expect(queue.changeVisibility('???', 0, clock.now)).toEqual({ok: false, reason: 'invalid'})
    expect(queue.changeVisibility(handle, 0, clock.now)).toEqual({ok: true})
    expect(queue.changeVisibility(handle, 0, clock.now)).toEqual({ok: false, reason: 'not-inflight'})
    const [again] = queue.receive(1, 30, clock.now)
    expect(queue.changeVisibility(handle, 5, clock.now)).toEqual({ok: false, reason: 'expired'})
    expect(queue.deleteMessage(again?.receiptHandle ?? '')).toEqual({ok: true})
    expect(queue.changeVisibility(again?.receiptHandle ?? '', 5, clock.now)).toEqual({ok: false, reason: 'gone'})
    expect(queue.counts(clock.now)).toEqual({visible: 0, inflight: 0, delayed: 0})
  })

  it('rejects a receipt handle from another queue', () => {
    const clock = {now: 0}
    const {store, queue} = makeQueue(clock)
    const other = store.create({
      name: 'other',
      arn: 'arn:aws:sqs:us-east-1:000000000000:other',
      attributes: {},
      tags: {},
      now: 0,
    })
    other.send({body: 'x'})
    const [item] = other.receive(1, 30, clock.now)
    expect(queue.deleteMessage(item?.receiptHandle ?? '')).toEqual({ok: false, reason: 'invalid'})
    expect(queue.ownsHandle(item?.receiptHandle ?? '')).toBe(false)
    expect(other.ownsHandle(item?.receiptHandle ?? '')).toBe(true)
  })

  it('expires messages past the retention period, in flight or not', () => {
    const clock = {now: 0}
    const {queue} = makeQueue(clock, {MessageRetentionPeriod: '60'})
    queue.send({body: 'old'})
    queue.receive(1, 600, clock.now)
    clock.now = 30_000
    queue.send({body: 'new'})
    clock.now = 60_000
    expect(queue.counts(clock.now)).toEqual({visible: 1, inflight: 0, delayed: 0})
  })

  it('keeps 100k messages cheaply and receives/deletes them without O(n) scans', () => {
    const clock = {now: 1_700_000_000_000}
    const {queue} = makeQueue(clock)
    const before = process.memoryUsage().heapUsed
    const body = 'x'.repeat(200)
    for (let i = 0; i < 100_000; i++) queue.send({body: `${i}:${body}`, senderId: 'AIDASENDER'})
    const perMessage = (process.memoryUsage().heapUsed - before) / 100_000
    // Body (~210 bytes as a one-byte string) plus the record, MD5 and ids: well under 1 KB.
    expect(perMessage).toBeLessThan(1024)
    const started = performance.now()
    let received = 0
    for (let i = 0; i < 5_000; i++) {
      const batch = queue.receive(10, 30, clock.now)
      received += batch.length
      for (const item of batch) queue.deleteMessage(item.receiptHandle)
    }
    const elapsed = performance.now() - started
    expect(received).toBe(50_000)
    expect(queue.counts(clock.now)).toEqual({visible: 50_000, inflight: 0, delayed: 0})
    // 5,000 receive calls with deletes: linear scans per call would take seconds.
    expect(elapsed).toBeLessThan(3000)
  })

  it('moves messages to the dead-letter queue through the redrive policy', () => {
    const clock = {now: 0}
    const {store, queue: dlq} = makeQueue(clock)
    const source = store.create({
      name: 'src',
      arn: 'arn:aws:sqs:us-east-1:000000000000:src',
      attributes: {RedrivePolicy: JSON.stringify({deadLetterTargetArn: dlq.arn, maxReceiveCount: 2})},
      tags: {},
      now: 0,
    })
    source.send({body: 'poison'})
    expect(source.receive(1, 0, clock.now)).toHaveLength(1)
    expect(source.receive(1, 0, clock.now)).toHaveLength(1)
    expect(source.receive(1, 0, clock.now)).toHaveLength(0)
    const [moved] = dlq.receive(1, 30, clock.now)
    expect(moved?.message.body).toBe('poison')
    expect(moved?.message.deadLetterSourceArn).toBe(source.arn)
  })
})

describe('SQS digests', () => {
  it('md5OfBody is the hex MD5 of the UTF-8 body', () => {
    expect(md5OfBody('')).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(md5OfBody('é')).toBe(
      createHash('md5')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    )
  })

  it('md5OfMessageAttributes sorts by name and encodes binary with transport byte 2', () => {
    const single = md5OfMessageAttributes({b: {DataType: 'Binary', BinaryValue: Buffer.from([1])}})
    const expected = createHash('md5')
      .update(Buffer.from([0, 0, 0, 1, 0x62, 0, 0, 0, 6, ...Buffer.from('Binary'), 2, 0, 0, 0, 1, 1]))
      .digest('hex')
    expect(single).toBe(expected)
    const ab = md5OfMessageAttributes({
      b: {DataType: 'String', StringValue: '2'},
      a: {DataType: 'String', StringValue: '1'},
    })
    const ba = md5OfMessageAttributes({
      a: {DataType: 'String', StringValue: '1'},
      b: {DataType: 'String', StringValue: '2'},
    })
    expect(ab).toBe(ba)
    expect(md5OfMessageAttributes({})).toBeUndefined()
  })
})

describe('sqsQueryInput', () => {
  it('turns flattened query parameters into the JSON-shaped input', () => {
    const params = new URLSearchParams({
      Action: 'SendMessageBatch',
      Version: '2012-11-05',
      QueueUrl: 'http://localhost/000000000000/q',
      'SendMessageBatchRequestEntry.2.Id': 'b',
      'SendMessageBatchRequestEntry.2.MessageBody': 'two',
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'one',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'k',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': 'v',
    })
    expect(sqsQueryInput('SendMessageBatch', params)).toEqual({
      QueueUrl: 'http://localhost/000000000000/q',
      Entries: [
        {Id: 'a', MessageBody: 'one', MessageAttributes: {k: {DataType: 'String', StringValue: 'v'}}},
        {Id: 'b', MessageBody: 'two'},
      ],
    })
    expect(
      sqsQueryInput(
        'CreateQueue',
        new URLSearchParams({
          QueueName: 'q',
          'Attribute.1.Name': 'DelaySeconds',
          'Attribute.1.Value': '3',
          'Tag.1.Key': 'team',
          'Tag.1.Value': 'ops',
        }),
      ),
    ).toEqual({QueueName: 'q', Attributes: {DelaySeconds: '3'}, tags: {team: 'ops'}})
    expect(
      sqsQueryInput(
        'ReceiveMessage',
        new URLSearchParams({'AttributeName.1': 'All', 'MessageAttributeName.1': 'foo.*'}),
      ),
    ).toEqual({AttributeNames: ['All'], MessageAttributeNames: ['foo.*']})
  })
})
