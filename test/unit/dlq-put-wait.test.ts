import {describe, expect, it} from 'vitest'

import type {DlqQueuePort, RawDlqMessage} from '../../src/core/dlq.js'
import type {MomentoEvent} from '../../src/core/momento-events.js'
import {prepareWait, templatedValues, type MomentoReadPort} from '../../src/services/put-wait.js'

const setEvent: MomentoEvent = {
  detailType: 'cacheSet',
  detail: {cacheName: 'c', key: 'k', message: 'v', ttl: 60, ttl_seconds: 60},
}

function fakeClock() {
  let t = 0
  return {now: () => t, sleep: async (ms: number) => void (t += Math.max(ms, 1))}
}

function momento(get: () => Awaited<ReturnType<MomentoReadPort['getItem']>>): MomentoReadPort {
  return {
    getItem: async () => get(),
    subscribe: async () => ({items: [], resumeAt: undefined}),
  }
}

function dlqWith(messages: RawDlqMessage[]): DlqQueuePort {
  let served = false
  return {
    queueUrl: 'q',
    receive: async () => {
      if (served) return []
      served = true
      return messages
    },
    changeVisibility: async (h) => {
      served = false
      return {succeeded: h.map((x) => x.messageId), failed: []}
    },
    delete: async () => ({succeeded: [], failed: []}),
    purge: async () => {},
    depth: async () => ({visible: messages.length, inFlight: 0, delayed: 0}),
  }
}

describe('put --wait service', () => {
  it('stores "<message>" with quotes: both forms count as delivered', () => {
    expect(templatedValues('hi')).toContain('"hi"')
  })

  it('delivered when the item reads back with the templated value', async () => {
    let reads = 0
    const prepared = await prepareWait(setEvent, {
      momento: momento(() => (++reads < 3 ? {status: 'miss'} : {status: 'hit', value: Buffer.from('"v"')})),
      dlq: dlqWith([]),
      ...fakeClock(),
    })
    const report = await prepared.wait('e1', 10_000)
    expect(report.outcome).toBe('delivered')
    expect(report.notes).toEqual([])
  })

  it('dead-lettered when a DLQ message carries the event id, not another one', async () => {
    const msg = (id: string): RawDlqMessage => ({
      messageId: `m-${id}`,
      receiptHandle: 'h',
      body: JSON.stringify({id, 'detail-type': 'cacheSet', detail: {cacheName: 'c', key: 'k'}}),
      attributes: {ERROR_CODE: 'ERROR_FROM_TARGET', ERROR_MESSAGE: 'HTTP 404'},
      systemAttributes: {},
    })
    const ports = {momento: momento(() => ({status: 'cache-not-found'})), ...fakeClock()}
    const hit = await (
      await prepareWait(setEvent, {...ports, dlq: dlqWith([msg('other'), msg('e1')])})
    ).wait('e1', 5000)
    expect(hit.outcome).toBe('dead-lettered')
    expect(hit.deadLetter?.reason).toBe('cache-not-found')
    const miss = await (await prepareWait(setEvent, {...ports, dlq: dlqWith([msg('other')])})).wait('e1', 5000)
    expect(miss.outcome).toBe('timed-out')
    // SQS has no side-effect-free read: the report says whose receive counts went up, and by how much.
    expect(hit.notes.join(' ')).toMatch(
      /received its 2 messages up to 1 time .*ApproximateReceiveCount rose by up to 1;/,
    )
    // 5 s with a peek every second: 6 receives of the one message.
    expect(miss.notes.join(' ')).toMatch(/received its 1 message up to 6 times .*rose by up to 6;/)
  })

  it('an empty DLQ: no receive count went up, no note', async () => {
    const prepared = await prepareWait(setEvent, {
      momento: momento(() => ({status: 'miss'})),
      dlq: dlqWith([]),
      ...fakeClock(),
    })
    const report = await prepared.wait('e1', 3000)
    expect(report.outcome).toBe('timed-out')
    expect(report.notes).toEqual([])
  })

  it('times out without a DLQ, and says the DLQ was not watched', async () => {
    const prepared = await prepareWait(setEvent, {
      momento: momento(() => ({status: 'miss'})),
      dlq: undefined,
      ...fakeClock(),
    })
    const report = await prepared.wait('e1', 3000)
    expect(report.outcome).toBe('timed-out')
    expect(report.waitedMs).toBeGreaterThanOrEqual(3000)
    expect(report.notes.join(' ')).toMatch(/isn't watched/)
  })

  it('cacheDelete notes a key that was already absent', async () => {
    const event: MomentoEvent = {detailType: 'cacheDelete', detail: {cacheName: 'c', key: 'k'}}
    const prepared = await prepareWait(event, {
      momento: momento(() => ({status: 'miss'})),
      dlq: undefined,
      ...fakeClock(),
    })
    const report = await prepared.wait('e1', 1000)
    expect(report.outcome).toBe('delivered')
    expect(report.notes.join(' ')).toMatch(/already absent/)
  })
})
