/**
 * The workflow of `put --file`: validate the whole input (skipping what an earlier run had accepted,
 * with --resume), check the buses it addresses, publish the valid lines and record the settled prefix
 * after each batch so an interrupted run can be resumed. The edge (cli/put-file.ts) opens the input,
 * listens for the stop signals and prints the result; the ports come from wiring/put-file.ts.
 */
import {type MomentoEbError, type StopSignal, STOPPED_BY, stoppedError, UsageError} from '../core/errors.js'
import type {EntryDefaults, EventsPort} from '../core/put-entries.js'
import {type FileIdentity, identityMismatch, type PutProgress, settledProgress} from '../core/put-progress.js'
import {LineTooLongError, type OpenInput, type ValidationReport, validateLines, validEntries} from './event-lines.js'
import {
  type EntryFailure,
  PublishAbortedError,
  type PublishProgress,
  type PublishSummary,
  publishEntries,
} from './publish-events.js'

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

/** The input, opened so that it can be read twice (validated, then sent). */
export interface PutFileInput {
  open: OpenInput
  label: string
  /** The file's identity; undefined for stdin (no progress is recorded). */
  identity: FileIdentity | undefined
}

/** One progress record being written (rewritten as the settled prefix grows). */
export interface ProgressRecordWriter {
  readonly path: string
  write(progress: PutProgress): void
  close(): void
}

/** Where the progress of each input file is recorded (the state directory). */
export interface PutProgressStore {
  /** Where the progress of the file with this identity lives. */
  pathFor(identity: FileIdentity): string
  /** The recorded progress, or undefined when there is none. */
  read(path: string): PutProgress | undefined
  /** A writer of the record at `path`; throws when it can't be created. */
  writer(path: string): ProgressRecordWriter
}

export interface PutFilePorts {
  /** PutEvents and DescribeEventBus on the calling thread (built when first needed: after validation). */
  events(): EventsPort
  /** The port to publish `count` events with (worker threads for large batches); released by `closePublishPort`. */
  publishPort(direct: EventsPort, count: number): EventsPort
  closePublishPort(port: EventsPort): Promise<void>
  progress: PutProgressStore
}

export interface PutFileOptions {
  entryDefaults: EntryDefaults
  resume: boolean
  skipInvalid: boolean
  concurrency: number
  /** Aborted by the first stop signal: the calls in flight finish, nothing more is sent. */
  signal: AbortSignal
  /** The signal that stopped the run, if one did. */
  stoppedBy: () => StopSignal | undefined
}

/** What the edge lends the run: where it prints, and the command line that resumes it. */
export interface PutFileHooks {
  /** stderr, in --json mode too. */
  note(line: string): void
  /** stderr, silent in --json mode. */
  logToStderr(line: string): void
  /** The command line of this run with --resume: what to run to send the rest. */
  resumeCommand(): string
  /** A progress line for `total` events, when stderr is a terminal to draw it on. */
  progressLine?: ((total: number) => {update: (p: PublishProgress) => void; done: () => void}) | undefined
}

const fmt = (n: number) => n.toLocaleString('en-US')

/** Publish the input's events; throws a usage error (nothing sent) for invalid input, the stop signal's error (exit 130, 143, 129) when stopped. */
export async function publishFile(
  input: PutFileInput,
  ports: PutFilePorts,
  options: PutFileOptions,
  hooks: PutFileHooks,
): Promise<PutFileResult> {
  const {open, label, identity} = input
  const {entryDefaults, signal, stoppedBy} = options
  const stateFile = identity ? ports.progress.pathFor(identity) : undefined
  const previous =
    options.resume && identity && stateFile ? recordedProgress(ports.progress, identity, stateFile, label) : undefined
  const failedBefore = new Set(previous?.failedLines ?? [])
  const skip = previous ? (line: number) => line <= previous.acceptedThrough && !failedBefore.has(line) : undefined

  let report: ValidationReport
  try {
    report = await validateLines(open, entryDefaults, {signal, ...(skip ? {skip} : {})})
    signal.throwIfAborted()
  } catch (error) {
    throw readError(error, label, stoppedBy())
  }
  const invalid = report.invalid.map((i) => ({line: i.line, errors: i.issues.map((x) => x.message)}))
  if (report.lines === 0) {
    throw new UsageError(`${label} has no events, so nothing was sent.`, {
      hints: ['Write one JSON event per line.'],
    })
  }
  if (report.invalidCount > 0 && (!options.skipInvalid || report.valid === 0)) {
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
    hooks.note(
      `Resuming ${label}: skipping ${fmt(report.skipped)} lines already accepted (lines 1–${fmt(previous.acceptedThrough)}` +
        `${resent ? `, except ${fmt(resent)} that failed and are sent again` : ''}); ${fmt(toSend)} to send.`,
    )
  }
  // PutEvents accepts unknown buses silently: check the ones the file addresses before sending.
  const direct = ports.events()
  for (const bus of report.buses) await direct.describeEventBus(bus)

  const writer = identity && stateFile ? progressWriter(ports.progress, stateFile, hooks) : undefined
  const start = previous ?? {acceptedThrough: 0, failedLines: []}
  let recordFailed = false
  const record = (through: number, summary: Pick<PublishSummary, 'failures'>, complete: boolean): void => {
    if (!writer || !identity || recordFailed) return
    try {
      writer.write(settledProgress(identity, start, through, summary.failures, complete))
    } catch (error) {
      recordFailed = true
      hooks.note(
        `Warning: can't record progress in ${writer.path} (${(error as Error).message}); --resume won't work for this run.`,
      )
    }
  }
  record(0, {failures: []}, false)

  // Large batches spread the SDK's per-call work over worker threads (one per core, at most 4).
  const port = ports.publishPort(direct, toSend)
  const progress = hooks.progressLine?.(toSend)
  let summary: PublishSummary
  try {
    summary = await publishEntries(validEntries(open, entryDefaults, skip), {
      port,
      maxEntryBytes: entryDefaults.maxEntryBytes,
      concurrency: options.concurrency,
      signal,
      onSettled: (through, so) => record(through, so, false),
      ...(progress ? {onProgress: progress.update} : {}),
    })
    if (!(summary.stopped && stoppedBy())) record(report.lastLine, summary, true)
  } catch (error) {
    if (error instanceof PublishAbortedError) {
      hooks.logToStderr(`Sent ${error.summary.sent} events before the failure below; the rest were not sent.`)
      if (identity && !recordFailed) hooks.logToStderr(`To send the rest once it is fixed: ${hooks.resumeCommand()}`)
      throw error.reason
    }
    throw error
  } finally {
    progress?.done()
    await ports.closePublishPort(port)
    writer?.close()
  }
  const by = stoppedBy()
  if (summary.stopped && by)
    throw stoppedRunError(by, summary, toSend, identity !== undefined && !recordFailed, writer?.path, hooks)
  return {
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
}

/** The progress an earlier run recorded for this file, or a usage error saying why it can't be resumed. */
function recordedProgress(store: PutProgressStore, identity: FileIdentity, stateFile: string, label: string) {
  const recorded = store.read(stateFile)
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
        hints: ['Run without --resume to send the whole file (lines sent before are sent again), or restore the file.'],
      },
    )
  }
  return recorded
}

function progressWriter(
  store: PutProgressStore,
  stateFile: string,
  hooks: Pick<PutFileHooks, 'note'>,
): ProgressRecordWriter | undefined {
  try {
    return store.writer(stateFile)
  } catch (error) {
    hooks.note(
      `Warning: can't record progress in ${stateFile} (${(error as Error).message}); --resume won't work for this run.`,
    )
    return undefined
  }
}

function stoppedRunError(
  by: StopSignal,
  summary: PublishSummary,
  toSend: number,
  resumable: boolean,
  stateFile: string | undefined,
  hooks: Pick<PutFileHooks, 'resumeCommand'>,
): MomentoEbError {
  const unsent = summary.failures.filter((f) => f.errorCode === 'Interrupted').length
  const message =
    `${STOPPED_BY[by]} (${by}): ${fmt(summary.sent)} of ${fmt(toSend)} events were sent` +
    `${summary.failed - unsent > 0 ? `, ${fmt(summary.failed - unsent)} failed` : ''}; the rest were not sent.` +
    (resumable ? ` Progress is recorded in ${stateFile}.` : '')
  const hints = resumable
    ? [`To send the rest: ${hooks.resumeCommand()}`]
    : ['Stdin cannot be resumed: save the events to a file and send it with --file PATH.']
  return stoppedError(by, message, {hints})
}

/** An error of the validation pass as the user should see it. */
function readError(error: unknown, label: string, stoppedBy: StopSignal | undefined): Error {
  if (stoppedBy)
    return stoppedError(
      stoppedBy,
      `${STOPPED_BY[stoppedBy]} (${stoppedBy}) while validating ${label}: nothing was sent.`,
    )
  if (error instanceof LineTooLongError) {
    return new UsageError(`${label}: ${error.message}, so nothing was sent: this doesn't look like NDJSON of events.`, {
      code: 'EB_INVALID_INPUT',
      hints: ['Give a file with one JSON event per line (each within the entry size limit).'],
    })
  }
  if (error instanceof UsageError) return error
  return new UsageError(`Can't read ${label}: ${(error as Error).message}`, {
    hints: ['Check the path and its permissions.'],
  })
}
