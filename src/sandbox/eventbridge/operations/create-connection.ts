import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {createSecret} from '../../secretsmanager/secrets.js'
import type {Connection} from '../model.js'
import {authorizedState, checkAuthMatchesType, OWNING_SERVICE_TAG, secretStringOf} from './connection-auth.js'
import {defined, epochSeconds, eventsStore} from './shared.js'

/**
 * CreateConnection: stores the credentials in a Secrets Manager secret of the same region named
 * `events!connection/<name>/<uuid>` and owned by `events`, as AWS does
 * (docs/reference/aws-facts.md#eb-connection).
 */
export const createConnection: Operation = (input, ctx) => {
  const name = input['Name'] as string
  const type = input['AuthorizationType'] as Connection['AuthorizationType']
  const auth = structuredClone(input['AuthParameters']) as Connection['AuthParameters']
  const store = eventsStore(ctx)
  if (store.connections.has(name)) {
    throw new ServiceError('ResourceAlreadyExistsException', `Connection ${name} already exists.`)
  }
  checkAuthMatchesType(type, auth)
  const id = ctx.state.newId()
  const secret = createSecret(ctx.state.region(ctx.region).secrets, ctx.state, ctx.region, {
    name: `events!connection/${name}/${id}`,
    owningService: 'events',
    tags: [{...OWNING_SERVICE_TAG}],
    value: {SecretString: secretStringOf(type, auth)},
  })
  const now = epochSeconds(ctx)
  const state = authorizedState(type)
  const connection: Connection = defined({
    Name: name,
    ConnectionArn: `arn:aws:events:${ctx.region}:${ctx.accountId}:connection/${name}/${id}`,
    Description: input['Description'] as string | undefined,
    AuthorizationType: type,
    ConnectionState: state,
    SecretArn: secret.ARN,
    AuthParameters: auth,
    CreationTime: now,
    LastModifiedTime: now,
    LastAuthorizedTime: state === 'AUTHORIZED' ? now : undefined,
  })
  store.connections.set(name, connection)
  return {
    ConnectionArn: connection.ConnectionArn,
    ConnectionState: connection.ConnectionState,
    CreationTime: now,
    LastModifiedTime: now,
  }
}
