/**
 * The oclif edge of `deploy`: the stack, the key (MOMENTO_API_KEY, --api-key-stdin, the hidden
 * prompt, or the sandbox's own), the log options and their confirmation, the live view or plain
 * lines, and the summary. services/deploy.ts runs the change set and follows the stack.
 */
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
import {readApiKeyFromStdin} from './api-key.js'
import type {CommandHost} from './base-command.js'
import {ask} from './prompt.js'

/** The flags `deploy` reads (its own and --momento-endpoint). */
export interface DeployFlags {
  stack?: string | undefined
  bus?: string | undefined
  'api-key-stdin': boolean
  'momento-endpoint'?: string | undefined
  'max-retry-attempts'?: number | undefined
  'max-event-age'?: number | undefined
  'invocation-rate'?: number | undefined
  'alarm-email'?: string | undefined
  logs?: string | undefined
  'log-detail'?: string | undefined
  'log-retention'?: number | undefined
}

/** How far the deploy got, for what Ctrl-C says: planned (a change set exists), or running in CloudFormation. */
export interface DeployProgress {
  stackName: string
  phase: 'planned' | 'delete' | 'create' | 'update'
}

/** What the command lends the run: its declared confirmations, where it notes, and where progress goes. */
export interface DeployCommandHooks {
  /** stderr, in --json mode too. */
  note(line: string): void
  canAsk(): boolean
  confirmedByFlag(): boolean
  /** BaseCommand's declared confirmation: true when --yes stands in for it. */
  requireConfirmation(what: string): boolean
  confirmed(what: string, question: string): Promise<boolean>
  /** How far the deploy got (undefined once done), for {@link deployInterruptedError}. */
  progress(progress: DeployProgress | undefined): void
}

/** The options from the flags, the key, the run (deployStack), and its output. */
export async function deployFromFlags(
  host: CommandHost,
  flags: DeployFlags,
  hooks: DeployCommandHooks,
): Promise<DeployResult> {
  const stackName = resolveStack(flags.stack, process.env, host.savedConfig)
  const {ctx} = host
  const alarmEmail = flags['alarm-email'] === undefined ? undefined : alarmEmailParameter(flags['alarm-email'])
  const apiKey = ctx.usingSandbox ? await sandboxKey(host, flags, hooks) : await operatorKey(host, flags)
  host.redactor.add(apiKey)

  const interactive = ctx.output.interactive
  const live = interactive && !host.jsonEnabled() ? await import('../ui/deploy/render.js') : undefined
  let view: {event(e: StackEvent): void; finish(): Promise<void>} | undefined
  const closeView = async () => {
    await view?.finish()
    view = undefined
  }
  let plainLine = plainEventLines()
  const started = Date.now()
  const logs = await logOptions(flags, hooks)
  try {
    const result = await deployStack(
      {
        stackName,
        templateBody: JSON.stringify(JSON.parse(renderStackTemplate('json'))),
        apiKey,
        // The bus `put` publishes to (flag, MOMENTO_EB_BUS, `config set bus`); else the deployed one.
        eventBus: flags.bus ?? resolveSetting('bus', {env: process.env, config: host.savedConfig})?.value,
        // An explicit --momento-endpoint beats the sandbox's own URL.
        momentoEndpoint: flags['momento-endpoint'] ?? ctx.momento.endpoint,
        sandbox: ctx.usingSandbox,
        maxRetryAttempts: flags['max-retry-attempts'],
        maxEventAgeSeconds: flags['max-event-age'],
        invocationRateLimit: flags['invocation-rate'],
        alarmEmail,
        logs,
        region: ctx.target.region,
      },
      stackPorts(ctx),
      {
        onNotice: (message) => hooks.note(`Warning: ${message}`),
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
              host.redactor.add(key)
              return key
            }
            if (attempt === 3)
              throw new UsageError(`${problem} Nothing was deployed.`, {
                hints: ['Copy the key again from the Momento console, or export MOMENTO_API_KEY.'],
              })
            hooks.note(`${problem} Try again (Ctrl-C to stop).`)
          }
        },
        confirmRecreate: async (stack) => {
          const what = `Stack ${stack.name} is ROLLBACK_COMPLETE (its create failed) and must be deleted before it can be created again.`
          if (hooks.canAsk() && !hooks.confirmedByFlag()) hooks.note(what)
          return hooks.confirmed(what, 'Delete it and create it again?')
        },
        onPlan: (plan, action) => {
          hooks.progress({stackName, phase: 'planned'})
          showPlan(hooks, stackName, plan, action)
        },
        confirmDestructivePlan: async () => {
          return hooks.confirmed(
            'The plan removes or replaces resources.',
            'The plan removes or replaces resources. Go ahead?',
          )
        },
        onStart: async ({phase, startedAt}) => {
          hooks.progress({stackName, phase})
          plainLine = plainEventLines()
          await closeView()
          const title = `${{delete: 'Deleting', create: 'Creating', update: 'Updating'}[phase]} stack ${stackName}`
          if (live) view = live.startProgressView(title, {color: ctx.output.color, startedAt})
          else hooks.note(`${title}…`)
        },
        onEvent: (event) => (view ? view.event(event) : hooks.note(plainLine(event))),
      },
    )
    hooks.progress(undefined)
    await closeView()
    present(host, hooks, result, Date.now() - started)
    if (alarmEmail && !host.jsonEnabled())
      hooks.note(`Alarm e-mails go to ${alarmEmail} once its owner confirms the subscription (AWS sends the link).`)
    return result
  } finally {
    await closeView()
  }
}

/**
 * Ctrl-C stops momento-eb, not CloudFormation: once a change set (or the delete of a failed stack)
 * runs, it carries on, and nothing rolls it back. Say so, and how to follow it.
 */
export function deployInterruptedError(progress: DeployProgress | undefined): InterruptedError | undefined {
  if (!progress) return undefined
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
async function logOptions(flags: DeployFlags, hooks: DeployCommandHooks): Promise<DeployLogOptions> {
  const retention = flags['log-retention']
  if (retention !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
    throw new UsageError(`--log-retention ${retention} isn't a retention CloudWatch Logs offers.`, {
      hints: [`Pick one of ${LOG_RETENTION_DAYS.join(', ')} (days).`],
    })
  }
  const detail = flags['log-detail']
  const what =
    '--log-detail full writes every event’s detail (the cache values) into the log group, readable by anyone who can read its logs, for as long as it keeps them.'
  if (detail === 'full' && !hooks.requireConfirmation(what)) {
    hooks.note(`Warning: ${what}`)
    if (!(await hooks.confirmed(what, 'Log full event details?'))) {
      throw new DeployCancelledError('Cancelled: nothing was changed.')
    }
  }
  return {
    level: flags.logs?.toUpperCase() as DeployLogOptions['level'],
    detail: detail?.toUpperCase() as DeployLogOptions['detail'],
    retentionDays: retention,
  }
}

/** The key from --api-key-stdin, else MOMENTO_API_KEY; undefined keeps the deployed one (or prompts). */
async function operatorKey(host: CommandHost, flags: DeployFlags): Promise<string | undefined> {
  if (flags['api-key-stdin']) return readApiKeyFromStdin('momento-eb deploy')
  return host.ctx.momento.apiKey
}

/**
 * With --sandbox, always the sandbox's own key: the operator's real key would sit in the sandbox's
 * connection secret, readable by any local process, and every delivery would fail with 401.
 */
async function sandboxKey(host: CommandHost, flags: DeployFlags, hooks: DeployCommandHooks): Promise<string> {
  const ignored = [
    ...(host.ctx.momento.apiKey === undefined ? [] : ['MOMENTO_API_KEY']),
    ...(flags['api-key-stdin'] ? ['--api-key-stdin'] : []),
  ]
  if (ignored.length > 0) {
    hooks.note(
      `Note: ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored with --sandbox: the sandbox's own key is used, and yours is sent nowhere.`,
    )
  }
  const key = await sandboxApiKey(host.ctx.sandboxUrl)
  if (key === undefined) {
    throw sandboxNotRunning(host.ctx.sandboxUrl, {doing: "Can't read the sandbox's key"})
  }
  return key
}

function showPlan(hooks: DeployCommandHooks, stackName: string, plan: readonly PlanRow[], action: string): void {
  hooks.note(`Plan for stack ${stackName} (${action}): ${summarizePlan(plan)}`)
  const idWidth = Math.max(24, ...plan.map((row) => row.logicalId.length))
  for (const row of plan) hooks.note(`  ${formatPlanRow(row, idWidth)}`)
}

function present(host: CommandHost, hooks: DeployCommandHooks, result: DeployResult, elapsedMs: number): void {
  if (host.jsonEnabled()) return
  if (result.action === 'none') hooks.note(`Stack ${result.stack} is up to date (${result.status}).`)
  else
    hooks.note(
      `Stack ${result.stack} ${result.action === 'create' ? 'created' : 'updated'} (${result.status}) in ${formatElapsed(elapsedMs)}.`,
    )
  if (result.logs) {
    const l = result.logs
    hooks.note(
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
    if (fits) host.log(`${key.padEnd(width)}  ${result.outputs[key]}`)
    else host.log(`${key}\n  ${result.outputs[key]}`)
  }
}
