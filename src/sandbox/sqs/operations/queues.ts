import type {Operation, RequestContext} from '../../protocol/context.js'
import {
  invalidAttributeName,
  invalidAttributeValue,
  invalidParameterValue,
  purgeQueueInProgress,
  queueDoesNotExist,
  queueNameExists,
  unsupportedOperation,
} from '../errors.js'
import type {SqsQueue, SqsStore} from '../store.js'
import {
  QUEUE_NAME,
  optionalInt,
  optionalString,
  requiredString,
  resolveQueue,
  stringList,
  stringMap,
} from '../validation.js'

/** Integer queue attributes and their allowed ranges. */
const INT_ATTRIBUTES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
}
/** Attributes holding JSON documents; an empty value removes them. */
const JSON_ATTRIBUTES = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy'])
const READ_ONLY = new Set([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
])
/** FIFO-only attributes: the sandbox emulates standard queues only. */
const FIFO_ATTRIBUTES = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'])

/** Every name GetQueueAttributes knows (besides `All`). */
const READABLE = new Set([
  ...READ_ONLY,
  ...Object.keys(INT_ATTRIBUTES),
  ...JSON_ATTRIBUTES,
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
  'FifoQueue',
  ...FIFO_ATTRIBUTES,
])

/** Check and normalize attributes for CreateQueue/SetQueueAttributes. */
function validateAttributes(attributes: Record<string, string>, store: SqsStore): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(attributes)) {
    const range = INT_ATTRIBUTES[name]
    if (range) {
      const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN
      if (!(number >= range[0] && number <= range[1]))
        throw invalidAttributeValue(`Invalid value for the parameter ${name}.`)
      out[name] = String(number)
    } else if (JSON_ATTRIBUTES.has(name)) {
      out[name] = validateJsonAttribute(name, value, store)
    } else if (name === 'SqsManagedSseEnabled') {
      if (value !== 'true' && value !== 'false') throw invalidAttributeValue(`Invalid value for the parameter ${name}.`)
      out[name] = value
    } else if (name === 'KmsMasterKeyId') {
      out[name] = value
    } else if (name === 'FifoQueue') {
      if (value === 'true') throw unsupportedOperation('FIFO queues are not supported by the momento-eb sandbox.')
      if (value !== 'false') throw invalidAttributeValue(`Invalid value for the parameter ${name}.`)
    } else if (READ_ONLY.has(name) || FIFO_ATTRIBUTES.has(name) || !READABLE.has(name)) {
      throw invalidAttributeName(`Unknown Attribute ${name}.`)
    }
  }
  return out
}

function validateJsonAttribute(name: string, value: string, store: SqsStore): string {
  if (value === '') return ''
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw invalidAttributeValue(`Invalid value for the parameter ${name}. Reason: the value is not valid JSON.`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidAttributeValue(`Invalid value for the parameter ${name}. Reason: the value must be a JSON object.`)
  }
  if (name === 'RedrivePolicy') {
    const policy = parsed as {deadLetterTargetArn?: unknown; maxReceiveCount?: unknown}
    const max = Number(policy.maxReceiveCount)
    if (typeof policy.deadLetterTargetArn !== 'string' || !policy.deadLetterTargetArn.startsWith('arn:aws:sqs:')) {
      throw invalidAttributeValue(
        `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain a valid deadLetterTargetArn.`,
      )
    }
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      throw invalidAttributeValue(
        `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
      )
    }
    if (!store.queueByArn(policy.deadLetterTargetArn)) {
      throw invalidAttributeValue(
        `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`,
      )
    }
    // AWS stores the policy normalized, with maxReceiveCount as a number.
    return JSON.stringify({deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: max})
  }
  return value
}

/** The `http://<request Host>/<account>/<name>` URL that routes back to this sandbox (G.3). */
export function queueUrl(ctx: RequestContext, name: string): string {
  return `http://${ctx.host}/${ctx.accountId}/${name}`
}

function storeOf(ctx: RequestContext): SqsStore {
  return ctx.state.region(ctx.region).sqs
}

/** All readable attributes of a queue, as strings. */
export function queueAttributes(queue: SqsQueue, now: number): Record<string, string> {
  const counts = queue.counts(now)
  return {
    ...queue.attributes(),
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inflight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
    QueueArn: queue.arn,
  }
}

const createQueue: Operation = (input, ctx) => {
  const name = requiredString(input, 'QueueName')
  const requested = stringMap(input, 'Attributes')
  if (name.endsWith('.fifo') || requested['FifoQueue'] === 'true') {
    throw unsupportedOperation('FIFO queues are not supported by the momento-eb sandbox.')
  }
  if (!QUEUE_NAME.test(name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length')
  }
  const store = storeOf(ctx)
  const attributes = validateAttributes(requested, store)
  const tags = stringMap(input, 'tags')
  const existing = store.get(name)
  if (existing) {
    // Idempotent only when every attribute the caller names has the value the queue already has.
    const current = existing.attributes()
    for (const [key, value] of Object.entries(attributes)) {
      if ((current[key] ?? '') !== value) {
        throw queueNameExists(`A queue already exists with the same name and a different value for attribute ${key}`)
      }
    }
    return {QueueUrl: queueUrl(ctx, name)}
  }
  for (const key of Object.keys(attributes)) if (attributes[key] === '') delete attributes[key]
  if (attributes['KmsMasterKeyId'] && requested['SqsManagedSseEnabled'] === undefined) {
    attributes['SqsManagedSseEnabled'] = 'false'
  }
  store.create({
    name,
    arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`,
    attributes,
    tags,
    now: ctx.state.now(),
  })
  return {QueueUrl: queueUrl(ctx, name)}
}

const getQueueUrl: Operation = (input, ctx) => {
  const name = requiredString(input, 'QueueName')
  const owner = optionalString(input, 'QueueOwnerAWSAccountId')
  if ((owner !== undefined && owner !== ctx.accountId) || !storeOf(ctx).get(name)) throw queueDoesNotExist()
  return {QueueUrl: queueUrl(ctx, name)}
}

const listQueues: Operation = (input, ctx) => {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? ''
  const maxResults = optionalInt(input, 'MaxResults', 1, 1000)
  const token = optionalString(input, 'NextToken')
  if (token !== undefined && maxResults === undefined) {
    throw invalidParameterValue('MaxResults is a mandatory parameter when you provide a value for NextToken.')
  }
  const names = storeOf(ctx)
    .names()
    .filter((name) => name.startsWith(prefix))
    .sort()
  let start = 0
  if (token !== undefined) {
    // The token is the last name of the previous page, so pages stay stable while queues come and go.
    const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : ''
    if (!QUEUE_NAME.test(decoded)) throw invalidParameterValue('Invalid NextToken value.')
    start = names.findIndex((name) => name > decoded)
    if (start < 0) start = names.length
  }
  const limit = maxResults ?? 1000
  const page = names.slice(start, start + limit)
  const out: {QueueUrls?: string[]; NextToken?: string} = {}
  if (page.length > 0) out.QueueUrls = page.map((name) => queueUrl(ctx, name))
  // Without MaxResults AWS returns up to 1000 URLs and no token.
  if (maxResults !== undefined && start + limit < names.length) {
    out.NextToken = Buffer.from(page.at(-1) ?? '', 'utf8').toString('base64url')
  }
  return out
}

const deleteQueue: Operation = (input, ctx) => {
  const store = storeOf(ctx)
  const queue = resolveQueue(input, ctx, store)
  store.delete(queue.name)
  return {}
}

const getQueueAttributes: Operation = (input, ctx) => {
  const queue = resolveQueue(input, ctx, storeOf(ctx))
  const names = stringList(input, 'AttributeNames')
  for (const name of names) {
    if (name !== 'All' && !READABLE.has(name)) throw invalidAttributeName(`Unknown Attribute ${name}.`)
  }
  if (names.length === 0) return {}
  const all = queueAttributes(queue, ctx.state.now())
  const wanted = names.includes('All') ? Object.keys(all) : names
  const attributes: Record<string, string> = {}
  for (const name of wanted) {
    const value = all[name]
    if (value !== undefined) attributes[name] = value
  }
  return Object.keys(attributes).length > 0 ? {Attributes: attributes} : {}
}

const setQueueAttributes: Operation = (input, ctx) => {
  const store = storeOf(ctx)
  const queue = resolveQueue(input, ctx, store)
  const requested = stringMap(input, 'Attributes')
  if (Object.keys(requested).length === 0) throw invalidParameterValue('Attributes must not be empty.')
  if (requested['FifoQueue'] !== undefined) throw invalidAttributeName('Unknown Attribute FifoQueue.')
  queue.setAttributes(validateAttributes(requested, store), ctx.state.now())
  return {}
}

const purgeQueue: Operation = (input, ctx) => {
  const queue = resolveQueue(input, ctx, storeOf(ctx))
  const now = ctx.state.now()
  if (now - queue.lastPurgeAt < 60_000) throw purgeQueueInProgress(queue.name)
  queue.purge(now)
  return {}
}

/** Queue-level operations. */
export const queueOperations: Readonly<Record<string, Operation>> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  DeleteQueue: deleteQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  PurgeQueue: purgeQueue,
}
