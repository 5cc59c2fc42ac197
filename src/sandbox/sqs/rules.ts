/**
 * What each SQS operation accepts, as data: its input members in the order they are checked (the
 * table order is the check order, so for a request with two problems the member listed first wins),
 * each with its kind, required-ness and range. validation.ts walks a request against its table
 * before the handler runs; the handlers keep the checks that need the store or several members.
 *
 * Kinds and required-ness follow the botocore SQS model (2012-11-05, botocore 1.43), except where a
 * comment says otherwise. The model has no min/max traits: the integer ranges are the ones its member
 * documentation (and the developer guide, for ReceiveMessage's VisibilityTimeout and WaitTimeSeconds)
 * states. Members the model has and the sandbox ignores (FIFO's MessageGroupId and
 * MessageDeduplicationId, the reserved list values of message attributes) are not listed.
 *
 * A `then` check runs at its member's place because the handler ran it there before this table
 * existed: moving it after the walk would change which error a request with two problems gets.
 */
import {invalidParameterValue, unsupportedOperation} from './errors.js'
import {MESSAGE_MEMBERS} from './operations/message-input.js'
import {validateAttributes} from './operations/queue-attributes.js'
import {QUEUE_NAME, type Checked, type MemberRule, type OperationRules} from './validation.js'
import type {RequestContext} from '../protocol/context.js'

const queueUrl: MemberRule = {kind: 'queue', required: true}
const visibilityTimeout = {kind: 'integer', min: 0, max: 43_200} as const

/**
 * CreateQueue's checks between Attributes and tags: FIFO (by name or attribute), the name's
 * characters, then the attributes' values (a RedrivePolicy's target must exist). Returns the
 * normalized attributes.
 */
function newQueue(checked: Checked, ctx: RequestContext | undefined): Record<string, string> {
  const name = checked.requiredString('QueueName')
  const requested = checked.map('Attributes')
  if (name.endsWith('.fifo') || requested['FifoQueue'] === 'true') {
    throw unsupportedOperation('FIFO queues are not supported by the momento-eb sandbox.')
  }
  if (!QUEUE_NAME.test(name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length')
  }
  if (!ctx) throw new Error('SQS rules: CreateQueue needs a request context')
  return validateAttributes(requested, ctx.state.region(ctx.region).sqs)
}

export const SQS_RULES = {
  CreateQueue: {
    QueueName: {kind: 'string', required: true},
    Attributes: {kind: 'stringMap', then: newQueue},
    tags: {kind: 'stringMap'},
  },
  GetQueueUrl: {
    QueueName: {kind: 'string', required: true},
    QueueOwnerAWSAccountId: {kind: 'string'},
  },
  ListQueues: {
    QueueNamePrefix: {kind: 'string'},
    MaxResults: {kind: 'integer', min: 1, max: 1000},
    NextToken: {kind: 'string'},
  },
  DeleteQueue: {QueueUrl: queueUrl},
  GetQueueAttributes: {
    QueueUrl: queueUrl,
    AttributeNames: {kind: 'stringList'},
  },
  SetQueueAttributes: {
    QueueUrl: queueUrl,
    // Required in the model; an absent map is answered as an empty one (InvalidParameterValue).
    Attributes: {kind: 'stringMap'},
  },
  PurgeQueue: {QueueUrl: queueUrl},
  SendMessage: {QueueUrl: queueUrl, ...MESSAGE_MEMBERS},
  SendMessageBatch: {
    QueueUrl: queueUrl,
    Entries: {
      kind: 'entries',
      required: true,
      entryShape: 'SendMessageBatchRequestEntry',
      entry: MESSAGE_MEMBERS,
    },
  },
  ReceiveMessage: {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: {kind: 'integer', min: 1, max: 10},
    VisibilityTimeout: visibilityTimeout,
    WaitTimeSeconds: {kind: 'integer', min: 0, max: 20},
    AttributeNames: {kind: 'stringList'},
    MessageSystemAttributeNames: {kind: 'stringList'},
    MessageAttributeNames: {kind: 'stringList'},
    ReceiveRequestAttemptId: {kind: 'string'},
  },
  DeleteMessage: {
    QueueUrl: queueUrl,
    ReceiptHandle: {kind: 'string', required: true},
  },
  DeleteMessageBatch: {
    QueueUrl: queueUrl,
    Entries: {
      kind: 'entries',
      required: true,
      entryShape: 'DeleteMessageBatchRequestEntry',
      entry: {ReceiptHandle: {kind: 'string', required: true}},
    },
  },
  ChangeMessageVisibility: {
    QueueUrl: queueUrl,
    ReceiptHandle: {kind: 'string', required: true},
    VisibilityTimeout: {...visibilityTimeout, required: true},
  },
  ChangeMessageVisibilityBatch: {
    QueueUrl: queueUrl,
    Entries: {
      kind: 'entries',
      required: true,
      entryShape: 'ChangeMessageVisibilityBatchRequestEntry',
      entry: {
        ReceiptHandle: {kind: 'string', required: true},
        // Not required in the model (the entry shape requires Id and ReceiptHandle only); the sandbox
        // has always refused an entry without it.
        VisibilityTimeout: {...visibilityTimeout, required: true},
      },
    },
  },
} as const satisfies Readonly<Record<string, OperationRules>>

export type SqsOperationName = keyof typeof SQS_RULES
