import type {Operation} from '../../protocol/context.js'
import {busNameOf, eventsStore, requireRule} from './shared.js'

/** EnableRule. */
export const enableRule: Operation = (input, ctx) => {
  requireRule(eventsStore(ctx), busNameOf(input['EventBusName']), input['Name'] as string).State = 'ENABLED'
  return {}
}
