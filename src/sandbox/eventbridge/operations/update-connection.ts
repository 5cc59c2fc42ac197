import type {Operation} from '../../protocol/context.js'
import {addVersion, findSecret} from '../../secretsmanager/secrets.js'
import type {Connection} from '../model.js'
import {authorizedState, checkAuthMatchesType, secretStringOf} from './connection-auth.js'
import {defined, epochSeconds, eventsStore, requireConnection} from './shared.js'

type Auth = Connection['AuthParameters']

/** Update members merge into the stored ones (UpdateConnection's auth members are all optional). */
function merge(type: Connection['AuthorizationType'], stored: Auth, update: Auth, typeChanged: boolean): Auth {
  const merged: Auth = typeChanged ? {} : structuredClone(stored)
  if (typeChanged && stored.InvocationHttpParameters) merged.InvocationHttpParameters = stored.InvocationHttpParameters
  if (update.ApiKeyAuthParameters) {
    merged.ApiKeyAuthParameters = {...merged.ApiKeyAuthParameters, ...update.ApiKeyAuthParameters}
  }
  if (update.BasicAuthParameters)
    merged.BasicAuthParameters = {...merged.BasicAuthParameters, ...update.BasicAuthParameters}
  if (update.OAuthParameters) merged.OAuthParameters = {...merged.OAuthParameters, ...update.OAuthParameters}
  if (update.InvocationHttpParameters) merged.InvocationHttpParameters = update.InvocationHttpParameters
  checkAuthMatchesType(type, merged)
  return merged
}

/** UpdateConnection: new credentials become a new `AWSCURRENT` version of the connection's secret. */
export const updateConnection: Operation = (input, ctx) => {
  const connection = requireConnection(eventsStore(ctx), input['Name'] as string, 'update')
  const type =
    (input['AuthorizationType'] as Connection['AuthorizationType'] | undefined) ?? connection.AuthorizationType
  const typeChanged = type !== connection.AuthorizationType
  const update = input['AuthParameters'] as Auth | undefined
  const now = epochSeconds(ctx)
  if (update || typeChanged) {
    const auth = merge(type, connection.AuthParameters, structuredClone(update ?? {}), typeChanged)
    const secrets = ctx.state.region(ctx.region).secrets
    const secret = findSecret(secrets, connection.SecretArn, ctx.state)
    if (secret)
      addVersion(secret, ctx.state.newId(), {SecretString: secretStringOf(type, auth)}, ['AWSCURRENT'], ctx.state)
    connection.AuthParameters = auth
    connection.AuthorizationType = type
    connection.ConnectionState = authorizedState(type)
    if (connection.ConnectionState === 'AUTHORIZED') connection.LastAuthorizedTime = now
  }
  if (typeof input['Description'] === 'string') connection.Description = input['Description']
  connection.LastModifiedTime = now
  return defined({
    ConnectionArn: connection.ConnectionArn,
    ConnectionState: connection.ConnectionState,
    CreationTime: connection.CreationTime,
    LastModifiedTime: connection.LastModifiedTime,
    LastAuthorizedTime: connection.LastAuthorizedTime,
  })
}
