// In-memory fakes of the ports redrive uses: an SQS-like queue with visibility and receipt handles
// that expire when a message is received again, and an EventBridge that can throttle, fail or lose a bus.
import {decodeDlqMessage} from '../../src/core/dlq-decode.js'
import type {DlqBatchResult, DlqHandle, DlqQueuePort, DlqRecord, RawDlqMessage} from '../../src/core/dlq.js'
import {NotFoundError} from '../../src/core/errors.js'
import type {EventsPort, PutEntry, PutEntryResult} from '../../src/core/put-entries.js'

export const RULE_DEFAULT = 'arn:aws:events:us-east-1:000000000000:rule/momento-cacheSet'
export const RULE_ON_BUS = 'arn:aws:events:us-east-1:000000000000:rule/orders-bus/momento-cacheSet'

export interface MessageSpec {
  id: string
  eventId?: string
  detailType?: string
  detail?: Record<string, unknown>
  time?: string
  sent?: number
  ruleArn?: string
  body?: string
}

/** A DLQ message as EventBridge writes it (docs/reference/aws-facts.md#dlq-messages). */
export function rawMessage(spec: MessageSpec): RawDlqMessage {
  const detailType = spec.detailType ?? 'cacheSet'
  const detail = spec.detail ?? {cacheName: 'orders', key: `k-${spec.id}`, message: 'v', ttl: 3600, ttl_seconds: 3600}
  const body =
    spec.body ??
    JSON.stringify({
      version: '0',
      id: spec.eventId ?? `ev-${spec.id}`,
      'detail-type': detailType,
      source: 'momento-eb',
      account: '000000000000',
      time: spec.time ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail,
    })
  return {
    messageId: spec.id,
    receiptHandle: `${spec.id}#0`,
    body,
    attributes: {
      RULE_ARN: spec.ruleArn ?? RULE_DEFAULT,
      TARGET_ARN: 'arn:aws:events:us-east-1:000000000000:api-destination/set/1',
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE:
        'API destination endpoint returned HTTP 404 (Not Found): {"status":404,"title":"Not Found","description":"Cache not found"}',
      RETRY_ATTEMPTS: '0',
    },
    systemAttributes: {SentTimestamp: String(spec.sent ?? Date.now()), ApproximateReceiveCount: '1'},
  }
}

export function record(spec: MessageSpec): DlqRecord {
  return decodeDlqMessage(rawMessage(spec))
}

interface Stored {
  raw: RawDlqMessage
  receives: number
  visibleAt: number
}

/** An SQS queue in memory. A receipt handle is valid until the message is received again. */
export class FakeQueue implements DlqQueuePort {
  readonly queueUrl = 'http://fake/000000000000/dlq'
  readonly messages = new Map<string, Stored>()
  deletes = 0
  receives = 0
  /** Make the next delete answer ReceiptHandleIsInvalid for these message ids (once each). */
  expireOnDelete = new Set<string>()
  clock: () => number = Date.now

  constructor(raws: RawDlqMessage[] = []) {
    for (const raw of raws) this.messages.set(raw.messageId, {raw, receives: 0, visibleAt: 0})
  }

  /** Add a message, as EventBridge's DLQ write does. */
  add(raw: RawDlqMessage): void {
    this.messages.set(raw.messageId, {raw, receives: 0, visibleAt: 0})
  }

  /** Called at the start of every receive (e.g. to keep new failures arriving). */
  onReceive: (() => void) | undefined

  async receive(options: {max: number; visibilityTimeoutSeconds: number; waitSeconds: number}) {
    this.onReceive?.()
    this.receives++
    const now = this.clock()
    const out: RawDlqMessage[] = []
    for (const m of this.messages.values()) {
      if (out.length >= options.max) break
      if (m.visibleAt > now) continue
      m.receives++
      m.visibleAt = now + options.visibilityTimeoutSeconds * 1000
      out.push({...m.raw, receiptHandle: `${m.raw.messageId}#${m.receives}`})
    }
    return out
  }

  private valid(h: DlqHandle): Stored | undefined {
    const m = this.messages.get(h.messageId)
    return m && h.receiptHandle === `${h.messageId}#${m.receives}` ? m : undefined
  }

  async changeVisibility(handles: readonly DlqHandle[], seconds: number): Promise<DlqBatchResult> {
    const result: DlqBatchResult = {succeeded: [], failed: []}
    for (const h of handles) {
      const m = this.valid(h)
      if (!m) {
        result.failed.push({messageId: h.messageId, code: 'ReceiptHandleIsInvalid', message: 'expired'})
        continue
      }
      m.visibleAt = this.clock() + seconds * 1000
      result.succeeded.push(h.messageId)
    }
    return result
  }

  async delete(handles: readonly DlqHandle[]): Promise<DlqBatchResult> {
    this.deletes++
    const result: DlqBatchResult = {succeeded: [], failed: []}
    for (const h of handles) {
      if (this.expireOnDelete.delete(h.messageId) || !this.valid(h)) {
        result.failed.push({
          messageId: h.messageId,
          code: 'ReceiptHandleIsInvalid',
          message: 'The receipt handle has expired.',
        })
        // As on SQS: the message becomes visible again once its (expired) visibility is over.
        const m = this.messages.get(h.messageId)
        if (m) m.visibleAt = 0
        continue
      }
      this.messages.delete(h.messageId)
      result.succeeded.push(h.messageId)
    }
    return result
  }

  async purge() {
    this.messages.clear()
  }

  async depth() {
    return {visible: this.messages.size, inFlight: 0, delayed: 0}
  }
}

/** EventBridge in memory: records what was published, in order, with the queue state at that moment. */
export class FakeEvents implements EventsPort {
  readonly published: PutEntry[] = []
  calls = 0
  describes = 0
  buses = new Set(['default', 'orders-bus'])
  /** Decide per call: return a result per entry, or undefined for success. */
  behave: ((entries: readonly PutEntry[], call: number) => PutEntryResult[] | undefined) | undefined
  /** Called after each successful put (e.g. to delete the bus mid-run). */
  afterPut: ((call: number) => void) | undefined
  private next = 0

  async putEvents(entries: readonly PutEntry[]): Promise<PutEntryResult[]> {
    const call = ++this.calls
    const custom = this.behave?.(entries, call)
    const results = custom ?? entries.map((): PutEntryResult => ({eventId: `new-${++this.next}`}))
    entries.forEach((entry, i) => {
      const r = results[i]
      if (r && 'eventId' in r) this.published.push(entry)
    })
    this.afterPut?.(call)
    return results
  }

  async describeEventBus(name: string): Promise<string> {
    this.describes++
    if (!this.buses.has(name)) throw new NotFoundError(`Event bus ${name} does not exist.`)
    return `arn:aws:events:us-east-1:000000000000:event-bus/${name}`
  }
}

/**
 * The cause is not fixed: every event published fails again and EventBridge dead-letters it into `queue`
 * as a new message whose envelope id is the EventId PutEvents returned. With `beforeResponseMs` the copy
 * is in the queue before the PutEvents response arrives (a 404 is not retried, so on AWS it can be).
 */
export function deadLetterEverything(
  events: FakeEvents,
  queue: FakeQueue,
  options: {beforeResponseMs?: (call: number) => number} = {},
) {
  const put = events.putEvents.bind(events)
  let returned = 0
  let calls = 0
  events.putEvents = async (entries) => {
    const call = ++calls
    const results = await put(entries)
    results.forEach((result, i) => {
      const entry = entries[i]
      if (!entry || !('eventId' in result)) return
      queue.add(
        rawMessage({
          id: `back-${++returned}`,
          eventId: result.eventId,
          detailType: entry.DetailType,
          detail: JSON.parse(entry.Detail) as Record<string, unknown>,
          sent: queue.clock(),
        }),
      )
    })
    const delay = options.beforeResponseMs?.(call) ?? 0
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    return results
  }
}
