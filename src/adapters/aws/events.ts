import type {EventsPort, PutEntryResult} from '../../core/put-entries.js'
import {parseRuleArn} from '../../core/dlq-decode.js'
import type {RuleStatus} from '../../core/redrive-plan.js'
import type {AwsClients} from './clients.js'
import {callContext, translateAwsError} from './errors.js'
import {describeEventBus, type CallOptions} from './identity.js'
import {matchesPattern} from '../../core/event-pattern.js'
import {sdk} from './sdk.js'

/**
 * EventBridge as the publishing service needs it. Per-entry failures come back as data; whole-call
 * failures are translated to domain errors (ConfigError, AuthError, UnreachableError, RemoteError).
 */
export function createEventsPort(clients: AwsClients, options: CallOptions = {}): EventsPort {
  return {
    async putEvents(entries) {
      try {
        const out = await clients.eventBridge.send(
          new sdk.eventBridge.PutEventsCommand({Entries: entries.map((e) => ({...e}))}),
        )
        return (out.Entries ?? []).map((entry): PutEntryResult =>
          entry.EventId
            ? {eventId: entry.EventId}
            : {errorCode: entry.ErrorCode ?? 'Unknown', errorMessage: entry.ErrorMessage ?? 'No message.'},
        )
      } catch (error) {
        throw translateAwsError(
          error,
          callContext(clients, 'eventbridge', options, "Can't publish events (EventBridge PutEvents)"),
        )
      }
    },
    async describeEventBus(name) {
      return (await describeEventBus(clients, name, {...options, busFlag: '--bus'})).arn
    },
  }
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
  const name = /:api-destination\/([^/]+)/.exec(arn)?.[1]
  if (!name) return undefined
  try {
    const out = await clients.eventBridge.send(new sdk.eventBridge.DescribeApiDestinationCommand({Name: name}))
    return out.InvocationEndpoint
  } catch (error) {
    throw translateAwsError(
      error,
      callContext(clients, 'eventbridge', options, `Can't describe API destination ${name}`),
    )
  }
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
  const bus = rule.bus === 'default' ? {} : {EventBusName: rule.bus}
  try {
    const listTargets = (NextToken?: string) =>
      clients.eventBridge.send(
        new sdk.eventBridge.ListTargetsByRuleCommand({Rule: rule.name, ...bus, ...(NextToken ? {NextToken} : {})}),
      )
    // Both at once: every redriven batch waits for a check before its delete, so its latency counts.
    const [out, first] = await Promise.all([
      clients.eventBridge.send(new sdk.eventBridge.DescribeRuleCommand({Name: rule.name, ...bus})),
      listTargets(),
    ])
    const targetArns: string[] = []
    for (let page = first; ; page = await listTargets(page.NextToken)) {
      for (const t of page.Targets ?? []) if (t.Arn) targetArns.push(t.Arn)
      if (!page.NextToken) break
    }
    return {found: true, state: out.State ?? 'ENABLED', targetArns}
  } catch (error) {
    const name = (error as {name?: unknown}).name
    if (name === 'ResourceNotFoundException') return {found: false}
    throw translateAwsError(
      error,
      callContext(clients, 'eventbridge', options, `Can't check rule ${rule.name} on bus ${rule.bus} before redriving`),
    )
  }
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
  const listed: {name: string; pattern: string | undefined; disabled: boolean}[] = []
  try {
    let NextToken: string | undefined
    do {
      const page = await clients.eventBridge.send(
        new sdk.eventBridge.ListRulesCommand({EventBusName: bus, ...(NextToken ? {NextToken} : {})}),
      )
      for (const rule of page.Rules ?? []) {
        listed.push({name: rule.Name ?? '?', pattern: rule.EventPattern, disabled: rule.State === 'DISABLED'})
      }
      NextToken = page.NextToken
    } while (NextToken)
  } catch (error) {
    throw translateAwsError(error, callContext(clients, 'eventbridge', options, `Can't list the rules on bus ${bus}`))
  }
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
