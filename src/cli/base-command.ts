import {readFileSync, readlinkSync} from 'node:fs'
import {join} from 'node:path'

import {Command, Errors, type Interfaces} from '@oclif/core'

import type {ConfigValues} from '../core/config.js'
import {wrapForTerminal} from '../core/text-width.js'
import {CancelledError, ExitCode, InterruptedError, type MomentoEbError, UsageError} from '../core/errors.js'
import {loadSavedConfig} from '../wiring/config.js'
import {createCliContext, type CliContext} from './context.js'
import {ask, cancelled, confirm, confirmationNeeded} from './prompt.js'
import {
  errorToJson,
  formatHumanError,
  fromSystemError,
  isBrokenPipe,
  toDomainError,
  usageErrorFrom,
  type ErrorJson,
} from './error-render.js'
import {globalFlags, localFlags} from './flags.js'
import {resolveOutputMode} from './output.js'
import {contextFromTokens, PLAIN_SUGGESTIONS, suggestionRenderer, type SuggestionRenderer} from './suggest-context.js'
import {createRedactor, secretsFromEnv, type Redactor} from './redact.js'

/**
 * What became of stdout: fine; closed by its reader (EPIPE: `| head` has what it wanted); or failed
 * (a full disk under `> file`), in which case the failure has already been reported on stderr.
 */
const stdoutState: {state: 'ok' | 'closed' | 'failed'; error?: unknown} = {state: 'ok'}

/** Where stdout goes, for the disk-full message ("/home/me/out.json"); undefined when unknown. */
function stdoutTarget(): string | undefined {
  try {
    const target = readlinkSync('/proc/self/fd/1')
    return target.startsWith('/') ? target : undefined
  } catch {
    return undefined
  }
}

/**
 * Replace oclif's stdout 'error' listener (it swallows EPIPE but rethrows everything else, which
 * crashes the run with a stack trace). EPIPE, or EIO from a terminal that hung up: the reader is gone,
 * so the run carries on quietly (whatever it was doing finishes) and exits with its own code (0, or
 * 129 after the SIGHUP of a closed terminal): see `momento-eb exit-codes`. Anything else
 * (ENOSPC under `> file`): report it once on stderr with the fix, and exit 1 at the end. stderr
 * errors are dropped: there is nowhere left to report them.
 */
function watchStdio(): void {
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (stdoutState.state !== 'ok') return
    // EIO on a terminal: it hung up (the window closed). Like a closed pipe, nobody is left to read.
    if (isBrokenPipe(error) || (error.code === 'EIO' && process.stdout.isTTY)) {
      stdoutState.state = 'closed'
      return
    }
    stdoutState.state = 'failed'
    stdoutState.error = error
    reportStdoutFailure(error)
  })
  process.stderr.on('error', () => undefined)
}

function reportStdoutFailure(error: unknown): void {
  const target = stdoutTarget()
  const located =
    typeof error === 'object' && error !== null && (error as {path?: unknown}).path === undefined && target
      ? Object.assign(error, {path: `the output (stdout, ${target})`})
      : error
  const domain = fromSystemError(located) ?? toDomainError(error)
  process.exitCode = domain.exitCode
  process.stderr.write(
    formatHumanError(domain, {color: false, debug: isDebug(), redactor: createRedactor(secretsFromEnv(process.env))}),
  )
}

watchStdio()

/** The parsed flags of a command class, global flags included. */
export type FlagsOf<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
/** The parsed args of a command class. */
export type ArgsOf<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * The base of every momento-eb command.
 *
 * - `--json` everywhere; success JSON is the bare value `run()` returns.
 * - Global flags (GLOBAL help group): --region, --profile, --endpoint-url, --momento-endpoint,
 *   --call-timeout, --sandbox, --no-color, --verbose.
 * - Flags are parsed in `init()`: subclasses read `this.flags`, `this.args` and `this.ctx`.
 * - Any parse failure is a UsageError (exit 2); every error is rendered here and only here, with
 *   its exit code kept in JSON mode too (oclif's own `catch` loses it).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  static override baseFlags = globalFlags

  protected flags!: FlagsOf<T>
  protected args!: ArgsOf<T>
  /** Secrets to keep out of every message: MOMENTO_API_KEY and friends, plus what commands add. */
  protected readonly redactor: Redactor = createRedactor(secretsFromEnv(process.env))
  private context: CliContext | undefined
  /** Suggested commands with the context the user ran this one with; set by `init()`. */
  protected suggestions: SuggestionRenderer = PLAIN_SUGGESTIONS
  /** Defaults saved with `momento-eb config set` (flags and env vars win over them). */
  protected savedConfig: ConfigValues = {}

  /** The run's context (output mode, AWS clients). Available after `init()`. */
  protected get ctx(): CliContext {
    if (!this.context) {
      this.context = createCliContext({
        flags: this.flags ?? {},
        json: this.jsonEnabled(),
        env: process.env,
        stdout: process.stdout,
        stdin: process.stdin,
        stderr: process.stderr,
        redactor: this.redactor,
        suggest: this.suggestions,
      })
    }
    return this.context
  }

  /**
   * Whether Ctrl-C (SIGINT) ends the run with exit 130 and an "Interrupted" error. Commands that own
   * their signals (the sandbox, watch views that treat Ctrl-C as success) set this to false.
   */
  static exitOnInterrupt = true

  /**
   * The flag that answers yes to this command's confirmations where there is no one to ask (no
   * terminal, or CI): Shopify CLI's `nonTTYFlagRequirements`, one flag per command. `confirmStep`
   * and `requireConfirmation` enforce it with one wording and one code (EB_CONFIRM_NEEDED, exit 2).
   */
  static confirmFlag: string | undefined = undefined

  /** Extra hints when a required flag is missing (`put` points at its subcommands). */
  static missingFlagHints: readonly string[] = []

  /**
   * The error Ctrl-C ends the run with (exit 130). Commands whose work carries on elsewhere after
   * they stop (a deploy's change set) override it to say so, and how to follow it.
   */
  protected interruptedError(): InterruptedError {
    return new InterruptedError('Interrupted.')
  }

  private readonly onInterrupt = (): void => {
    this.renderError(this.interruptedError())
    this.context?.destroy()
    process.exit(ExitCode.Interrupted)
  }

  public override async init(): Promise<void> {
    if ((this.ctor as unknown as typeof BaseCommand).exitOnInterrupt) process.once('SIGINT', this.onInterrupt)
    await super.init()
    const {args, flags, raw} = await this.parse({
      args: this.ctor.args,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as FlagsOf<T>
    this.args = args as ArgsOf<T>
    this.suggestions = this.suggestionsFor(raw)
    this.savedConfig = await loadSavedConfig(this.config.configDir)
    // Precedence for the region: --region, then AWS_REGION (both via the flag), then the saved config,
    // then the profile's region (the SDK's own chain).
    const withRegion = this.flags as {region?: string | undefined}
    if (withRegion.region === undefined && this.savedConfig['region']) withRegion.region = this.savedConfig['region']
  }

  /** The renderer of suggested commands for the flags the user typed (see suggest-context.ts). */
  private suggestionsFor(raw: readonly {type: string; flag?: string; input?: string}[]): SuggestionRenderer {
    const definitions: Record<string, {type?: string} | undefined> = {
      ...((this.ctor as unknown as typeof BaseCommand).baseFlags as Record<string, {type?: string}>),
      ...(this.ctor.flags as Record<string, {type?: string}> | undefined),
    }
    const booleans = new Set(Object.keys(definitions).filter((name) => definitions[name]?.type === 'boolean'))
    const context = contextFromTokens(raw, booleans)
    // The put fast path loads no manifest (put-fast.ts): then it is read, once, when a suggestion needs it.
    let manifest: Record<string, {flags?: Record<string, unknown>}> | undefined
    const fromManifest = (id: string) => {
      if (!manifest) {
        try {
          const text = readFileSync(join(this.config.root, 'oclif.manifest.json'), 'utf8')
          manifest = (JSON.parse(text) as {commands?: typeof manifest}).commands ?? {}
        } catch {
          manifest = {}
        }
      }
      return manifest[id]
    }
    return suggestionRenderer(context, (id) => {
      const command = this.config.findCommand(id) ?? fromManifest(id)
      return command ? new Set(Object.keys(command.flags ?? {})) : undefined
    })
  }

  /** Lines on stdout, with suggested commands carrying the run's context. */
  public override log(message = '', ...args: unknown[]): void {
    super.log(typeof message === 'string' ? this.suggestions.text(message) : message, ...args)
  }

  /** Lines on stderr, with suggested commands carrying the run's context. */
  public override logToStderr(message = '', ...args: unknown[]): void {
    if (typeof message !== 'string') return super.logToStderr(message, ...args)
    const text = this.suggestions.text(message)
    const width = args.length === 0 ? terminalWidth() : undefined
    super.logToStderr(width ? wrapForTerminal(text, width) : text, ...args)
  }

  /** oclif's parse, with every failure (unknown flag, missing value, bad value) as a UsageError. */
  public override async parse<
    F extends Record<string, unknown>,
    B extends Record<string, unknown>,
    A extends Record<string, unknown>,
  >(options?: Interfaces.Input<F, B, A>, argv?: string[]): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv)
    } catch (error) {
      const ctor = this.ctor as unknown as typeof BaseCommand
      const flags: Record<string, {summary?: string | undefined}> = {
        ...(ctor.baseFlags as Record<string, {summary?: string}>),
        ...(options?.flags as Record<string, {summary?: string}> | undefined),
      }
      if (ctor.enableJsonFlag) flags['json'] = {summary: 'Print the result as JSON.'}
      flags['help'] = {summary: 'Show help.'}
      throw usageErrorFrom(error, {
        command: [this.config.bin, ...(this.id ?? '').split(':').filter((p) => p !== '')].join(' '),
        flags,
        missingFlagHints: ctor.missingFlagHints,
      })
    }
  }

  /** Progress and warnings on stderr, in --json mode too (oclif's logToStderr is silent there), redacted. */
  protected note(line: string): void {
    const text = this.redactor.redact(this.suggestions.text(line))
    process.stderr.write(`${terminalWidth() ? wrapForTerminal(text, terminalWidth() as number) : text}\n`)
  }

  /** Whether the command's confirm flag (`static confirmFlag`, e.g. --yes) was given. */
  protected confirmedByFlag(): boolean {
    const flag = (this.ctor as unknown as typeof BaseCommand).confirmFlag
    return flag !== undefined && (this.flags as Record<string, unknown>)[flag] === true
  }

  /** Whether a question can be asked: a terminal on stdin and stdout, and not CI. */
  protected canAsk(): boolean {
    return this.ctx.output.interactive
  }

  /**
   * Check up front that the step `what` can be confirmed: true when the confirm flag answered yes
   * already, false when a terminal will be asked, else EB_CONFIRM_NEEDED (exit 2) naming the flag.
   */
  protected requireConfirmation(what: string): boolean {
    if (this.confirmedByFlag()) return true
    if (this.canAsk()) return false
    throw confirmationNeeded(what, (this.ctor as unknown as typeof BaseCommand).confirmFlag)
  }

  /**
   * Whether a step that must be confirmed goes ahead. With the confirm flag: yes, unasked. On a
   * terminal: `question` is asked (a y/N question, or `{prompt, typed}`: yes when that text is typed).
   * Without a terminal: EB_CONFIRM_NEEDED (exit 2) naming the flag, with `what` as the reason.
   */
  protected async confirmed(what: string, question: string | {prompt: string; typed: string}): Promise<boolean> {
    if (this.requireConfirmation(what)) return true
    if (typeof question === 'string') return confirm(question)
    return (await ask(question.prompt)) === question.typed
  }

  /** `confirmed`, with a no ending the run as `cancelled(declined)` (exit 0, "Cancelled: nothing changed"). */
  protected async confirmStep(what: string, question: string, declined?: string): Promise<void> {
    if (!(await this.confirmed(what, question))) throw cancelled(declined)
  }

  /**
   * The exit code a successful run's result calls for (3 partly done, 1 failed, 8 timed out…), or
   * undefined for 0. Set once, after `run()`, by BaseCommand: commands never set process.exitCode.
   */
  protected exitCodeFor(_result: unknown): number | undefined {
    return undefined
  }

  protected override async _run<R>(): Promise<R> {
    const result = await super._run<R>()
    const code = result === undefined ? undefined : this.exitCodeFor(result)
    if (code !== undefined && code !== 0) process.exitCode = code
    return result
  }

  /** What helpers shared by several commands need of the running one (context, output, secrets). */
  protected commandHost(): CommandHost {
    return {
      ctx: this.ctx,
      redactor: this.redactor,
      savedConfig: this.savedConfig,
      log: (line) => this.log(line),
      logToStderr: (line) => this.logToStderr(line),
      jsonEnabled: () => this.jsonEnabled(),
    }
  }

  /** Render the error (JSON on stdout, or human text on stderr) and set the exit code. Never rethrows. */
  public override async catch(error: Error & {exitCode?: number}): Promise<void> {
    // `this.exit(n)` is a request to stop, not a failure: let oclif's handler exit with n.
    if (error instanceof Errors.ExitError) throw error
    this.renderError(error)
  }

  /** Set the exit code from the error's class and print it (JSON on stdout, or human text on stderr). */
  protected renderError(error: unknown): void {
    // stdout was closed by its reader (exit 0, nothing to say) or has failed (reported once):
    // a write error from it is not news.
    if (
      stdoutState.state === 'ok' &&
      error !== undefined &&
      (process.stdout as {errored?: unknown}).errored === error
    ) {
      stdoutState.state = isBrokenPipe(error) ? 'closed' : 'failed'
      stdoutState.error = error
      if (stdoutState.state === 'failed') reportStdoutFailure(error)
    }
    if (stdoutState.state !== 'ok' && (isBrokenPipe(error) || error === stdoutState.error)) {
      if (stdoutState.state === 'closed') process.exitCode = 0
      return
    }
    const domain = toDomainError(error, {argv: this.argv, env: process.env})
    process.exitCode = domain.exitCode
    // Hints that name a command name it with this run's context (--sandbox, --stack…).
    Object.assign(domain, {hints: domain.hints.map((hint) => this.suggestions.text(hint))})
    if (domain instanceof CancelledError && this.jsonEnabled() && stdoutState.state === 'ok') {
      // Declining isn't an error: no error envelope, and exit 0.
      this.logJson({cancelled: true, message: domain.message})
      return
    }
    if (this.jsonEnabled() && stdoutState.state === 'ok') {
      this.logJson(this.toErrorJson(domain))
      return
    }
    const mode =
      this.context?.output ??
      resolveOutputMode({
        stdoutIsTTY: process.stderr.isTTY,
        stdinIsTTY: process.stdin.isTTY,
        env: process.env,
      })
    process.stderr.write(
      formatHumanError(domain, {
        color: mode.color && process.stderr.isTTY === true,
        debug: isDebug(),
        redactor: this.redactor,
        width: terminalWidth(),
      }),
    )
  }

  /** The `{"error": {code, message, cause, hints, exitCode, requestId?}}` envelope; never parse context. */
  public override toErrorJson(error: unknown): ErrorJson {
    return errorToJson(toDomainError(error) as MomentoEbError, this.redactor)
  }

  /** JSON on stdout as plain, uncoloured, two-space-indented text. */
  public override logJson(json: unknown): void {
    process.stdout.write(`${this.redactor.redact(JSON.stringify(json, null, 2))}\n`)
  }

  public override async finally(error: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onInterrupt)
    this.context?.destroy()
    await super.finally(error)
  }
}

/** The running command as shared helpers see it. */
export interface CommandHost {
  readonly ctx: CliContext
  readonly redactor: Redactor
  readonly savedConfig: ConfigValues
  log(line: string): void
  logToStderr(line: string): void
  jsonEnabled(): boolean
}

/** MOMENTO_EB_DEBUG=1 (or true) adds stack traces to error output. */
export function isDebug(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['MOMENTO_EB_DEBUG']?.toLowerCase()
  return value === '1' || value === 'true'
}

/**
 * The base of commands that make no AWS call: the same behaviour, with only the output global flags
 * (--no-color, --verbose, --json), so the AWS ones are not offered to be silently ignored.
 */
export abstract class LocalCommand<T extends typeof Command> extends BaseCommand<T> {
  // Typed as the full set so every command's `this.flags` keeps one shape; the AWS ones are never set here.
  static override baseFlags = localFlags as unknown as typeof globalFlags

  /** An AWS global flag given here is refused with why: this command never calls AWS. */
  public override async parse<
    F extends Record<string, unknown>,
    B extends Record<string, unknown>,
    A extends Record<string, unknown>,
  >(options?: Interfaces.Input<F, B, A>, argv?: string[]): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv)
    } catch (error) {
      const flag = /Unknown flag --([\w-]+)/.exec(error instanceof Error ? error.message : '')?.[1]
      if (!flag || !(flag in globalFlags) || flag in localFlags) throw error
      const command = [this.config.bin, ...(this.id ?? '').split(':').filter((p) => p !== '')].join(' ')
      throw new UsageError(`\`${command}\` makes no AWS call, so --${flag} does not apply to it.`, {
        hints: [`Run it without --${flag}.`],
      })
    }
  }
}

/** stderr's width when it is a terminal (long lines are wrapped at words to it), else undefined. */
function terminalWidth(): number | undefined {
  return process.stderr.isTTY && process.stderr.columns > 0 ? process.stderr.columns : undefined
}
