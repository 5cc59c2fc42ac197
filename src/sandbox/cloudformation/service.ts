import type {AwsService, Operation} from '../protocol/context.js'
import {createChangeSet} from './operations/create-change-set.js'
import {createStack} from './operations/create-stack.js'
import {deleteChangeSet} from './operations/delete-change-set.js'
import {deleteStackOperation} from './operations/delete-stack.js'
import {describeChangeSet} from './operations/describe-change-set.js'
import {describeStackEvents} from './operations/describe-stack-events.js'
import {describeStackResource} from './operations/describe-stack-resource.js'
import {describeStackResources} from './operations/describe-stack-resources.js'
import {describeStacks} from './operations/describe-stacks.js'
import {executeChangeSet} from './operations/execute-change-set.js'
import {getTemplate} from './operations/get-template.js'
import {getTemplateSummary} from './operations/get-template-summary.js'
import {listChangeSets} from './operations/list-change-sets.js'
import {listStackResources} from './operations/list-stack-resources.js'
import {listStacks} from './operations/list-stacks.js'
import {updateStack} from './operations/update-stack.js'
import {validateTemplate} from './operations/validate-template.js'
import {CLOUDFORMATION_NAMESPACE, cloudFormationQueryInput, cloudFormationQueryOutput} from './query.js'
import {validateCloudFormation} from './validation.js'

/** Handlers by exact AWS operation name, so a grep for an SDK error's operation finds them. */
const HANDLERS: Readonly<Record<string, Operation>> = {
  CreateChangeSet: createChangeSet,
  DescribeChangeSet: describeChangeSet,
  ExecuteChangeSet: executeChangeSet,
  DeleteChangeSet: deleteChangeSet,
  ListChangeSets: listChangeSets,
  CreateStack: createStack,
  UpdateStack: updateStack,
  DeleteStack: deleteStackOperation,
  DescribeStacks: describeStacks,
  ListStacks: listStacks,
  DescribeStackEvents: describeStackEvents,
  DescribeStackResources: describeStackResources,
  DescribeStackResource: describeStackResource,
  ListStackResources: listStackResources,
  GetTemplate: getTemplate,
  GetTemplateSummary: getTemplateSummary,
  ValidateTemplate: validateTemplate,
}

/** Check the operation's field rules (validation.ts) before its handler. */
function validated(name: string, handler: Operation): Operation {
  return (input, ctx) => {
    validateCloudFormation(name, input)
    return handler(input, ctx)
  }
}

/**
 * CloudFormation (query protocol, `Action=<Op>&Version=2010-05-15`): change sets, stacks, events
 * and resources, applied in the background to the sandbox's own EventBridge, SQS and Secrets
 * Manager stores.
 */
export const cloudformationService: AwsService = {
  signingName: 'cloudformation',
  queryVersion: '2010-05-15',
  xmlNamespace: CLOUDFORMATION_NAMESPACE,
  operations: Object.fromEntries(Object.entries(HANDLERS).map(([name, handler]) => [name, validated(name, handler)])),
  queryInput: cloudFormationQueryInput,
  queryOutput: cloudFormationQueryOutput,
}
