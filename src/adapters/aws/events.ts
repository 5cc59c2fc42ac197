import type {EventsPort, PutEntryResult} from '../../core/put-entries.js'
import type {AwsClients} from './clients.js'
import {callContext, translateAwsError} from './errors.js'
import {describeEventBus, type CallOptions} from './identity.js'
import {sdk} from './sdk.js'

/**
 * EventBridge as the publishing service needs it. Per-entry failures come back as data; whole-call
 * failures are translated to domain errors (ConfigError, AuthError, UnreachableError, RemoteError).
 */
export function createEventsPort(clients: AwsClients, options: CallOptions = {}): EventsPort {
  return {
    async putEvents(entries) {
      try {
        const out = await clients.eventBridge.send(
          new sdk.eventBridge.PutEventsCommand({Entries: entries.map((e) => ({...e}))}),
        )
        return (out.Entries ?? []).map((entry): PutEntryResult =>
          entry.EventId
            ? {eventId: entry.EventId}
            : {errorCode: entry.ErrorCode ?? 'Unknown', errorMessage: entry.ErrorMessage ?? 'No message.'},
        )
      } catch (error) {
        throw translateAwsError(
          error,
          callContext(clients, 'eventbridge', options, "Can't publish events (EventBridge PutEvents)"),
        )
      }
    },
    async describeEventBus(name) {
      return (await describeEventBus(clients, name, {...options, busFlag: '--bus'})).arn
    },
  }
}

/**
 * The invocation endpoint of the API destination `arn` names (`…:api-destination/<name>/<uuid>`),
 * as DescribeApiDestination reports it: where EventBridge sent the event. Undefined when the ARN
 * names no API destination; throws a translated error when the call fails.
 */
export async function apiDestinationEndpoint(
  clients: AwsClients,
  arn: string,
  options: CallOptions = {},
): Promise<string | undefined> {
  const name = /:api-destination\/([^/]+)/.exec(arn)?.[1]
  if (!name) return undefined
  try {
    const out = await clients.eventBridge.send(new sdk.eventBridge.DescribeApiDestinationCommand({Name: name}))
    return out.InvocationEndpoint
  } catch (error) {
    throw translateAwsError(
      error,
      callContext(clients, 'eventbridge', options, `Can't describe API destination ${name}`),
    )
  }
}
