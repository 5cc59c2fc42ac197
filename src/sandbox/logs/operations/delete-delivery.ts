import type {Operation} from '../../protocol/context.js'
import {notFound} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const deleteDelivery: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const id = input['id'] as string
  if (!store.deliveries.delete(id)) throw notFound(`Delivery ${id}`)
  return {}
}
