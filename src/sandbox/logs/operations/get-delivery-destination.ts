import type {Operation} from '../../protocol/context.js'
import {notFound} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const getDeliveryDestination: Operation = (input, ctx) => {
  const destination = logsStore(ctx).destinations.get(input['name'] as string)
  if (!destination) throw notFound(`Delivery destination ${String(input['name'])}`)
  return {deliveryDestination: structuredClone(destination)}
}
