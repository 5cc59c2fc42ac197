import type {Operation} from '../../protocol/context.js'
import {apiDestinationView} from './api-destination-view.js'
import {byName, defined, eventsStore, paginate} from './shared.js'

/** ListApiDestinations: by name, filtered by `NamePrefix` and `ConnectionArn`. */
export const listApiDestinations: Operation = (input, ctx) => {
  const prefix = (input['NamePrefix'] as string | undefined) ?? ''
  const connectionArn = input['ConnectionArn'] as string | undefined
  const destinations = byName(eventsStore(ctx).apiDestinations.values()).filter(
    (d) => d.Name.startsWith(prefix) && (connectionArn === undefined || d.ConnectionArn === connectionArn),
  )
  const {page, NextToken} = paginate(destinations, input)
  return defined({ApiDestinations: page.map(apiDestinationView), NextToken})
}
