import type {Operation} from '../../protocol/context.js'
import {notFound} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const getDeliverySource: Operation = (input, ctx) => {
  const source = logsStore(ctx).sources.get(input['name'] as string)
  if (!source) throw notFound(`Delivery source ${String(input['name'])}`)
  return {deliverySource: structuredClone(source)}
}
