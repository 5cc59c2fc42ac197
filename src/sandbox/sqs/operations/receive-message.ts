import {overLimit} from '../errors.js'
import {md5OfMessageAttributes} from '../md5.js'
import {fromWire, type ReceivedMessage, type WireAttributeValue} from '../store.js'
import type {SqsOperation} from '../validation.js'

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
  'AWSTraceHeader',
] as const

function systemAttributes(received: ReceivedMessage, wanted: ReadonlySet<string>): Record<string, string> | undefined {
  const all = wanted.has('All')
  const {message} = received
  const values: Record<(typeof SYSTEM_ATTRIBUTES)[number], string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    AWSTraceHeader: message.traceHeader,
  }
  const out: Record<string, string> = {}
  for (const name of SYSTEM_ATTRIBUTES) {
    const value = values[name]
    if (value !== undefined && (all || wanted.has(name))) out[name] = value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** Message attributes the request asked for: `All`/`.*`, exact names, or `prefix.*`. */
function selectAttributes(
  attributes: Record<string, WireAttributeValue> | undefined,
  names: readonly string[],
): Record<string, WireAttributeValue> | undefined {
  if (!attributes || names.length === 0) return undefined
  const all = names.includes('All') || names.includes('.*')
  const prefixes = names.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1))
  const out: Record<string, WireAttributeValue> = {}
  for (const [name, value] of Object.entries(attributes)) {
    if (all || names.includes(name) || prefixes.some((prefix) => name.startsWith(prefix))) out[name] = value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function render(received: ReceivedMessage, systemNames: ReadonlySet<string>, attributeNames: readonly string[]) {
  const attributes = selectAttributes(received.attributes, attributeNames)
  return {
    MessageId: received.message.id,
    ReceiptHandle: received.receiptHandle,
    MD5OfBody: received.message.md5,
    Body: received.message.body,
    Attributes: systemAttributes(received, systemNames),
    // The digest covers the attributes returned, so clients can check what they got.
    MD5OfMessageAttributes: attributes ? md5OfMessageAttributes(fromWire(attributes)) : undefined,
    MessageAttributes: attributes,
  }
}

export const receiveMessage: SqsOperation = async (request, ctx) => {
  const queue = request.queue
  const max = request.int('MaxNumberOfMessages') ?? 1
  const visibility = request.int('VisibilityTimeout') ?? queue.number('VisibilityTimeout')
  const wait = request.int('WaitTimeSeconds') ?? queue.number('ReceiveMessageWaitTimeSeconds')
  const systemNames = new Set([...request.list('AttributeNames'), ...request.list('MessageSystemAttributeNames')])
  const attributeNames = request.list('MessageAttributeNames')
  // longPollScale: a test knob (SandboxOptions), 1 outside tests.
  const deadline = ctx.state.now() + wait * 1000 * ctx.state.options.longPollScale
  // At the in-flight quota a short poll fails with OverLimit; a long poll waits (and may end empty).
  if (wait === 0 && queue.atInflightLimit(ctx.state.now()))
    throw overLimit(queue.name, ctx.state.options.sqsMaxInFlight)
  for (;;) {
    const now = ctx.state.now()
    const received = queue.receive(max, visibility, now)
    if (received.length > 0) return {Messages: received.map((item) => render(item, systemNames, attributeNames))}
    const remaining = deadline - now
    if (remaining <= 0 || ctx.signal.aborted || ctx.state.closing.aborted || queue.deleted) return {}
    // Sleep until a send wakes us, the next delayed/in-flight message is due, or the wait ends.
    const nextDue = queue.nextVisibleAt()
    await queue.waitForMessages(nextDue === undefined ? remaining : Math.min(remaining, nextDue - now), ctx.signal)
  }
}
