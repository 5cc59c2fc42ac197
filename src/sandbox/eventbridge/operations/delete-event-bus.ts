import type {Operation} from '../../protocol/context.js'
import {validationError} from '../../protocol/errors.js'
import {eventsStore} from './shared.js'

/** DeleteEventBus: idempotent for unknown buses; the bus's rules go with it; `default` stays. */
export const deleteEventBus: Operation = (input, ctx) => {
  const name = input['Name'] as string
  if (name === 'default') throw validationError('Cannot delete event bus default.')
  const store = eventsStore(ctx)
  if (store.buses.delete(name)) {
    for (const [key, rule] of store.rules) if (rule.EventBusName === name) store.rules.delete(key)
  }
  return {}
}
