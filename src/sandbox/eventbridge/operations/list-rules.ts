import type {Operation} from '../../protocol/context.js'
import {ruleView} from './describe-rule.js'
import {busNameOf, byName, defined, eventsStore, paginate, requireBus} from './shared.js'

/** ListRules: the rules of one bus, by name, filtered by `NamePrefix`. */
export const listRules: Operation = (input, ctx) => {
  const store = eventsStore(ctx)
  const busName = busNameOf(input['EventBusName'])
  requireBus(store, busName)
  const prefix = (input['NamePrefix'] as string | undefined) ?? ''
  const rules = byName(store.rules.values()).filter((r) => r.EventBusName === busName && r.Name.startsWith(prefix))
  const {page, NextToken} = paginate(rules, input)
  return defined({Rules: page.map((rule) => ruleView(rule, ctx)), NextToken})
}
