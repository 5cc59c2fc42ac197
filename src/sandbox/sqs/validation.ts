import type {RequestContext} from '../protocol/context.js'
import {invalidParameterValue, missingParameter, queueDoesNotExist} from './errors.js'
import type {SqsQueue, SqsStore} from './store.js'

/**
 * Readers for operation inputs. JSON clients send numbers, query clients send numeric strings,
 * so integer readers accept both; anything else is InvalidParameterValue, never a crash.
 */

/** An optional string field. */
export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalidParameterValue(`Value for parameter ${name} must be a string.`)
  return value
}

/** A required string field. */
export function requiredString(input: Record<string, unknown>, name: string): string {
  const value = optionalString(input, name)
  if (value === undefined) throw missingParameter(name)
  return value
}

/** An optional integer field within `[min, max]`. */
export function optionalInt(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(number)) throw invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid.`)
  if (number < min || number > max) {
    throw invalidParameterValue(
      `Value ${number} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    )
  }
  return number
}

/** An optional list of strings. */
export function stringList(input: Record<string, unknown>, name: string): string[] {
  const value = input[name]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidParameterValue(`Value for parameter ${name} must be a list of strings.`)
  }
  return value as string[]
}

/** An optional string-to-string map. */
export function stringMap(input: Record<string, unknown>, name: string): Record<string, string> {
  const value = input[name]
  if (value === undefined || value === null) return {}
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

/** An optional list of objects (batch entries). */
export function objectList(input: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const value = input[name]
  if (value === undefined || value === null) return []
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
  ) {
    throw invalidParameterValue(`Value for parameter ${name} must be a list of structures.`)
  }
  return value as Record<string, unknown>[]
}

/** Queue names: 1–80 of `[A-Za-z0-9_-]` (a `.fifo` suffix is a FIFO queue). */
export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/

/**
 * The queue a request names. `QueueUrl` may be a full URL (any host: only the path counts) or a
 * bare name, as moto accepts (docs/reference/aws-facts.md#wire-protocols); old query clients POST to the
 * queue URL's path instead.
 */
export function resolveQueue(input: Record<string, unknown>, ctx: RequestContext, store: SqsStore): SqsQueue {
  const url = optionalString(input, 'QueueUrl')
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

/** Batch entry ids: 1–80 of `[A-Za-z0-9_-]`. */
export const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/
