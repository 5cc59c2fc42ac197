import type {Operation} from '../../protocol/context.js'
import {logsStore, requireGroup} from './shared.js'

export const deleteLogGroup: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['logGroupName'] as string
  requireGroup(store, name)
  store.groups.delete(name)
  return {}
}
