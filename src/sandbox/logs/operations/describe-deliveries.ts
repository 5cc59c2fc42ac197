import type {Operation} from '../../protocol/context.js'
import {byKey, logsStore, pageByName} from './shared.js'

export const describeDeliveries: Operation = (input, ctx) => {
  const wanted = input['deliverySourceNames'] as string[] | undefined
  const all = byKey(logsStore(ctx).deliveries.values(), (d) => d.id).filter(
    (d) => !wanted || wanted.includes(d.deliverySourceName),
  )
  const {page, nextToken} = pageByName(all, (d) => d.id, input, 50)
  return {deliveries: structuredClone(page), ...(nextToken ? {nextToken} : {})}
}
