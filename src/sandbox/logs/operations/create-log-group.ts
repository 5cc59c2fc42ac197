import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {logsStore} from './shared.js'

export const createLogGroup: Operation = (input, ctx) => {
  const store = logsStore(ctx)
  const name = input['logGroupName'] as string
  if (store.groups.has(name))
    throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists')
  store.groups.set(name, {name, creationTime: ctx.state.now(), streams: new Map(), eventCount: 0, storedBytes: 0})
  return {}
}
