import {randomBytes} from 'node:crypto'

import type {Operation} from '../../protocol/context.js'
import type {Delivery} from '../model.js'
import {arnBase, conflict, notFound, tagsOf} from './delivery-shared.js'
import {logsStore} from './shared.js'

export const createDelivery: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const sourceName = input['deliverySourceName'] as string
  const destinationArn = input['deliveryDestinationArn'] as string
  if (!store.sources.has(sourceName)) throw notFound(`Delivery source ${sourceName}`)
  const destination = [...store.destinations.values()].find((d) => d.arn === destinationArn)
  if (!destination) throw notFound(`Delivery destination ${destinationArn}`)
  for (const d of store.deliveries.values()) {
    if (d.deliverySourceName === sourceName && d.deliveryDestinationArn === destinationArn) {
      throw conflict(`A delivery from ${sourceName} to ${destinationArn} already exists (${d.id}).`)
    }
  }
  const id = randomBytes(8).toString('hex')
  const delivery: Delivery = {
    id,
    arn: `${arnBase(ctx)}:delivery:${id}`,
    deliverySourceName: sourceName,
    deliveryDestinationArn: destinationArn,
    deliveryDestinationType: destination.deliveryDestinationType,
    ...tagsOf(input),
  }
  store.deliveries.set(id, delivery)
  return {delivery: structuredClone(delivery)}
}
