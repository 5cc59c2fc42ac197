import type {Operation} from '../../protocol/context.js'
import {notFound} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const getDelivery: Operation = (input, ctx) => {
  const delivery = logsStore(ctx).deliveries.get(input['id'] as string)
  if (!delivery) throw notFound(`Delivery ${String(input['id'])}`)
  return {delivery: structuredClone(delivery)}
}
