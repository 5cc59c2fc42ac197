import type {Operation} from '../../protocol/context.js'
import {conflict, notFound} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const deleteDeliveryDestination: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['name'] as string
  const destination = store.destinations.get(name)
  if (!destination) throw notFound(`Delivery destination ${name}`)
  for (const d of store.deliveries.values()) {
    if (d.deliveryDestinationArn === destination.arn) {
      throw conflict(`Delivery destination ${name} is used by delivery ${d.id}; delete the delivery first.`)
    }
  }
  store.destinations.delete(name)
  return {}
}
