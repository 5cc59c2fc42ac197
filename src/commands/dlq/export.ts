import {open, type FileHandle} from 'node:fs/promises'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {dlqFilterFlags, dlqLimitFlag, dlqQueueFlags, filterFromFlags, openDlqFromFlags} from '../../cli/dlq-flags.js'
import {ConflictError, UsageError} from '../../core/errors.js'
import {exportDlq, type LineSink} from '../../services/dlq-export.js'

/** What `dlq export --json` prints (with `--file -` the lines themselves go to stdout instead). */
export interface DlqExportResult {
  file: string
  queueUrl: string
  exported: number
  scanned: number
  truncated: boolean
}

export default class DlqExport extends BaseCommand<typeof DlqExport> {
  static override summary = 'Save dead-letter queue messages, raw and decoded, as NDJSON (nothing is deleted)'
  static override description =
    'Each line is {"messageId", "raw": {body, attributes, systemAttributes}, "decoded": {...}}. The queue is only ' +
    'peeked at (receive counts rise). The file is created with mode 0600 (the events may hold data you care about) ' +
    'and never overwritten unless --force. `--file -` writes the lines to stdout.'
  static override examples = [
    '<%= config.bin %> dlq export --file dlq.ndjson',
    '<%= config.bin %> dlq export --file - --reason cache-not-found | jq .decoded.explanation',
    '<%= config.bin %> dlq export --file dlq.ndjson --force --since 1d',
  ]
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    ...dlqLimitFlag(undefined),
    file: Flags.string({char: 'f', summary: 'NDJSON file to write, or - for stdout.', required: true}),
    force: Flags.boolean({summary: 'Overwrite the file if it exists.'}),
  }

  public async run(): Promise<DlqExportResult> {
    const filter = filterFromFlags(this.flags)
    const toStdout = this.flags.file === '-'
    if (toStdout && this.jsonEnabled()) {
      throw new UsageError('--file - writes NDJSON to stdout, which --json needs too.', {
        hints: ['Drop --json, or write to a file.'],
      })
    }
    const {queue, located} = await openDlqFromFlags(this.ctx, this.flags, this.savedConfig)
    const handle = toStdout ? undefined : await this.openFile(this.flags.file, this.flags.force)
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
    let summary
    try {
      summary = await exportDlq(queue, sink, {
        filter,
        limit: this.flags.limit,
        decode: {region: this.ctx.aws.target.region},
      })
    } finally {
      await handle?.close()
    }
    const result: DlqExportResult = {file: this.flags.file, queueUrl: located.queueUrl, ...summary}
    if (!this.jsonEnabled()) {
      const where = toStdout ? 'stdout' : this.flags.file
      const more = summary.truncated ? ` (stopped at --limit ${this.flags.limit})` : ''
      this.logToStderr(
        `Exported ${summary.exported} of ${summary.scanned} messages to ${where}${more}; nothing was deleted.`,
      )
    }
    return result
  }

  /** Create the file 0600; refuse an existing one unless --force (then truncate it and tighten its mode). */
  private async openFile(path: string, force: boolean): Promise<FileHandle> {
    try {
      const handle = await open(path, force ? 'w' : 'wx', 0o600)
      // Tighten an overwritten file, but never a device such as /dev/stdout or /dev/full.
      if (force && (await handle.stat()).isFile()) await handle.chmod(0o600)
      return handle
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') {
        throw new ConflictError(`${path} already exists, so nothing was exported.`, {
          code: 'EB_FILE_EXISTS',
          hints: ['Pass --force to overwrite it, or choose another --file.'],
        })
      }
      throw new UsageError(`Can't write ${path}: ${(error as Error).message}`, {
        hints: ['Check the directory exists and is writable.'],
      })
    }
  }
}
