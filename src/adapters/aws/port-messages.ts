/**
 * What crosses between the main thread and the AWS port worker threads (port-pool.ts,
 * port-worker.ts): calls, results, and errors as plain data. Domain errors keep their class (so
 * `instanceof NotFoundError` and exit codes still work), code, hints, request id and cause chain.
 */
import * as errors from '../../core/errors.js'
import type {AwsTarget} from './clients.js'

/** The ports a worker serves. */
export type PortName = 'events' | 'queue'

/** What a worker is started with. */
export interface PortWorkerData {
  target: AwsTarget
  sandboxUrl?: string | undefined
  /** The dead-letter queue the `queue` port talks to, if any. */
  queueUrl?: string | undefined
}

/** One call: a method of a port, with structured-cloneable arguments. */
export interface PortRequest {
  id: number
  port: PortName
  method: string
  args: unknown[]
}

export type PortResponse = {id: number; ok: true; value: unknown} | {id: number; ok: false; error: ErrorData}

/** An error as data; `cause` is the next error of the chain. */
export interface ErrorData {
  name: string
  message: string
  domain: boolean
  code?: string | undefined
  hints?: readonly string[] | undefined
  requestId?: string | undefined
  cause?: ErrorData | undefined
}

export function errorToData(error: unknown, depth = 0): ErrorData {
  if (!(error instanceof Error)) return {name: 'Error', message: String(error), domain: false}
  const cause = depth < 4 && error.cause !== undefined ? errorToData(error.cause, depth + 1) : undefined
  const code = (error as {code?: unknown}).code
  const data: ErrorData = {
    name: error.name,
    message: error.message,
    domain: error instanceof errors.MomentoEbError,
    ...(typeof code === 'string' ? {code} : {}),
    ...(cause ? {cause} : {}),
  }
  if (error instanceof errors.MomentoEbError) {
    data.hints = error.hints
    data.requestId = error.requestId
  }
  return data
}

type DomainErrorClass = new (message: string, options?: errors.ErrorOptions) => errors.MomentoEbError

const isDomainClass = (value: unknown): value is DomainErrorClass =>
  typeof value === 'function' && (value === errors.MomentoEbError || value.prototype instanceof errors.MomentoEbError)

/** Every domain error class, by name (the name each instance carries). */
const domainClasses = new Map<string, DomainErrorClass>(
  Object.values(errors as Record<string, unknown>)
    .filter(isDomainClass)
    .map((Class) => [Class.name, Class]),
)

export function errorFromData(data: ErrorData): Error {
  const cause = data.cause ? errorFromData(data.cause) : undefined
  if (data.domain) {
    const Class = domainClasses.get(data.name) ?? errors.MomentoEbError
    return new Class(data.message, {
      ...(cause ? {cause} : {}),
      ...(data.code ? {code: data.code} : {}),
      ...(data.hints ? {hints: data.hints} : {}),
      ...(data.requestId ? {requestId: data.requestId} : {}),
    })
  }
  const error = new Error(data.message, cause ? {cause} : undefined)
  error.name = data.name
  if (data.code) Object.assign(error, {code: data.code})
  return error
}
