import type {Operation} from '../../protocol/context.js'
import {validationError} from '../../protocol/errors.js'
import {busNameOf, eventsStore, requireBus, ruleKey} from './shared.js'

/**
 * DeleteRule: idempotent for unknown rules; refused while the rule has targets. `Force` only matters
 * for managed rules (created by another AWS service); the API reference (DeleteRule, read 2026-12-06)
 * says it "is ignored for rules that are not managed rules", and the sandbox has none, so `Force`
 * never deletes a rule that still has targets.
 */
export const deleteRule: Operation = (input, ctx) => {
  const store = eventsStore(ctx)
  const busName = busNameOf(input['EventBusName'])
  requireBus(store, busName)
  const key = ruleKey(busName, input['Name'] as string)
  const rule = store.rules.get(key)
  if (!rule) return {}
  if (rule.targets.size > 0) throw validationError("Rule can't be deleted since it has targets.")
  store.rules.delete(key)
  return {}
}
