import type {AwsClients} from './clients.js'
import {callContext, translateAwsError} from './errors.js'
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

/** Options the error translation needs to name the target in messages. */
export interface CallOptions {
  readonly sandboxUrl?: string | undefined
}

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
  try {
    const out = await clients.eventBridge.send(new sdk.eventBridge.DescribeEventBusCommand({Name: name}))
    const arn = out.Arn ?? ''
    return {name: out.Name ?? name, arn, region: regionOfArn(arn)}
  } catch (error) {
    throw translateAwsError(error, {
      ...callContext(clients, 'eventbridge', options, `Can't find event bus \`${name}\``),
      notFoundHints: [
        `Create it with \`aws events create-event-bus --name ${name}\`, or deploy the stack with \`momento-eb deploy\`.`,
        `Or pass ${options.busFlag ?? '--event-bus'} with an existing bus (\`aws events list-event-buses\` lists them).`,
      ],
    })
  }
}

/** The region field of an ARN (`arn:partition:service:region:account:resource`). */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3]
  return region ? region : undefined
}
