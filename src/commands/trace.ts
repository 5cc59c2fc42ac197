import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {traceFromFlags, type TraceJson} from '../cli/trace.js'
import {exitCodeOfTrace} from '../services/trace.js'

export default class Trace extends BaseCommand<typeof Trace> {
  static override summary = "Show one event's journey from the event bus's logs: attempts, statuses, outcome"
  static override description =
    "Reads the records EventBridge wrote for the event into the stack's event-bus log group (stack output " +
    'BusLogGroupName, or --log-group): accepted, matched rule(s), every attempt of every target invocation (time, ' +
    "HTTP status, Momento's message, duration, the wait before the next), throttles, and the outcome: delivered, " +
    'dead-lettered (with the decoded reason), dropped, or still in flight. With --follow it polls (every 1 s, backing ' +
    'off to 5 s) until the event reaches a final state or --timeout passes; on a terminal the timeline updates live.\n\n' +
    'At the default log level (ERROR) only failures are logged: a delivered event leaves no record, so "no record" ' +
    'proves nothing. Deploy with `--logs info` to see deliveries too. Logging is best effort and records can arrive ' +
    'late and out of order; the journey says which steps are missing.\n\n' +
    'Exit codes: 0 delivered; 1 failed (dead-lettered, dropped, rejected, or matched by no rule); 8 not final (still ' +
    'in flight, or no record) when the lookup or --timeout ends; 4 when the stack has no event-bus logs; 130 on Ctrl-C.'
  static override examples = [
    '<%= config.bin %> trace 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a',
    '<%= config.bin %> trace 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a --follow --timeout 5m',
    '<%= config.bin %> trace 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a --since 7d --json',
  ]
  static override args = {
    eventId: Args.string({
      name: 'EVENT_ID',
      description: 'The event id (a UUID): what `put` prints, or event.id in `dlq list --json`.',
      required: true,
    }),
  }
  static override flags = {
    stack: Flags.string({
      summary:
        'Stack whose event-bus logs to read. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.',
    }),
    'log-group': Flags.string({summary: 'Read this CloudWatch Logs log group (skips the stack lookup).'}),
    follow: Flags.boolean({char: 'f', summary: 'Poll until the event reaches a final state (or --timeout).'}),
    timeout: Flags.string({summary: 'How long --follow polls: a duration (30s, 5m) or seconds. Default 2m.'}),
    since: Flags.string({
      summary:
        "How far back to search: a duration (1h, 7d) or an ISO time. Default 24h (the logs' retention bounds it).",
    }),
  }
  /** Ctrl-C stops the polling and prints the journey so far (exit 130). */
  static override exitOnInterrupt = false

  protected override exitCodeFor(result: TraceJson): number {
    return exitCodeOfTrace(result.end, result)
  }

  public async run(): Promise<TraceJson> {
    return traceFromFlags(this.commandHost(), this.args.eventId, this.flags, (text) => this.suggestions.text(text))
  }
}
