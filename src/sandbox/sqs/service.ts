import type {AwsService, Operation} from '../protocol/context.js'
import {changeMessageVisibility} from './operations/change-message-visibility.js'
import {changeMessageVisibilityBatch} from './operations/change-message-visibility-batch.js'
import {createQueue} from './operations/create-queue.js'
import {deleteMessage} from './operations/delete-message.js'
import {deleteMessageBatch} from './operations/delete-message-batch.js'
import {deleteQueue} from './operations/delete-queue.js'
import {getQueueAttributes} from './operations/get-queue-attributes.js'
import {getQueueUrl} from './operations/get-queue-url.js'
import {listQueues} from './operations/list-queues.js'
import {purgeQueue} from './operations/purge-queue.js'
import {receiveMessage} from './operations/receive-message.js'
import {sendMessage} from './operations/send-message.js'
import {sendMessageBatch} from './operations/send-message-batch.js'
import {setQueueAttributes} from './operations/set-queue-attributes.js'
import {SQS_NAMESPACE, sqsQueryInput, sqsQueryOutput} from './query.js'
import {SQS_RULES, type SqsOperationName} from './rules.js'
import {checkMembers, type SqsOperation} from './validation.js'

/** Handlers by exact AWS operation name, so a grep for an SDK error's operation finds them. */
const HANDLERS: Readonly<Record<SqsOperationName, SqsOperation>> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  DeleteQueue: deleteQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  PurgeQueue: purgeQueue,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
}

/** Walk the request against the operation's table (rules.ts), then run the handler on the checked values. */
function validated(name: SqsOperationName): Operation {
  const rules = SQS_RULES[name]
  const handler = HANDLERS[name]
  return (input, ctx) => handler(checkMembers(rules, input, ctx), ctx)
}

/**
 * SQS (standard queues) in both of its wire protocols, chosen per request: AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Op>`, current SDKs) and query/XML (`Action=<Op>&Version=2012-11-05`,
 * older CLIs). JSON errors also carry `x-amzn-query-error` with the legacy code
 * (docs/reference/aws-facts.md#wire-errors). Each operation's input is walked against its table in
 * rules.ts (SQS_RULES) before its handler runs, as EventBridge's is against EVENTBRIDGE_RULES.
 */
export const sqsService: AwsService = {
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
  queryVersion: '2012-11-05',
  xmlNamespace: SQS_NAMESPACE,
  queryCompatible: true,
  operations: Object.fromEntries(Object.keys(HANDLERS).map((name) => [name, validated(name as SqsOperationName)])),
  queryInput: sqsQueryInput,
  queryOutput: sqsQueryOutput,
}
