/** STS: who the credentials belong to. */
import type {AwsClients} from './clients.js'
import {sendAndTranslate, type CallOptions} from './errors.js'
import {sdk} from './sdk.js'

/** The identity the credentials resolve to (STS GetCallerIdentity). */
export interface CallerIdentity {
  readonly account: string
  readonly arn: string
  readonly userId: string
}

/**
 * Ask STS who the credentials belong to. Throws ConfigError (no region or credentials),
 * AuthError, UnreachableError or RemoteError.
 */
export async function getCallerIdentity(clients: AwsClients, options: CallOptions = {}): Promise<CallerIdentity> {
  return sendAndTranslate(clients, 'sts', options, "Can't check the AWS identity (STS GetCallerIdentity)", async () => {
    const out = await clients.sts.send(new sdk.sts.GetCallerIdentityCommand({}))
    return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
  })
}
