/** Helpers the SQS operations share: storing a send, batch entries, receipt handles, queue URLs. */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {invalidParameterValue, messageNotInflight, receiptHandleIsInvalid} from '../errors.js'
import type {SentMessage} from '../model.js'
import type {HandleCheck, SqsQueue, SqsStore} from '../store.js'
import type {BatchEntry, Checked} from '../validation.js'
import type {ValidatedMessage} from './message-input.js'

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

export function failure(id: string, error: unknown): BatchFailure {
  if (!(error instanceof ServiceError)) throw error
  return {
    Id: id,
    SenderFault: error.fault === 'Sender',
    Code: error.options.queryCode ?? error.code,
    Message: error.message,
  }
}

/**
 * Apply `each` to every checked entry of a batch: entries whose members failed their rules, or that
 * throw, are reported as failures, not the call.
 */
export function eachEntry(entries: readonly BatchEntry[], each: (entry: Checked) => void) {
  const Successful: {Id: string}[] = []
  const Failed: BatchFailure[] = []
  for (const entry of entries) {
    try {
      if (entry.error) throw entry.error
      each(entry.checked)
      Successful.push({Id: entry.id})
    } catch (error) {
      Failed.push(failure(entry.id, error))
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
