import type {Operation} from '../../protocol/context.js'
import {conflict, notFound} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const deleteDeliverySource: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  if (!store.sources.has(name)) throw notFound(`Delivery source ${name}`)
  for (const d of store.deliveries.values()) {
    if (d.deliverySourceName === name)
      throw conflict(`Delivery source ${name} is used by delivery ${d.id}; delete the delivery first.`)
  }
  store.sources.delete(name)
  return {}
}
