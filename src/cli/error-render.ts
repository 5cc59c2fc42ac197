import {
  CancelledError,
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
import {wrapForTerminal} from '../core/text-width.js'
import {style} from './output.js'
import {closestCommand, suggestValue} from './suggest.js'
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
export function toDomainError(error: unknown, where: UrlSources = {}): MomentoEbError {
  if (error instanceof MomentoEbError) return error
  const e = (typeof error === 'object' && error !== null ? error : {}) as OclifErrorLike
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error)
  if (e.oclif?.exit === 2 || e.parse !== undefined) return usageErrorFrom(error)
  const system = fromSystemError(error, where)
  if (system) return system
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

/** Where a bad URL may have come from: the run's argv and environment (to name the flag or variable). */
export interface UrlSources {
  readonly argv?: readonly string[]
  readonly env?: Readonly<Record<string, string | undefined>>
}

interface SystemErrorLike {
  code?: unknown
  path?: unknown
  dest?: unknown
  syscall?: unknown
  input?: unknown
}

/** The environment variables that hold a URL the CLI (or the AWS SDK under it) uses. */
const URL_ENV = /^(AWS_ENDPOINT_URL(_\w+)?|MOMENTO_HTTP_ENDPOINT|MOMENTO_EB_SANDBOX_URL)$/

/** What the flag or variable holding `value` is called, when one of them does. */
function urlSourceOf(value: string, where: UrlSources): string | undefined {
  const argv = where.argv ?? []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg.startsWith('--') && arg.endsWith(`=${value}`)) return arg.slice(0, arg.indexOf('='))
    if (arg.startsWith('--') && argv[i + 1] === value) return arg
  }
  const env = Object.entries(where.env ?? {}).find(([name, v]) => URL_ENV.test(name) && v === value)
  return env?.[0]
}

/**
 * The failures of the machine rather than of momento-eb: a full disk, a file the user named that
 * can't be written, a URL that doesn't parse. Each gets its own code and the fix; undefined for
 * anything else. (A closed stdout, EPIPE, never gets here: BaseCommand ends those runs quietly.)
 */
export function fromSystemError(error: unknown, where: UrlSources = {}): MomentoEbError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as SystemErrorLike
  const code = typeof e.code === 'string' ? e.code : undefined
  const path = typeof e.path === 'string' ? e.path : undefined
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const what = code === 'EDQUOT' ? 'the disk quota is used up' : 'the disk is full'
    return new MomentoEbError(`Can't write ${path ?? 'the output'}: ${what}.`, {
      code: 'EB_DISK_FULL',
      cause: error,
      hints: [
        code === 'EDQUOT' ? 'Free space within your quota, or ask for a larger one.' : 'Free space on that disk.',
        'Or choose another path, on a disk with room (for example --file, or redirect the output elsewhere).',
      ],
    })
  }
  if ((code === 'EACCES' || code === 'EPERM' || code === 'EROFS') && path !== undefined) {
    const why = code === 'EROFS' ? 'the file system is read-only' : 'permission denied'
    const verb = e.syscall === 'mkdir' ? 'create the directory' : e.syscall === 'open' ? 'open' : 'write'
    return new UsageError(`Can't ${verb} ${path}: ${why}.`, {
      code: 'EB_FILE_ACCESS',
      cause: error,
      hints: [
        code === 'EROFS'
          ? 'Choose a path on a writable file system.'
          : `Choose another path, or fix the permissions (\`ls -ld ${path}\`).`,
      ],
    })
  }
  if (code === 'ERR_INVALID_URL') {
    const input = typeof e.input === 'string' ? e.input : undefined
    const source = input === undefined ? undefined : urlSourceOf(input, where)
    const shown = input === undefined ? 'A URL' : `${JSON.stringify(input)}${source ? ` (${source})` : ''}`
    return new UsageError(`${shown} isn't a valid URL.`, {
      code: 'EB_BAD_URL',
      cause: error,
      hints: [
        source
          ? `Give ${source} a full http:// or https:// URL, with the host (and port, if not the default).`
          : 'Check --endpoint-url / AWS_ENDPOINT_URL, --momento-endpoint / MOMENTO_HTTP_ENDPOINT, --queue-url and MOMENTO_EB_SANDBOX_URL: each takes a full http:// or https:// URL.',
      ],
    })
  }
  return undefined
}

/** Whether the error is stdout closing under us (EPIPE: the reader, such as `head`, stopped reading). */
export function isBrokenPipe(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = (error as {code?: unknown}).code
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END'
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

/** What the command being parsed offers, for messages that name its flags and suggest one. */
export interface ParseContext {
  /** How the user ran it: `momento-eb put cacheSet`. */
  readonly command?: string
  /** Its flags (global ones included), by name, with their one-line summaries. */
  readonly flags?: Readonly<Record<string, {readonly summary?: string | undefined}>>
  /** Extra hints for a missing required flag (`put` names its subcommands). */
  readonly missingFlagHints?: readonly string[]
}

/** A parse failure (unknown flag, missing value, failed validation) as a UsageError. */
export function usageErrorFrom(error: unknown, context: ParseContext = {}): UsageError {
  if (error instanceof UsageError) {
    // oclif rewrites the message of an error thrown by a flag's own parse() to
    // "Parsing --flag \n\t<message>\nSee more help with --help": keep ours, with its code and hints.
    const wrapped = /^Parsing --[\w-]+ \n\t([\s\S]*)\nSee more help with --help$/.exec(error.message)
    if (!wrapped?.[1]) return error
    return new UsageError(wrapped[1], {code: error.code, hints: error.hints, cause: error.cause})
  }
  const raw = error instanceof Error ? error.message : String(error)
  // oclif's parse messages can span lines ("Nonexistent flag: --x\nSee more help with --help").
  const lines = stripOclifPrefix(raw)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^see more help with --help$/i.test(l))
  const first = lines[0] ?? 'Invalid arguments.'
  // oclif reports a rejected flag value as "Parsing --flag" followed by the reason on the next line.
  const help = context.command ? `See \`${context.command} --help\`.` : 'See the flags with --help.'
  const parsing = /^Parsing (--[\w-]+)$/.exec(first)
  if (parsing?.[1] && lines[1]) return invalidFlagValue(parsing[1], lines[1], context, help)
  // Missing arguments: oclif's RequiredArgsError lists them (wrapped to the terminal); name them once.
  const missingArgs = (error as {args?: unknown}).args
  if (/^Missing \d+ required args?/.test(first) && Array.isArray(missingArgs) && missingArgs.length > 0) {
    const named = (missingArgs as Array<{name?: unknown; description?: unknown; options?: unknown}>).map((a) => ({
      name: String(a.name ?? 'ARG').toUpperCase(),
      description: typeof a.description === 'string' ? a.description : undefined,
      options: Array.isArray(a.options) ? (a.options as unknown[]).map(String) : undefined,
    }))
    const who = context.command ? `\`${context.command}\`` : 'This command'
    return new UsageError(`${who} needs ${named.map((a) => a.name).join(' and ')}.`, {
      hints: [
        ...named
          .filter((a) => a.description !== undefined || a.options !== undefined)
          .map((a) => `${a.name}: ${a.options ? `one of ${a.options.join(', ')}` : (a.description ?? '')}`),
        help,
      ].slice(0, 3),
    })
  }
  // Flag-constraint failures come as a heading ("The following error(s) occurred:") followed by one
  // line per problem: the problems are the message, told once each.
  const problems = /following errors? occurred/i.test(first) ? lines.slice(1) : lines
  const missing = problems.map((l) => /^Missing required flag:? ?-{0,2}([\w-]+)$/i.exec(l)?.[1]).filter(isString)
  if (missing.length > 0) {
    const described = missing.map((name) => {
      const summary = context.flags?.[name]?.summary
      return summary ? `--${name}: ${summary}` : undefined
    })
    const who = context.command ? `\`${context.command}\`` : 'This command'
    return new UsageError(`${who} needs ${missing.map((n) => `--${n}`).join(' and ')}.`, {
      hints: [...described.filter(isString), ...(context.missingFlagHints ?? []), help].slice(0, 3),
    })
  }
  const exclusive = exclusivePairs(problems)
  if (exclusive.length > 0) {
    const pairs = exclusive.map(([a, b]) => `--${a} and --${b}`)
    return new UsageError(`${pairs.join('; ')} can't be used together.`, {
      hints: [`Give only one of ${exclusive.map(([a, b]) => `--${a} or --${b}`).join(', and one of ')}.`, help],
    })
  }
  const unknown = /^Nonexistent flags?: (.+)$/i.exec(first)
  if (unknown?.[1]) {
    const typed = unknown[1].split(/,\s*/).map((f) => f.trim())
    const known = Object.keys(context.flags ?? {})
    const guesses = typed
      .map((flag) => {
        const guess = closestCommand(flag.replace(/^-+/, '').replace(/=.*$/, ''), known)
        return guess ? `Did you mean --${guess} (not ${flag})?` : undefined
      })
      .filter(isString)
    return new UsageError(`Unknown flag${typed.length > 1 ? 's' : ''} ${typed.join(', ')}.`, {
      hints: [...guesses, help].slice(0, 3),
    })
  }
  // A value outside a flag's or argument's options: say which, list them, and guess (`yml` → yaml).
  const option = /^Expected (?:(--[\w-]+)=)?([\s\S]*) to be one of: (.+)$/.exec(first)
  if (option?.[2] !== undefined && option[3]) {
    const valid = option[3].split(/,\s*/)
    const guess = suggestValue(option[2], valid)
    return new UsageError(
      `${option[1] ? `${option[1]} ` : ''}${JSON.stringify(option[2])} isn't one of: ${valid.join(', ')}.`,
      {
        hints: [...(guess ? [`Did you mean ${guess}?`] : []), help],
      },
    )
  }
  if (/following errors? occurred/i.test(first) && lines.length > 1) {
    return new UsageError(lines.slice(1).join('\n'), {hints: [help]})
  }
  return new UsageError(first, {hints: [...lines.slice(1, 3), 'See the flags with --help.']})
}

/**
 * oclif's integer checks ("Expected an integer but received: abc", "… less than or equal to 185 …")
 * in the words the other usage errors use: the flag, the value, what it must be, its summary.
 */
function invalidFlagValue(flag: string, reason: string, context: ParseContext, help: string): UsageError {
  const summary = context.flags?.[flag.slice(2)]?.summary
  const hints = [...(summary ? [`${flag}: ${summary}`] : []), help]
  const integer = /^Expected an integer(?: (less|greater) than or equal to (-?\d+))? but received: ([\s\S]*)$/.exec(
    reason,
  )
  if (integer) {
    const [, side, bound, value] = integer
    const what = side
      ? `is ${side === 'less' ? 'above' : 'below'} its ${side === 'less' ? 'maximum' : 'minimum'}, ${bound}`
      : "isn't a whole number"
    return new UsageError(`${flag} ${JSON.stringify(value)} ${what}.`, {hints})
  }
  return new UsageError(`Invalid value for ${flag}: ${reason}`, {hints})
}

function isString(value: string | undefined): value is string {
  return value !== undefined
}

/**
 * oclif's exclusive-flag failures, one line per direction ("--key-base64=YQ== cannot also be
 * provided when using --key", and the same the other way round): each pair once, in name order.
 */
function exclusivePairs(lines: readonly string[]): Array<[string, string]> {
  const seen = new Map<string, [string, string]>()
  for (const line of lines) {
    const match = /^--([\w-]+)(?:=.*)? cannot also be provided when using --([\w-]+)$/.exec(line)
    if (!match?.[1] || !match[2]) continue
    const pair = [match[1], match[2]].sort() as [string, string]
    seen.set(pair.join(' '), pair)
  }
  return [...seen.values()]
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
  // Node's system errors start their message with the code ("ENOSPC: no space left on device").
  if (message.startsWith(`${name}: `)) message = message.slice(name.length + 2)
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
  /** The terminal's width, when stderr is one: long lines are wrapped at words to fit it. */
  readonly width?: number | undefined
}

/**
 * The human rendering for stderr: what failed; why (cause name and message); "Try:" with one hint
 * per line; and a dim line with the code and request id. No stack unless debugging.
 */
export function formatHumanError(error: MomentoEbError, options: HumanErrorOptions): string {
  const s = style(options.color)
  const r = (text: string) => options.redactor.redact(text)
  // Ctrl-C and a declined prompt are the user's choice, not a failure: one calm line, no code.
  const calm = error instanceof InterruptedError || error instanceof CancelledError
  const fit = (text: string) => (options.width ? wrapForTerminal(text, options.width) : text)
  const lines = [
    calm ? fit(r(error.message)) : fit(`Error: ${r(error.message)}`).replace(/^Error:/, s.red(s.bold('Error:'))),
  ]
  const cause = describeCause(error.cause)
  if (cause && cause.message !== error.message) lines.push(fit(`  ${cause.name}: ${r(cause.message)}`))
  if (error.hints.length > 0) {
    lines.push('Try:')
    for (const hint of error.hints) lines.push(fit(`  ${r(hint)}`))
  }
  // A calm line keeps its code only when it names a situation to follow up (EB_DEPLOY_INTERRUPTED).
  const plain = calm && (error.code === 'EB_INTERRUPTED' || error.code === 'EB_CANCELLED')
  if (!plain) lines.push(s.dim(`code ${error.code}${error.requestId ? ` · request id ${error.requestId}` : ''}`))
  if (options.debug) {
    if (error.stack) lines.push('', r(error.stack))
    if (error.cause instanceof Error && error.cause.stack) lines.push('Caused by:', r(error.cause.stack))
  }
  return `${lines.join('\n')}\n`
}
