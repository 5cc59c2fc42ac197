import type {AwsService} from '../protocol/context.js'

/** Placeholder: the sqs service fills in its operations. */
export const sqsService: AwsService = {
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
  operations: {},
}
