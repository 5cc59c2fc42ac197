import type {Operation} from '../../protocol/context.js'
import {authView} from './connection-auth.js'
import {defined, eventsStore, requireConnection} from './shared.js'

/** DescribeConnection: `AuthParameters` without any secret value; the secret itself is named by `SecretArn`. */
export const describeConnection: Operation = (input, ctx) => {
  const c = requireConnection(eventsStore(ctx), input['Name'] as string)
  return defined({
    ConnectionArn: c.ConnectionArn,
    Name: c.Name,
    Description: c.Description,
    ConnectionState: c.ConnectionState,
    StateReason: c.StateReason,
    AuthorizationType: c.AuthorizationType,
    SecretArn: c.SecretArn,
    AuthParameters: authView(c.AuthParameters),
    CreationTime: c.CreationTime,
    LastModifiedTime: c.LastModifiedTime,
    LastAuthorizedTime: c.LastAuthorizedTime,
  })
}
