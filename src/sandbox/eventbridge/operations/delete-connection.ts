import type {Operation} from '../../protocol/context.js'
import {findSecret} from '../../secretsmanager/secrets.js'
import {defined, epochSeconds, eventsStore, requireConnection} from './shared.js'

/**
 * DeleteConnection: answers `DELETING` and removes the connection and its secret at once (the
 * sandbox has nothing to wait for). API destinations that used it become `INACTIVE`.
 */
export const deleteConnection: Operation = (input, ctx) => {
  const store = eventsStore(ctx)
  const connection = requireConnection(store, input['Name'] as string, 'delete')
  const secrets = ctx.state.region(ctx.region).secrets
  const secret = findSecret(secrets, connection.SecretArn, ctx.state)
  if (secret) secrets.secrets.delete(secret.Name)
  store.connections.delete(connection.Name)
  const now = epochSeconds(ctx)
  for (const destination of store.apiDestinations.values()) {
    if (destination.ConnectionArn === connection.ConnectionArn) {
      destination.ApiDestinationState = 'INACTIVE'
      destination.LastModifiedTime = now
    }
  }
  return defined({
    ConnectionArn: connection.ConnectionArn,
    ConnectionState: 'DELETING',
    CreationTime: connection.CreationTime,
    LastModifiedTime: now,
    LastAuthorizedTime: connection.LastAuthorizedTime,
  })
}
