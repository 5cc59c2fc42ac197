import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import type {ApiDestination} from '../model.js'
import {checkInvocationEndpoint} from './api-destination-view.js'
import {connectionByArn, defined, epochSeconds, eventsStore} from './shared.js'

/** Default invocation rate (docs/reference/aws-facts.md#eb-api-destination: 300 per provider docs). */
const DEFAULT_RATE_LIMIT = 300

/** CreateApiDestination: the connection must exist; the destination starts `ACTIVE`. */
export const createApiDestination: Operation = (input, ctx) => {
  const name = input['Name'] as string
  const store = eventsStore(ctx)
  if (store.apiDestinations.has(name)) {
    throw new ServiceError('ResourceAlreadyExistsException', `An api-destination '${name}' already exists.`)
  }
  const connection = connectionByArn(store, input['ConnectionArn'] as string)
  const endpoint = input['InvocationEndpoint'] as string
  checkInvocationEndpoint(endpoint)
  const now = epochSeconds(ctx)
  const destination: ApiDestination = defined({
    Name: name,
    ApiDestinationArn: `arn:aws:events:${ctx.region}:${ctx.accountId}:api-destination/${name}/${ctx.state.newId()}`,
    Description: input['Description'] as string | undefined,
    ApiDestinationState: 'ACTIVE' as const,
    ConnectionArn: connection.ConnectionArn,
    InvocationEndpoint: endpoint,
    HttpMethod: input['HttpMethod'] as string,
    InvocationRateLimitPerSecond: (input['InvocationRateLimitPerSecond'] as number | undefined) ?? DEFAULT_RATE_LIMIT,
    CreationTime: now,
    LastModifiedTime: now,
  })
  store.apiDestinations.set(name, destination)
  return {
    ApiDestinationArn: destination.ApiDestinationArn,
    ApiDestinationState: destination.ApiDestinationState,
    CreationTime: now,
    LastModifiedTime: now,
  }
}
