import type {Operation} from '../../protocol/context.js'
import {byName, defined, eventsStore, paginate} from './shared.js'

/** ListConnections: by name, filtered by `NamePrefix` and `ConnectionState`. */
export const listConnections: Operation = (input, ctx) => {
  const prefix = (input['NamePrefix'] as string | undefined) ?? ''
  const state = input['ConnectionState'] as string | undefined
  const connections = byName(eventsStore(ctx).connections.values()).filter(
    (c) => c.Name.startsWith(prefix) && (state === undefined || c.ConnectionState === state),
  )
  const {page, NextToken} = paginate(connections, input)
  return defined({
    Connections: page.map((c) =>
      defined({
        ConnectionArn: c.ConnectionArn,
        Name: c.Name,
        ConnectionState: c.ConnectionState,
        StateReason: c.StateReason,
        AuthorizationType: c.AuthorizationType,
        CreationTime: c.CreationTime,
        LastModifiedTime: c.LastModifiedTime,
        LastAuthorizedTime: c.LastAuthorizedTime,
      }),
    ),
    NextToken,
  })
}
