import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags} from '../../cli/bus-logs.js'
import {diagnoseFlag} from '../../cli/diagnose.js'
import {dlqFilterFlags, dlqQueueFlags} from '../../cli/dlq-flags.js'
import {watchDlq} from '../../cli/dlq-watch.js'

export default class DlqWatch extends BaseCommand<typeof DlqWatch> {
  static override summary = 'Watch the DLQ live: decoded reasons, details, redrive, delete and export'
  static override description =
    'On a terminal: a full-screen view of the queue, newest first, with a count per reason, the queue depth, the ' +
    'arrival rate and messages gone. Keys: arrows/j/k move, Enter opens a message (reason, fix, original event, ' +
    'attributes), / filters, r redrives the selected message, R every matching one, e edits it in $EDITOR first, d ' +
    "deletes, x exports to an NDJSON file (asks where), t traces its event in the event bus's logs (--log-group, else the stack's), ? shows every key, q or " +
    'Ctrl-C quits (exit 0). Redrive and delete ask ' +
    'first where they touch more than the selected message or destroy it.\n\n' +
    'Otherwise (piped, CI, or --json): one decoded message per line as NDJSON on stdout as they are first seen, ' +
    'until Ctrl-C or SIGTERM (exit 0).\n\n' +
    'Messages are peeked: received with a short visibility timeout and released at once, never deleted by watching ' +
    '(each read raises their receive count).'
  static override examples = [
    '<%= config.bin %> dlq watch',
    '<%= config.bin %> dlq watch --reason cache-not-found,rate-limited',
    '<%= config.bin %> dlq watch --queue-url "$DLQ_URL" --log-group "$LOG_GROUP"',
    '<%= config.bin %> dlq watch --json | jq .reason',
  ]
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    ...diagnoseFlag,
    ...busLogFlags,
    interval: Flags.integer({
      summary: 'Seconds between polls once the queue is read through (each reads 500 messages at most).',
      default: 1,
      min: 1,
      max: 300,
    }),
    demo: Flags.boolean({
      summary: 'Run inside `momento-eb demo`: the footer says q continues the demo.',
      hidden: true,
    }),
    rate: Flags.integer({
      summary: "Messages per second r and R redrive. Default: the API destination's rate limit, else 50.",
      min: 1,
    }),
  }
  /** Quitting a watch view (q, Ctrl-C, SIGTERM) is success. */
  static override exitOnInterrupt = false

  public async run(): Promise<void> {
    // Ctrl-C or SIGTERM at any point, even while the queue is still being looked up, ends with exit 0.
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    try {
      await watchDlq(this.commandHost(), this.flags, controller.signal)
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}
