/**
 * Whether an uncapped `dlq redrive` starts worker threads (src/wiring/dlq-actions.ts `worthThreads`):
 * only when it may move enough messages to pay for them. The queue is a fake (pure decision logic).
 */
import {afterEach, describe, expect, it} from 'vitest'

import type {DlqDepth, DlqQueuePort} from '../../src/core/dlq.js'
import {worthThreads} from '../../src/wiring/dlq-actions.js'

function queueOf(depth: DlqDepth | Error): {queue: DlqQueuePort; reads: () => number} {
  let reads = 0
  const queue = {
    depth: async () => {
      reads++
      if (depth instanceof Error) throw depth
      return depth
    },
  } as unknown as DlqQueuePort
  return {queue, reads: () => reads}
}

const depth = (visible: number, inFlight = 0, delayed = 0) => ({visible, inFlight, delayed}) as DlqDepth

describe('worthThreads', () => {
  const saved = process.env['MOMENTO_EB_REDRIVE_THREADS_FROM']
  afterEach(() => {
    if (saved === undefined) delete process.env['MOMENTO_EB_REDRIVE_THREADS_FROM']
    else process.env['MOMENTO_EB_REDRIVE_THREADS_FROM'] = saved
  })

  it('a small queue stays on the main thread; from 2,000 messages (visible, in flight, delayed) it spreads', async () => {
    delete process.env['MOMENTO_EB_REDRIVE_THREADS_FROM']
    expect(await worthThreads(queueOf(depth(20)).queue, undefined)).toBe(false)
    expect(await worthThreads(queueOf(depth(1_999)).queue, undefined)).toBe(false)
    expect(await worthThreads(queueOf(depth(2_000)).queue, undefined)).toBe(true)
    expect(await worthThreads(queueOf(depth(1_000, 600, 400)).queue, undefined)).toBe(true)
  })

  it('a --limit below the threshold decides without reading the depth', async () => {
    delete process.env['MOMENTO_EB_REDRIVE_THREADS_FROM']
    const big = queueOf(depth(100_000))
    expect(await worthThreads(big.queue, 500)).toBe(false)
    expect(big.reads()).toBe(0)
    expect(await worthThreads(big.queue, 5_000)).toBe(true)
  })

  it('a depth that cannot be read counts as large (threads cost little; one thread on a large queue, a lot)', async () => {
    delete process.env['MOMENTO_EB_REDRIVE_THREADS_FROM']
    expect(await worthThreads(queueOf(new Error('AccessDenied')).queue, undefined)).toBe(true)
  })

  it('MOMENTO_EB_REDRIVE_THREADS_FROM sets the threshold (0: always); a value that is not a count is ignored', async () => {
    process.env['MOMENTO_EB_REDRIVE_THREADS_FROM'] = '0'
    const small = queueOf(depth(3))
    expect(await worthThreads(small.queue, 1)).toBe(true)
    expect(small.reads()).toBe(0)
    process.env['MOMENTO_EB_REDRIVE_THREADS_FROM'] = '10'
    expect(await worthThreads(queueOf(depth(10)).queue, undefined)).toBe(true)
    expect(await worthThreads(queueOf(depth(9)).queue, undefined)).toBe(false)
    process.env['MOMENTO_EB_REDRIVE_THREADS_FROM'] = 'lots'
    expect(await worthThreads(queueOf(depth(1_999)).queue, undefined)).toBe(false)
    expect(await worthThreads(queueOf(depth(2_000)).queue, undefined)).toBe(true)
    // Empty is unset, not 0 ("always").
    process.env['MOMENTO_EB_REDRIVE_THREADS_FROM'] = ''
    expect(await worthThreads(queueOf(depth(20)).queue, undefined)).toBe(false)
  })
})
