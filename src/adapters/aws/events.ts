import type {EventsPort, PutEntryResult} from '../../core/put-entries.js'
import {parseRuleArn} from '../../core/dlq-decode.js'
import type {RuleStatus} from '../../core/redrive-plan.js'
import type {AwsClients} from './clients.js'
import {callContext, translateAwsError} from './errors.js'
import {describeEventBus, type CallOptions} from './identity.js'
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
