import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {deployFromFlags, deployInterruptedError, type DeployProgress} from '../cli/deploy.js'
import type {InterruptedError} from '../core/errors.js'
import {LOG_RETENTION_DAYS} from '../core/stack-template-logs.js'
import type {DeployResult} from '../services/deploy.js'

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary = 'Create or update the Momento integration stack (CloudFormation)'
  static override description =
    'Creates a change set, shows the plan (add / modify / remove; replacements marked) and executes it, following ' +
    'the stack events until it finishes. The Momento API key comes from MOMENTO_API_KEY, --api-key-stdin or a ' +
    'hidden prompt on a terminal, never from the command line; an update without a key keeps the deployed one. ' +
    'A plan that removes or replaces resources needs a confirmation (or --yes); so does replacing a stack whose ' +
    'create failed (ROLLBACK_COMPLETE). A stack that is busy is waited for. A region without a Momento cell needs ' +
    '--momento-endpoint (exit 2). With --sandbox, the sandbox key and URL are used. ' +
    'Event-bus logs (--logs, default error) go to a log group the stack owns; the bus’s own log level is set with ' +
    'UpdateEventBus after the stack (its other settings kept) and put back by `destroy`.'
  static override examples = [
    'MOMENTO_API_KEY=… <%= config.bin %> deploy',
    'pass show momento | <%= config.bin %> deploy --api-key-stdin --bus orders',
    '<%= config.bin %> deploy --max-retry-attempts 3 --yes --json',
    '<%= config.bin %> deploy --sandbox',
    '<%= config.bin %> deploy --logs info --log-retention 30',
  ]
  static override confirmFlag = 'yes'
  static override flags = {
    stack: Flags.string({summary: 'Stack name. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.'}),
    bus: Flags.string({
      summary:
        'Existing event bus the rules listen on. Default: MOMENTO_EB_BUS, then `config set bus`, then the deployed one, else default.',
      description: '--event-bus, the former name, is still accepted.',
      aliases: ['event-bus'],
    }),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Accept plans that remove or replace resources, and recreate failed stacks.',
    }),
    'api-key-stdin': Flags.boolean({summary: 'Read the Momento API key from stdin (instead of MOMENTO_API_KEY).'}),
    'max-retry-attempts': Flags.integer({
      summary: 'Retries for 429, 5xx and timeouts (0–185; template default 12).',
      min: 0,
      max: 185,
    }),
    'max-event-age': Flags.integer({
      summary: 'Seconds an event may be retried (60–86400; template default 3600).',
      min: 60,
      max: 86400,
    }),
    'invocation-rate': Flags.integer({
      summary: 'Calls per second EventBridge makes to each API destination (template default 100).',
      description:
        "The API destinations' InvocationRateLimitPerSecond: events beyond it wait (and may age into the DLQ). " +
        'Formerly --rate-limit, still accepted.',
      aliases: ['rate-limit'],
      min: 1,
    }),
    'alarm-email': Flags.string({
      summary:
        'E-mail the stack’s alarms notify (SNS; the recipient must confirm). `none` removes it. Default: the deployed one.',
    }),
    logs: Flags.string({
      summary: 'Event-bus log level delivered to the stack’s log group. Default: the deployed one, else error.',
      description:
        'error logs failed attempts only (cheap); info adds the major steps; trace logs every step (about 8 records per delivered event). off removes the log group and puts the bus’s level back.',
      options: ['error', 'info', 'trace', 'off'],
    }),
    'log-detail': Flags.string({
      summary: 'full also logs each event’s detail (cache values!). Needs a confirmation or --yes. Default: none.',
      options: ['none', 'full'],
    }),
    'log-retention': Flags.integer({
      summary: `Days the log group keeps records (${LOG_RETENTION_DAYS.join(', ')}; template default 14).`,
    }),
  }

  /** How far the deploy got, for what Ctrl-C says. */
  private progress: DeployProgress | undefined

  public async run(): Promise<DeployResult> {
    return deployFromFlags(this.commandHost(), this.flags, {
      note: (line) => this.note(line),
      canAsk: () => this.canAsk(),
      confirmedByFlag: () => this.confirmedByFlag(),
      requireConfirmation: (what) => this.requireConfirmation(what),
      confirmed: (what, question) => this.confirmed(what, question),
      progress: (progress) => (this.progress = progress),
    })
  }

  /**
   * Ctrl-C stops momento-eb, not CloudFormation: once a change set (or the delete of a failed stack)
   * runs, it carries on, and nothing rolls it back. Say so, and how to follow it.
   */
  protected override interruptedError(): InterruptedError {
    return deployInterruptedError(this.progress) ?? super.interruptedError()
  }
}
