/** Helpers the SQS operations share: the queue a request names, storing a send, batch entries, receipt handles. */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {
  batchEntryIdsNotDistinct,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidParameterValue,
  messageNotInflight,
  missingParameter,
  receiptHandleIsInvalid,
  tooManyEntriesInBatchRequest,
} from '../errors.js'
import type {SentMessage} from '../model.js'
import type {HandleCheck, SqsQueue, SqsStore} from '../store.js'
import {BATCH_ENTRY_ID, objectList, resolveQueue} from '../validation.js'
import type {ValidatedMessage} from './message-input.js'

export function queueOf(input: Record<string, unknown>, ctx: RequestContext): SqsQueue {
  return resolveQueue(input, ctx, ctx.state.region(ctx.region).sqs)
}

/** The access key of the SigV4 credential, which stands in for the IAM principal id in SenderId. */
function senderIdOf(ctx: RequestContext): string {
  const auth = ctx.headers.authorization ?? ''
  return /Credential=([^/,\s]+)\//.exec(auth)?.[1] ?? ctx.accountId
}

export function store(queue: SqsQueue, message: ValidatedMessage, ctx: RequestContext): SentMessage {
  return queue.sendAt(
    {
      body: message.body,
      ...(message.delaySeconds !== undefined ? {delaySeconds: message.delaySeconds} : {}),
      ...(message.wireAttributes ? {wireAttributes: message.wireAttributes} : {}),
      ...(message.traceHeader !== undefined ? {awsTraceHeader: message.traceHeader} : {}),
      senderId: senderIdOf(ctx),
    },
    ctx.state.now(),
    ctx.state.newId(),
  )
}

export interface BatchFailure {
  Id: string
  SenderFault: boolean
  Code: string
  Message: string
}

/**
 * Batch-level checks shared by the three batch operations; returns the entries. `entryShape` is
 * the operation's entry shape, which AWS names when the batch is empty.
 */
export function batchEntries(input: Record<string, unknown>, entryShape: string): Record<string, unknown>[] {
  if (input['Entries'] === undefined) throw missingParameter('Entries')
  const entries = objectList(input, 'Entries')
  if (entries.length === 0) throw emptyBatchRequest(entryShape)
  if (entries.length > 10) throw tooManyEntriesInBatchRequest(entries.length)
  const seen = new Set<string>()
  for (const entry of entries) {
    const id = entry['Id']
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) throw invalidBatchEntryId()
    if (seen.has(id)) throw batchEntryIdsNotDistinct(id)
    seen.add(id)
  }
  return entries
}

export function failure(id: string, error: unknown): BatchFailure {
  if (!(error instanceof ServiceError)) throw error
  return {
    Id: id,
    SenderFault: error.fault === 'Sender',
    Code: error.options.queryCode ?? error.code,
    Message: error.message,
  }
}

/** Apply `each` to every entry of a batch: entries that throw are reported as failures, not the call. */
export function eachEntry(
  input: Record<string, unknown>,
  entryShape: string,
  each: (entry: Record<string, unknown>) => void,
) {
  const Successful: {Id: string}[] = []
  const Failed: BatchFailure[] = []
  for (const entry of batchEntries(input, entryShape)) {
    const id = entry['Id'] as string
    try {
      each(entry)
      Successful.push({Id: id})
    } catch (error) {
      Failed.push(failure(id, error))
    }
  }
  return {Successful, Failed}
}

export function checkHandle(check: HandleCheck, handle: string): void {
  if (check.ok) return
  if (check.reason === 'invalid') throw receiptHandleIsInvalid(handle)
  if (check.reason === 'not-inflight') throw messageNotInflight()
  if (check.reason === 'expired') {
    throw invalidParameterValue(
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    )
  }
  throw invalidParameterValue(
    `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
  )
}

/**
 * The `http://<request Host>/<account>/<name>` URL that routes back to this sandbox
 * (docs/reference/aws-facts.md#wire-protocols).
 */
export function queueUrl(ctx: RequestContext, name: string): string {
  return `http://${ctx.host}/${ctx.accountId}/${name}`
}

export function storeOf(ctx: RequestContext): SqsStore {
  return ctx.state.region(ctx.region).sqs
}
