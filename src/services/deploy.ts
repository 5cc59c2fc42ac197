/**
 * `momento-eb deploy`: create or update the integration stack through a change set, the way
 * `aws cloudformation deploy` does (docs/reference/aws-facts.md#cfn-deploy), with the decisions a person has
 * to make (recreate a failed stack, accept a plan that deletes or replaces something) asked through
 * callbacks. Never prints: progress goes out through `onEvent` and `onNotice`.
 */
import {CancelledError, ConflictError, RemoteError, TimeoutWaitingError, UsageError} from '../core/errors.js'
import {chooseMomentoEndpoint, decodeMomentoKey} from '../core/momento-key.js'
import {MOMENTO_REGIONS, momentoBaseUrlForRegion} from '../core/regions.js'
import {
  buildParameters,
  changeSetName,
  decideDeploy,
  deployOutcome,
  isInProgress,
  isNoChangeReason,
  planFromChanges,
  planIsDestructive,
  type CloudFormationPort,
  type PlanRow,
  type Sleep,
  type StackEvent,
  type StackInfo,
} from '../core/stack-plan.js'
import {busLogNameTag} from '../core/bus-log-settings.js'
import {OUTPUT, PARAM} from '../core/stack-template.js'
import {LOG_NAME_TAG_PARAM, PREVIOUS_LOG_CONFIG_PARAM} from '../core/stack-template-logs.js'
import {
  applyBusLogConfig,
  LOG_PARAMETER_NAMES,
  logParameters,
  restoreBusLogConfig,
  type BusLogConfigPort,
  type DeployLogOptions,
  type DeployLogsResult,
} from './deploy-logs.js'

/** What deploy needs from the outside world. */
export interface DeployPorts {
  readonly cfn: CloudFormationPort
  /** DescribeEventBus; throws NotFoundError (with the fix) when the bus doesn't exist. */
  describeEventBus(name: string): Promise<{arn: string; region: string | undefined}>
  /** The bus's LogConfig (event-bus logs); without it deploy leaves the bus's logging alone. */
  readonly busLogs?: BusLogConfigPort
  readonly sleep: Sleep
  readonly now: () => Date
}

/** Questions and progress. Confirmations may throw (a UsageError naming --yes without a TTY). */
export interface DeployCallbacks {
  /** A warning or a step worth telling ("Stack x is UPDATE_IN_PROGRESS; waiting"). */
  onNotice?(message: string): void
  /** The key, when the stack needs one and none was given (prompt on a TTY, else throw). */
  requestApiKey(): Promise<string>
  /** The stack is ROLLBACK_COMPLETE: delete it and create it again? */
  confirmRecreate(stack: StackInfo): Promise<boolean>
  /** The plan, before anything is executed. */
  onPlan?(plan: readonly PlanRow[], action: 'create' | 'update'): void
  /** The plan removes or replaces resources: go ahead? */
  confirmDestructivePlan(plan: readonly PlanRow[]): Promise<boolean>
  /** The change set is executing (or the failed stack is being deleted). */
  onStart?(info: {stackName: string; phase: 'delete' | 'create' | 'update'; startedAt: Date}): void | Promise<void>
  /** One new stack event, oldest first. */
  onEvent?(event: StackEvent): void
}

/** Deploy inputs. Undefined values keep the previous value on update, or the template default on create. */
export interface DeployOptions {
  readonly stackName: string
  readonly templateBody: string
  readonly apiKey?: string | undefined
  readonly eventBus?: string | undefined
  /** Explicit Momento base URL (--momento-endpoint, MOMENTO_HTTP_ENDPOINT, or the sandbox). */
  readonly momentoEndpoint?: string | undefined
  /** True when deploying to the sandbox, the only place an http:// Momento endpoint works. */
  readonly sandbox?: boolean | undefined
  readonly maxRetryAttempts?: number | undefined
  readonly maxEventAgeSeconds?: number | undefined
  readonly invocationRateLimit?: number | undefined
  /** AlarmEmail parameter (core/alarm-email.ts): an address, or '' for none; undefined keeps the deployed one. */
  readonly alarmEmail?: string | undefined
  /** --logs, --log-detail, --log-retention (deploy-logs.ts). */
  readonly logs?: DeployLogOptions | undefined
  /** The region the AWS clients use, when the bus ARN doesn't say. */
  readonly region?: string | undefined
  /** Polling: first interval, the cap it backs off to, and how long to wait in all. */
  readonly poll?: {readonly minMs?: number; readonly maxMs?: number; readonly timeoutMs?: number}
}

/** What `deploy --json` prints. */
export interface DeployResult {
  stack: string
  stackId: string
  /** `none` when the stack was already up to date. */
  action: 'create' | 'update' | 'none'
  /** Set when a ROLLBACK_COMPLETE stack was deleted first. */
  recreated: boolean
  status: string
  region: string | null
  eventBus: string
  momentoBaseUrl: string | null
  outputs: Record<string, string>
  plan: PlanRow[]
  /** The bus's log setting after deploy (null: a stack without the logs part, or no port). */
  logs?: DeployLogsResult | null
}

const DEFAULT_POLL = {minMs: 250, maxMs: 3000, timeoutMs: 60 * 60 * 1000}

/** The user said no: nothing was changed. Exit 0 (a CancelledError). */
export class DeployCancelledError extends CancelledError {}

/**
 * Create or update the stack. Returns when the stack is CREATE_COMPLETE / UPDATE_COMPLETE or
 * already up to date. Throws RemoteError naming the failing resource when the stack fails,
 * UsageError when a needed decision or value is missing, TimeoutWaitingError (exit 8) when the
 * stack is still busy after `poll.timeoutMs`.
 */
export async function deployStack(
  options: DeployOptions,
  ports: DeployPorts,
  callbacks: DeployCallbacks,
): Promise<DeployResult> {
  const poll = {...DEFAULT_POLL, ...options.poll}
  const started = ports.now().getTime()
  const deadline = () => ports.now().getTime() - started > poll.timeoutMs
  const notice = (message: string) => callbacks.onNotice?.(message)
  const {stackName} = options
  if (options.momentoEndpoint !== undefined && !options.sandbox) requireHttpsEndpoint(options.momentoEndpoint)

  let stack = await ports.cfn.describeStack(stackName)
  let decision = decideDeploy(stack)
  while (decision.kind === 'wait') {
    notice(`Stack ${stackName} is ${decision.status}; waiting for that to finish first.`)
    stack = await waitWhile(stackName, ports, poll, deadline, (s) => s !== undefined && isInProgress(s.status))
    decision = decideDeploy(stack)
  }
  if (decision.kind === 'blocked') {
    throw new ConflictError(`Stack ${stackName} is ${decision.status}, so it can't be deployed to.`, {
      hints: [
        'See what failed with `momento-eb status` or in the CloudFormation console.',
        'Fix or delete the stack (`momento-eb destroy`), then deploy again.',
      ],
    })
  }
  const previous = decision.kind === 'update' && stack ? stack.parameters : undefined
  const type = decision.kind === 'update' ? 'UPDATE' : 'CREATE'

  const eventBus = options.eventBus ?? previous?.[PARAM.eventBus] ?? 'default'
  const bus = await ports.describeEventBus(eventBus)
  const region = bus.region ?? options.region

  let apiKey = options.apiKey
  if (apiKey === undefined && !(previous && PARAM.apiKey in previous)) apiKey = await callbacks.requestApiKey()

  const keyInfo = apiKey === undefined ? undefined : decodeMomentoKey(apiKey, ports.now())
  // The base URL is always passed explicitly: the template has no region map (stack-template.ts).
  // An update where nothing names a cell (no --momento-endpoint, no key or a key without a cell, such
  // as a v2 key) keeps the deployed URL; a stack deployed with the old template has '' there (its
  // region map chose), so it gets the URL that map resolved (its MomentoBaseUrl output), else the
  // region table: the change set then sets the parameter, and the endpoints stay the same.
  const namesCell = options.momentoEndpoint !== undefined || keyInfo?.baseUrl !== undefined
  const deployed =
    namesCell || !previous ? undefined : previous[PARAM.endpoint] || stack?.outputs[OUTPUT.baseUrl] || undefined
  const choice = chooseMomentoEndpoint({
    explicit: options.momentoEndpoint ?? deployed,
    key: keyInfo,
    stackRegion: region,
    mapped: momentoBaseUrlForRegion,
  })
  for (const warning of choice.warnings) notice(warning)
  if (choice.problem || !choice.endpoint) {
    throw new UsageError(choice.problem ?? "The Momento endpoint can't be worked out.", {
      code: 'EB_NO_MOMENTO_REGION',
      hints: [
        'Pass --momento-endpoint https://api.cache.<cell-host> (or set MOMENTO_HTTP_ENDPOINT).',
        `Or deploy to a region with a public Momento cell: ${MOMENTO_REGIONS.map((r) => r.region).join(', ')}.`,
      ],
    })
  }
  const endpointParam = choice.endpoint
  const baseUrl = choice.baseUrl

  let recreated = false
  if (decision.kind === 'recreate' && stack) {
    const ok = await callbacks.confirmRecreate(stack)
    if (!ok)
      throw new DeployCancelledError(`Cancelled: nothing changed (stack ${stackName} is still ROLLBACK_COMPLETE).`)
    await callbacks.onStart?.({stackName, phase: 'delete', startedAt: ports.now()})
    const seen = await seenEventIds(ports.cfn, stack.id)
    await ports.cfn.deleteStack(stack.id)
    const gone = await followStack(
      stack.id,
      ports,
      poll,
      deadline,
      seen,
      callbacks,
      (s) => !s || s.status === 'DELETE_COMPLETE',
    )
    if (gone && gone.status !== 'DELETE_COMPLETE') {
      throw new RemoteError(`Stack ${stackName} couldn't be deleted: it is ${gone.status}.`, {
        hints: ['Delete it in the CloudFormation console, then deploy again.'],
      })
    }
    recreated = true
  }

  // The bus's log setting before this stack, recorded at create (or when a stack from before the logs
  // part first gets it) so destroy can put it back. A recorded setting belongs to the bus it was read
  // from: a new bus gets its own record, and the old bus gets its own back once the stack has moved.
  const previousBus = previous?.[PARAM.eventBus]
  const busMoved = previousBus !== undefined && previousBus !== eventBus
  const recordBusLogs = type === 'CREATE' || busMoved || !(previous && PREVIOUS_LOG_CONFIG_PARAM in previous)
  const busLogsBefore = recordBusLogs && ports.busLogs ? await ports.busLogs.get(eventBus) : undefined
  // New names for the log delivery objects on a new bus, so CloudFormation can replace them
  // (stack-template-logs.ts); otherwise the deployed tag stays.
  const nameTag = busMoved ? busLogNameTag(eventBus, previous?.[LOG_NAME_TAG_PARAM]) : undefined
  const withLogs = async (r: DeployResult, s: StackInfo): Promise<DeployResult> => {
    if (!ports.busLogs) return r
    if (busMoved && stack) await restoreOldBus(ports.busLogs, stack, notice)
    const bus = s.parameters[PARAM.eventBus] ?? eventBus
    return {...r, logs: (await applyBusLogConfig(ports.busLogs, bus, s, notice)) ?? null}
  }
  const parameters = buildParameters(
    {
      [PARAM.apiKey]: apiKey,
      [PARAM.eventBus]: options.eventBus ?? (type === 'CREATE' ? eventBus : undefined),
      [PARAM.endpoint]: endpointParam,
      [PARAM.maxRetryAttempts]: numberParam(options.maxRetryAttempts),
      [PARAM.maxEventAge]: numberParam(options.maxEventAgeSeconds),
      [PARAM.rateLimit]: numberParam(options.invocationRateLimit),
      [PARAM.alarmEmail]: options.alarmEmail,
      ...logParameters(options.logs, recordBusLogs && ports.busLogs !== undefined, busLogsBefore),
      [LOG_NAME_TAG_PARAM]: nameTag,
    },
    {type, previous, names: [...Object.values(PARAM), ...LOG_PARAMETER_NAMES]},
  )
  const created = await ports.cfn.createChangeSet({
    stackName,
    changeSetName: changeSetName(ports.now()),
    type,
    templateBody: options.templateBody,
    parameters,
  })

  let changeSet = await ports.cfn.describeChangeSet(created.id, stackName)
  for (let wait = poll.minMs; !isChangeSetSettled(changeSet.status); wait = Math.min(poll.maxMs, wait * 1.5)) {
    if (deadline()) throw timeout(stackName, `change set ${changeSet.status}`)
    await ports.sleep(wait)
    changeSet = await ports.cfn.describeChangeSet(created.id, stackName)
  }
  if (changeSet.status === 'FAILED') {
    if (type === 'UPDATE' && isNoChangeReason(changeSet.statusReason)) {
      await ports.cfn.deleteChangeSet(created.id, stackName).catch(() => undefined)
      const current = stack as StackInfo
      return withLogs(
        result(current, 'none', recreated, region, eventBus, baseUrl ?? current.outputs[OUTPUT.baseUrl], []),
        current,
      )
    }
    throw new RemoteError(`CloudFormation couldn't plan the change to stack ${stackName}: ${changeSet.statusReason}`, {
      code: 'EB_CHANGE_SET_FAILED',
    })
  }

  const plan = planFromChanges(changeSet.changes)
  const action = type === 'CREATE' ? 'create' : 'update'
  callbacks.onPlan?.(plan, action)
  if (planIsDestructive(plan)) {
    let ok = false
    try {
      ok = await callbacks.confirmDestructivePlan(plan)
    } finally {
      if (!ok) await ports.cfn.deleteChangeSet(created.id, stackName).catch(() => undefined)
    }
    if (!ok) throw new DeployCancelledError(`Cancelled: nothing changed (stack ${stackName} was not touched).`)
  }

  const seen = await seenEventIds(ports.cfn, created.stackId)
  await ports.cfn.executeChangeSet(created.id, stackName)
  await callbacks.onStart?.({stackName, phase: action, startedAt: ports.now()})
  const final = await followStack(created.stackId, ports, poll, deadline, seen, callbacks, (s) =>
    s ? deployOutcome(s.status) !== 'running' : true,
  )
  if (!final || deployOutcome(final.status) !== 'succeeded') {
    throw deployFailed(stackName, final?.status ?? 'DELETE_COMPLETE', seen.failures)
  }
  return withLogs(
    result(final, action, recreated, region, eventBus, final.outputs[OUTPUT.baseUrl] ?? baseUrl, plan),
    final,
  )
}

/**
 * After a move to another bus: the old bus gets back the setting recorded for it, if it still has
 * the one the stack set (restoreBusLogConfig, as destroy does). A failure here is a warning: the
 * stack has moved, and the old bus can be set by hand.
 */
async function restoreOldBus(port: BusLogConfigPort, old: StackInfo, notice: (message: string) => void) {
  const bus = old.parameters[PARAM.eventBus] ?? ''
  try {
    await restoreBusLogConfig(port, old, notice)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    notice(`Couldn't put back the log setting of event bus ${bus}, which the stack left: ${why}`)
  }
}

/**
 * AWS requires API-destination endpoints to be HTTPS
 * (docs/reference/aws-facts.md#eb-api-destination, #corrections-2026-12-06). Whether CreateApiDestination
 * itself refuses http:// is UNCONFIRMED, so refuse it here, before any AWS call, rather than risk a failed
 * create (or a destination that never works). Only the sandbox serves Momento over http://.
 */
export function requireHttpsEndpoint(url: string): void {
  let protocol: string | undefined
  try {
    protocol = new URL(url).protocol
  } catch {
    protocol = undefined
  }
  if (protocol === 'https:') return
  throw new UsageError(
    `The Momento endpoint ${url} isn't https://: AWS requires API destination endpoints to be HTTPS.`,
    {
      code: 'EB_ENDPOINT_NOT_HTTPS',
      hints: [
        "Pass --momento-endpoint https://api.cache.<cell-host> (your key's cell), or set MOMENTO_HTTP_ENDPOINT to it.",
        'Or leave it out: deploy then takes the endpoint from the API key or the region.',
        'An http:// endpoint works only with --sandbox.',
      ],
    },
  )
}

function result(
  stack: StackInfo,
  action: DeployResult['action'],
  recreated: boolean,
  region: string | undefined,
  eventBus: string,
  baseUrl: string | undefined,
  plan: PlanRow[],
): DeployResult {
  return {
    stack: stack.name,
    stackId: stack.id,
    action,
    recreated,
    status: stack.status,
    region: region ?? null,
    eventBus: stack.outputs[OUTPUT.eventBus] ?? eventBus,
    momentoBaseUrl: baseUrl ?? null,
    outputs: {...stack.outputs},
    plan,
  }
}

function numberParam(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value)
}

function isChangeSetSettled(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'FAILED' || status === 'DELETE_COMPLETE'
}

/** Events already shown, and the failures among them. */
export interface Seen {
  readonly ids: Set<string>
  /** Failed resource events, oldest first, for the final message. */
  readonly failures: StackEvent[]
}

/** The ids of the events already in the stack's history, so only new ones are shown. */
export async function seenEventIds(cfn: CloudFormationPort, stack: string): Promise<Seen> {
  const ids = new Set<string>()
  try {
    for (const event of await cfn.stackEvents(stack, () => true)) ids.add(event.id)
  } catch {
    // A stack that doesn't exist yet has no history.
  }
  return {ids, failures: []}
}

/**
 * Stream new events (oldest first) and poll the stack until `done` says so; returns the last stack
 * state (undefined once it is gone). Throws TimeoutWaitingError at the deadline.
 */
export async function followStack(
  stackId: string,
  ports: {readonly cfn: CloudFormationPort; readonly sleep: Sleep},
  poll: {readonly minMs: number; readonly maxMs: number},
  deadline: () => boolean,
  seen: Seen,
  callbacks: {onEvent?(event: StackEvent): void},
  done: (stack: StackInfo | undefined) => boolean,
): Promise<StackInfo | undefined> {
  const drain = async () => {
    const events = await ports.cfn.stackEvents(stackId, (e) => seen.ids.has(e.id)).catch(() => [])
    const fresh = events.filter((e) => !seen.ids.has(e.id)).reverse()
    for (const event of fresh) {
      seen.ids.add(event.id)
      if (event.status.endsWith('_FAILED') && event.resourceType !== 'AWS::CloudFormation::Stack') {
        seen.failures.push(event)
      }
      callbacks.onEvent?.(event)
    }
  }
  for (let wait = poll.minMs; ; wait = Math.min(poll.maxMs, wait * 1.5)) {
    await drain()
    const stack = await ports.cfn.describeStack(stackId)
    if (done(stack)) {
      await drain()
      return stack
    }
    if (deadline()) throw timeout(stack?.name ?? stackId, stack?.status ?? 'unknown')
    await ports.sleep(wait)
  }
}

async function waitWhile(
  stackName: string,
  ports: DeployPorts,
  poll: typeof DEFAULT_POLL,
  deadline: () => boolean,
  busy: (stack: StackInfo | undefined) => boolean,
): Promise<StackInfo | undefined> {
  for (let wait = poll.minMs; ; wait = Math.min(poll.maxMs, wait * 1.5)) {
    const stack = await ports.cfn.describeStack(stackName)
    if (!busy(stack)) return stack
    if (deadline()) throw timeout(stackName, stack?.status ?? 'unknown')
    await ports.sleep(wait)
  }
}

function timeout(stackName: string, status: string): TimeoutWaitingError {
  return new TimeoutWaitingError(`Stack ${stackName} is still ${status}; stopped waiting.`, {
    hints: ['Follow it with `momento-eb status`, then deploy again once it has finished.'],
  })
}

/** The error for a failed create or update: the first resource that failed, and why. */
export function deployFailed(stackName: string, status: string, failures: readonly StackEvent[]): RemoteError {
  // The first failure is the cause; later ones are usually "Resource creation cancelled".
  const cause = failures.find((f) => f.reason && !/cancell?ed/i.test(f.reason)) ?? failures[0]
  const what = cause
    ? `${cause.logicalId} (${cause.resourceType}) failed: ${cause.reason ?? 'no reason given'}`
    : 'no resource reported a failure'
  const hints =
    status === 'ROLLBACK_COMPLETE'
      ? ['Fix the cause, then run `momento-eb deploy --yes` to delete the failed stack and create it again.']
      : ['Fix the cause and deploy again; `momento-eb status` shows the stack.']
  return new RemoteError(`Deploying stack ${stackName} failed, and it is now ${status}. ${what}`, {
    code: 'EB_DEPLOY_FAILED',
    hints,
  })
}
