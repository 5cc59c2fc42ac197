/**
 * Domain errors. Every error the CLI can show is one of these: it carries what failed (the message),
 * a stable machine code, 0–3 hints (how to fix it) and the original cause. The exit code follows
 * from the class; BaseCommand is the only place that renders them.
 */

/** Documented exit codes. Keep README.md and `momento-eb exit-codes` in step with this table. */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  Partial: 3,
  AuthConfig: 4,
  Unreachable: 5,
  TimedOutWaiting: 8,
  HungUp: 129,
  Interrupted: 130,
  Terminated: 143,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export interface ErrorOptions {
  cause?: unknown
  hints?: readonly string[]
  code?: string
  requestId?: string
}

/** Base class of every error the CLI renders on purpose. */
export class MomentoEbError extends Error {
  readonly exitCode: ExitCode = ExitCode.Failed
  readonly code: string
  readonly hints: readonly string[]
  readonly requestId: string | undefined

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.code = options.code ?? 'EB_FAILED'
    this.hints = options.hints ?? []
    this.requestId = options.requestId
  }
}

/** Bad or missing flag, argument or input file; a prompt was needed but there is no TTY. Exit 2. */
export class UsageError extends MomentoEbError {
  override readonly exitCode = ExitCode.Usage
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_USAGE', ...options})
  }
}

/** Region, credentials or endpoint missing or invalid. Exit 4. */
export class ConfigError extends MomentoEbError {
  override readonly exitCode = ExitCode.AuthConfig
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_CONFIG', ...options})
  }
}

/** Credentials rejected or access denied. Exit 4. */
export class AuthError extends MomentoEbError {
  override readonly exitCode = ExitCode.AuthConfig
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_AUTH', ...options})
  }
}

/** A named resource does not exist. Exit 1. */
export class NotFoundError extends MomentoEbError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_NOT_FOUND', ...options})
  }
}

/** The remote service rejected the call. Exit 1. */
export class RemoteError extends MomentoEbError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_REMOTE', ...options})
  }
}

/** Network failure or timeout talking to an endpoint. Exit 5. */
export class UnreachableError extends MomentoEbError {
  override readonly exitCode = ExitCode.Unreachable
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_UNREACHABLE', ...options})
  }
}

/** What to do when no sandbox answers, the same from every command. */
export const SANDBOX_NOT_RUNNING_HINTS = [
  'Start it in another terminal: `momento-eb sandbox`.',
  'If it runs somewhere else, set MOMENTO_EB_SANDBOX_URL to the URL it printed.',
] as const

/**
 * The one error for "--sandbox (or a sandbox command), and nothing listens at the sandbox's URL":
 * exit 5, EB_SANDBOX_NOT_RUNNING, the same words and fix from every command. `doing` is what the
 * command was about ("Can't describe stack momento-api").
 */
export function sandboxNotRunning(
  url: string,
  options: {doing?: string | undefined; cause?: unknown} = {},
): UnreachableError {
  const what = `no sandbox answers at ${url}.`
  return new UnreachableError(options.doing ? `${options.doing}: ${what}` : `N${what.slice(1)}`, {
    code: 'EB_SANDBOX_NOT_RUNNING',
    hints: [...SANDBOX_NOT_RUNNING_HINTS],
    ...(options.cause === undefined ? {} : {cause: options.cause}),
  })
}

/** Some entries of a batch failed. Exit 3. */
export class PartialFailureError extends MomentoEbError {
  override readonly exitCode = ExitCode.Partial
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_PARTIAL', ...options})
  }
}

/** Still in progress when the wait ran out. Exit 8. */
export class TimeoutWaitingError extends MomentoEbError {
  override readonly exitCode = ExitCode.TimedOutWaiting
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_TIMEOUT_WAITING', ...options})
  }
}

/** The resource already exists or is in a state that forbids the change. Exit 1. */
export class ConflictError extends MomentoEbError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_CONFLICT', ...options})
  }
}

/** Something failed that no other class describes (a bug, or an error nobody translated). Exit 1. */
export class InternalError extends MomentoEbError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'EB_INTERNAL', ...options})
  }
}

/** Interrupted by the user (SIGINT) outside a watch view. Exit 130. */
export class InterruptedError extends MomentoEbError {
  override readonly exitCode = ExitCode.Interrupted
  constructor(message = 'Interrupted.', options: ErrorOptions = {}) {
    super(message, {code: 'EB_INTERRUPTED', ...options})
  }
}

/**
 * The user declined a prompt (a y/N question, a name to type): nothing was changed. Not a failure:
 * exit 0, rendered as one calm line ("Cancelled: nothing changed."), `{"cancelled": …}` under --json.
 */
export class CancelledError extends MomentoEbError {
  override readonly exitCode = ExitCode.Ok
  constructor(message = 'Cancelled: nothing changed.', options: ErrorOptions = {}) {
    super(message, {code: 'EB_CANCELLED', ...options})
  }
}

/** Stopped by SIGTERM (128 + 15, the shell's convention). Exit 143. */
export class TerminatedError extends MomentoEbError {
  override readonly exitCode = ExitCode.Terminated
  constructor(message = 'Terminated.', options: ErrorOptions = {}) {
    super(message, {code: 'EB_TERMINATED', ...options})
  }
}

/** Stopped by SIGHUP: the terminal went away (128 + 1). Exit 129. */
export class HungUpError extends MomentoEbError {
  override readonly exitCode = ExitCode.HungUp
  constructor(message = 'Hung up.', options: ErrorOptions = {}) {
    super(message, {code: 'EB_HUNG_UP', ...options})
  }
}

/** The signals that stop a long run (Ctrl-C, a service manager or `kill`, the terminal going away). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

/** How a run stopped by each signal starts its message ("Interrupted (SIGINT): …"). */
export const STOPPED_BY: Record<StopSignal, string> = {SIGINT: 'Interrupted', SIGTERM: 'Terminated', SIGHUP: 'Hung up'}

/** The error of a run stopped by `signal`: its class, and so its exit code (130, 143, 129), follow the signal. */
export function stoppedError(signal: StopSignal, message: string, options: ErrorOptions = {}): MomentoEbError {
  if (signal === 'SIGINT') return new InterruptedError(message, options)
  if (signal === 'SIGTERM') return new TerminatedError(message, options)
  return new HungUpError(message, options)
}
