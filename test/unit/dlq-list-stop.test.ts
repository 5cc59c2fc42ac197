import {describe, expect, it} from 'vitest'

import {depthNote, emptyQueueText} from '../../src/cli/dlq-list.js'
import type {DlqBatchResult, DlqDepth, DlqHandle, DlqQueuePort, RawDlqMessage} from '../../src/core/dlq.js'
import {peekDlq} from '../../src/services/dlq-list.js'
import {rawMessage} from './dlq-watch-fixtures.js'

/**
 * A queue with SQS's two kinds of evidence made separately controllable: what a short poll returns
 * (a sample: here nothing at all), what a long poll returns (at most `perLongPoll` of the visible
 * messages), and what GetQueueAttributes says (the truth, or a lagging number).
 */
class SamplingQueue implements DlqQueuePort {
  readonly queueUrl = 'https://sqs.us-east-1.amazonaws.com/000000000000/dlq'
  visible: RawDlqMessage[]
  hidden = new Map<string, RawDlqMessage>()
  calls: string[] = []
  /** Long polls that come back empty although messages are visible (AWS: rare). */
  falseEmptyLongPolls = 0
  /** Counts that lag: a fixed answer instead of the truth. */
  staleDepth: DlqDepth | undefined

  constructor(
    count: number,
    private readonly perLongPoll = 10,
  ) {
    this.visible = Array.from({length: count}, (_, i) => rawMessage(i))
  }

  async receive(options: {max: number; visibilityTimeoutSeconds: number; waitSeconds: number}) {
    this.calls.push(`receive(wait ${options.waitSeconds})`)
    // A short poll samples a few servers: here it never finds anything.
    if (options.waitSeconds === 0) return []
    if (this.falseEmptyLongPolls > 0) {
      this.falseEmptyLongPolls--
      return []
    }
    const out = this.visible.splice(0, Math.min(options.max, this.perLongPoll))
    for (const m of out) this.hidden.set(m.messageId, m)
    return out
  }

  async changeVisibility(handles: readonly DlqHandle[], seconds: number): Promise<DlqBatchResult> {
    this.calls.push(`release ${handles.length}`)
    expect(seconds).toBe(0)
    for (const h of handles) {
      const m = this.hidden.get(h.messageId)
      if (m) this.visible.push(m)
      this.hidden.delete(h.messageId)
    }
    return {succeeded: handles.map((h) => h.messageId), failed: []}
  }

  async delete(): Promise<DlqBatchResult> {
    throw new Error('a peek never deletes')
  }

  async purge(): Promise<void> {
    throw new Error('a peek never purges')
  }

  async depth(): Promise<DlqDepth> {
    this.calls.push('depth')
    return this.staleDepth ?? {visible: this.visible.length, inFlight: this.hidden.size, delayed: 0}
  }
}

describe('dlq list stop rule (stopOnDepth)', () => {
  it('reads a 5-message queue with one receive and two GetQueueAttributes, no empty wait', async () => {
    const queue = new SamplingQueue(5)
    const peek = await peekDlq(queue, {stopOnDepth: true})
    expect(peek.records.map((r) => r.messageId)).toHaveLength(5)
    // The counts and the first long poll together; the counts again once 5 are held: nothing visible.
    expect(queue.calls).toEqual(['depth', 'receive(wait 1)', 'depth', 'release 5'])
    expect(peek.depth).toEqual({visible: 0, inFlight: 5, delayed: 0})
    expect(queue.visible).toHaveLength(5)
  })

  it('starts from the counts the queue lookup read: one receive, one GetQueueAttributes', async () => {
    const queue = new SamplingQueue(5)
    const startDepth = await queue.depth()
    queue.calls = []
    const peek = await peekDlq(queue, {stopOnDepth: true, startDepth})
    expect(peek.records).toHaveLength(5)
    expect(queue.calls).toEqual(['receive(wait 1)', 'depth', 'release 5'])
  })

  it('with lookup counts that are stale, still reads what arrived since and never stops early', async () => {
    // The lookup saw 2; 5 are there by the first receive (3 arrived in between).
    const queue = new SamplingQueue(5, 2)
    const peek = await peekDlq(queue, {stopOnDepth: true, startDepth: {visible: 2, inFlight: 0, delayed: 0}})
    expect(peek.scanned).toBe(5)
    // The lookup saw 8 (3 deleted since): the last word is an empty long poll, not the counts.
    const shrunk = new SamplingQueue(5)
    const peek2 = await peekDlq(shrunk, {stopOnDepth: true, startDepth: {visible: 8, inFlight: 0, delayed: 0}})
    expect(peek2.scanned).toBe(5)
    expect(shrunk.calls).toEqual(['receive(wait 1)', 'receive(wait 1)', 'release 5'])
  })

  it('never uses a short poll: a queue whose short receives come back empty is read in full', async () => {
    // Long polls hand out 2 at a time (they answer as soon as they have some); short polls nothing.
    const queue = new SamplingQueue(5, 2)
    const peek = await peekDlq(queue, {stopOnDepth: true})
    expect(peek.scanned).toBe(5)
    expect(queue.calls.filter((c) => c === 'receive(wait 0)')).toEqual([])
    expect(queue.calls.filter((c) => c.startsWith('receive'))).toHaveLength(3)
  })

  it('does not report empty when a long poll comes back empty while the counts say messages are visible', async () => {
    const queue = new SamplingQueue(3)
    queue.falseEmptyLongPolls = 1
    const peek = await peekDlq(queue, {stopOnDepth: true})
    expect(peek.scanned).toBe(3)
    expect(peek.records).toHaveLength(3)
  })

  it('gives up after three empty long polls against the counts, and hands the counts to the caller', async () => {
    const queue = new SamplingQueue(3)
    queue.falseEmptyLongPolls = 10
    const peek = await peekDlq(queue, {stopOnDepth: true})
    expect(peek.scanned).toBe(0)
    expect(queue.calls.filter((c) => c.startsWith('receive'))).toHaveLength(3)
    expect(peek.depth?.visible).toBe(3)
    // The listing then says what SQS counts, not "empty".
    expect(emptyQueueText('dlq', peek.depth)).not.toContain('is empty')
    expect(emptyQueueText('dlq', peek.depth)).toContain('SQS counts about 3 visible messages')
  })

  it('an empty queue costs one long poll and is called empty only when the counts agree', async () => {
    const queue = new SamplingQueue(0)
    const peek = await peekDlq(queue, {stopOnDepth: true})
    expect(queue.calls).toEqual(['depth', 'receive(wait 1)'])
    expect(emptyQueueText('dlq', peek.depth)).toBe('The dead-letter queue dlq is empty.')
    expect(emptyQueueText('dlq', {visible: 0, inFlight: 4, delayed: 0})).toBe(
      'No message of dlq is visible now, but SQS counts 4 messages in flight (hidden by another reader until its visibility timeout ends).',
    )
  })

  it('counts that lag (still saying 5 visible) cost one empty long poll, not a wrong answer', async () => {
    const queue = new SamplingQueue(5)
    queue.staleDepth = {visible: 5, inFlight: 0, delayed: 0}
    const peek = await peekDlq(queue, {stopOnDepth: true})
    expect(peek.scanned).toBe(5)
    expect(queue.calls).toEqual(['depth', 'receive(wait 1)', 'depth', 'receive(wait 1)', 'release 5'])
  })

  it('stops at --limit and says how much of the queue the summary covers', async () => {
    const queue = new SamplingQueue(50)
    const peek = await peekDlq(queue, {stopOnDepth: true, limit: 20})
    expect(peek.records).toHaveLength(20)
    expect(peek.truncated).toBe(true)
    expect(depthNote({visible: 1_000_000, inFlight: 0, delayed: 0}, 20)).toBe(
      '; SQS counts about 1,000,000 in the queue, the summary covers the 20 read',
    )
    expect(depthNote({visible: 0, inFlight: 5, delayed: 0}, 5)).toBe('')
  })
})
