import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {putFileFromFlags, type PutFileResult} from '../../cli/put-file.js'
import {putFlags} from '../../cli/put-support.js'
import {ExitCode} from '../../core/errors.js'

export type {PutFileResult} from '../../cli/put-file.js'

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
    return putFileFromFlags(this.commandHost(), this.flags, {note: (line) => this.note(line), bin: this.config.bin})
  }
}
