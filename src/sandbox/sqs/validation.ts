/**
 * The SQS input walker. Each operation's members are declared in rules.ts (SQS_RULES) as data: kind,
 * required-ness, integer range. `checkMembers` walks a request's members in the table's order before
 * the handler runs, raising SQS's own errors (MissingParameter, InvalidParameterValue, batch errors)
 * in SQS's wording, and hands the handler a `Checked` of typed values. The table order is the check
 * order: for a request with two problems, the member declared first wins.
 *
 * JSON clients send numbers, query clients send numeric strings, so integers accept both; `null`
 * counts as absent. Anything malformed is a ServiceError, never a crash.
 */
import type {RequestContext} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import {
  batchEntryIdsNotDistinct,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidParameterValue,
  missingParameter,
  queueDoesNotExist,
  tooManyEntriesInBatchRequest,
} from './errors.js'
import type {SqsQueue, SqsStore} from './store.js'

/**
 * A check that needs the store, the queue or another member. The walker runs it right after the
 * member that carries it (before the next member), where the handler ran it before the table
 * existed, so the table does not change which error wins. What it returns, the handler reads with
 * `Checked.derived(member)`.
 */
export type Semantic = (checked: Checked, ctx: RequestContext | undefined) => unknown

export interface BaseRule {
  required?: boolean
  then?: Semantic
}

/** The constraint of one input member. */
export type MemberRule =
  /** `QueueUrl`: the queue must exist (resolveQueue); old query clients may name it by the request path. */
  | (BaseRule & {kind: 'queue'})
  | (BaseRule & {kind: 'string'})
  | (BaseRule & {kind: 'integer'; min: number; max: number})
  | (BaseRule & {kind: 'stringList'})
  | (BaseRule & {kind: 'stringMap'})
  /**
   * Batch entries: 1–10 structures whose `Id`s are distinct and match BATCH_ENTRY_ID (request
   * errors). Each entry's other members (`entry`) are checked on their own: a bad entry fails alone.
   */
  | (BaseRule & {kind: 'entries'; entryShape: string; entry: OperationRules})
  /** A structured member with its own checker (message attributes); returns the parsed value. */
  | (BaseRule & {kind: 'custom'; check: (value: unknown) => unknown})

/** The members of one operation's input (or batch entry), in the order they are checked. */
export type OperationRules = Readonly<Record<string, MemberRule>>

/** One batch entry after the walk: its checked members, or the error that fails it alone. */
export type BatchEntry = {id: string; raw: Record<string, unknown>} & (
  {checked: Checked; error?: undefined} | {checked?: undefined; error: ServiceError}
)

/** An SQS handler: it gets the request's members already checked against its table (rules.ts). */
export type SqsOperation = (request: Checked, ctx: RequestContext) => unknown

/** The values of a request whose members passed their rules, read by kind. */
export class Checked {
  /** `input`: the members as sent (the message size counts them as sent). */
  constructor(readonly input: Record<string, unknown>) {}

  private readonly values = new Map<string, unknown>()
  private readonly after = new Map<string, unknown>()
  private resolved: SqsQueue | undefined

  /** The queue `QueueUrl` named (operations with a `queue` member). */
  get queue(): SqsQueue {
    if (!this.resolved) throw new Error('SQS rules: this operation has no queue member')
    return this.resolved
  }

  string(name: string): string | undefined {
    return this.values.get(name) as string | undefined
  }

  /** A member the table declares required. */
  requiredString(name: string): string {
    const value = this.string(name)
    if (value === undefined) throw new Error(`SQS rules: ${name} is not a required member`)
    return value
  }

  int(name: string): number | undefined {
    return this.values.get(name) as number | undefined
  }

  requiredInt(name: string): number {
    const value = this.int(name)
    if (value === undefined) throw new Error(`SQS rules: ${name} is not a required member`)
    return value
  }

  /** A string list; `[]` when absent. */
  list(name: string): string[] {
    return (this.values.get(name) as string[] | undefined) ?? []
  }

  /** A string map; `{}` when absent. */
  map(name: string): Record<string, string> {
    return (this.values.get(name) as Record<string, string> | undefined) ?? {}
  }

  entries(name: string): BatchEntry[] {
    return (this.values.get(name) as BatchEntry[] | undefined) ?? []
  }

  /** What a `custom` member's checker returned (undefined when absent). */
  value<T>(name: string): T | undefined {
    return this.values.get(name) as T | undefined
  }

  /** What the member's `then` check returned. */
  derived<T>(name: string): T {
    return this.after.get(name) as T
  }

  /** @internal the walker's writers */
  set(name: string, value: unknown): void {
    this.values.set(name, value)
  }

  setDerived(name: string, value: unknown): void {
    this.after.set(name, value)
  }

  setQueue(queue: SqsQueue): void {
    this.resolved = queue
  }
}

function stringValue(input: Record<string, unknown>, name: string, required: boolean | undefined): string | undefined {
  const value = input[name]
  if (value === undefined || value === null) {
    if (required) throw missingParameter(name)
    return undefined
  }
  if (typeof value !== 'string') throw invalidParameterValue(`Value for parameter ${name} must be a string.`)
  return value
}

function intValue(
  input: Record<string, unknown>,
  name: string,
  rule: {min: number; max: number; required?: boolean},
): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) {
    if (rule.required) throw missingParameter(name)
    return undefined
  }
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(number)) throw invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid.`)
  if (number < rule.min || number > rule.max) {
    throw invalidParameterValue(
      `Value ${number} for parameter ${name} is invalid. Reason: Must be between ${rule.min} and ${rule.max}, if provided.`,
    )
  }
  return number
}

function stringListValue(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidParameterValue(`Value for parameter ${name} must be a list of strings.`)
  }
  return value as string[]
}

function stringMapValue(value: unknown, name: string): Record<string, string> {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParameterValue(`Value for parameter ${name} must be a map of strings.`)
  }
  const out: Record<string, string> = {}
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') throw invalidParameterValue(`Value for ${name}.${key} must be a string.`)
    out[key] = item
  }
  return out
}

/** Batch entry ids: 1–80 of `[A-Za-z0-9_-]`. */
export const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/

/**
 * The batch-level checks, in SQS's order: present, a list of structures, not empty, at most 10,
 * then each entry's Id valid and not seen before (entry by entry, so the first bad entry decides).
 * `null` reads as an empty list (EmptyBatchRequest), not as missing.
 */
function batchValue(
  input: Record<string, unknown>,
  name: string,
  rule: {entryShape: string; entry: OperationRules},
): BatchEntry[] {
  const value = input[name]
  if (value === undefined) throw missingParameter(name)
  const list = value === null ? [] : value
  if (
    !Array.isArray(list) ||
    !list.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
  ) {
    throw invalidParameterValue(`Value for parameter ${name} must be a list of structures.`)
  }
  const entries = list as Record<string, unknown>[]
  if (entries.length === 0) throw emptyBatchRequest(rule.entryShape)
  if (entries.length > 10) throw tooManyEntriesInBatchRequest(entries.length)
  const seen = new Set<string>()
  for (const entry of entries) {
    const id = entry['Id']
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) throw invalidBatchEntryId()
    if (seen.has(id)) throw batchEntryIdsNotDistinct(id)
    seen.add(id)
  }
  return entries.map((entry) => {
    const id = entry['Id'] as string
    try {
      return {id, raw: entry, checked: checkMembers(rule.entry, entry)}
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error
      return {id, raw: entry, error}
    }
  })
}

/**
 * Walk `input`'s members in the order `rules` declares them. `ctx` is needed by `queue` members and
 * by the `then` checks that use the store; batch entries and the benchmark seed route walk without it.
 */
export function checkMembers(rules: OperationRules, input: Record<string, unknown>, ctx?: RequestContext): Checked {
  const checked = new Checked(input)
  for (const [name, rule] of Object.entries(rules)) {
    const raw = input[name]
    const present = raw !== undefined && raw !== null
    switch (rule.kind) {
      case 'queue':
        if (!ctx) throw new Error(`SQS rules: ${name} needs a request context`)
        checked.setQueue(resolveQueue(input, ctx, ctx.state.region(ctx.region).sqs))
        break
      case 'string':
        checked.set(name, stringValue(input, name, rule.required))
        break
      case 'integer':
        checked.set(name, intValue(input, name, rule))
        break
      case 'stringList':
        if (present) checked.set(name, stringListValue(raw, name))
        else if (rule.required) throw missingParameter(name)
        break
      case 'stringMap':
        if (present) checked.set(name, stringMapValue(raw, name))
        else if (rule.required) throw missingParameter(name)
        break
      case 'entries':
        checked.set(name, batchValue(input, name, rule))
        break
      case 'custom':
        if (present) checked.set(name, rule.check(raw))
        else if (rule.required) throw missingParameter(name)
        break
    }
    if (rule.then) checked.setDerived(name, rule.then(checked, ctx))
  }
  return checked
}

/** Queue names: 1–80 of `[A-Za-z0-9_-]` (a `.fifo` suffix is a FIFO queue). */
export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/

/**
 * The queue a request names. `QueueUrl` may be a full URL (any host: only the path counts) or a
 * bare name, as moto accepts (docs/reference/aws-facts.md#wire-protocols); old query clients POST to the
 * queue URL's path instead.
 */
export function resolveQueue(input: Record<string, unknown>, ctx: RequestContext, store: SqsStore): SqsQueue {
  const url = stringValue(input, 'QueueUrl', false)
  let name: string
  let account: string | undefined
  if (url === undefined) {
    const fromPath = /^\/(\d{12})\/([^/]+)\/?$/.exec(ctx.path)
    if (ctx.protocol !== 'query' || !fromPath) throw missingParameter('QueueUrl')
    account = fromPath[1]
    name = fromPath[2] ?? ''
  } else if (url.includes('/')) {
    const segments = url
      .replace(/^[a-z]+:\/\/[^/]*/i, '')
      .split('/')
      .filter(Boolean)
    name = segments.at(-1) ?? ''
    account = segments.length >= 2 ? segments.at(-2) : undefined
  } else {
    name = url
  }
  if (url === '') throw invalidParameterValue('Value for parameter QueueUrl is invalid. Reason: empty.')
  if (account !== undefined && account !== ctx.accountId) throw queueDoesNotExist()
  const queue = store.get(name)
  if (!queue) throw queueDoesNotExist()
  return queue
}
