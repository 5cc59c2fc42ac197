import type {Operation} from '../../protocol/context.js'
import {validationError} from '../../protocol/errors.js'
import {busNameOf, eventsStore, requireBus, ruleKey} from './shared.js'

/** DeleteRule: idempotent for unknown rules; refused while the rule has targets unless `Force`. */
export const deleteRule: Operation = (input, ctx) => {
  const store = eventsStore(ctx)
  const busName = busNameOf(input['EventBusName'])
  requireBus(store, busName)
  const key = ruleKey(busName, input['Name'] as string)
  const rule = store.rules.get(key)
  if (!rule) return {}
  if (rule.targets.size > 0 && input['Force'] !== true)
    throw validationError("Rule can't be deleted since it has targets.")
  store.rules.delete(key)
  return {}
}
