/**
 * The dead-letter queue over SQS (aws-semantics E), and finding it: from `--queue-url`, or from the
 * stack (its `DlqUrl` output, else its AWS::SQS::Queue resource, so Momento's launch-button stack
 * works too). SDK errors are translated to domain errors here; nothing prints.
 */
import type {DlqBatchResult, DlqDepth, DlqHandle, DlqQueuePort, RawDlqMessage} from '../../core/dlq.js'
import {NotFoundError, RemoteError, UsageError} from '../../core/errors.js'
import type {AwsClients} from './clients.js'
import {describeStack, listStackResources} from './cloudformation.js'
import {callContext, translateAwsError, type AwsErrorContext} from './errors.js'
import type {CallOptions} from './identity.js'
import {sdk} from './sdk.js'

/** Short enough that a crashed peek hands the messages back soon; long enough to read a full scan. */
export const PEEK_VISIBILITY_SECONDS = 30

const BATCH = 10

function context(
  clients: AwsClients,
  action: string,
  options: CallOptions,
  hints?: readonly string[],
): AwsErrorContext {
  return {...callContext(clients, 'sqs', options, action), ...(hints ? {notFoundHints: hints} : {})}
}

/** The queue's name: the last path segment of its URL. */
export function queueNameOf(queueUrl: string): string {
  try {
    return new URL(queueUrl).pathname.split('/').filter(Boolean).pop() ?? queueUrl
  } catch {
    return queueUrl.split('/').filter(Boolean).pop() ?? queueUrl
  }
}

const QUEUE_HINTS = [
  'Check --queue-url (copy it from `aws sqs list-queues` or the stack outputs).',
  'Or pass --stack NAME to find the queue from the deployed stack.',
]

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function stringMap(
  input: Record<string, {StringValue?: string | undefined; BinaryValue?: Uint8Array | undefined}> | undefined,
) {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(input ?? {})) {
    if (value.StringValue !== undefined) out[name] = value.StringValue
    else if (value.BinaryValue !== undefined) out[name] = Buffer.from(value.BinaryValue).toString('base64')
  }
  return out
}

/** SQS access to one dead-letter queue. Every call's failure is a domain error (NotFoundError for a missing queue). */
export function createDlqQueue(clients: AwsClients, queueUrl: string, options: CallOptions = {}): DlqQueuePort {
  const name = queueNameOf(queueUrl)
  const fail = (error: unknown, action: string) =>
    translateAwsError(error, context(clients, `${action} (queue ${name})`, options, QUEUE_HINTS))

  async function batch(
    handles: readonly DlqHandle[],
    send: (entries: Array<{Id: string; ReceiptHandle: string}>) => Promise<{
      Successful?: Array<{Id?: string | undefined}> | undefined
      Failed?: Array<{Id?: string | undefined; Code?: string | undefined; Message?: string | undefined}> | undefined
    }>,
  ): Promise<DlqBatchResult> {
    const result: DlqBatchResult = {succeeded: [], failed: []}
    for (const group of chunks(handles, BATCH)) {
      // Batch ids must be unique and [A-Za-z0-9_-]{1,80}; message ids may not be, so use positions.
      const entries = group.map((h, i) => ({Id: `m${i}`, ReceiptHandle: h.receiptHandle}))
      const out = await send(entries)
      for (const ok of out.Successful ?? []) {
        const handle = group[Number(ok.Id?.slice(1))]
        if (handle) result.succeeded.push(handle.messageId)
      }
      for (const bad of out.Failed ?? []) {
        const handle = group[Number(bad.Id?.slice(1))]
        if (handle) {
          result.failed.push({
            messageId: handle.messageId,
            code: bad.Code ?? 'Unknown',
            message: bad.Message ?? 'No message.',
          })
        }
      }
    }
    return result
  }

  return {
    queueUrl,
    async receive({max, visibilityTimeoutSeconds, waitSeconds}): Promise<RawDlqMessage[]> {
      try {
        const out = await clients.sqs.send(
          new sdk.sqs.ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.max(1, Math.min(BATCH, max)),
            VisibilityTimeout: visibilityTimeoutSeconds,
            WaitTimeSeconds: waitSeconds,
            // Without 'All' the error attributes don't come back at all (pitfall 17).
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        )
        return (out.Messages ?? []).map((m) => ({
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          attributes: stringMap(m.MessageAttributes),
          systemAttributes: {...(m.Attributes ?? {})} as Record<string, string>,
        }))
      } catch (error) {
        // OverLimit is an HTTP 403 (query-era model): without this it would read as rejected credentials.
        if (isOverLimitError(error)) {
          throw new RemoteError(
            `SQS refused to receive from ${name}: the queue's in-flight quota is reached (OverLimit; about 120,000 ` +
              'messages received and not yet deleted).',
            {
              cause: error,
              code: 'EB_SQS_OVER_LIMIT',
              hints: ['Wait for other consumers to delete or release what they hold.'],
            },
          )
        }
        throw fail(error, "Can't read the dead-letter queue")
      }
    },
    async changeVisibility(handles, seconds) {
      try {
        return await batch(handles, (Entries) =>
          clients.sqs.send(
            new sdk.sqs.ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: Entries.map((e) => ({...e, VisibilityTimeout: seconds})),
            }),
          ),
        )
      } catch (error) {
        throw fail(error, "Can't change message visibility")
      }
    },
    async delete(handles) {
      try {
        return await batch(handles, (Entries) =>
          clients.sqs.send(new sdk.sqs.DeleteMessageBatchCommand({QueueUrl: queueUrl, Entries})),
        )
      } catch (error) {
        throw fail(error, "Can't delete messages")
      }
    },
    async purge() {
      try {
        await clients.sqs.send(new sdk.sqs.PurgeQueueCommand({QueueUrl: queueUrl}))
      } catch (error) {
        const e = error as {name?: string; Code?: string}
        if (e.name === 'PurgeQueueInProgress' || /PurgeQueueInProgress/.test(String(e.Code ?? ''))) {
          throw new RemoteError(`Queue ${name} is already being purged; SQS allows one purge every 60 seconds.`, {
            cause: error,
            code: 'EB_PURGE_IN_PROGRESS',
            hints: ['Wait a minute: the earlier purge is still deleting the messages.'],
          })
        }
        throw fail(error, "Can't purge the dead-letter queue")
      }
    },
    async depth(): Promise<DlqDepth> {
      try {
        const out = await clients.sqs.send(
          new sdk.sqs.GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        )
        const n = (key: string) => Number(out.Attributes?.[key as 'ApproximateNumberOfMessages'] ?? 0) || 0
        return {
          visible: n('ApproximateNumberOfMessages'),
          inFlight: n('ApproximateNumberOfMessagesNotVisible'),
          delayed: n('ApproximateNumberOfMessagesDelayed'),
        }
      } catch (error) {
        throw fail(error, "Can't read the dead-letter queue's depth")
      }
    },
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Finding the queue                                                                                */
/* ------------------------------------------------------------------------------------------------ */

/** What CloudFormation says about a stack, reduced to what finding the DLQ needs. */
export interface StackReader {
  /** The stack's outputs by key; NotFoundError when the stack doesn't exist. */
  outputs(stack: string): Promise<Record<string, string>>
  /** The stack's resources of one type: logical id and physical id. */
  resources(stack: string, type: string): Promise<Array<{logicalId: string; physicalId: string}>>
}

/** Output keys that hold the DLQ URL: ours first. */
export const DLQ_OUTPUT_KEYS = ['DlqUrl', 'DLQUrl', 'DeadLetterQueueUrl', 'DlqQueueUrl']

/** Where the queue URL came from. */
export type QueueSource = 'flag' | 'stack-output' | 'stack-resource'

/** A located DLQ. */
export interface LocatedQueue {
  queueUrl: string
  source: QueueSource
  stack: string | undefined
  /** The stack's outputs, when the queue was found through the stack (e.g. BusLogGroupName for the log join). */
  outputs?: Record<string, string> | undefined
  /** The queue's counts as read to check it exists (GetQueueAttributes). */
  depth?: DlqDepth | undefined
}

/**
 * The DLQ of a stack: its `DlqUrl` output, else its one AWS::SQS::Queue resource (the launch-button
 * stack has no output); with several queues, the one whose logical id says DLQ / dead letter.
 * Throws NotFoundError when the stack doesn't exist or has no queue.
 */
export async function findStackDlq(reader: StackReader, stack: string): Promise<LocatedQueue> {
  const outputs = await reader.outputs(stack)
  for (const key of DLQ_OUTPUT_KEYS) {
    const url = outputs[key]
    if (url) return {queueUrl: url, source: 'stack-output', stack, outputs}
  }
  const queues = await reader.resources(stack, 'AWS::SQS::Queue')
  const preferred = queues.length === 1 ? queues[0] : queues.find((q) => /dlq|dead[-_]?letter/i.test(q.logicalId))
  if (preferred?.physicalId) return {queueUrl: preferred.physicalId, source: 'stack-resource', stack, outputs}
  throw new NotFoundError(
    queues.length > 1
      ? `Stack ${stack} has ${queues.length} SQS queues and none is named as the dead-letter queue.`
      : `Stack ${stack} has no dead-letter queue (no DlqUrl output and no AWS::SQS::Queue resource).`,
    {
      code: 'EB_NO_DLQ',
      hints: ['Pass --queue-url with the queue the rules dead-letter to.', 'Or redeploy with `momento-eb deploy`.'],
    },
  )
}

/** A StackReader over CloudFormation DescribeStacks and ListStackResources. */
export function createStackReader(clients: AwsClients, options: CallOptions = {}): StackReader {
  const ifMissing = (stack: string) => (cause: unknown) =>
    cause === undefined
      ? new NotFoundError(`Stack ${stack} doesn't exist.`, {code: 'EB_STACK_NOT_FOUND'})
      : new NotFoundError(
          `Stack ${stack} doesn't exist${clients.target.region ? ` in ${clients.target.region}` : ''}.`,
          {
            cause,
            code: 'EB_STACK_NOT_FOUND',
            hints: [
              'Check --stack (or MOMENTO_EB_STACK / `momento-eb config set stack NAME`) and --region.',
              'Or pass --queue-url with the dead-letter queue directly.',
            ],
          },
        )
  return {
    async outputs(stack) {
      const found = await describeStack(clients, stack, {
        ...options,
        action: `Can't read the stack (stack ${stack})`,
        ifMissing: ifMissing(stack),
      })
      const map: Record<string, string> = {}
      for (const [key, value] of Object.entries(found?.outputs ?? {})) if (value) map[key] = value
      return map
    },
    async resources(stack, type) {
      const resources = await listStackResources(clients, stack, {
        ...options,
        action: `Can't list the stack's resources (stack ${stack})`,
        ifMissing: ifMissing(stack),
      })
      return (resources ?? [])
        .filter((r) => r.resourceType === type && r.physicalId)
        .map((r) => ({logicalId: r.logicalId, physicalId: r.physicalId}))
    },
  }
}

/**
 * Find the DLQ: `--queue-url` wins; otherwise the stack's. The queue is checked to exist
 * (GetQueueAttributes), so a wrong URL fails here with NotFoundError rather than later.
 */
export async function locateDlq(
  clients: AwsClients,
  input: {queueUrl?: string | undefined; stack: string},
  options: CallOptions = {},
): Promise<LocatedQueue> {
  let located: LocatedQueue
  if (input.queueUrl) {
    try {
      new URL(input.queueUrl)
    } catch {
      throw new UsageError(`--queue-url ${input.queueUrl} isn't a URL.`, {
        hints: ['Give the full queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/momento-dlq.'],
      })
    }
    located = {queueUrl: input.queueUrl, source: 'flag', stack: undefined}
  } else {
    located = await findStackDlq(createStackReader(clients, options), input.stack)
  }
  // Reading the counts proves the queue exists and is readable; callers may use them as a start.
  const depth = await createDlqQueue(clients, located.queueUrl, options).depth()
  return {...located, depth}
}

/** The SDK's error for SQS's OverLimit (JSON `__type` OverLimit, or the query code of the same name). */
function isOverLimitError(error: unknown): boolean {
  const e = error as {name?: unknown; Code?: unknown; code?: unknown} | null
  return (
    typeof e === 'object' && e !== null && (e.name === 'OverLimit' || e.Code === 'OverLimit' || e.code === 'OverLimit')
  )
}
