import type {AwsService} from '../protocol/context.js'

/** Placeholder: the eventbridge service fills in its operations. */
export const eventbridgeService: AwsService = {
  signingName: 'events',
  targetPrefix: 'AWSEvents',
  jsonVersion: '1.1',
  operations: {},
}
