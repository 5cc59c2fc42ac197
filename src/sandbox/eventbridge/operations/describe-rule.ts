import type {Operation, RequestContext} from '../../protocol/context.js'
import type {Rule} from '../model.js'
import {busNameOf, defined, eventsStore, requireRule} from './shared.js'

/** A rule as DescribeRule and ListRules show it (without its targets). */
export function ruleView(rule: Rule, ctx: RequestContext): Record<string, unknown> {
  return defined({
    Name: rule.Name,
    Arn: rule.Arn,
    EventPattern: rule.EventPattern,
    ScheduleExpression: rule.ScheduleExpression,
    State: rule.State,
    Description: rule.Description,
    RoleArn: rule.RoleArn,
    EventBusName: rule.EventBusName,
    CreatedBy: ctx.accountId,
  })
}

/** DescribeRule. */
export const describeRule: Operation = (input, ctx) =>
  ruleView(requireRule(eventsStore(ctx), busNameOf(input['EventBusName']), input['Name'] as string), ctx)
