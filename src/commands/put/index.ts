import {createReadStream, createWriteStream} from 'node:fs'
import {access, mkdtemp, rm} from 'node:fs/promises'
import {availableParallelism, tmpdir} from 'node:os'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'

import {Flags} from '@oclif/core'

import {createEventsPort} from '../../adapters/aws/events.js'
import {createThreadedEventsPort, type ClosableEventsPort} from '../../adapters/aws/events-threads.js'
import {BaseCommand} from '../../cli/base-command.js'
import {progressLine} from '../../cli/progress.js'
import {putFlags, resolvePutDefaults} from '../../cli/put-support.js'
import {ExitCode, UsageError} from '../../core/errors.js'
import {type OpenInput, validateLines, validEntries} from '../../services/event-lines.js'
import {type EntryFailure, PublishAbortedError, publishEntries} from '../../services/publish-events.js'

/** Batches at least this long use worker threads for PutEvents (start-up costs ~0.1 s per thread). */
const THREADED_BATCH = 2000

/** What `put --file --json` prints. */
export interface PutFileResult {
  file: string
  lines: number
  sent: number
  failed: number
  retried: number
  skippedInvalid: number
  invalid: Array<{line: number; errors: string[]}>
  failures: EntryFailure[]
}

export default class Put extends BaseCommand<typeof Put> {
  static override summary = 'Publish many events from an NDJSON file (one event a line)'
  static override description =
    'Each line is {"detailType": "...", "detail": {...}} or a PutEvents entry ({"DetailType", "Detail", "Source", ' +
    '"EventBusName"}). Every line is validated first; if any is invalid, all of them are reported with their line ' +
    'numbers and nothing is sent (unless --skip-invalid). Entries go out in PutEvents calls of up to 10, several at ' +
    'once; throttled entries are retried with backoff. Exit 3 when some entries failed, 2 when the input is invalid. ' +
    'For single events see `put cacheSet`, `put cacheDelete` and `put topicPublish`.'
  static override examples = [
    '<%= config.bin %> put --file events.ndjson',
    'cat events.ndjson | <%= config.bin %> put --file - --json',
    '<%= config.bin %> put --file events.ndjson --skip-invalid --concurrency 16',
  ]
  static override flags = {
    ...putFlags,
    file: Flags.string({summary: 'NDJSON file of events, or - for stdin.', required: true, char: 'f'}),
    'skip-invalid': Flags.boolean({summary: 'Send the valid lines even when some are invalid (they are reported).'}),
    concurrency: Flags.integer({summary: 'PutEvents calls in flight at once.', default: 8, min: 1, max: 64}),
  }

  public async run(): Promise<PutFileResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const entryDefaults = {source: defaults.source, bus: defaults.bus, maxEntryBytes: defaults.maxEntryBytes}
    const {open, label, cleanup} = await this.openInput(this.flags.file)
    try {
      const report = await validateLines(open, entryDefaults).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`Can't read ${label}: ${error.message}`, {hints: ['Check the path and its permissions.']})
      })
      const invalid = report.invalid.map((i) => ({line: i.line, errors: i.issues.map((x) => x.message)}))
      if (report.lines === 0) {
        throw new UsageError(`${label} has no events, so nothing was sent.`, {
          hints: ['Write one JSON event per line.'],
        })
      }
      if (report.invalidCount > 0 && (!this.flags['skip-invalid'] || report.valid === 0)) {
        const shown = invalid.map((i) => `  line ${i.line}: ${i.errors.join(' ')}`).join('\n')
        const more =
          report.invalidCount > invalid.length ? `\n  … and ${report.invalidCount - invalid.length} more` : ''
        throw new UsageError(
          `${report.invalidCount} of ${report.lines} lines in ${label} are invalid, so nothing was sent:\n${shown}${more}`,
          {
            code: 'EB_INVALID_INPUT',
            hints: ['Fix those lines, or pass --skip-invalid to send the valid ones.'],
          },
        )
      }
      // PutEvents accepts unknown buses silently: check the ones the file addresses before sending.
      const direct = createEventsPort(this.ctx.aws, this.ctx)
      for (const bus of report.buses) await direct.describeEventBus(bus)
      // Large batches spread the SDK's per-call work over worker threads (one per core, at most 4).
      const threads = Math.min(4, availableParallelism())
      const port =
        report.valid >= THREADED_BATCH && threads > 1
          ? createThreadedEventsPort(this.ctx.aws, threads, this.ctx)
          : direct
      const progress =
        this.ctx.output.interactive && process.stderr.isTTY ? progressLine(process.stderr, report.valid) : undefined
      let summary
      try {
        summary = await publishEntries(validEntries(open, entryDefaults), {
          port,
          maxEntryBytes: defaults.maxEntryBytes,
          concurrency: this.flags.concurrency,
          ...(progress ? {onProgress: progress.update} : {}),
        })
      } catch (error) {
        if (error instanceof PublishAbortedError) {
          this.logToStderr(`Sent ${error.summary.sent} events before the failure below; the rest were not sent.`)
          throw error.reason
        }
        throw error
      } finally {
        progress?.done()
        if ('close' in port) await (port as ClosableEventsPort).close()
      }
      const result: PutFileResult = {
        file: label,
        lines: report.lines,
        sent: summary.sent,
        failed: summary.failed,
        retried: summary.retried,
        skippedInvalid: report.invalidCount,
        invalid,
        failures: summary.failures,
      }
      this.present(result)
      if (result.failed > 0) process.exitCode = ExitCode.Partial
      return result
    } finally {
      await cleanup()
    }
  }

  private present(result: PutFileResult): void {
    if (this.jsonEnabled()) return
    for (const f of result.failures.slice(0, 50)) this.logToStderr(`line ${f.line}: ${f.errorCode}: ${f.errorMessage}`)
    const skipped = result.skippedInvalid ? `, ${result.skippedInvalid} invalid lines skipped` : ''
    this.log(`sent ${result.sent}, failed ${result.failed}, retried ${result.retried}${skipped}`)
  }

  /** A re-openable input: the file itself, or stdin spooled to a private temp file (two passes need it twice). */
  private async openInput(file: string): Promise<{open: OpenInput; label: string; cleanup: () => Promise<void>}> {
    if (file !== '-') {
      try {
        await access(file)
      } catch (error) {
        throw new UsageError(`Can't read ${file}: ${(error as Error).message}`, {
          hints: ['Check the path and its permissions.'],
        })
      }
      return {open: () => createReadStream(file), label: file, cleanup: async () => {}}
    }
    if (process.stdin.isTTY) {
      throw new UsageError('--file - reads events from stdin, but stdin is a terminal.', {
        hints: ['Pipe the events in (`cat events.ndjson | momento-eb put --file -`), or pass a file path.'],
      })
    }
    const dir = await mkdtemp(join(tmpdir(), 'momento-eb-'))
    const spool = join(dir, 'stdin.ndjson')
    await pipeline(process.stdin, createWriteStream(spool, {mode: 0o600}))
    return {open: () => createReadStream(spool), label: 'stdin', cleanup: () => rm(dir, {recursive: true, force: true})}
  }
}
