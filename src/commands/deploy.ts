import {Flags} from '@oclif/core'

import {readApiKeyFromStdin} from '../cli/api-key.js'
import {BaseCommand} from '../cli/base-command.js'
import {ask} from '../cli/prompt.js'
import {alarmEmailParameter} from '../core/alarm-email.js'
import {resolveSetting, resolveStack} from '../core/config.js'
import {InterruptedError, sandboxNotRunning, UsageError} from '../core/errors.js'
import {keyShapeProblem} from '../core/momento-key.js'
import {formatPlanRow, summarizePlan, type PlanRow, type StackEvent} from '../core/stack-plan.js'
import {LOG_RETENTION_DAYS} from '../core/stack-template-logs.js'
import {renderStackTemplate} from '../core/stack-template-text.js'
import {DeployCancelledError, deployStack, type DeployResult} from '../services/deploy.js'
import type {DeployLogOptions} from '../services/deploy-logs.js'
import {formatElapsed, plainEventLines} from '../ui/deploy/state.js'
import {sandboxApiKey} from '../wiring/sandbox.js'
import {stackPorts} from '../wiring/stack.js'

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

  /** How far the deploy got, for what Ctrl-C says: planned (a change set exists), or running in CloudFormation. */
  private progress: {stackName: string; phase: 'planned' | 'delete' | 'create' | 'update'} | undefined

  public async run(): Promise<DeployResult> {
    const stackName = resolveStack(this.flags.stack, process.env, this.savedConfig)
    const {ctx} = this
    const alarmEmail =
      this.flags['alarm-email'] === undefined ? undefined : alarmEmailParameter(this.flags['alarm-email'])
    const apiKey = ctx.usingSandbox ? await this.sandboxKey() : await this.operatorKey()
    this.redactor.add(apiKey)

    const interactive = ctx.output.interactive
    const live = interactive && !this.jsonEnabled() ? await import('../ui/deploy/render.js') : undefined
    let view: {event(e: StackEvent): void; finish(): Promise<void>} | undefined
    const closeView = async () => {
      await view?.finish()
      view = undefined
    }
    let plainLine = plainEventLines()
    const started = Date.now()
    const logs = await this.logOptions()
    try {
      const result = await deployStack(
        {
          stackName,
          templateBody: JSON.stringify(JSON.parse(renderStackTemplate('json'))),
          apiKey,
          // The bus `put` publishes to (flag, MOMENTO_EB_BUS, `config set bus`); else the deployed one.
          eventBus: this.flags.bus ?? resolveSetting('bus', {env: process.env, config: this.savedConfig})?.value,
          // An explicit --momento-endpoint beats the sandbox's own URL.
          momentoEndpoint: this.flags['momento-endpoint'] ?? ctx.momento.endpoint,
          sandbox: ctx.usingSandbox,
          maxRetryAttempts: this.flags['max-retry-attempts'],
          maxEventAgeSeconds: this.flags['max-event-age'],
          invocationRateLimit: this.flags['invocation-rate'],
          alarmEmail,
          logs,
          region: ctx.target.region,
        },
        stackPorts(ctx),
        {
          onNotice: (message) => this.note(`Warning: ${message}`),
          requestApiKey: async () => {
            if (!interactive) {
              throw new UsageError(`Stack ${stackName} needs a Momento API key, and none was given.`, {
                hints: ['Export MOMENTO_API_KEY, or pipe the key in with --api-key-stdin.'],
              })
            }
            // The sandbox accepts any key; against AWS the key's shape is checked (as deploy decodes
            // it), up to three tries, before it goes into the stack's secret.
            for (let attempt = 1; ; attempt++) {
              const key = (await ask('Momento API key (hidden): ', {hidden: true})).trim()
              if (key === '')
                throw new UsageError('No Momento API key was entered.', {hints: ['Export MOMENTO_API_KEY instead.']})
              const problem = ctx.usingSandbox ? undefined : keyShapeProblem(key)
              if (!problem) {
                this.redactor.add(key)
                return key
              }
              if (attempt === 3)
                throw new UsageError(`${problem} Nothing was deployed.`, {
                  hints: ['Copy the key again from the Momento console, or export MOMENTO_API_KEY.'],
                })
              this.note(`${problem} Try again (Ctrl-C to stop).`)
            }
          },
          confirmRecreate: async (stack) => {
            const what = `Stack ${stack.name} is ROLLBACK_COMPLETE (its create failed) and must be deleted before it can be created again.`
            if (this.canAsk() && !this.confirmedByFlag()) this.note(what)
            return this.confirmed(what, 'Delete it and create it again?')
          },
          onPlan: (plan, action) => {
            this.progress = {stackName, phase: 'planned'}
            this.showPlan(stackName, plan, action)
          },
          confirmDestructivePlan: async () => {
            return this.confirmed(
              'The plan removes or replaces resources.',
              'The plan removes or replaces resources. Go ahead?',
            )
          },
          onStart: async ({phase, startedAt}) => {
            this.progress = {stackName, phase}
            plainLine = plainEventLines()
            await closeView()
            const title = `${{delete: 'Deleting', create: 'Creating', update: 'Updating'}[phase]} stack ${stackName}`
            if (live) view = live.startProgressView(title, {color: ctx.output.color, startedAt})
            else this.note(`${title}…`)
          },
          onEvent: (event) => (view ? view.event(event) : this.note(plainLine(event))),
        },
      )
      this.progress = undefined
      await closeView()
      this.present(result, Date.now() - started)
      if (alarmEmail && !this.jsonEnabled())
        this.note(`Alarm e-mails go to ${alarmEmail} once its owner confirms the subscription (AWS sends the link).`)
      return result
    } finally {
      await closeView()
    }
  }

  /**
   * Ctrl-C stops momento-eb, not CloudFormation: once a change set (or the delete of a failed stack)
   * runs, it carries on, and nothing rolls it back. Say so, and how to follow it.
   */
  protected override interruptedError(): InterruptedError {
    const progress = this.progress
    if (!progress) return super.interruptedError()
    const {stackName} = progress
    const follow = `Follow it with \`momento-eb status --stack ${stackName}\` (or in the CloudFormation console).`
    if (progress.phase === 'planned') {
      return new InterruptedError(`Interrupted before the change was executed: stack ${stackName} is unchanged.`, {
        code: 'EB_DEPLOY_INTERRUPTED',
        hints: [
          'Its change set stays, unexecuted (CloudFormation drops it once a later change set is executed).',
          'Run `momento-eb deploy` again to go ahead.',
        ],
      })
    }
    const what =
      progress.phase === 'delete'
        ? `CloudFormation carries on deleting stack ${stackName} (its create had failed)`
        : `CloudFormation carries on with the change set (stack ${stackName} is still ${progress.phase === 'create' ? 'being created' : 'updating'})`
    return new InterruptedError(`Interrupted: ${what}; nothing was rolled back by momento-eb.`, {
      code: 'EB_DEPLOY_INTERRUPTED',
      hints: [follow, ...(progress.phase === 'delete' ? ['Once it is gone, run `momento-eb deploy` again.'] : [])],
    })
  }

  /** --logs, --log-detail, --log-retention; full detail puts cache values in the logs, so it is confirmed. */
  private async logOptions(): Promise<DeployLogOptions> {
    const retention = this.flags['log-retention']
    if (retention !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      throw new UsageError(`--log-retention ${retention} isn't a retention CloudWatch Logs offers.`, {
        hints: [`Pick one of ${LOG_RETENTION_DAYS.join(', ')} (days).`],
      })
    }
    const detail = this.flags['log-detail']
    const what =
      '--log-detail full writes every event’s detail (the cache values) into the log group, readable by anyone who can read its logs, for as long as it keeps them.'
    if (detail === 'full' && !this.requireConfirmation(what)) {
      this.note(`Warning: ${what}`)
      if (!(await this.confirmed(what, 'Log full event details?'))) {
        throw new DeployCancelledError('Cancelled: nothing was changed.')
      }
    }
    return {
      level: this.flags.logs?.toUpperCase() as DeployLogOptions['level'],
      detail: detail?.toUpperCase() as DeployLogOptions['detail'],
      retentionDays: retention,
    }
  }

  /** The key from --api-key-stdin, else MOMENTO_API_KEY; undefined keeps the deployed one (or prompts). */
  private async operatorKey(): Promise<string | undefined> {
    if (this.flags['api-key-stdin']) return readApiKeyFromStdin('momento-eb deploy')
    return this.ctx.momento.apiKey
  }

  /**
   * With --sandbox, always the sandbox's own key: the operator's real key would sit in the sandbox's
   * connection secret, readable by any local process, and every delivery would fail with 401.
   */
  private async sandboxKey(): Promise<string> {
    const ignored = [
      ...(this.ctx.momento.apiKey === undefined ? [] : ['MOMENTO_API_KEY']),
      ...(this.flags['api-key-stdin'] ? ['--api-key-stdin'] : []),
    ]
    if (ignored.length > 0) {
      this.note(
        `Note: ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored with --sandbox: the sandbox's own key is used, and yours is sent nowhere.`,
      )
    }
    const key = await sandboxApiKey(this.ctx.sandboxUrl)
    if (key === undefined) {
      throw sandboxNotRunning(this.ctx.sandboxUrl, {doing: "Can't read the sandbox's key"})
    }
    return key
  }

  private showPlan(stackName: string, plan: readonly PlanRow[], action: string): void {
    this.note(`Plan for stack ${stackName} (${action}): ${summarizePlan(plan)}`)
    const idWidth = Math.max(24, ...plan.map((row) => row.logicalId.length))
    for (const row of plan) this.note(`  ${formatPlanRow(row, idWidth)}`)
  }

  private present(result: DeployResult, elapsedMs: number): void {
    if (this.jsonEnabled()) return
    if (result.action === 'none') this.note(`Stack ${result.stack} is up to date (${result.status}).`)
    else
      this.note(
        `Stack ${result.stack} ${result.action === 'create' ? 'created' : 'updated'} (${result.status}) in ${formatElapsed(elapsedMs)}.`,
      )
    if (result.logs) {
      const l = result.logs
      this.note(
        l.logGroup === null
          ? `Event-bus logs: the stack delivers none; bus ${l.bus} logs at ${l.level}.`
          : `Event-bus logs: ${l.level}${l.detail === 'FULL' ? ' with full detail' : ''} on bus ${l.bus}, into log group ${l.logGroup ?? '(none)'}.`,
      )
    }
    const keys = Object.keys(result.outputs).sort()
    const width = Math.max(0, ...keys.map((k) => k.length))
    const columns = process.stdout.isTTY ? process.stdout.columns : undefined
    const fits = !columns || keys.every((key) => width + 2 + (result.outputs[key] ?? '').length <= columns)
    // On a terminal too narrow for the table, each value under its key: ARNs stay whole, to copy.
    for (const key of keys) {
      if (fits) this.log(`${key.padEnd(width)}  ${result.outputs[key]}`)
      else this.log(`${key}\n  ${result.outputs[key]}`)
    }
  }
}
