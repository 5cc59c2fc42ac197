/** The ports of the stack commands (deploy, status, destroy, whoami), built from the run's AWS clients. */
import {describeAlarms} from '../adapters/aws/cloudwatch.js'
import {describeEventBus, rulesMatchingEvents, sampleEventFor, type BusRuleMatch} from '../adapters/aws/eventbridge.js'
import {createStackPorts} from '../adapters/aws/stack-resources.js'
import {getCallerIdentity} from '../adapters/aws/sts.js'
import type {StackStatusPorts} from '../services/stack-status.js'
import type {WiringContext} from './context.js'

/** CloudFormation, the integration's resources, the bus and its logs: what deploy and destroy drive. */
export function stackPorts(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>) {
  return createStackPorts(ctx.aws, {sandboxUrl: ctx.sandboxUrl})
}

/** What `status` reads: the stack, its integration, its alarms, the bus and its logs. */
export function stackStatusPorts(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>): StackStatusPorts {
  const ports = stackPorts(ctx)
  return {
    describeStack: ports.cfn.describeStack,
    findIntegration: ports.findIntegration,
    describeAlarms: (names) => describeAlarms(ctx.aws, names, {sandboxUrl: ctx.sandboxUrl}),
    busLogs: ports.busLogs,
    describeEventBus: ports.describeEventBus,
  }
}

/** For each kind of event `put` publishes with `source`, the rules on `bus` that match it (ListRules). */
export function busRulesMatchingKinds(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>,
  bus: string,
  source: string,
  kinds: readonly string[],
): Promise<BusRuleMatch[]> {
  return rulesMatchingEvents(
    ctx.aws,
    bus,
    kinds.map((detailType) => sampleEventFor({source, detailType})),
    {sandboxUrl: ctx.sandboxUrl},
  )
}

/** The caller's identity (STS GetCallerIdentity). */
export function callerIdentity(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>) {
  return getCallerIdentity(ctx.aws, {sandboxUrl: ctx.sandboxUrl})
}

/** The bus (DescribeEventBus); `busFlag` names where its name came from, for messages. */
export function eventBus(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>, name: string, busFlag: string) {
  return describeEventBus(ctx.aws, name, {sandboxUrl: ctx.sandboxUrl, busFlag})
}
