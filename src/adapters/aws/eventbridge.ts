/**
 * EventBridge: every call this CLI makes to it, each implemented once (PutEvents for the events
 * port, DescribeEventBus, UpdateEventBus for the bus's LogConfig, DescribeRule, ListTargetsByRule,
 * ListRules, DescribeApiDestination, DescribeConnection), and what is read from them: a rule's status
 * before a redrive, the rules that would match an event, an API destination's endpoint and rate.
 * Failures are translated to domain errors (errors.ts); nothing prints.
 */
import type {
  DescribeApiDestinationCommandOutput,
  DescribeConnectionCommandOutput,
  DescribeEventBusCommandOutput,
  DescribeRuleCommandOutput,
  Rule,
  Target,
} from '@aws-sdk/client-eventbridge'

import {busLogConfigOf, type BusLogConfig} from '../../core/bus-log-settings.js'
import {parseRuleArn} from '../../core/dlq-decode.js'
import {UsageError} from '../../core/errors.js'
import {matchesPattern} from '../../core/event-pattern.js'
import type {EventsPort, PutEntryResult} from '../../core/put-entries.js'
import type {RuleStatus} from '../../core/redrive-plan.js'
import type {AwsClients} from './clients.js'
import {sendAndTranslate, type CallFailure, type CallOptions} from './errors.js'
import {sdk} from './sdk.js'

/* ------------------------------------------------------------------------------------------------ */
/* Operations                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

function call<T, R = never>(
  clients: AwsClients,
  options: CallOptions,
  failure: CallFailure<R> | string,
  run: () => Promise<T>,
): Promise<T | R> {
  return sendAndTranslate(clients, 'eventbridge', options, failure, run)
}

/** `EventBusName` when a bus is named (a rule on the default bus may be asked for without one). */
const onBus = (bus: string | undefined) => (bus ? {EventBusName: bus} : {})

/** DescribeEventBus, as the SDK answers it. */
function describeEventBusOutput(
  clients: AwsClients,
  name: string,
  options: CallOptions,
  failure: CallFailure | string,
): Promise<DescribeEventBusCommandOutput> {
  return call(clients, options, failure, () =>
    clients.eventBridge.send(new sdk.eventBridge.DescribeEventBusCommand({Name: name})),
  )
}

/** DescribeRule (`bus` undefined: the request names no bus). */
export function describeRule<R = never>(
  clients: AwsClients,
  name: string,
  bus: string | undefined,
  options: CallOptions,
  failure: CallFailure<R> | string = `Can't describe rule ${name}`,
): Promise<DescribeRuleCommandOutput | R> {
  return call(clients, options, failure, () =>
    clients.eventBridge.send(new sdk.eventBridge.DescribeRuleCommand({Name: name, ...onBus(bus)})),
  )
}

/**
 * ListTargetsByRule, every page (`bus` undefined: the request names no bus). A rule has few targets
 * (EventBridge's quota is five per rule), so this is one call in practice; every page is followed
 * all the same, in case the quota changes.
 */
export function listTargetsByRule<R = never>(
  clients: AwsClients,
  rule: string,
  bus: string | undefined,
  options: CallOptions,
  failure: CallFailure<R> | string = `Can't list the targets of rule ${rule}`,
): Promise<Target[] | R> {
  return call(clients, options, failure, async () => {
    const targets: Target[] = []
    let NextToken: string | undefined
    do {
      const page = await clients.eventBridge.send(
        new sdk.eventBridge.ListTargetsByRuleCommand({Rule: rule, ...onBus(bus), ...(NextToken ? {NextToken} : {})}),
      )
      targets.push(...(page.Targets ?? []))
      NextToken = page.NextToken
    } while (NextToken)
    return targets
  })
}

/** ListRules on one bus, every page. */
export function listRules(clients: AwsClients, bus: string, options: CallOptions = {}): Promise<Rule[]> {
  return call(clients, options, `Can't list the rules on bus ${bus}`, async () => {
    const rules: Rule[] = []
    let NextToken: string | undefined
    do {
      const page = await clients.eventBridge.send(
        new sdk.eventBridge.ListRulesCommand({EventBusName: bus, ...(NextToken ? {NextToken} : {})}),
      )
      rules.push(...(page.Rules ?? []))
      NextToken = page.NextToken
    } while (NextToken)
    return rules
  })
}

/** DescribeApiDestination by name. A missing destination is a NotFoundError. */
export function describeApiDestination(
  clients: AwsClients,
  name: string,
  options: CallOptions = {},
): Promise<DescribeApiDestinationCommandOutput> {
  return call(clients, options, `Can't describe API destination ${name}`, () =>
    clients.eventBridge.send(new sdk.eventBridge.DescribeApiDestinationCommand({Name: name})),
  )
}

/** DescribeConnection by name. A missing connection is a NotFoundError. */
export function describeConnection(
  clients: AwsClients,
  name: string,
  options: CallOptions = {},
): Promise<DescribeConnectionCommandOutput> {
  return call(clients, options, `Can't describe connection ${name}`, () =>
    clients.eventBridge.send(new sdk.eventBridge.DescribeConnectionCommand({Name: name})),
  )
}

/* ------------------------------------------------------------------------------------------------ */
/* Publishing                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

/**
 * EventBridge as the publishing service needs it. Per-entry failures come back as data; whole-call
 * failures are translated to domain errors (ConfigError, AuthError, UnreachableError, RemoteError).
 */
export function createEventsPort(clients: AwsClients, options: CallOptions = {}): EventsPort {
  return {
    putEvents: (entries) =>
      call(clients, options, "Can't publish events (EventBridge PutEvents)", async () => {
        const out = await clients.eventBridge.send(
          new sdk.eventBridge.PutEventsCommand({Entries: entries.map((e) => ({...e}))}),
        )
        return (out.Entries ?? []).map((entry): PutEntryResult =>
          entry.EventId
            ? {eventId: entry.EventId}
            : {errorCode: entry.ErrorCode ?? 'Unknown', errorMessage: entry.ErrorMessage ?? 'No message.'},
        )
      }),
    async describeEventBus(name) {
      return (await describeEventBus(clients, name, {...options, busFlag: '--bus'})).arn
    },
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Event buses                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

/** An event bus as DescribeEventBus reports it, with the region taken from its ARN. */
export interface EventBusInfo {
  readonly name: string
  readonly arn: string
  readonly region: string | undefined
}

/**
 * Describe one event bus, checking its name first (UsageError for a name EventBridge refuses).
 * Throws NotFoundError when it doesn't exist, with how to create it or name another.
 */
export async function describeEventBus(
  clients: AwsClients,
  name: string,
  options: CallOptions & {busFlag?: string} = {},
): Promise<EventBusInfo> {
  // A name EventBridge's own pattern refuses is a typo: exit 2 with the rule, not a ValidationException (exit 1).
  if (!EVENT_BUS_NAME.test(name)) {
    throw new UsageError(
      `${JSON.stringify(name)} (${options.busFlag ?? '--bus'}) isn't a valid event bus name: a name holds ` +
        'only letters, digits and . _ - / (or is an event bus ARN).',
      {
        hints: [
          'Pass the name of an existing bus (`aws events list-event-buses` lists them), or leave it out for "default".',
        ],
      },
    )
  }
  const out = await describeEventBusOutput(clients, name, options, {
    action: `Can't find event bus \`${name}\``,
    notFoundHints: [
      `Create it with \`aws events create-event-bus --name ${name}\`, or deploy the stack with \`momento-eb deploy\`.`,
      `Or pass ${options.busFlag ?? '--bus'} with an existing bus (\`aws events list-event-buses\` lists them).`,
    ],
  })
  const arn = out.Arn ?? ''
  return {name: out.Name ?? name, arn, region: regionOfArn(arn)}
}

/** DescribeEventBus's Name: the pattern from the EventBridge API reference, 1–1600 characters. */
const EVENT_BUS_NAME =
  /^(?=.{1,1600}$)(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/

/** The region field of an ARN (`arn:partition:service:region:account:resource`). */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3]
  return region ? region : undefined
}

/** The bus's log setting (DescribeEventBus LogConfig); undefined when it has none. */
export async function getBusLogConfig(
  clients: AwsClients,
  bus: string,
  options: CallOptions = {},
): Promise<BusLogConfig | undefined> {
  return busLogConfigOf(
    (await describeEventBusOutput(clients, bus, options, `Can't read event bus \`${bus}\``)).LogConfig,
  )
}

/**
 * Set the bus's log setting (UpdateEventBus). Whether UpdateEventBus keeps the settings a request
 * omits is not documented, and for the key it says the opposite ("If you do not specify a customer
 * managed key identifier, EventBridge uses an AWS owned key", UpdateEventBus API reference): built
 * for the worst case (omitted means cleared), this reads the bus first and sends its Description,
 * KmsKeyIdentifier and DeadLetterConfig back unchanged. The default bus takes a LogConfig only this
 * way: a stack cannot declare a bus it does not own.
 */
export async function setBusLogConfig(
  clients: AwsClients,
  bus: string,
  config: BusLogConfig,
  options: CallOptions = {},
): Promise<void> {
  const current = await describeEventBusOutput(clients, bus, options, `Can't read event bus \`${bus}\``)
  await call(clients, options, `Can't set the log level of event bus \`${bus}\``, async () => {
    await clients.eventBridge.send(
      new sdk.eventBridge.UpdateEventBusCommand({
        Name: bus,
        ...(current.Description === undefined ? {} : {Description: current.Description}),
        ...(current.KmsKeyIdentifier === undefined ? {} : {KmsKeyIdentifier: current.KmsKeyIdentifier}),
        ...(current.DeadLetterConfig === undefined ? {} : {DeadLetterConfig: current.DeadLetterConfig}),
        LogConfig: {Level: config.level, IncludeDetail: config.detail},
      }),
    )
  })
}

/* ------------------------------------------------------------------------------------------------ */
/* API destinations and rules                                                                       */
/* ------------------------------------------------------------------------------------------------ */

/** The API destination's name in its ARN (`…:api-destination/<name>/<uuid>`). */
function apiDestinationNameOf(arn: string): string | undefined {
  return /:api-destination\/([^/]+)/.exec(arn)?.[1]
}

/**
 * The invocation endpoint of the API destination `arn` names (`…:api-destination/<name>/<uuid>`),
 * as DescribeApiDestination reports it: where EventBridge sent the event. Undefined when the ARN
 * names no API destination; throws a translated error when the call fails.
 */
export async function apiDestinationEndpoint(
  clients: AwsClients,
  arn: string,
  options: CallOptions = {},
): Promise<string | undefined> {
  const name = apiDestinationNameOf(arn)
  if (!name) return undefined
  return (await describeApiDestination(clients, name, options)).InvocationEndpoint
}

/**
 * The pace a redrive should keep by default: the InvocationRateLimitPerSecond of the API destination
 * the failing rule targets (RULE_ARN → ListTargetsByRule → DescribeApiDestination), as a lookup from
 * rule ARN to the lowest rate limit of its API destination targets. Works with a bare --queue-url,
 * without the stack. Nothing prints; failures mean "unknown" (undefined).
 */
export function createRateDiscovery(clients: AwsClients): (ruleArn: string) => Promise<number | undefined> {
  const cache = new Map<string, Promise<number | undefined>>()
  return (ruleArn) => {
    let found = cache.get(ruleArn)
    if (!found) {
      found = discoverRate(clients, ruleArn).catch(() => undefined)
      cache.set(ruleArn, found)
    }
    return found
  }
}

async function discoverRate(clients: AwsClients, ruleArn: string): Promise<number | undefined> {
  const parsed = parseRuleArn(ruleArn)
  if (!parsed) return undefined
  const bus = parsed.bus === 'default' ? undefined : parsed.bus
  let lowest: number | undefined
  for (const target of await listTargetsByRule(clients, parsed.name, bus, {})) {
    // arn:aws:events:<region>:<account>:api-destination/<name>/<uuid>
    const name = apiDestinationNameOf(target.Arn ?? '')
    if (!name) continue
    const rate = (await describeApiDestination(clients, name)).InvocationRateLimitPerSecond
    if (typeof rate === 'number' && rate > 0) lowest = Math.min(lowest ?? rate, rate)
  }
  return lowest
}

/**
 * DescribeRule, then ListTargetsByRule (every page) for a rule ARN. `{found: false}` when the rule (or its
 * bus) doesn't exist, or the ARN names no rule; other failures throw, translated (a redrive must not guess).
 */
export async function describeRuleStatus(
  clients: AwsClients,
  ruleArn: string,
  options: CallOptions = {},
): Promise<RuleStatus> {
  const rule = parseRuleArn(ruleArn)
  if (!rule) return {found: false}
  const bus = rule.bus === 'default' ? undefined : rule.bus
  const failure: CallFailure<undefined> = {
    action: `Can't check rule ${rule.name} on bus ${rule.bus} before redriving`,
    recover: (error) =>
      (error as {name?: unknown}).name === 'ResourceNotFoundException' ? {value: undefined} : undefined,
  }
  // Both at once: every redriven batch waits for a check before its delete, so its latency counts.
  const [out, targets] = await Promise.all([
    describeRule(clients, rule.name, bus, options, failure),
    listTargetsByRule(clients, rule.name, bus, options, failure),
  ])
  if (!out || !targets) return {found: false}
  const targetArns = targets.flatMap((t) => (t.Arn ? [t.Arn] : []))
  return {found: true, state: out.State ?? 'ENABLED', targetArns}
}

/** What the rules of one bus make of an event: how many rules there are, and the ones it would match. */
export interface BusRuleMatch {
  readonly bus: string
  /** Every rule on the bus (any state). */
  readonly rules: number
  /** Enabled rules whose pattern matches the event (or that we can't evaluate: worst case, they may). */
  readonly matching: readonly string[]
  /** Rules whose pattern matches but that are disabled. */
  readonly disabled: readonly string[]
}

/**
 * ListRules on `bus` (every page), each rule's EventPattern tested against `event` locally. A pattern
 * our matcher can't evaluate counts as matching: better to miss a diagnosis than to claim that no
 * rule matches when one may (AWS's full pattern grammar is wider than any local copy of it).
 * Scheduled rules (no EventPattern) never match an event. Failures throw, translated.
 */
export async function rulesMatchingEvent(
  clients: AwsClients,
  bus: string,
  event: Record<string, unknown>,
  options: CallOptions = {},
): Promise<BusRuleMatch> {
  return (await rulesMatchingEvents(clients, bus, [event], options))[0] as BusRuleMatch
}

/** {@link rulesMatchingEvent} for several events, with one listing of the rules. */
export async function rulesMatchingEvents(
  clients: AwsClients,
  bus: string,
  events: readonly Record<string, unknown>[],
  options: CallOptions = {},
): Promise<BusRuleMatch[]> {
  const listed = (await listRules(clients, bus, options)).map((rule) => ({
    name: rule.Name ?? '?',
    pattern: rule.EventPattern,
    disabled: rule.State === 'DISABLED',
  }))
  return events.map((event) => {
    const matches = listed.filter((rule) => rule.pattern !== undefined && mayMatch(rule.pattern, event))
    return {
      bus,
      rules: listed.length,
      matching: matches.filter((r) => !r.disabled).map((r) => r.name),
      disabled: matches.filter((r) => r.disabled).map((r) => r.name),
    }
  })
}

/** Fields of the event known before publishing; a pattern on any other (account, time, id…) may match. */
const KNOWN_FIELDS = new Set(['source', 'detail-type', 'detail', 'version'])

/** Whether a rule's pattern may match the event: true unless it surely doesn't. */
function mayMatch(pattern: string, event: Record<string, unknown>): boolean {
  try {
    const parsed = JSON.parse(pattern) as unknown
    if (typeof parsed !== 'object' || parsed === null) return true
    if (Object.keys(parsed).some((key) => !KNOWN_FIELDS.has(key) || !(key in event))) return true
    return matchesPattern(pattern, event)
  } catch {
    return true
  }
}

/**
 * The event PutEvents would deliver for one entry, as far as rule patterns can see it before
 * publishing. Without `detail`, patterns on the detail count as matching (it isn't known).
 */
export function sampleEventFor(entry: {
  source: string
  detailType: string
  detail?: unknown
  region?: string | undefined
}): Record<string, unknown> {
  return {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    'detail-type': entry.detailType,
    source: entry.source,
    account: '000000000000',
    time: new Date().toISOString(),
    region: entry.region ?? 'us-east-1',
    resources: [],
    ...(entry.detail === undefined ? {} : {detail: entry.detail}),
  }
}
