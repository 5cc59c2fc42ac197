import type {Operation} from '../../protocol/context.js'
import {checkInvocationEndpoint} from './api-destination-view.js'
import {connectionByArn, epochSeconds, eventsStore, requireApiDestination} from './shared.js'

/** UpdateApiDestination: members given replace the stored ones; a new connection re-activates it. */
export const updateApiDestination: Operation = (input, ctx) => {
  const store = eventsStore(ctx)
  const destination = requireApiDestination(store, input['Name'] as string, 'update')
  if (typeof input['ConnectionArn'] === 'string') {
    destination.ConnectionArn = connectionByArn(store, input['ConnectionArn']).ConnectionArn
    destination.ApiDestinationState = 'ACTIVE'
  }
  if (typeof input['InvocationEndpoint'] === 'string') {
    checkInvocationEndpoint(input['InvocationEndpoint'])
    destination.InvocationEndpoint = input['InvocationEndpoint']
  }
  if (typeof input['HttpMethod'] === 'string') destination.HttpMethod = input['HttpMethod']
  if (typeof input['InvocationRateLimitPerSecond'] === 'number') {
    destination.InvocationRateLimitPerSecond = input['InvocationRateLimitPerSecond']
  }
  if (typeof input['Description'] === 'string') destination.Description = input['Description']
  destination.LastModifiedTime = epochSeconds(ctx)
  return {
    ApiDestinationArn: destination.ApiDestinationArn,
    ApiDestinationState: destination.ApiDestinationState,
    CreationTime: destination.CreationTime,
    LastModifiedTime: destination.LastModifiedTime,
  }
}
