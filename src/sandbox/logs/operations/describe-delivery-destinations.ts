import type {Operation} from '../../protocol/context.js'
import {byKey, logsStore, pageByName} from './shared.js'

export const describeDeliveryDestinations: Operation = (input, ctx) => {
  const all = byKey(logsStore(ctx).destinations.values(), (s) => s.name)
  const {page, nextToken} = pageByName(all, (s) => s.name, input, 50)
  return {deliveryDestinations: structuredClone(page), ...(nextToken ? {nextToken} : {})}
}
