import {UsageError} from '../../core/errors.js'

import type {AwsClients} from './clients.js'
import {callContext, translateAwsError, type CallOptions} from './errors.js'
import {sdk} from './sdk.js'

/** The identity the credentials resolve to (STS GetCallerIdentity). */
export interface CallerIdentity {
  readonly account: string
  readonly arn: string
  readonly userId: string
}

/** An event bus as DescribeEventBus reports it, with the region taken from its ARN. */
export interface EventBusInfo {
  readonly name: string
  readonly arn: string
  readonly region: string | undefined
}

export type {CallOptions} from './errors.js'

/**
 * Ask STS who the credentials belong to. Throws ConfigError (no region or credentials),
 * AuthError, UnreachableError or RemoteError.
 */
export async function getCallerIdentity(clients: AwsClients, options: CallOptions = {}): Promise<CallerIdentity> {
  try {
    const out = await clients.sts.send(new sdk.sts.GetCallerIdentityCommand({}))
    return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
  } catch (error) {
    throw translateAwsError(
      error,
      callContext(clients, 'sts', options, "Can't check the AWS identity (STS GetCallerIdentity)"),
    )
  }
}

/**
 * Describe one event bus. Throws NotFoundError when it doesn't exist, and the same errors as
 * `getCallerIdentity` otherwise.
 */
export async function describeEventBus(
  clients: AwsClients,
  name: string,
  options: CallOptions & {busFlag?: string} = {},
): Promise<EventBusInfo> {
  // A name EventBridge's own pattern refuses is a typo: exit 2 with the rule, not a ValidationException (exit 1).
  if (!EVENT_BUS_NAME.test(name)) {
    throw new UsageError(
      `${JSON.stringify(name)} (${options.busFlag ?? '--bus'}) isn't a valid event bus name: a name holds ` +
        'only letters, digits and . _ - / (or is an event bus ARN).',
      {
        hints: [
          'Pass the name of an existing bus (`aws events list-event-buses` lists them), or leave it out for "default".',
        ],
      },
    )
  }
  try {
    const out = await clients.eventBridge.send(new sdk.eventBridge.DescribeEventBusCommand({Name: name}))
    const arn = out.Arn ?? ''
    return {name: out.Name ?? name, arn, region: regionOfArn(arn)}
  } catch (error) {
    throw translateAwsError(error, {
      ...callContext(clients, 'eventbridge', options, `Can't find event bus \`${name}\``),
      notFoundHints: [
        `Create it with \`aws events create-event-bus --name ${name}\`, or deploy the stack with \`momento-eb deploy\`.`,
        `Or pass ${options.busFlag ?? '--bus'} with an existing bus (\`aws events list-event-buses\` lists them).`,
      ],
    })
  }
}

/** DescribeEventBus's Name: the pattern from the EventBridge API reference, 1–1600 characters. */
const EVENT_BUS_NAME =
  /^(?=.{1,1600}$)(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/

/** The region field of an ARN (`arn:partition:service:region:account:resource`). */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3]
  return region ? region : undefined
}
