import type {AwsService} from '../protocol/context.js'
import {messageOperations} from './operations/messages.js'
import {queueOperations} from './operations/queues.js'
import {SQS_NAMESPACE, sqsQueryInput, sqsQueryOutput} from './query.js'

/**
 * SQS (standard queues) in both of its wire protocols, chosen per request: AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Op>`, current SDKs) and query/XML (`Action=<Op>&Version=2012-11-05`,
 * older CLIs). JSON errors also carry `x-amzn-query-error` with the legacy code (G.4).
 */
export const sqsService: AwsService = {
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
  queryVersion: '2012-11-05',
  xmlNamespace: SQS_NAMESPACE,
  queryCompatible: true,
  operations: {...queueOperations, ...messageOperations},
  queryInput: sqsQueryInput,
  queryOutput: sqsQueryOutput,
}
