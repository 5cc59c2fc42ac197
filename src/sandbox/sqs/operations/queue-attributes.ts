/** Queue attributes: which exist, their checks for CreateQueue/SetQueueAttributes, and how they read back. */
import {invalidAttributeName, invalidAttributeValue, unsupportedOperation} from '../errors.js'
import type {SqsQueue, SqsStore} from '../store.js'

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
export const READABLE = new Set([
  ...READ_ONLY,
  ...Object.keys(INT_ATTRIBUTES),
  ...JSON_ATTRIBUTES,
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
  'FifoQueue',
  ...FIFO_ATTRIBUTES,
])

/** Check and normalize attributes for CreateQueue/SetQueueAttributes. */
export function validateAttributes(attributes: Record<string, string>, store: SqsStore): Record<string, string> {
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
