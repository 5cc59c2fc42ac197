import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags} from '../../cli/bus-logs.js'
import {dlqFilterFlags, dlqLimitFlag, dlqQueueFlags} from '../../cli/dlq-flags.js'
import {exportFromFlags, type DlqExportResult} from '../../cli/dlq-export.js'
import {DEFAULT_MAX_HELD} from '../../core/held-messages.js'

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
    return exportFromFlags(this.commandHost(), this.flags)
  }
}
