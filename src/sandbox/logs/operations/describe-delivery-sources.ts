import type {Operation} from '../../protocol/context.js'
import {byKey, logsStore, pageByName} from './shared.js'

export const describeDeliverySources: Operation = (input, ctx) => {
  const all = byKey(logsStore(ctx).sources.values(), (s) => s.name)
  const {page, nextToken} = pageByName(all, (s) => s.name, input, 50)
  return {deliverySources: structuredClone(page), ...(nextToken ? {nextToken} : {})}
}
