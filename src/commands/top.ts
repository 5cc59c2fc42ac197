import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {topFromFlags} from '../cli/top.js'
import {ExitCode} from '../core/errors.js'
import {snapshotDegraded, TOP_WINDOW_KEYS, type TopSnapshot} from '../core/top-model.js'
import {DEFAULT_SAMPLE_LIMIT} from '../services/top.js'

export default class Top extends BaseCommand<typeof Top> {
  static override summary = 'A live dashboard: rates, failures, latency, the DLQ and alarms, per rule'
  static override description =
    'Per rule (cacheSet, cacheDelete, topicPublish), from CloudWatch (AWS/Events): invocations per minute, ' +
    'failures, retries, throttles and DLQ writes over the window, with sparklines, and the ingestion-to-invocation ' +
    "latency. The DLQ's depth (read from the queue itself) and its oldest message's age (CloudWatch's " +
    'ApproximateAgeOfOldestMessage; without CloudWatch, the oldest of the sample, shown as ≥). The state of ' +
    "the stack's alarms, and the top failure reasons of the DLQ's first N messages (--sample, a peek every " +
    '30 s: nothing is deleted, but each read raises their receive count; when the stack delivers the event ' +
    "bus's logs, the reasons come from them, as in `dlq list`).\n\n" +
    'Rates are per minute, averaged over the window (EventBridge sends its metrics once a minute, best ' +
    'effort, and sends no zeros); FAIL, RETRY, THROT and DLQ are totals over the window; LATENCY is the ' +
    "average IngestiontoInvocationStartLatency. Metrics that can't be read are shown as -, never as 0.\n\n" +
    'Cost per refresh: ONE CloudWatch GetMetricData call for all 27 series, one DescribeAlarms (only when the ' +
    'stack has alarms), one SQS GetQueueAttributes; plus the sample every 30 s (and with bus logs one CloudWatch ' +
    'Logs FilterLogEvents per sample). GetMetricData is billed per ' +
    'metric requested, so a view left open for a day at --interval 5 requests about 470,000 metrics: use a ' +
    'longer --interval for a view that stays open (the metrics change once a minute).\n\n' +
    'Permissions: cloudformation:DescribeStacks (and ListStackResources for a stack without rule outputs), ' +
    'cloudwatch:GetMetricData, cloudwatch:DescribeAlarms, sqs:GetQueueAttributes, sqs:ReceiveMessage, ' +
    'sqs:ChangeMessageVisibility (and logs:FilterLogEvents with bus logs).\n\n' +
    'On a terminal: a full-screen view. Keys: 1, 2, 3 pick the window (5 min, 1 hour, 24 hours), w cycles it, ' +
    'd leaves and opens `dlq watch` on the same queue, q or Ctrl-C quits (exit 0).\n\n' +
    'Otherwise (piped, CI, or --json): one snapshot as JSON, exit 0 when every source was read and 3 (partial) ' +
    'when one failed (CloudWatch unreachable or not allowed, the queue unreadable...): the snapshot then says ' +
    'which, and why, and the rest is still shown. With --follow: one snapshot per line (NDJSON) every ' +
    '--interval until Ctrl-C or SIGTERM (exit 0).'
  static override examples = [
    '<%= config.bin %> top',
    '<%= config.bin %> top --window 24h',
    '<%= config.bin %> top --json | jq ".rules[] | {detailType, failures}"',
    '<%= config.bin %> top --json --follow --interval 30',
  ]
  static override flags = {
    stack: Flags.string({
      summary: 'Stack to watch. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.',
    }),
    interval: Flags.integer({summary: 'Seconds between refreshes.', default: 5, min: 1, max: 300}),
    window: Flags.string({
      summary: `Window of the rates and sparklines: ${TOP_WINDOW_KEYS.join(', ')}.`,
      default: '1h',
      options: [...TOP_WINDOW_KEYS],
    }),
    follow: Flags.boolean({summary: 'With --json or off a terminal: a snapshot per line every --interval.'}),
    sample: Flags.integer({
      summary: 'DLQ messages to peek at for the failure reasons (every 30 s); 0 turns it off.',
      default: DEFAULT_SAMPLE_LIMIT,
      min: 0,
      max: 500,
    }),
    ascii: Flags.boolean({
      summary: 'Draw sparklines with ASCII characters instead of blocks (automatic when the locale is not UTF-8).',
    }),
  }
  /** Leaving the dashboard or a --follow stream (q, Ctrl-C, SIGTERM) is success. */
  static override exitOnInterrupt = false

  /** A one-off snapshot that could not read everything is partly done (3). */
  protected override exitCodeFor(snapshot: TopSnapshot): number | undefined {
    return snapshotDegraded(snapshot) ? ExitCode.Partial : undefined
  }

  public async run(): Promise<TopSnapshot | void> {
    return topFromFlags(this.commandHost(), this.flags, {
      note: (line) => this.note(line),
      logJson: (value) => this.logJson(value),
    })
  }
}
