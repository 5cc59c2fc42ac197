/**
 * SQS (docs/reference/aws-facts.md#sqs-dlq-operations): the dead-letter queue's calls (receive, visibility,
 * delete, purge, depth) and GetQueueAttributes. SDK errors are translated to domain errors here; nothing
 * prints.
 */
import type {DlqBatchResult, DlqDepth, DlqHandle, DlqQueuePort, RawDlqMessage} from '../../core/dlq.js'
import {RemoteError} from '../../core/errors.js'
import type {AwsClients} from './clients.js'
import {sendAndTranslate, type CallFailure, type CallOptions} from './errors.js'
import {sdk} from './sdk.js'

/** Short enough that a crashed peek hands the messages back soon; long enough to read a full scan. */
export const PEEK_VISIBILITY_SECONDS = 30

const BATCH = 10

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

/**
 * GetQueueAttributes: the named attributes of a queue (`All` for every one). A missing queue is a
 * NotFoundError (with `failure.notFoundHints`), other failures translated.
 */
export async function getQueueAttributes(
  clients: AwsClients,
  queueUrl: string,
  attributeNames: readonly string[],
  options: CallOptions,
  failure: CallFailure | string,
): Promise<Record<string, string>> {
  return sendAndTranslate(clients, 'sqs', options, failure, async () => {
    const out = await clients.sqs.send(
      new sdk.sqs.GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [...attributeNames] as Array<'All'>,
      }),
    )
    return {...(out.Attributes ?? {})} as Record<string, string>
  })
}

/** SQS access to one dead-letter queue. Every call's failure is a domain error (NotFoundError for a missing queue). */
export function createDlqQueue(clients: AwsClients, queueUrl: string, options: CallOptions = {}): DlqQueuePort {
  const name = queueNameOf(queueUrl)
  const failure = (action: string, recover?: CallFailure['recover']): CallFailure => ({
    action: `${action} (queue ${name})`,
    notFoundHints: QUEUE_HINTS,
    recover,
  })
  const call = <T>(how: CallFailure, run: () => Promise<T>) => sendAndTranslate(clients, 'sqs', options, how, run)

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
    receive: ({max, visibilityTimeoutSeconds, waitSeconds}): Promise<RawDlqMessage[]> =>
      call(
        failure("Can't read the dead-letter queue", (error) => {
          // OverLimit is an HTTP 403 (query-era model): without this it would read as rejected credentials.
          if (!isOverLimitError(error)) return undefined
          throw new RemoteError(
            `SQS refused to receive from ${name}: the queue's in-flight quota is reached (OverLimit; about 120,000 ` +
              'messages received and not yet deleted).',
            {
              cause: error,
              code: 'EB_SQS_OVER_LIMIT',
              hints: ['Wait for other consumers to delete or release what they hold.'],
            },
          )
        }),
        async () => {
          const out = await clients.sqs.send(
            new sdk.sqs.ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: Math.max(1, Math.min(BATCH, max)),
              VisibilityTimeout: visibilityTimeoutSeconds,
              WaitTimeSeconds: waitSeconds,
              // Without 'All' the error attributes don't come back at all
              // (docs/reference/aws-facts.md#receive-all-attributes).
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
        },
      ),
    changeVisibility: (handles, seconds) =>
      call(failure("Can't change message visibility"), () =>
        batch(handles, (Entries) =>
          clients.sqs.send(
            new sdk.sqs.ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: Entries.map((e) => ({...e, VisibilityTimeout: seconds})),
            }),
          ),
        ),
      ),
    delete: (handles) =>
      call(failure("Can't delete messages"), () =>
        batch(handles, (Entries) =>
          clients.sqs.send(new sdk.sqs.DeleteMessageBatchCommand({QueueUrl: queueUrl, Entries})),
        ),
      ),
    purge: () =>
      call(
        failure("Can't purge the dead-letter queue", (error) => {
          const e = error as {name?: string; Code?: string}
          if (e.name !== 'PurgeQueueInProgress' && !/PurgeQueueInProgress/.test(String(e.Code ?? ''))) return undefined
          throw new RemoteError(`Queue ${name} is already being purged; SQS allows one purge every 60 seconds.`, {
            cause: error,
            code: 'EB_PURGE_IN_PROGRESS',
            hints: ['Wait a minute: the earlier purge is still deleting the messages.'],
          })
        }),
        async () => {
          await clients.sqs.send(new sdk.sqs.PurgeQueueCommand({QueueUrl: queueUrl}))
        },
      ),
    async depth(): Promise<DlqDepth> {
      const attributes = await getQueueAttributes(
        clients,
        queueUrl,
        ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        options,
        failure("Can't read the dead-letter queue's depth"),
      )
      const n = (key: string) => Number(attributes[key] ?? 0) || 0
      return {
        visible: n('ApproximateNumberOfMessages'),
        inFlight: n('ApproximateNumberOfMessagesNotVisible'),
        delayed: n('ApproximateNumberOfMessagesDelayed'),
      }
    },
  }
}

/** The SDK's error for SQS's OverLimit (JSON `__type` OverLimit, or the query code of the same name). */
function isOverLimitError(error: unknown): boolean {
  const e = error as {name?: unknown; Code?: unknown; code?: unknown} | null
  return (
    typeof e === 'object' && e !== null && (e.name === 'OverLimit' || e.Code === 'OverLimit' || e.code === 'OverLimit')
  )
}
