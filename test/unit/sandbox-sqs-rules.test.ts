import {describe, expect, it} from 'vitest'

import type {RequestContext} from '../../src/sandbox/protocol/context.js'
import {ServiceError} from '../../src/sandbox/protocol/errors.js'
import {SQS_RULES, type SqsOperationName} from '../../src/sandbox/sqs/rules.js'
import {checkMembers} from '../../src/sandbox/sqs/validation.js'
import {createSandboxState} from '../../src/sandbox/state.js'

// The SQS walker over its table (src/sandbox/sqs/rules.ts): which error a bad request gets, with
// SQS's codes (JSON `__type` and the query code) and wording. A real sandbox state holds queue `q`.
const state = createSandboxState()
state
  .region('us-east-1')
  .sqs.create({name: 'q', arn: 'arn:aws:sqs:us-east-1:000000000000:q', attributes: {}, tags: {}, now: state.now()})
const ctx: RequestContext = {
  state,
  region: 'us-east-1',
  accountId: '000000000000',
  host: 'localhost',
  requestId: 'r',
  protocol: 'json',
  headers: {},
  signal: new AbortController().signal,
  path: '/',
}
const Q = 'http://localhost/000000000000/q'

/** The error `operation` raises for `input`, as code / query code / message. */
function rejection(operation: SqsOperationName, input: Record<string, unknown>) {
  try {
    checkMembers(SQS_RULES[operation], input, ctx)
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error
    return {code: error.code, queryCode: error.options.queryCode, message: error.message}
  }
  throw new Error(`${operation} accepted ${JSON.stringify(input)}`)
}

const missing = (name: string) => ({
  code: 'MissingRequiredParameterException',
  queryCode: 'MissingParameter',
  message: `The request must contain the parameter ${name}.`,
})
const invalid = (message: string) => ({
  code: 'InvalidParameterValueException',
  queryCode: 'InvalidParameterValue',
  message,
})

describe('SQS input table', () => {
  it('declares a table for every operation the service routes', async () => {
    const {sqsService} = await import('../../src/sandbox/sqs/service.js')
    expect(Object.keys(SQS_RULES).sort()).toEqual(Object.keys(sqsService.operations).sort())
  })

  it('answers a missing required member with MissingParameter', () => {
    expect(rejection('DeleteMessage', {QueueUrl: Q})).toEqual(missing('ReceiptHandle'))
    expect(rejection('ChangeMessageVisibility', {QueueUrl: Q, ReceiptHandle: 'h'})).toEqual(
      missing('VisibilityTimeout'),
    )
    expect(rejection('GetQueueUrl', {})).toEqual(missing('QueueName'))
    expect(rejection('SendMessageBatch', {QueueUrl: Q})).toEqual(missing('Entries'))
    expect(rejection('ReceiveMessage', {})).toEqual(missing('QueueUrl'))
  })

  it('answers a member of the wrong type with InvalidParameterValue naming it', () => {
    expect(rejection('GetQueueUrl', {QueueName: 7})).toEqual(invalid('Value for parameter QueueName must be a string.'))
    expect(rejection('ReceiveMessage', {QueueUrl: Q, MaxNumberOfMessages: 'ten'})).toEqual(
      invalid('Value ten for parameter MaxNumberOfMessages is invalid.'),
    )
    expect(rejection('ReceiveMessage', {QueueUrl: Q, MessageAttributeNames: [1]})).toEqual(
      invalid('Value for parameter MessageAttributeNames must be a list of strings.'),
    )
    expect(rejection('CreateQueue', {QueueName: 'n', Attributes: {VisibilityTimeout: 30}})).toEqual(
      invalid('Value for Attributes.VisibilityTimeout must be a string.'),
    )
    expect(rejection('DeleteMessageBatch', {QueueUrl: Q, Entries: ['x']})).toEqual(
      invalid('Value for parameter Entries must be a list of structures.'),
    )
  })

  it('answers an integer out of its range with the range (query clients send numeric strings)', () => {
    expect(rejection('ReceiveMessage', {QueueUrl: Q, MaxNumberOfMessages: 11})).toEqual(
      invalid('Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'),
    )
    expect(rejection('ReceiveMessage', {QueueUrl: Q, WaitTimeSeconds: '21'})).toEqual(
      invalid('Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be between 0 and 20, if provided.'),
    )
    expect(rejection('ListQueues', {MaxResults: 0})).toEqual(
      invalid('Value 0 for parameter MaxResults is invalid. Reason: Must be between 1 and 1000, if provided.'),
    )
    expect(rejection('SendMessage', {QueueUrl: Q, MessageBody: 'b', DelaySeconds: 901})).toEqual(
      invalid('Value 901 for parameter DelaySeconds is invalid. Reason: Must be between 0 and 900, if provided.'),
    )
    expect(rejection('ChangeMessageVisibility', {QueueUrl: Q, ReceiptHandle: 'h', VisibilityTimeout: 43_201})).toEqual(
      invalid(
        'Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.',
      ),
    )
  })

  it('answers the batch-level problems with SQS batch errors', () => {
    const entries = (n: number) => Array.from({length: n}, (_, i) => ({Id: `e${i}`, ReceiptHandle: 'h'}))
    expect(rejection('DeleteMessageBatch', {QueueUrl: Q, Entries: []})).toMatchObject({
      code: 'EmptyBatchRequest',
      message: 'There should be at least one DeleteMessageBatchRequestEntry in the request.',
    })
    expect(rejection('DeleteMessageBatch', {QueueUrl: Q, Entries: entries(11)})).toMatchObject({
      code: 'TooManyEntriesInBatchRequest',
      queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      message: 'Maximum number of entries per request are 10. You have sent 11.',
    })
  })

  it('fails a bad batch entry alone, with the error the entry table gives it', () => {
    const checked = checkMembers(
      SQS_RULES.ChangeMessageVisibilityBatch,
      {
        QueueUrl: Q,
        Entries: [
          {Id: 'ok', ReceiptHandle: 'h', VisibilityTimeout: 10},
          {Id: 'late', ReceiptHandle: 'h', VisibilityTimeout: 50_000},
          {Id: 'bare', VisibilityTimeout: 10},
        ],
      },
      ctx,
    )
    const entries = checked.entries('Entries')
    expect(entries.map((entry) => [entry.id, entry.error?.message])).toEqual([
      ['ok', undefined],
      [
        'late',
        'Value 50000 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.',
      ],
      ['bare', 'The request must contain the parameter ReceiptHandle.'],
    ])
    expect(entries[0]?.checked?.requiredInt('VisibilityTimeout')).toBe(10)
  })

  it('with two problems, the member declared first wins (the table order is the check order)', () => {
    // QueueUrl comes first: a missing queue beats a bad MaxNumberOfMessages.
    expect(
      rejection('ReceiveMessage', {QueueUrl: 'http://localhost/000000000000/nope', MaxNumberOfMessages: 0}),
    ).toEqual({
      code: 'QueueDoesNotExist',
      queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
    })
    // MaxNumberOfMessages is declared before WaitTimeSeconds.
    expect(rejection('ReceiveMessage', {QueueUrl: Q, WaitTimeSeconds: 99, MaxNumberOfMessages: 99})).toEqual(
      invalid('Value 99 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'),
    )
    // MessageBody's character check runs at its place, before DelaySeconds.
    expect(rejection('SendMessage', {QueueUrl: Q, DelaySeconds: -1, MessageBody: 'a\u0000b'})).toMatchObject({
      code: 'InvalidMessageContents',
    })
    // CreateQueue's FIFO/name checks run after Attributes and before tags.
    expect(rejection('CreateQueue', {QueueName: 'bad name', tags: {k: 1}})).toEqual(
      invalid('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length'),
    )
    // A batch's entry ids are checked entry by entry: a repeat before an invalid id wins.
    expect(
      rejection('DeleteMessageBatch', {
        QueueUrl: Q,
        Entries: [
          {Id: 'a', ReceiptHandle: 'h'},
          {Id: 'a', ReceiptHandle: 'h'},
          {Id: 'not valid', ReceiptHandle: 'h'},
        ],
      }),
    ).toMatchObject({code: 'BatchEntryIdsNotDistinct', message: 'Id a repeated.'})
  })
})
