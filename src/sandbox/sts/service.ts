import type {AwsService} from '../protocol/context.js'
import {queryResponse, xmlText} from '../protocol/xml.js'

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'

/** STS: GetCallerIdentity only, the call tools make to check credentials. */
export const stsService: AwsService = {
  signingName: 'sts',
  queryVersion: '2011-06-15',
  xmlNamespace: NAMESPACE,
  operations: {
    GetCallerIdentity: (_input, ctx) => ({
      UserId: ctx.accountId,
      Account: ctx.accountId,
      Arn: `arn:aws:iam::${ctx.accountId}:root`,
    }),
  },
  queryInput: () => ({}),
  queryOutput: (operation, output, requestId) => {
    const o = output as Record<string, string>
    const result = `${xmlText('Arn', o['Arn'])}${xmlText('UserId', o['UserId'])}${xmlText('Account', o['Account'])}`
    return queryResponse(operation, NAMESPACE, result, requestId)
  },
}
