import {
  ConfigError,
  ExitCode,
  InternalError,
  InterruptedError,
  MomentoEbError,
  PartialFailureError,
  TimeoutWaitingError,
  UnreachableError,
  UsageError,
  type ErrorOptions,
} from '../core/errors.js'
import {style} from './output.js'
import type {Redactor} from './redact.js'

/** The `--json` error envelope, printed on stdout. */
export interface ErrorJson {
  error: {
    code: string
    message: string
    cause: {name: string; message: string} | null
    hints: string[]
    exitCode: number
    requestId?: string
  }
}

interface OclifErrorLike {
  message?: unknown
  oclif?: {exit?: unknown}
  parse?: unknown
  suggestions?: unknown
}

/**
 * Turn anything thrown during a run into a core error. Core errors pass through; oclif errors that
 * carry exit 2 (flag and argument failures) become UsageError; everything else is an InternalError
 * (exit 1) that keeps the original as its cause.
 */
export function toDomainError(error: unknown): MomentoEbError {
  if (error instanceof MomentoEbError) return error
  const e = (typeof error === 'object' && error !== null ? error : {}) as OclifErrorLike
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error)
  if (e.oclif?.exit === 2 || e.parse !== undefined) return usageErrorFrom(error)
  if (error instanceof Error && typeof e.oclif?.exit === 'number') {
    // `this.error(msg, {exit, suggestions})` from a command or hook: keep its exit code.
    const hints = Array.isArray(e.suggestions) ? e.suggestions.filter((h): h is string => typeof h === 'string') : []
    return fromExitCode(e.oclif.exit, stripOclifPrefix(message), {hints})
  }
  return new InternalError(`Unexpected failure: ${message}`, {
    cause: error,
    hints: ['Run again with MOMENTO_EB_DEBUG=1 for the stack trace, and report it if it persists.'],
  })
}

function fromExitCode(exit: number, message: string, options: ErrorOptions): MomentoEbError {
  switch (exit) {
    case ExitCode.Usage:
      return new UsageError(message, options)
    case ExitCode.Partial:
      return new PartialFailureError(message, options)
    case ExitCode.AuthConfig:
      return new ConfigError(message, options)
    case ExitCode.Unreachable:
      return new UnreachableError(message, options)
    case ExitCode.TimedOutWaiting:
      return new TimeoutWaitingError(message, options)
    case ExitCode.Interrupted:
      return new InterruptedError(message, options)
    default:
      return new MomentoEbError(message, options)
  }
}

/** A parse failure (unknown flag, missing value, failed validation) as a UsageError. */
export function usageErrorFrom(error: unknown): UsageError {
  if (error instanceof UsageError) return error
  const raw = error instanceof Error ? error.message : String(error)
  // oclif's parse messages can span lines ("Nonexistent flag: --x\nSee more help with --help").
  const lines = stripOclifPrefix(raw)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^see more help with --help$/i.test(l))
  const first = lines[0] ?? 'Invalid arguments.'
  // oclif reports a rejected flag value as "Parsing --flag" followed by the reason on the next line.
  const parsing = /^Parsing (--[\w-]+)$/.exec(first)
  if (parsing && lines[1]) {
    return new UsageError(`Invalid value for ${parsing[1]}: ${lines[1]}`, {hints: ['See the flags with --help.']})
  }
  // Flag-constraint failures come as a heading followed by one line per problem: the problems are the message.
  if (/following errors occurred/i.test(first) && lines.length > 1) {
    return new UsageError(lines.slice(1).join('\n'), {hints: ['See the flags with --help.']})
  }
  return new UsageError(first, {hints: [...lines.slice(1, 3), 'See the flags with --help.']})
}

function stripOclifPrefix(message: string): string {
  return message.replace(/^(Error|CLIError|ValidationError):\s*/i, '')
}

/** The exit code of a thrown value: a core error's own code, otherwise 1. */
export function exitCodeOf(error: unknown): number {
  return toDomainError(error).exitCode
}

/** Name and message of a cause, as shown on the "why" line. */
export function describeCause(cause: unknown): {name: string; message: string} | null {
  if (cause === undefined || cause === null) return null
  if (typeof cause !== 'object') return {name: 'Error', message: String(cause)}
  const c = cause as {name?: unknown; message?: unknown; code?: unknown; errors?: unknown}
  let name = typeof c.name === 'string' && c.name !== '' ? c.name : 'Error'
  // Node network errors are plain `Error`s whose useful name is their code (ECONNREFUSED, …).
  if ((name === 'Error' || name === 'AggregateError') && typeof c.code === 'string') name = c.code
  let message = typeof c.message === 'string' ? c.message : ''
  if (message === '' && Array.isArray(c.errors)) {
    message = c.errors
      .map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner)))
      .filter((m) => m !== '')
      .join('; ')
  }
  return {name, message}
}

/** The `{"error": …}` object for `--json`, with secrets redacted. */
export function errorToJson(error: MomentoEbError, redactor: Redactor): ErrorJson {
  const cause = describeCause(error.cause)
  return {
    error: {
      code: error.code,
      message: redactor.redact(error.message),
      cause: cause ? {name: cause.name, message: redactor.redact(cause.message)} : null,
      hints: error.hints.map((h) => redactor.redact(h)),
      exitCode: error.exitCode,
      ...(error.requestId ? {requestId: error.requestId} : {}),
    },
  }
}

export interface HumanErrorOptions {
  readonly color: boolean
  /** MOMENTO_EB_DEBUG=1: add stack traces. */
  readonly debug: boolean
  readonly redactor: Redactor
}

/**
 * The human rendering for stderr: what failed; why (cause name and message); "Try:" with one hint
 * per line; and a dim line with the code and request id. No stack unless debugging.
 */
export function formatHumanError(error: MomentoEbError, options: HumanErrorOptions): string {
  const s = style(options.color)
  const r = (text: string) => options.redactor.redact(text)
  const lines = [`${s.red(s.bold('Error:'))} ${r(error.message)}`]
  const cause = describeCause(error.cause)
  if (cause && cause.message !== error.message) lines.push(`  ${cause.name}: ${r(cause.message)}`)
  if (error.hints.length > 0) {
    lines.push('Try:')
    for (const hint of error.hints) lines.push(`  ${r(hint)}`)
  }
  lines.push(s.dim(`code ${error.code}${error.requestId ? ` · request id ${error.requestId}` : ''}`))
  if (options.debug) {
    if (error.stack) lines.push('', r(error.stack))
    if (error.cause instanceof Error && error.cause.stack) lines.push('Caused by:', r(error.cause.stack))
  }
  return `${lines.join('\n')}\n`
}
