import {randomBytes} from 'node:crypto'
import {link, lstat, open, rename, unlink, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags, checkBusLogFlags, busLogSummary, type BusLogSummary, withBusLogs} from '../../cli/bus-logs.js'
import {dlqFilterFlags, dlqLimitFlag, dlqQueueFlags, filterFromFlags, openDlqFromFlags} from '../../cli/dlq-flags.js'
import {ConflictError, UsageError} from '../../core/errors.js'
import {DEFAULT_MAX_HELD} from '../../core/held-messages.js'
import {plainDecoder} from '../../services/dlq-diagnose.js'
import {EXPORT_LOOPS, exportDlq, type DlqExportSummary, type LineSink} from '../../services/dlq-export.js'
import {plural} from '../../core/text-width.js'

/** What `dlq export --json` prints (with `--file -` the lines themselves go to stdout instead). */
export interface DlqExportResult extends DlqExportSummary {
  file: string
  queueUrl: string
  /** The event bus's log join, when a log group was read (or tried). */
  busLogs?: BusLogSummary | undefined
}

export default class DlqExport extends BaseCommand<typeof DlqExport> {
  static override summary = 'Save dead-letter queue messages, raw and decoded, as NDJSON (nothing is deleted)'
  static override description =
    'Each line is {"messageId", "raw": {body, attributes, systemAttributes}, "decoded": {...}}. The queue is only ' +
    'peeked at (receive counts rise). The file is created with mode 0600 (the events may hold data you care about) ' +
    'and never overwritten unless --force. It is written to a temporary file next to it and renamed into place at ' +
    'the end, so a failed export leaves an existing file as it was. A symbolic link at --file is refused (exit 2): ' +
    'pass the real path. `--file -` writes the lines to stdout. ' +
    "When the stack delivers the event bus's logs, the decoding takes each failure's HTTP status and Momento's " +
    'answer from them (--no-logs to skip). ' +
    'It streams: each batch is written as it is read, so memory stays flat however large the queue. Reading ' +
    'hides messages (SQS counts them in flight, about 120,000 at most per queue); the export hides at most ' +
    '--max-in-flight at once and hands the oldest back beyond that, never writing a message twice. A full disk ' +
    'fails with exit 1 and an unwritable path with exit 2; either way the partial file is removed and nothing ' +
    'is deleted from the queue.'
  static override examples = [
    '<%= config.bin %> dlq export --file dlq.ndjson',
    '<%= config.bin %> dlq export --file - --reason timeout | jq .decoded.explanation',
    '<%= config.bin %> dlq export --file dlq.ndjson --force --since 1d',
  ]
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    ...dlqLimitFlag(undefined),
    file: Flags.string({char: 'f', summary: 'NDJSON file to write, or - for stdout.', required: true}),
    force: Flags.boolean({summary: 'Overwrite the file if it exists.'}),
    'max-in-flight': Flags.integer({
      summary: 'The most messages the export keeps hidden at once (SQS allows about 120,000 in flight per queue).',
      default: DEFAULT_MAX_HELD,
      min: 100,
      max: 110_000,
    }),
    ...busLogFlags,
  }

  public async run(): Promise<DlqExportResult> {
    const filter = filterFromFlags(this.flags)
    checkBusLogFlags(this.flags)
    if (this.flags.file.trim() === '') {
      // An empty path used to reach link(2) and end as "Unexpected failure" (exit 1).
      throw new UsageError('--file is empty, so there is nowhere to export to.', {
        hints: ['Name a file to create, e.g. --file dlq.ndjson, or --file - for stdout.'],
      })
    }
    const toStdout = this.flags.file === '-'
    if (toStdout && this.jsonEnabled()) {
      throw new UsageError('--file - writes NDJSON to stdout, which --json needs too.', {
        hints: ['Drop --json, or write to a file.'],
      })
    }
    const {queue, located} = await openDlqFromFlags(this.ctx, this.flags, this.savedConfig)
    const target = toStdout ? undefined : await this.openFile(this.flags.file, this.flags.force)
    const handle = target?.handle
    const sink: LineSink = handle
      ? {
          // A write error (ENOSPC: the disk is full) names no file by itself: say which.
          write: async (line) =>
            void (await handle.write(line).catch((error: unknown) => {
              throw typeof error === 'object' && error !== null ? Object.assign(error, {path: this.flags.file}) : error
            })),
        }
      : {
          write: (line) =>
            new Promise<void>((resolve, reject) =>
              process.stdout.write(line, (error) => (error ? reject(error) : resolve())),
            ),
        }
    const logs = withBusLogs(
      this.ctx,
      this.flags,
      located,
      plainDecoder({region: this.ctx.aws.target.region, sandbox: this.ctx.usingSandbox, suggest: this.ctx.suggest}),
      (warning) => {
        if (!this.jsonEnabled()) this.logToStderr(warning)
      },
    )
    let summary
    try {
      summary = await exportDlq(queue, sink, {
        filter,
        limit: this.flags.limit,
        decoder: logs.decode,
        // One batch of 10 per loop may be hidden besides the held ones.
        maxHeld: Math.max(10, this.flags['max-in-flight'] - EXPORT_LOOPS * 10),
        loops: EXPORT_LOOPS,
      })
    } catch (error) {
      await target?.abort()
      throw error
    }
    await target?.commit()
    const result: DlqExportResult = {file: this.flags.file, queueUrl: located.queueUrl, ...summary}
    const joined = busLogSummary(logs)
    if (joined) result.busLogs = joined
    if (!this.jsonEnabled()) {
      const where = toStdout ? 'stdout' : this.flags.file
      const more = summary.truncated ? ` (stopped at --limit ${this.flags.limit})` : ''
      const pace = `${(summary.durationMs / 1000).toFixed(1)} s, ${summary.perSecond} messages/s`
      this.logToStderr(
        `Exported ${summary.exported} of ${plural(summary.scanned, 'message')} to ${where}${more} in ${pace}; nothing was deleted.`,
      )
      // Receives sample a large queue: say so when fewer were read than the queue counted at the start.
      if (!summary.truncated && summary.depthAtStart !== undefined && summary.scanned < summary.depthAtStart) {
        this.logToStderr(
          `The queue counted about ${summary.depthAtStart} messages at the start (an approximate count, which includes ` +
            "messages other consumers held hidden); run the export again if that's more than you expected.",
        )
      }
    }
    return result
  }

  /**
   * Where the export goes. A regular file (new, or replaced with --force) is written to a temporary
   * file in the same directory (created O_EXCL, mode 0600) and renamed over the target at the end:
   * the target itself is never opened, so its content and mode stay as they were until the rename.
   * A symbolic link at the path is refused (writing through it could empty any file the link names;
   * replacing it would surprise whoever made it). A device or FIFO given with --force (/dev/null,
   * /dev/full) is written directly and its mode is never touched.
   */
  private async openFile(
    path: string,
    force: boolean,
  ): Promise<{handle: FileHandle; commit(): Promise<void>; abort(): Promise<void>}> {
    const cannot = (error: unknown) =>
      new UsageError(`Can't write ${path}: ${(error as Error).message}`, {
        hints: ['Check the directory exists and is writable.'],
      })
    const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw cannot(error)
    })
    if (existing?.isSymbolicLink()) {
      throw new UsageError(`${path} is a symbolic link; it is not followed, so nothing was exported.`, {
        code: 'EB_FILE_SYMLINK',
        hints: ['Pass the path of the file itself, or remove the link first (`--file -` writes to stdout).'],
      })
    }
    if (existing && !force) throw exists(path)
    if (existing?.isDirectory()) throw cannot(Object.assign(new Error('it is a directory'), {code: 'EISDIR'}))
    if (existing && !existing.isFile()) {
      // A device or FIFO: nothing to replace, and its mode is not ours to change.
      const handle = await open(path, 'w').catch((error: unknown) => {
        throw cannot(error)
      })
      return {handle, commit: () => handle.close(), abort: () => handle.close()}
    }
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
    // 'wx' = O_CREAT|O_EXCL: never opens an existing file or follows a link planted at the temp name.
    const handle = await open(temp, 'wx', 0o600).catch((error: unknown) => {
      throw cannot(error)
    })
    const abort = async () => {
      await handle.close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
    }
    const commit = async () => {
      try {
        await handle.sync()
        await handle.close()
        if (force) {
          await rename(temp, path)
        } else {
          // link(2) fails if the name was taken meanwhile: never overwrite without --force.
          await link(temp, path)
          await unlink(temp)
        }
      } catch (error) {
        await abort()
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path)
        throw typeof error === 'object' && error !== null ? Object.assign(error, {path}) : error
      }
    }
    return {handle, commit, abort}
  }
}

function exists(path: string): ConflictError {
  return new ConflictError(`${path} already exists, so nothing was exported.`, {
    code: 'EB_FILE_EXISTS',
    hints: ['Pass --force to overwrite it, or choose another --file.'],
  })
}
