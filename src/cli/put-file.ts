/**
 * The oclif edge of `put --file`: the flags to options, the stop signals (Ctrl-C, SIGTERM and SIGHUP
 * finish the calls in flight; a second Ctrl-C or SIGTERM leaves at once: cli/stop-signals.ts), the
 * input and the ports (wiring/put-file.ts), and the output. services/put-file.ts runs the workflow.
 */
import {UsageError} from '../core/errors.js'
import {publishFile, type PutFileResult} from '../services/put-file.js'
import {openPutInput, putFilePorts, type PutInput} from '../wiring/put-file.js'
import type {CommandHost} from './base-command.js'
import {progressLine} from './progress.js'
import {resolvePutDefaults} from './put-support.js'
import {listenForStop} from './stop-signals.js'

export type {PutFileResult} from '../services/put-file.js'

/** The flags of `put --file` the run reads. */
export interface PutFileFlags {
  file: string
  resume: boolean
  'skip-invalid': boolean
  concurrency: number
  cache?: string | undefined
  bus?: string | undefined
  source?: string | undefined
  'max-entry-bytes': number
}

/** What the command lends the run. */
export interface PutFileCommandHooks {
  /** stderr, in --json mode too. */
  note(line: string): void
  /** The command's name as the user runs it (oclif's config.bin). */
  bin: string
}

/** Quote an argument for a POSIX shell, only when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`
}

/** Run `put --file` from its flags: publish, print the summary (unless --json) and return the result. */
export async function putFileFromFlags(
  host: CommandHost,
  flags: PutFileFlags,
  hooks: PutFileCommandHooks,
): Promise<PutFileResult> {
  const defaults = resolvePutDefaults(flags, process.env, host.savedConfig)
  const entryDefaults = {source: defaults.source, bus: defaults.bus, maxEntryBytes: defaults.maxEntryBytes}
  if (flags.resume && flags.file === '-') {
    throw new UsageError("--resume can't be used with stdin (--file -): stdin can't be read again.", {
      hints: ['Save the events to a file and pass --file PATH; its progress is recorded and can be resumed.'],
    })
  }
  /** The command line of this run with --resume: what to run to send the rest. */
  const resumeCommand = (): string => {
    const args = process.argv.slice(2)
    if (!args.includes('--resume')) args.push('--resume')
    return [hooks.bin, ...args].map(shellQuote).join(' ')
  }
  const stop = listenForStop(hooks.note, {
    // After SIGHUP there is no terminal to press Ctrl-C on (and the line may reach only a log).
    first: (signal) =>
      `\nStopping (${signal}): waiting for the PutEvents calls in flight` +
      `${signal === 'SIGHUP' ? '' : ' (Ctrl-C again to quit now)'}…`,
    // Progress is on disk up to the last settled batch.
    again: () =>
      flags.file === '-'
        ? 'Stopping at once: the calls in flight may or may not have been accepted.'
        : `Stopping at once. To send the rest: ${resumeCommand()} (the calls in flight may be sent again).`,
    // Stdin may be blocked waiting for data that never comes: stop reading it.
    onFirst: () => {
      if (flags.file === '-') process.stdin.destroy()
    },
  })
  let input: PutInput | undefined
  try {
    input = await openPutInput(flags.file)
    const result = await publishFile(
      input,
      putFilePorts(host.ctx),
      {
        entryDefaults,
        resume: flags.resume,
        skipInvalid: flags['skip-invalid'],
        concurrency: flags.concurrency,
        signal: stop.signal,
        stoppedBy: () => stop.stoppedBy,
      },
      {
        note: hooks.note,
        logToStderr: (line) => host.logToStderr(line),
        resumeCommand,
        progressLine:
          host.ctx.output.interactive && process.stderr.isTTY
            ? (total) => progressLine(process.stderr, total)
            : undefined,
      },
    )
    present(host, result)
    return result
  } finally {
    input?.cleanup()
    stop.release()
  }
}

function present(host: CommandHost, result: PutFileResult): void {
  if (host.jsonEnabled()) return
  for (const f of result.failures.slice(0, 50)) host.logToStderr(`line ${f.line}: ${f.errorCode}: ${f.errorMessage}`)
  const skipped = result.skippedInvalid ? `, ${result.skippedInvalid} invalid lines skipped` : ''
  const resumed = result.skippedAlreadySent ? `, ${result.skippedAlreadySent} already sent before` : ''
  host.log(`sent ${result.sent}, failed ${result.failed}, retried ${result.retried}${skipped}${resumed}`)
}
