import type {AwsService} from '../protocol/context.js'
import {CLOUDFORMATION_OPERATIONS} from './operations.js'
import {CLOUDFORMATION_NAMESPACE, cloudFormationQueryInput, cloudFormationQueryOutput} from './query.js'

/**
 * CloudFormation (query protocol, `Action=<Op>&Version=2010-05-15`): change sets, stacks, events
 * and resources, applied in the background to the sandbox's own EventBridge, SQS and Secrets
 * Manager stores.
 */
export const cloudformationService: AwsService = {
  signingName: 'cloudformation',
  queryVersion: '2010-05-15',
  xmlNamespace: CLOUDFORMATION_NAMESPACE,
  operations: CLOUDFORMATION_OPERATIONS,
  queryInput: cloudFormationQueryInput,
  queryOutput: cloudFormationQueryOutput,
}
