import type {Operation} from '../../protocol/context.js'
import {ServiceError, validationError} from '../../protocol/errors.js'
import {busArn} from '../model.js'
import {defined, epochSeconds, eventsStore} from './shared.js'

/** CreateEventBus: a custom bus. Partner buses (`EventSourceName`) are not emulated. */
export const createEventBus: Operation = (input, ctx) => {
  const name = input['Name'] as string
  const description = input['Description'] as string | undefined
  const store = eventsStore(ctx)
  if (store.buses.has(name))
    throw new ServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`)
  if (typeof input['EventSourceName'] === 'string') {
    throw new ServiceError('ResourceNotFoundException', `Event source ${input['EventSourceName']} does not exist.`)
  }
  // Only partner buses may carry a '/' (their name is the event source name), and `aws.` is reserved.
  if (name.includes('/') || name.startsWith('aws.')) {
    throw validationError(
      `Event bus name ${name} is not valid: '/' and the prefix 'aws.' are reserved for partner event buses.`,
    )
  }
  const now = epochSeconds(ctx)
  const Arn = busArn(ctx.region, ctx.accountId, name)
  store.buses.set(name, defined({Name: name, Arn, Description: description, CreationTime: now, LastModifiedTime: now}))
  return defined({EventBusArn: Arn, Description: description})
}
