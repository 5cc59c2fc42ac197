import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags} from '../../cli/bus-logs.js'
import {dlqFilterFlags, dlqLimitFlag, dlqQueueFlags} from '../../cli/dlq-flags.js'
import {listFromFlags, type DlqListResult} from '../../cli/dlq-list.js'
import {apiKeyStdinFlag, diagnoseFlag} from '../../cli/diagnose.js'

export default class DlqList extends BaseCommand<typeof DlqList> {
  static override summary = 'List DLQ messages with the decoded reason and fix, without removing them'
  static override description =
    'Peeks at the queue: messages are received with a short visibility timeout and released at once, nothing is ' +
    'deleted (each read raises their receive count). On a terminal a summary per reason comes first (count, oldest, ' +
    'newest, the fix), then one row per message; otherwise one tab-separated row per message (sent time, message ' +
    'id, reason, detail type, cache, key or topic, error code, HTTP status, retries, explanation, evidence). ' +
    'Each reason says what decided it (evidence: bus-log, probe, retry-pattern, error-text, none); when the DLQ ' +
    'attributes leave it ambiguous and a Momento key is available, a read-only probe of each cache settles it ' +
    "(--no-diagnose to skip). When the stack delivers the event bus's logs (deploy --logs), each page of messages is " +
    "joined with the log records of its events (one CloudWatch Logs query a page): the log's HTTP status and " +
    "Momento's answer decide first, and those records need no probe (--no-logs to skip). The queue is --queue-url, " +
    "or the stack's (DlqUrl output, else its SQS queue)."
  static override examples = [
    '<%= config.bin %> dlq list',
    '<%= config.bin %> dlq list --reason cache-not-found --since 2h',
    '<%= config.bin %> dlq list --queue-url "$DLQ_URL" --json',
  ]
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    ...dlqLimitFlag(100),
    ...diagnoseFlag,
    ...apiKeyStdinFlag,
    ...busLogFlags,
  }

  public async run(): Promise<DlqListResult> {
    return listFromFlags(this.commandHost(), this.flags)
  }
}
