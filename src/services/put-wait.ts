/**
 * `put … --wait`: after publishing, watch both ends until the event's fate is known — delivered
 * (Momento shows the effect), dead-lettered (a DLQ message carries the event id), or neither before
 * the timeout. Topic subscriptions are opened BEFORE publishing, so the message can't slip past.
 */
import type {DlqQueuePort, DlqRecord, RawDlqMessage} from '../core/dlq.js'
import type {MomentoEvent} from '../core/momento-events.js'
import {type BatchDecoder, plainDecoder} from './dlq-diagnose.js'
import {peekDlq, toRecordView, type DlqRecordView} from './dlq-list.js'

/** The Momento reads the wait needs (implemented by src/adapters/momento/http.ts). */
export interface MomentoReadPort {
  getItem(
    cache: string,
    key: {key?: string | undefined; keyBase64?: string | undefined},
  ): Promise<
    | {status: 'hit'; value: Buffer}
    | {status: 'miss'}
    | {status: 'cache-not-found'}
    | {status: 'error'; httpStatus: number; title: string}
  >
  subscribe(
    cache: string,
    topic: string,
    sequenceNumber: number,
    signal?: AbortSignal,
  ): Promise<{
    items: Array<{sequence: number; text: string | undefined; binary: Buffer | undefined}>
    resumeAt: number | undefined
  }>
}

/**
 * `unmatched`: no enabled rule on the bus the event went to matches it (ListRules), so EventBridge
 * accepted it and delivered it nowhere: there is nothing to wait for.
 */
export type WaitOutcome = 'delivered' | 'dead-lettered' | 'timed-out' | 'unmatched'

/** What the wait found. */
export interface WaitReport {
  outcome: WaitOutcome
  waitedMs: number
  /** The decoded DLQ message, when dead-lettered. */
  deadLetter: DlqRecordView | undefined
  /** Caveats: e.g. the DLQ wasn't watched, or the item already looked delivered before publishing. */
  notes: string[]
}

export interface WaitPorts {
  momento: MomentoReadPort
  /** The dead-letter queue; without it only delivery or the timeout can end the wait. */
  dlq: DlqQueuePort | undefined
  /** Decodes what the DLQ holds (the CLI probes Momento with the key --wait already has). */
  decoder?: BatchDecoder | undefined
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export interface WaitTiming {
  /** Momento polls. Default 200 ms. */
  pollMs?: number
  /** DLQ peeks. Default 1000 ms. */
  dlqPollMs?: number
  /** How long a topic poll must stay open before it counts as waiting at the head. Default 150 ms. */
  headSettleMs?: number
}

/** Opened before publishing; `wait` after it. */
export interface PreparedWait {
  wait(eventId: string, timeoutMs: number): Promise<WaitReport>
  /** Stop background polls (also done by `wait`). */
  close(): void
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The bytes the documented `"<message>"` input template stores: the message in quotes
 * (docs/reference/aws-facts.md#quoted-message).
 */
export function templatedValues(message: string): string[] {
  return [`"${message}"`, JSON.stringify(message), message]
}

/**
 * Prepare the wait for one event: for topicPublish, open the subscription at the topic's head now;
 * for cache events, note what the item looks like before publishing.
 */
export async function prepareWait(
  event: MomentoEvent,
  ports: WaitPorts,
  timing: WaitTiming = {},
): Promise<PreparedWait> {
  const now = ports.now ?? Date.now
  const sleep = ports.sleep ?? defaultSleep
  const pollMs = timing.pollMs ?? 200
  const dlqPollMs = timing.dlqPollMs ?? 1000
  const notes: string[] = []
  const abort = new AbortController()
  let delivered: () => Promise<boolean>

  if (event.detailType === 'topicPublish') {
    const {cacheName, topicName, message} = event.detail
    const expected = new Set(templatedValues(message))
    let seen = false
    let failure: unknown
    let from = 0
    let headReached = false
    let atHead!: () => void
    const head = new Promise<void>((resolve) => (atHead = resolve))
    // Catch up through the history until a poll stays open (nothing newer): that poll, with an explicit
    // sequence number, receives whatever is published next, however late its request lands.
    const loop = (async () => {
      while (!abort.signal.aborted && !seen) {
        const settle = setTimeout(atHead, timing.headSettleMs ?? 150)
        try {
          const poll = await ports.momento.subscribe(cacheName, topicName, from, abort.signal)
          clearTimeout(settle)
          if (poll.items.length === 0 && poll.resumeAt === undefined) atHead()
          if (poll.resumeAt !== undefined) from = Math.max(from, poll.resumeAt)
          for (const item of poll.items) {
            from = Math.max(from, item.sequence + 1)
            const text = item.text ?? item.binary?.toString('utf8')
            // Items from before the head are history, not ours.
            if (headReached && text !== undefined && expected.has(text)) seen = true
          }
        } catch (error) {
          clearTimeout(settle)
          if (!abort.signal.aborted) failure = error
          atHead()
          return
        }
      }
    })()
    await head
    headReached = true
    delivered = async () => {
      if (failure) throw failure
      return seen
    }
    void loop
  } else {
    const {cacheName} = event.detail
    const key = {key: event.detail.key, keyBase64: event.detail.key_base64}
    const before = await ports.momento.getItem(cacheName, key)
    if (event.detailType === 'cacheSet') {
      const expected = new Set(templatedValues(event.detail.message))
      const matches = (r: Awaited<ReturnType<MomentoReadPort['getItem']>>) =>
        r.status === 'hit' && expected.has(r.value.toString('utf8'))
      if (matches(before)) notes.push('The item already held this value before publishing.')
      delivered = async () => matches(await ports.momento.getItem(cacheName, key))
    } else {
      if (before.status === 'miss') notes.push('The key was already absent before publishing.')
      delivered = async () => (await ports.momento.getItem(cacheName, key)).status === 'miss'
    }
  }
  if (!ports.dlq) notes.push("The dead-letter queue isn't watched, so a failure shows up as a timeout.")

  return {
    close: () => abort.abort(),
    async wait(eventId, timeoutMs) {
      const start = now()
      const deadline = start + timeoutMs
      let nextDlq = start
      // SQS has no read without a receive: every peek raises the ApproximateReceiveCount of each message
      // it sees (docs/reference/aws-facts.md#redrive-republish). Say how much.
      const peeked = {times: 0, messages: new Set<string>()}
      const withPeekNote = (report: WaitReport): WaitReport => {
        if (peeked.messages.size === 0) return report
        const n = peeked.messages.size
        return {
          ...report,
          notes: [
            ...report.notes,
            `Watching the DLQ received its ${n} message${n === 1 ? '' : 's'} up to ${peeked.times} time${peeked.times === 1 ? '' : 's'} ` +
              "(SQS can't read a queue without receiving): each one's ApproximateReceiveCount rose by up to " +
              `${peeked.times}; a redrive policy on the DLQ itself would count these receives.`,
          ],
        }
      }
      try {
        for (;;) {
          if (await delivered()) {
            return withPeekNote({outcome: 'delivered', waitedMs: now() - start, deadLetter: undefined, notes})
          }
          if (ports.dlq && now() >= nextDlq) {
            nextDlq = now() + dlqPollMs
            const {record: found, messageIds} = await peekForEvent(ports.dlq, eventId, ports.decoder)
            if (messageIds.length > 0) peeked.times++
            for (const id of messageIds) peeked.messages.add(id)
            if (found) {
              return withPeekNote({
                outcome: 'dead-lettered',
                waitedMs: now() - start,
                deadLetter: toRecordView(found),
                notes,
              })
            }
          }
          if (now() >= deadline) {
            return withPeekNote({outcome: 'timed-out', waitedMs: now() - start, deadLetter: undefined, notes})
          }
          await sleep(Math.min(pollMs, Math.max(0, deadline - now())))
        }
      } finally {
        abort.abort()
      }
    },
  }
}

/** Peek the DLQ (released at once) for the message whose event id is `eventId`. */
export async function findDeadLetter(
  dlq: DlqQueuePort,
  eventId: string,
  decoder?: BatchDecoder,
): Promise<DlqRecord | undefined> {
  return (await peekForEvent(dlq, eventId, decoder)).record
}

/**
 * Peek the DLQ (released at once) for the message whose event id is `eventId`; also the ids of every
 * message the peek received (their receive counts went up by one).
 */
async function peekForEvent(
  dlq: DlqQueuePort,
  eventId: string,
  decoder?: BatchDecoder,
): Promise<{record: DlqRecord | undefined; messageIds: string[]}> {
  // Every message is decoded, but only the one for this event goes through the (probing) decoder.
  const only: BatchDecoder | undefined = decoder
    ? async (raws) => {
        const records = await plainDecoder()(raws)
        const mine = records.flatMap((record, i) => (record.event?.id === eventId ? [i] : []))
        if (mine.length === 0) return records
        const diagnosed = await decoder(mine.map((i) => raws[i] as RawDlqMessage))
        mine.forEach((i, j) => (records[i] = diagnosed[j] as DlqRecord))
        return records
      }
    : undefined
  const peek = await peekDlq(dlq, {waitSeconds: 0, maxEmptyReceives: 1, visibilityTimeoutSeconds: 5, decoder: only})
  return {record: peek.records.find((r) => r.event?.id === eventId), messageIds: peek.handles.map((h) => h.messageId)}
}
