import {describe, expect, it} from 'vitest'

import {findStackDlq, type StackReader} from '../../src/adapters/aws/dlq.js'
import {queueNameOf} from '../../src/adapters/aws/sqs.js'
import type {DlqHandle, DlqQueuePort, RawDlqMessage} from '../../src/core/dlq.js'
import {NotFoundError} from '../../src/core/errors.js'
import {peekDlq, toRecordView} from '../../src/services/dlq-list.js'

function reader(outputs: Record<string, string> | 'missing', queues: Array<{logicalId: string; physicalId: string}>) {
  const calls: string[] = []
  const r: StackReader = {
    async outputs(stack) {
      calls.push(`outputs:${stack}`)
      if (outputs === 'missing') throw new NotFoundError(`Stack ${stack} doesn't exist.`)
      return outputs
    },
    async resources(stack, type) {
      calls.push(`resources:${stack}:${type}`)
      return queues
    },
  }
  return {r, calls}
}

describe('findStackDlq', () => {
  it('uses the DlqUrl output when there is one', async () => {
    const {r, calls} = reader({DlqUrl: 'http://q/1/dlq', Other: 'x'}, [])
    await expect(findStackDlq(r, 'momento-api')).resolves.toEqual({
      queueUrl: 'http://q/1/dlq',
      source: 'stack-output',
      stack: 'momento-api',
      // The outputs come along, so the dlq commands find the bus-log group without reading the stack again.
      outputs: {DlqUrl: 'http://q/1/dlq', Other: 'x'},
    })
    expect(calls).toEqual(['outputs:momento-api'])
  })

  it("falls back to the stack's only SQS queue (the launch-button stack has no output)", async () => {
    const {r} = reader({}, [{logicalId: 'Queue', physicalId: 'http://q/1/launch'}])
    await expect(findStackDlq(r, 's')).resolves.toMatchObject({queueUrl: 'http://q/1/launch', source: 'stack-resource'})
  })

  it('picks the queue named as a DLQ among several', async () => {
    const {r} = reader({}, [
      {logicalId: 'WorkQueue', physicalId: 'http://q/1/work'},
      {logicalId: 'MomentoDeadLetterQueue', physicalId: 'http://q/1/dead'},
    ])
    await expect(findStackDlq(r, 's')).resolves.toMatchObject({queueUrl: 'http://q/1/dead'})
  })

  it('fails with NotFoundError for an unknown stack or a stack without a queue', async () => {
    await expect(findStackDlq(reader('missing', []).r, 'nope')).rejects.toBeInstanceOf(NotFoundError)
    await expect(findStackDlq(reader({}, []).r, 'empty')).rejects.toThrow(/no dead-letter queue/)
    await expect(
      findStackDlq(
        reader({}, [
          {logicalId: 'A', physicalId: 'a'},
          {logicalId: 'B', physicalId: 'b'},
        ]).r,
        'two',
      ),
    ).rejects.toThrow(/2 SQS queues/)
  })

  it('names a queue by the last segment of its URL', () => {
    expect(queueNameOf('https://sqs.us-east-1.amazonaws.com/123456789012/momento-dlq')).toBe('momento-dlq')
  })
})

/** An in-memory queue that, like SQS, may hand the same message out again and samples batches. */
function fakeQueue(messages: RawDlqMessage[], options: {repeat?: boolean} = {}) {
  const hidden = new Set<string>()
  const released: DlqHandle[] = []
  let receives = 0
  const port: DlqQueuePort = {
    queueUrl: 'http://fake/1/q',
    async receive({max}) {
      receives++
      const visible = messages.filter((m) => options.repeat || !hidden.has(m.messageId)).slice(0, max)
      for (const m of visible) hidden.add(m.messageId)
      return visible.map((m) => ({...m, receiptHandle: `${m.messageId}-r${receives}`}))
    },
    async changeVisibility(handles, seconds) {
      if (seconds === 0) {
        released.push(...handles)
        for (const h of handles) hidden.delete(h.messageId)
      }
      return {succeeded: handles.map((h) => h.messageId), failed: []}
    },
    async delete() {
      throw new Error('peek must never delete')
    },
    async purge() {
      throw new Error('peek must never purge')
    },
    async depth() {
      return {visible: messages.length - hidden.size, inFlight: hidden.size, delayed: 0}
    },
  }
  return {port, released, receives: () => receives}
}

const message = (i: number, cache = 'orders'): RawDlqMessage => ({
  messageId: `m${i}`,
  receiptHandle: '',
  body: JSON.stringify({id: `e${i}`, 'detail-type': 'cacheSet', detail: {cacheName: cache, key: `k${i}`}}),
  attributes: {ERROR_CODE: 'ERROR_FROM_TARGET', ERROR_MESSAGE: 'returned HTTP 404'},
  systemAttributes: {SentTimestamp: String(Date.parse('2026-01-01T00:00:00Z') + i * 1000)},
})

describe('peekDlq', () => {
  it('reads everything once, then releases every message with its latest handle', async () => {
    const q = fakeQueue(Array.from({length: 25}, (_, i) => message(i)))
    const result = await peekDlq(q.port, {waitSeconds: 0})
    expect(result.records).toHaveLength(25)
    expect(result.scanned).toBe(25)
    expect(result.truncated).toBe(false)
    expect(q.released.map((h) => h.messageId).sort()).toEqual(result.records.map((r) => r.messageId).sort())
    expect(result.records[0]?.reason).toBe('cache-not-found')
  })

  it('stops at the limit and dedupes repeats by MessageId', async () => {
    const q = fakeQueue(
      Array.from({length: 5}, (_, i) => message(i)),
      {repeat: true},
    )
    const result = await peekDlq(q.port, {waitSeconds: 0, limit: 3})
    expect(result.records.map((r) => r.messageId)).toEqual(['m0', 'm1', 'm2'])
    expect(result.truncated).toBe(true)
    const all = await peekDlq(
      fakeQueue(
        Array.from({length: 5}, (_, i) => message(i)),
        {repeat: true},
      ).port,
      {
        waitSeconds: 0,
      },
    )
    expect(all.records).toHaveLength(5)
  })

  it('filters while reading and stops after empty receives on an empty queue', async () => {
    const q = fakeQueue([message(1, 'a'), message(2, 'b'), message(3, 'a')])
    const result = await peekDlq(q.port, {waitSeconds: 0, filter: {caches: ['a']}})
    expect(result.records.map((r) => r.cache)).toEqual(['a', 'a'])
    expect(result.scanned).toBe(3)
    const empty = fakeQueue([])
    expect((await peekDlq(empty.port, {waitSeconds: 0})).records).toEqual([])
    expect(empty.receives()).toBe(2)
  })

  it('releases what it read when a receive fails midway', async () => {
    const q = fakeQueue(Array.from({length: 15}, (_, i) => message(i)))
    const receive = q.port.receive
    let n = 0
    q.port.receive = async (o) => {
      if (++n === 2) throw new Error('boom')
      return receive(o)
    }
    await expect(peekDlq(q.port, {waitSeconds: 0})).rejects.toThrow('boom')
    expect(q.released).toHaveLength(10)
  })

  it('drops the receipt handle from the output view', async () => {
    const q = fakeQueue([message(1)])
    const [record] = (await peekDlq(q.port, {waitSeconds: 0})).records
    expect(record).toBeDefined()
    expect(toRecordView(record!)).not.toHaveProperty('receiptHandle')
  })
})
