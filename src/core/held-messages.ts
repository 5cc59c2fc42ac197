/**
 * Messages a long scan of the DLQ keeps hidden (received, not deleted) although it is done with them:
 * skipped or not matching a redrive's filter, or already written by an export. Keeping them hidden
 * saves receiving them again; but every hidden message is "in flight" for SQS, and a standard queue
 * allows only about 120,000 of those ("depending on queue traffic and message backlog"; SQS developer
 * guide, quotas-queues). Past that, ReceiveMessage answers OverLimit to a short poll and NOTHING, no
 * error, to a long poll: a scan would take the full queue for an empty one and stop early. So the
 * window is bounded: over `limit`, the oldest are handed back (visibility 0) and may be received again
 * later (the scan's seen-set recognises them). Entries whose visibility timeout has run out are
 * dropped (SQS has made them visible again by itself).
 *
 * Memory: the message id and receipt handle of at most `limit` messages (on AWS a handle is a few
 * hundred bytes: ~25 MB at 50,000).
 */
import type {DlqHandle} from './dlq.js'

/**
 * The most messages a redrive or export keeps hidden at once by default: well under the ~120,000
 * in-flight quota (which may be lower for a busy queue, and is shared with any other consumer, e.g. a
 * `dlq watch` in another terminal).
 */
export const DEFAULT_MAX_HELD = 50_000

export class HeldMessages {
  /** Insertion order = oldest first (an update moves the message to the end). */
  private readonly entries = new Map<string, {handle: string; until: number}>()

  constructor(
    readonly limit: number,
    private readonly visibilityMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size
  }

  has(messageId: string): boolean {
    return this.entries.has(messageId)
  }

  /** Hold a message (just received, or received again) with its latest receipt handle. */
  set(messageId: string, handle: string, visibilityMs = this.visibilityMs): void {
    this.entries.delete(messageId)
    this.entries.set(messageId, {handle, until: this.now() + visibilityMs})
  }

  delete(messageId: string): void {
    this.entries.delete(messageId)
  }

  /**
   * Forget what SQS has made visible again, and take (remove and return) the oldest over the limit:
   * the caller hands those back with visibility 0.
   */
  overflow(): DlqHandle[] {
    this.prune()
    const out: DlqHandle[] = []
    for (const [messageId, entry] of this.entries) {
      if (this.entries.size - out.length <= this.limit) break
      out.push({messageId, receiptHandle: entry.handle})
    }
    for (const h of out) this.entries.delete(h.messageId)
    return out
  }

  /** Take the oldest `count` (e.g. to make room after an OverLimit answer). */
  takeOldest(count: number): DlqHandle[] {
    const out: DlqHandle[] = []
    for (const [messageId, entry] of this.entries) {
      if (out.length >= count) break
      out.push({messageId, receiptHandle: entry.handle})
    }
    for (const h of out) this.entries.delete(h.messageId)
    return out
  }

  /** Take everything still hidden (the end of the run). */
  drain(): DlqHandle[] {
    this.prune()
    const out = [...this.entries].map(([messageId, entry]) => ({messageId, receiptHandle: entry.handle}))
    this.entries.clear()
    return out
  }

  /** Drop entries whose visibility timeout ran out (oldest first; stops at the first one still hidden). */
  private prune(): void {
    const now = this.now()
    for (const [messageId, entry] of this.entries) {
      if (entry.until > now) break
      this.entries.delete(messageId)
    }
  }
}
