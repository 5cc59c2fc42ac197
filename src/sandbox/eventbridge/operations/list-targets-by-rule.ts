import type {Operation} from '../../protocol/context.js'
import {busNameOf, defined, eventsStore, paginate, requireRule} from './shared.js'

/** ListTargetsByRule: in the order the targets were first put. */
export const listTargetsByRule: Operation = (input, ctx) => {
  const rule = requireRule(eventsStore(ctx), busNameOf(input['EventBusName']), input['Rule'] as string)
  const {page, NextToken} = paginate([...rule.targets.values()], input)
  return defined({Targets: page.map((target) => structuredClone(target)), NextToken})
}
