import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {logsStore, requireGroup} from './shared.js'

export const createLogStream: Operation = (input, ctx) => {
  const group = requireGroup(logsStore(ctx), input['logGroupName'] as string)
  const name = input['logStreamName'] as string
  if (group.streams.has(name))
    throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists')
  group.streams.set(name, {name, creationTime: ctx.state.now(), events: [], base: 0, storedBytes: 0})
  return {}
}
