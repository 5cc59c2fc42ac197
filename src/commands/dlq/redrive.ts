import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags} from '../../cli/bus-logs.js'
import {dlqFilterFlags, dlqQueueFlags} from '../../cli/dlq-flags.js'
import {redriveFromFlags, type DlqRedriveResult} from '../../cli/dlq-redrive.js'
import {apiKeyStdinFlag, diagnoseFlag} from '../../cli/diagnose.js'
import {confirm} from '../../cli/prompt.js'
import {EXIT_FOR_SIGNAL, type StopSignal} from '../../cli/stop-signals.js'
import {ExitCode} from '../../core/errors.js'
import {DEFAULT_MAX_HELD} from '../../core/held-messages.js'
import {DEFAULT_REDRIVE_RATE, DEFAULT_VISIBILITY_SECONDS} from '../../services/redrive.js'

export default class DlqRedrive extends BaseCommand<typeof DlqRedrive> {
  static override summary = 'Publish dead-lettered events again, then delete them from the DLQ'
  static override description =
    'Each selected message is published again with PutEvents (original source, detail type, detail and resources) ' +
    'to the bus its failing rule lives on (or --bus), and deleted from the queue only after its entry came back ' +
    'with an EventId. Failed entries stay in the queue. Several failed cacheSet/cacheDelete events for one cache ' +
    'and key collapse to the newest; cacheSet events whose TTL has passed are skipped. The pace defaults to the ' +
    "API destination's rate limit (else 50/s) and backs off when PutEvents throttles. A journal in the state " +
    'directory makes the run safe to kill at any point: the next run deletes what was published but not deleted, ' +
    'without publishing it again. A run redrives only what was in the DLQ when it started: its own events that ' +
    'fail again and come back while it runs (the cause is not fixed) stay in the queue, are never published twice ' +
    'and are reported with their decoded reason. Before publishing, and again before deleting, it checks that the ' +
    "bus exists and that each message's rule (RULE_ARN) exists, is enabled and still targets TARGET_ARN (not with " +
    '--bus); if not, it stops and keeps the messages. Older events superseded by a redriven newer one are deleted ' +
    'with it. Ctrl-C, SIGTERM and SIGHUP finish the calls in flight, release the rest (visible again at once) and ' +
    'exit 130, 143 and 129. The journal is compacted on each run (finished runs dropped); a journal that cannot be ' +
    'written (disk full) stops the run before anything more is published (exit 1), and a symlinked journal or state ' +
    'directory is refused (exit 2). Exit 3 when some messages failed or came back, or the bus or a rule stopped the run.'
  static override examples = [
    '<%= config.bin %> dlq redrive --all --dry-run',
    '<%= config.bin %> dlq redrive --reason cache-not-found --cache orders',
    '<%= config.bin %> dlq redrive --id 0b8a4f3e-5c1d-4c3a-9f4e-2d1b6a7c8e9f --edit',
    '<%= config.bin %> dlq redrive --all --rate 20 --yes --json',
  ]
  static override exitOnInterrupt = false
  static override confirmFlag = 'yes'
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    all: Flags.boolean({summary: 'Redrive every message in the queue.', exclusive: ['id'], helpGroup: 'SELECT'}),
    id: Flags.string({
      summary: 'Redrive this message (message id or event id); repeatable.',
      multiple: true,
      helpGroup: 'SELECT',
    }),
    limit: Flags.integer({summary: 'Redrive at most this many messages.', min: 1, helpGroup: 'SELECT'}),
    'dry-run': Flags.boolean({summary: 'Print the exact PutEvents entries; send and delete nothing.'}),
    ...diagnoseFlag,
    ...apiKeyStdinFlag,
    ...busLogFlags,
    bus: Flags.string({summary: "Publish to this bus instead of the failing rule's bus."}),
    collapse: Flags.boolean({
      summary: 'Send only the newest event per cache and key (--no-collapse sends all).',
      default: true,
      allowNo: true,
    }),
    'include-expired': Flags.boolean({summary: 'Also send cacheSet events whose TTL has already passed.'}),
    rate: Flags.integer({
      summary: `Messages per second this redrive sends (0 = no cap). Default: the API destination's rate limit, else ${DEFAULT_REDRIVE_RATE}.`,
      description: 'The pace of this command only; --no-rate-limit (still accepted) is --rate 0.',
      min: 0,
    }),
    // Hidden: --rate says it. Kept because scripts may pass --no-rate-limit.
    'rate-limit': Flags.boolean({
      summary: 'Pace the redrive (--no-rate-limit = no cap, like --rate 0).',
      hidden: true,
      default: true,
      allowNo: true,
    }),
    edit: Flags.boolean({summary: 'Edit the selected events in $VISUAL/$EDITOR first (validated, diffed, confirmed).'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    'max-in-flight': Flags.integer({
      summary:
        'The most messages this run keeps hidden at once (skipped, not matching, in process); SQS allows about 120,000 in flight per queue.',
      default: DEFAULT_MAX_HELD,
      min: 100,
      max: 110_000,
    }),
    'visibility-timeout': Flags.integer({
      summary: 'Seconds a received message stays hidden while it is redriven (extended when slow).',
      default: DEFAULT_VISIBILITY_SECONDS,
      min: 5,
      max: 43_200,
    }),
  }

  protected override exitCodeFor(result: DlqRedriveResult): number | undefined {
    if (result.interrupted) return EXIT_FOR_SIGNAL[this.stoppedBy ?? 'SIGINT']
    // Failed entries, events that came back failed again downstream, or a run stopped early (the bus, a
    // rule, SQS's OverLimit): the summary is complete and what is left is in the queue, so exit 3, not 0.
    const partly = result.failed > 0 || result.cameBack.total > 0 || result.stoppedBecause !== undefined
    return partly ? ExitCode.Partial : undefined
  }

  private stoppedBy: StopSignal | undefined

  public async run(): Promise<DlqRedriveResult> {
    return redriveFromFlags(this.commandHost(), this.flags, {
      requireConfirmation: (what) => this.requireConfirmation(what),
      ask: this.canAsk() && !this.confirmedByFlag() ? (question) => confirm(question) : undefined,
      terminal: this.canAsk() && process.stderr.isTTY === true,
      note: (line) => this.note(line),
      stopped: (signal) => (this.stoppedBy = signal),
    })
  }
}
