/**
 * `momento-eb status`: the stack, its outputs and the live state of every integration resource,
 * with the problems found and how to fix each. Never prints.
 */
import {NotFoundError} from '../core/errors.js'
import type {MomentoKeyInfo} from '../core/momento-key.js'
import {regionFromCellHost} from '../core/regions.js'
import {
  isStackHealthy,
  rulesAllowedByPolicy,
  type IntegrationKind,
  type IntegrationResources,
  type StackInfo,
} from '../core/stack-plan.js'
import {readAlarmStatus, type AlarmStatus, type AlarmView} from './alarm-status.js'
import {logsStatus, type BusLogStatusPort, type LogsStatus} from './stack-status-logs.js'

/** What the status service reads. */
export interface StackStatusPorts {
  describeStack(name: string): Promise<StackInfo | undefined>
  findIntegration(name: string): Promise<IntegrationResources>
  /** The named alarms' states (alarm-status.ts); without it `alarms` stays null. */
  describeAlarms?(names: string[]): Promise<AlarmView[]>
  /** Event-bus logs (stack-status-logs.ts); without it status leaves logs out. */
  readonly busLogs?: BusLogStatusPort
  describeEventBus?(name: string): Promise<{arn: string}>
}

/** One problem and its fix. `error` problems make `status` exit 1. */
export interface StatusProblem {
  severity: 'error' | 'warning'
  resource: string | null
  problem: string
  fix: string
}

/** What `status --json` prints. */
export interface StackStatusReport {
  stack: string
  stackId: string
  status: string
  statusReason: string | null
  outputs: Record<string, string>
  connection: {name: string; arn: string; state: string} | null
  destinations: Array<{
    kind: IntegrationKind
    name: string
    arn: string
    method: string
    endpoint: string
    state: string
  }>
  rules: Array<{
    kind: IntegrationKind
    name: string
    arn: string
    bus: string
    state: string
    target: {
      arn: string
      deadLetterArn: string | null
      maxRetryAttempts: number | null
      maxEventAgeSeconds: number | null
    } | null
  }>
  dlq: {url: string; arn: string; visible: number; inFlight: number; allowsRules: boolean} | null
  /** The stack's alarms (null when it has none): see alarm-status.ts. */
  alarms: AlarmStatus[] | null
  /** Event-bus logs: what is set on the bus and what the stack delivers (null: not read). */
  logs?: LogsStatus | null
  problems: StatusProblem[]
}

const KINDS: readonly IntegrationKind[] = ['cacheSet', 'cacheDelete', 'topicPublish']

/**
 * Read the stack and its resources and list what's wrong. Throws NotFoundError for an unknown
 * stack; `key` (decoded from MOMENTO_API_KEY, when set) lets it spot a key/endpoint region mismatch.
 */
export async function getStackStatus(
  stackName: string,
  ports: StackStatusPorts,
  options: {key?: MomentoKeyInfo | undefined} = {},
): Promise<StackStatusReport> {
  const stack = await ports.describeStack(stackName)
  if (!stack || stack.status === 'DELETE_COMPLETE') {
    throw new NotFoundError(`Stack ${stackName} doesn't exist.`, {
      code: 'EB_STACK_NOT_FOUND',
      hints: ['Deploy it with `momento-eb deploy`, or pass --stack with the name of yours.'],
    })
  }
  const found = await ports.findIntegration(stack.id).catch((error: unknown) => {
    // A stack whose create rolled back has no resources left: report the stack alone.
    if (error instanceof NotFoundError) return undefined
    throw error
  })
  const problems: StatusProblem[] = []
  const add = (severity: StatusProblem['severity'], resource: string | null, problem: string, fix: string) =>
    problems.push({severity, resource, problem, fix})

  if (!isStackHealthy(stack.status)) {
    const failed = stack.status === 'ROLLBACK_COMPLETE'
    add(
      stack.status.endsWith('_IN_PROGRESS') ? 'warning' : 'error',
      stack.name,
      `The stack is ${stack.status}${stack.statusReason ? ` (${stack.statusReason})` : ''}.`,
      failed
        ? 'Run `momento-eb deploy --yes` to delete the failed stack and create it again.'
        : stack.status.endsWith('_IN_PROGRESS')
          ? 'Wait for it to finish (`momento-eb status` again), then check once more.'
          : 'Deploy again with `momento-eb deploy`, or look at the stack events in the CloudFormation console.',
    )
  }

  const report: StackStatusReport = {
    stack: stack.name,
    stackId: stack.id,
    status: stack.status,
    statusReason: stack.statusReason ?? null,
    outputs: {...stack.outputs},
    connection: found?.connection ? {...found.connection} : null,
    destinations: [],
    rules: [],
    dlq: null,
    alarms: null,
    problems,
  }
  if (!found) return report

  for (const logicalId of found.missing) {
    add(
      'error',
      logicalId,
      `${logicalId} is in the stack but no longer exists.`,
      'Run `momento-eb deploy` to recreate it.',
    )
  }

  if (!found.connection) {
    add('error', null, 'The stack has no EventBridge connection.', 'Run `momento-eb deploy` to add it.')
  } else if (found.connection.state !== 'AUTHORIZED') {
    add(
      'error',
      found.connection.name,
      `The connection is ${found.connection.state}: events can't reach Momento.`,
      'Deploy a valid key: `MOMENTO_API_KEY=… momento-eb deploy` (or --api-key-stdin).',
    )
  }

  for (const kind of KINDS) {
    const d = found.destinations[kind]
    if (!d) {
      add('error', null, `There is no API destination for ${kind}.`, 'Run `momento-eb deploy` to add it.')
      continue
    }
    report.destinations.push({kind, name: d.name, arn: d.arn, method: d.method, endpoint: d.endpoint, state: d.state})
    if (d.state !== 'ACTIVE') {
      add(
        'error',
        d.name,
        `The ${kind} API destination is ${d.state}.`,
        'Check the connection (a deauthorized connection deactivates its destinations), then `momento-eb deploy`.',
      )
    }
    const endpointRegion = regionFromCellHost(d.endpoint)
    if (options.key?.region && endpointRegion && options.key.region !== endpointRegion) {
      add(
        'warning',
        d.name,
        `The ${kind} destination calls Momento in ${endpointRegion}, but MOMENTO_API_KEY belongs to ${options.key.region}.`,
        `Deploy with --momento-endpoint ${options.key.baseUrl ?? 'for the key’s cell'}, or use a key for ${endpointRegion}.`,
      )
    }
  }

  for (const kind of KINDS) {
    const r = found.rules[kind]
    if (!r) {
      add('error', null, `There is no rule for ${kind} events.`, 'Run `momento-eb deploy` to add it.')
      continue
    }
    report.rules.push({
      kind,
      name: r.name,
      arn: r.arn,
      bus: r.bus,
      state: r.state,
      target: r.target
        ? {
            arn: r.target.arn,
            deadLetterArn: r.target.deadLetterArn ?? null,
            maxRetryAttempts: r.target.maxRetryAttempts ?? null,
            maxEventAgeSeconds: r.target.maxEventAgeSeconds ?? null,
          }
        : null,
    })
    if (r.state !== 'ENABLED') {
      add(
        'error',
        r.name,
        `The ${kind} rule is ${r.state}: those events are dropped.`,
        `Enable it: \`aws events enable-rule --name ${r.name} --event-bus-name ${r.bus}\`.`,
      )
    }
    if (!r.target) {
      add('error', r.name, `The ${kind} rule has no target.`, 'Run `momento-eb deploy` to restore it.')
    } else if (!r.target.deadLetterArn) {
      add(
        'warning',
        r.name,
        `The ${kind} rule has no dead-letter queue: failed events are dropped.`,
        'Run `momento-eb deploy` (its template sets one).',
      )
    }
  }

  if (found.queue) {
    const ruleArns = KINDS.map((k) => found.rules[k]?.arn).filter((a): a is string => !!a)
    const allowed = rulesAllowedByPolicy(found.queue.policy, ruleArns)
    const allowsRules = ruleArns.length > 0 && ruleArns.every((arn) => allowed.has(arn))
    report.dlq = {
      url: found.queue.url,
      arn: found.queue.arn,
      visible: found.queue.visible,
      inFlight: found.queue.inFlight,
      allowsRules,
    }
    if (!found.queue.policy) {
      add(
        'error',
        found.queue.url,
        'The DLQ has no queue policy, so EventBridge can’t write failed events to it: they are lost.',
        'Run `momento-eb deploy` (its template adds the policy), or add one allowing events.amazonaws.com sqs:SendMessage for the rule ARNs.',
      )
    } else if (!allowsRules) {
      const blocked = ruleArns.filter((arn) => !allowed.has(arn))
      add(
        'error',
        found.queue.url,
        `The DLQ policy doesn't let ${blocked.length} of the rules write to it: their failed events are lost.`,
        'Run `momento-eb deploy`, or add the rule ARNs to the policy’s aws:SourceArn condition.',
      )
    }
    if (found.queue.visible + found.queue.inFlight > 0) {
      add(
        'warning',
        found.queue.url,
        `The DLQ holds ${found.queue.visible} failed events (${found.queue.inFlight} in flight).`,
        'Look at them with `momento-eb dlq watch`.',
      )
    }
  } else {
    add('error', null, 'The stack has no dead-letter queue.', 'Run `momento-eb deploy` to add it.')
  }
  report.alarms = await readAlarmStatus(stack.outputs, ports.describeAlarms?.bind(ports), add)
  if (ports.busLogs) report.logs = await logsStatus(stack, ports.busLogs, await busArnOf(stack, ports), add)
  return report
}

async function busArnOf(stack: StackInfo, ports: StackStatusPorts): Promise<string | undefined> {
  const bus = stack.parameters['EventBusName']
  if (!bus || !ports.describeEventBus) return undefined
  return (await ports.describeEventBus(bus).catch(() => undefined))?.arn
}

/** Where `put` publishes: the resolved bus (and where it came from) and source. */
export interface PutTarget {
  bus: {value: string; origin: string; from: string}
  source: string
}

/** The rules on a bus that match a sample event of each kind (ListRules + the event pattern). */
export type RulesMatchingKinds = (
  bus: string,
  source: string,
  kinds: readonly string[],
) => Promise<Array<{matching: readonly unknown[]}>>

/**
 * `status`: the stack's report, with the bus check first among its problems when the stack has rules.
 * `verbose` hears why the rules could not be listed.
 */
export async function stackStatusWithBusCheck(
  stackName: string,
  ports: StackStatusPorts,
  options: {
    key?: MomentoKeyInfo | undefined
    put: PutTarget
    rulesMatchingKinds: RulesMatchingKinds
    verbose(line: string): void
  },
): Promise<StackStatusReport> {
  const report = await getStackStatus(stackName, ports, {key: options.key})
  const busProblem =
    report.rules.length > 0 ? await busCheck([...new Set(report.rules.map((r) => r.bus))], options) : undefined
  if (busProblem) report.problems.unshift(busProblem)
  return report
}

/**
 * Whether the events `put` publishes (to the bus MOMENTO_EB_BUS / `config set bus` / default names,
 * with the resolved source) match a rule there (ListRules): a bus without a matching rule takes
 * every event and delivers it nowhere. An error when the bus was chosen (env or config), a warning
 * for the default bus (producers other than `put` may publish elsewhere). Undefined when fine, or
 * when the rules can't be listed (the other checks still stand).
 */
async function busCheck(
  ruleBuses: readonly string[],
  options: {put: PutTarget; rulesMatchingKinds: RulesMatchingKinds; verbose(line: string): void},
): Promise<StatusProblem | undefined> {
  const {bus, source} = options.put
  const kinds = ['cacheSet', 'cacheDelete', 'topicPublish'] as const
  let found
  try {
    found = await options.rulesMatchingKinds(bus.value, source, kinds)
  } catch (error) {
    options.verbose(`Couldn't list the rules on bus ${bus.value}: ${(error as Error).message.split('\n')[0]}`)
    return undefined
  }
  const unmatched = kinds.filter((_, i) => found[i]?.matching.length === 0)
  if (unmatched.length === 0) return undefined
  return {
    severity: bus.origin === 'default' ? 'warning' : 'error',
    resource: null,
    problem:
      `No rule on bus ${bus.value} (${bus.from}, where \`put\` publishes) matches ${unmatched.join(', ')}` +
      `${ruleBuses.length > 0 ? `; the stack's rules listen on ${ruleBuses.join(', ')}` : ''}: ` +
      'events published there are accepted and delivered nowhere.',
    fix:
      ruleBuses.length > 0
        ? `Publish where the rules are (\`momento-eb config set bus ${ruleBuses[0]}\`), or move the rules with \`momento-eb deploy --bus ${bus.value}\`.`
        : `Deploy the rules on it with \`momento-eb deploy --bus ${bus.value}\`.`,
  }
}
