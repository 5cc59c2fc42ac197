import type {Operation} from '../../protocol/context.js'
import {eventsStore, requireApiDestination} from './shared.js'

/** DeleteApiDestination. Targets that point at it stay, and fail at delivery, as on AWS. */
export const deleteApiDestination: Operation = (input, ctx) => {
  const store = eventsStore(ctx)
  store.apiDestinations.delete(requireApiDestination(store, input['Name'] as string, 'delete').Name)
  return {}
}
