import {closeSync, constants, createReadStream, openSync, rmdirSync, unlinkSync, writeSync} from 'node:fs'
import {mkdtemp} from 'node:fs/promises'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {progressLine} from '../../cli/progress.js'
import {putFlags, resolvePutDefaults} from '../../cli/put-support.js'
import {ExitCode, InterruptedError, TerminatedError, UsageError} from '../../core/errors.js'
import {
  LineTooLongError,
  type OpenInput,
  type ValidationReport,
  validateLines,
  validEntries,
} from '../../services/event-lines.js'
import {
  type EntryFailure,
  PublishAbortedError,
  type PublishSummary,
  publishEntries,
} from '../../services/publish-events.js'
import {type FileIdentity, identityMismatch, settledProgress} from '../../core/put-progress.js'
import {
  fileIdentity,
  ProgressWriter,
  progressPath,
  readProgress,
  closeEventsPort,
  eventsPort,
  publishPort,
} from '../../wiring/put-file.js'
import {stateDirFrom} from '../../core/journal.js'

/**
 * The most stdin `put --file -` takes. Stdin is read once, validated as it streams and spooled to an
 * unlinked 0600 temp file (so nothing is left on disk whatever ends the run, SIGKILL included), then
 * sent from the spool: nothing is sent before the whole input is known to be valid. Larger inputs
 * belong in a file, which also makes --resume possible.
 */
export const MAX_STDIN_BYTES = 2 * 1024 ** 3

/** What `put --file --json` prints. */
export interface PutFileResult {
  file: string
  lines: number
  sent: number
  failed: number
  retried: number
  skippedInvalid: number
  /** Lines not sent because an earlier run had them accepted (--resume). */
  skippedAlreadySent: number
  invalid: Array<{line: number; errors: string[]}>
  failures: EntryFailure[]
}

interface Input {
  open: OpenInput
  label: string
  identity: FileIdentity | undefined
  cleanup: () => void
}

type StopSignal = 'SIGINT' | 'SIGTERM'

const fmt = (n: number) => n.toLocaleString('en-US')

/** Quote an argument for a POSIX shell, only when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`
}

export default class Put extends BaseCommand<typeof Put> {
  static override summary = 'Publish many events from an NDJSON file (one event a line)'
  static override description =
    'Each line is {"detailType": "...", "detail": {...}} or a PutEvents entry ({"DetailType", "Detail", "Source", ' +
    '"EventBusName", "Resources"}), UTF-8 (a leading byte order mark is ignored). The whole input is validated ' +
    'first: invalid JSON or UTF-8, duplicate keys, unpaired surrogates, keys over 4,096 bytes, bad sources or ' +
    'buses; if any line is invalid, all of them are reported with their line numbers and nothing is sent (unless ' +
    '--skip-invalid). Entries go out in PutEvents calls of up to 10, several at once; throttled entries are ' +
    'retried with backoff.\n\n' +
    'Progress is recorded in the state directory (MOMENTO_EB_STATE_DIR): after an interruption, run the same ' +
    'command with --resume to send only the lines not yet accepted. Ctrl-C or SIGTERM waits for the calls in ' +
    'flight, then prints the command to resume (exit 130 / 143). After a crash or SIGKILL, --resume sends again ' +
    'at most the batches that were in flight (up to --concurrency × 10 events). Stdin (--file -) is validated ' +
    'as it is read and spooled to a private temp file (at most 2 GiB) that is removed at once; it cannot be resumed.\n\n' +
    'Exit 3 when some entries failed, 2 when the input is invalid, 130 on Ctrl-C, 143 on SIGTERM. ' +
    'For single events see `put cacheSet`, `put cacheDelete` and `put topicPublish`.'
  static override examples = [
    '<%= config.bin %> put --file events.ndjson',
    '<%= config.bin %> put --file events.ndjson --resume',
    'cat events.ndjson | <%= config.bin %> put --file - --json',
    '<%= config.bin %> put --file events.ndjson --skip-invalid --concurrency 16',
  ]
  static override missingFlagHints = [
    'To publish one event: `momento-eb put cacheSet`, `put cacheDelete` or `put topicPublish` (each has --help).',
  ]
  static override flags = {
    ...putFlags,
    file: Flags.string({summary: 'NDJSON file of events, or - for stdin.', required: true, char: 'f'}),
    'skip-invalid': Flags.boolean({summary: 'Send the valid lines even when some are invalid (they are reported).'}),
    concurrency: Flags.integer({summary: 'PutEvents calls in flight at once.', default: 8, min: 1, max: 64}),
    resume: Flags.boolean({
      summary: 'Skip the lines an interrupted run of this same file already had accepted (says how many).',
    }),
  }

  /** This command stops cleanly on Ctrl-C itself (finishing the calls in flight). */
  static override exitOnInterrupt = false

  protected override exitCodeFor(result: PutFileResult): number | undefined {
    return result.failed > 0 ? ExitCode.Partial : undefined
  }

  public async run(): Promise<PutFileResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const entryDefaults = {source: defaults.source, bus: defaults.bus, maxEntryBytes: defaults.maxEntryBytes}
    if (this.flags.resume && this.flags.file === '-') {
      throw new UsageError("--resume can't be used with stdin (--file -): stdin can't be read again.", {
        hints: ['Save the events to a file and pass --file PATH; its progress is recorded and can be resumed.'],
      })
    }
    const controller = new AbortController()
    let stopped: StopSignal | undefined
    const onSignal = (signal: StopSignal) => (): void => {
      if (stopped) {
        // A second signal: leave now. Progress is on disk up to the last settled batch.
        this.note(
          this.flags.file === '-'
            ? 'Stopping at once: the calls in flight may or may not have been accepted.'
            : `Stopping at once. To send the rest: ${this.resumeCommand()} (the calls in flight may be sent again).`,
        )
        process.exit(signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated)
      }
      stopped = signal
      this.note(`\nStopping (${signal}): waiting for the PutEvents calls in flight (Ctrl-C again to quit now)…`)
      controller.abort(new Error(signal))
      // Stdin may be blocked waiting for data that never comes: stop reading it.
      if (this.flags.file === '-') process.stdin.destroy()
    }
    const onSigint = onSignal('SIGINT')
    const onSigterm = onSignal('SIGTERM')
    process.on('SIGINT', onSigint)
    process.on('SIGTERM', onSigterm)
    let input: Input | undefined
    try {
      input = await this.openInput(this.flags.file)
      return await this.publishFile(input, entryDefaults, controller.signal, () => stopped)
    } finally {
      input?.cleanup()
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigterm)
    }
  }

  private async publishFile(
    input: Input,
    entryDefaults: {source: string; bus: string; maxEntryBytes: number},
    signal: AbortSignal,
    stoppedBy: () => StopSignal | undefined,
  ): Promise<PutFileResult> {
    const {open, label, identity} = input
    const stateFile = identity ? progressPath(stateDirFrom(process.env, homedir()), identity) : undefined
    const previous =
      this.flags.resume && identity && stateFile ? this.recordedProgress(identity, stateFile, label) : undefined
    const failedBefore = new Set(previous?.failedLines ?? [])
    const skip = previous ? (line: number) => line <= previous.acceptedThrough && !failedBefore.has(line) : undefined

    let report: ValidationReport
    try {
      report = await validateLines(open, entryDefaults, {signal, ...(skip ? {skip} : {})})
      signal.throwIfAborted()
    } catch (error) {
      throw this.readError(error, label, stoppedBy())
    }
    const invalid = report.invalid.map((i) => ({line: i.line, errors: i.issues.map((x) => x.message)}))
    if (report.lines === 0) {
      throw new UsageError(`${label} has no events, so nothing was sent.`, {
        hints: ['Write one JSON event per line.'],
      })
    }
    if (report.invalidCount > 0 && (!this.flags['skip-invalid'] || report.valid === 0)) {
      const shown = invalid.map((i) => `  line ${i.line}: ${i.errors.join(' ')}`).join('\n')
      const more = report.invalidCount > invalid.length ? `\n  … and ${report.invalidCount - invalid.length} more` : ''
      throw new UsageError(
        `${report.invalidCount} of ${report.lines} lines in ${label} are invalid, so nothing was sent:\n${shown}${more}`,
        {
          code: 'EB_INVALID_INPUT',
          hints: ['Fix those lines, or pass --skip-invalid to send the valid ones.'],
        },
      )
    }
    const toSend = report.valid - report.skipped
    if (previous) {
      const resent = previous.failedLines.length
      this.note(
        `Resuming ${label}: skipping ${fmt(report.skipped)} lines already accepted (lines 1–${fmt(previous.acceptedThrough)}` +
          `${resent ? `, except ${fmt(resent)} that failed and are sent again` : ''}); ${fmt(toSend)} to send.`,
      )
    }
    // PutEvents accepts unknown buses silently: check the ones the file addresses before sending.
    const direct = eventsPort(this.ctx)
    for (const bus of report.buses) await direct.describeEventBus(bus)

    const writer = identity && stateFile ? this.progressWriter(stateFile) : undefined
    const start = previous ?? {acceptedThrough: 0, failedLines: []}
    let recordFailed = false
    const record = (through: number, summary: Pick<PublishSummary, 'failures'>, complete: boolean): void => {
      if (!writer || !identity || recordFailed) return
      try {
        writer.write(settledProgress(identity, start, through, summary.failures, complete))
      } catch (error) {
        recordFailed = true
        this.note(
          `Warning: can't record progress in ${writer.path} (${(error as Error).message}); --resume won't work for this run.`,
        )
      }
    }
    record(0, {failures: []}, false)

    // Large batches spread the SDK's per-call work over worker threads (one per core, at most 4).
    const port = publishPort(this.ctx, direct, toSend)
    const progress =
      this.ctx.output.interactive && process.stderr.isTTY ? progressLine(process.stderr, toSend) : undefined
    let summary: PublishSummary
    try {
      summary = await publishEntries(validEntries(open, entryDefaults, skip), {
        port,
        maxEntryBytes: entryDefaults.maxEntryBytes,
        concurrency: this.flags.concurrency,
        signal,
        onSettled: (through, so) => record(through, so, false),
        ...(progress ? {onProgress: progress.update} : {}),
      })
      if (!(summary.stopped && stoppedBy())) record(report.lastLine, summary, true)
    } catch (error) {
      if (error instanceof PublishAbortedError) {
        this.logToStderr(`Sent ${error.summary.sent} events before the failure below; the rest were not sent.`)
        if (identity && !recordFailed) this.logToStderr(`To send the rest once it is fixed: ${this.resumeCommand()}`)
        throw error.reason
      }
      throw error
    } finally {
      progress?.done()
      await closeEventsPort(port)
      writer?.close()
    }
    const by = stoppedBy()
    if (summary.stopped && by)
      throw this.stoppedError(by, summary, toSend, identity !== undefined && !recordFailed, writer?.path)
    const result: PutFileResult = {
      file: label,
      lines: report.lines,
      sent: summary.sent,
      failed: summary.failed,
      retried: summary.retried,
      skippedInvalid: report.invalidCount,
      skippedAlreadySent: report.skipped,
      invalid,
      failures: summary.failures,
    }
    this.present(result)
    return result
  }

  /** The progress an earlier run recorded for this file, or a usage error saying why it can't be resumed. */
  private recordedProgress(identity: FileIdentity, stateFile: string, label: string) {
    const recorded = readProgress(stateFile)
    if (!recorded) {
      throw new UsageError(`No progress is recorded for ${label}, so there is nothing to resume; nothing was sent.`, {
        code: 'EB_NOTHING_TO_RESUME',
        hints: ['Run without --resume to send the whole file.'],
      })
    }
    const why = identityMismatch(recorded.identity, identity)
    if (why) {
      throw new UsageError(
        `The progress recorded for ${label} (${recorded.updatedAt}) is for another version of the file: ${why}. ` +
          'Resuming could skip or repeat lines, so nothing was sent.',
        {
          code: 'EB_NOTHING_TO_RESUME',
          hints: [
            'Run without --resume to send the whole file (lines sent before are sent again), or restore the file.',
          ],
        },
      )
    }
    return recorded
  }

  private progressWriter(stateFile: string): ProgressWriter | undefined {
    try {
      return new ProgressWriter(stateFile)
    } catch (error) {
      this.note(
        `Warning: can't record progress in ${stateFile} (${(error as Error).message}); --resume won't work for this run.`,
      )
      return undefined
    }
  }

  /** The command line of this run with --resume: what to run to send the rest. */
  private resumeCommand(): string {
    const args = process.argv.slice(2)
    if (!args.includes('--resume')) args.push('--resume')
    return [this.config.bin, ...args].map(shellQuote).join(' ')
  }

  private stoppedError(
    by: StopSignal,
    summary: PublishSummary,
    toSend: number,
    resumable: boolean,
    stateFile: string | undefined,
  ): InterruptedError | TerminatedError {
    const unsent = summary.failures.filter((f) => f.errorCode === 'Interrupted').length
    const message =
      `${by === 'SIGINT' ? 'Interrupted' : 'Terminated'} (${by}): ${fmt(summary.sent)} of ${fmt(toSend)} events were sent` +
      `${summary.failed - unsent > 0 ? `, ${fmt(summary.failed - unsent)} failed` : ''}; the rest were not sent.` +
      (resumable ? ` Progress is recorded in ${stateFile}.` : '')
    const hints = resumable
      ? [`To send the rest: ${this.resumeCommand()}`]
      : ['Stdin cannot be resumed: save the events to a file and send it with --file PATH.']
    const options = {hints, code: by === 'SIGINT' ? 'EB_INTERRUPTED' : 'EB_TERMINATED'}
    return by === 'SIGINT' ? new InterruptedError(message, options) : new TerminatedError(message, options)
  }

  /** An error of the validation pass as the user should see it. */
  private readError(error: unknown, label: string, stoppedBy: StopSignal | undefined): Error {
    if (stoppedBy) {
      const message = `${stoppedBy === 'SIGINT' ? 'Interrupted' : 'Terminated'} (${stoppedBy}) while validating ${label}: nothing was sent.`
      return stoppedBy === 'SIGINT' ? new InterruptedError(message) : new TerminatedError(message)
    }
    if (error instanceof LineTooLongError) {
      return new UsageError(
        `${label}: ${error.message}, so nothing was sent: this doesn't look like NDJSON of events.`,
        {
          code: 'EB_INVALID_INPUT',
          hints: ['Give a file with one JSON event per line (each within the entry size limit).'],
        },
      )
    }
    if (error instanceof UsageError) return error
    return new UsageError(`Can't read ${label}: ${(error as Error).message}`, {
      hints: ['Check the path and its permissions.'],
    })
  }

  private present(result: PutFileResult): void {
    if (this.jsonEnabled()) return
    for (const f of result.failures.slice(0, 50)) this.logToStderr(`line ${f.line}: ${f.errorCode}: ${f.errorMessage}`)
    const skipped = result.skippedInvalid ? `, ${result.skippedInvalid} invalid lines skipped` : ''
    const resumed = result.skippedAlreadySent ? `, ${result.skippedAlreadySent} already sent before` : ''
    this.log(`sent ${result.sent}, failed ${result.failed}, retried ${result.retried}${skipped}${resumed}`)
  }

  /**
   * A re-openable input: the file itself, or stdin, read once (validated as it streams) into an
   * unlinked private spool file that the second pass reads back.
   */
  private async openInput(file: string): Promise<Input> {
    if (file !== '-') {
      let identity: FileIdentity
      try {
        identity = fileIdentity(file)
      } catch (error) {
        throw new UsageError(`Can't read ${file}: ${(error as Error).message}`, {
          hints: ['Check the path and its permissions.'],
        })
      }
      // Reads the resolved path, so the file read is the one whose identity was taken.
      return {open: () => createReadStream(identity.path), label: file, identity, cleanup: () => {}}
    }
    if (process.stdin.isTTY) {
      throw new UsageError('--file - reads events from stdin, but stdin is a terminal.', {
        hints: ['Pipe the events in (`cat events.ndjson | momento-eb put --file -`), or pass a file path.'],
      })
    }
    const dir = await mkdtemp(join(tmpdir(), 'momento-eb-'))
    const path = join(dir, 'stdin.ndjson')
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    // Gone from the file system at once: only the open descriptor keeps it, so no exit path leaves it behind.
    unlinkSync(path)
    rmdirSync(dir)
    let spooled = false
    async function* spool(): AsyncIterable<Buffer> {
      let total = 0
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        total += chunk.length
        if (total > MAX_STDIN_BYTES) {
          throw new UsageError(`stdin is larger than ${fmt(MAX_STDIN_BYTES)} bytes (2 GiB), so nothing was sent.`, {
            code: 'EB_INVALID_INPUT',
            hints: ['Write the events to a file and pass --file PATH (a file can also be resumed).'],
          })
        }
        for (let written = 0; written < chunk.length;) written += writeSync(fd, chunk, written)
        yield chunk
      }
      spooled = true
    }
    const open: OpenInput = () => {
      if (!spooled) return spool()
      return createReadStream('', {fd, start: 0, autoClose: false})
    }
    return {open, label: 'stdin', identity: undefined, cleanup: () => closeSync(fd)}
  }
}
