import type {Operation} from '../../protocol/context.js'
import {busNameOf, eventsStore, requireRule} from './shared.js'

/** RemoveTargets: ids the rule does not have come back in `FailedEntries`. */
export const removeTargets: Operation = (input, ctx) => {
  const ruleName = input['Rule'] as string
  const rule = requireRule(eventsStore(ctx), busNameOf(input['EventBusName']), ruleName)
  const failed: {TargetId: string; ErrorCode: string; ErrorMessage: string}[] = []
  for (const id of input['Ids'] as string[]) {
    if (!rule.targets.delete(id)) {
      failed.push({
        TargetId: id,
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Target ${id} does not exist on rule ${ruleName}.`,
      })
    }
  }
  return {FailedEntryCount: failed.length, FailedEntries: failed}
}
