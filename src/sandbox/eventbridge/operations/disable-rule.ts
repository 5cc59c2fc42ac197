import type {Operation} from '../../protocol/context.js'
import {busNameOf, eventsStore, requireRule} from './shared.js'

/** DisableRule: the rule stays, with its targets, but matches nothing until enabled again. */
export const disableRule: Operation = (input, ctx) => {
  requireRule(eventsStore(ctx), busNameOf(input['EventBusName']), input['Name'] as string).State = 'DISABLED'
  return {}
}
