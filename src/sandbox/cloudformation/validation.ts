/**
 * Declarative field rules per CloudFormation operation: the constraints of the botocore
 * cloudformation 2010-05-15 model (required members, lengths, patterns, enums, list limits) as
 * data, checked by EventBridge's walker before any handler runs (service.ts). CloudFormation words
 * violations the same way and answers them with the query code `ValidationError`.
 *
 * Handlers keep what needs the store or the template: stack and change-set lookup, states,
 * template reading and size, capabilities the template needs, the 128-character stack name.
 *
 * The query protocol sends every scalar as a string, so the walker sees a typed view of the input
 * (`typedView`); handlers still get the input as it came.
 */
import {ServiceError} from '../protocol/errors.js'
import {validateInput, type FieldRule, type OperationRules} from '../eventbridge/validation.js'

// ---- reusable member rules (botocore cloudformation 2010-05-15 shapes) ----

/** StackNameOrId: a name or a stack ARN. The plain `StackName` shape has no constraint at all. */
const stackNameOrId: FieldRule = {
  type: 'String',
  min: 1,
  pattern: '([a-zA-Z][-a-zA-Z0-9]*)|(arn:\\b(aws|aws-us-gov|aws-cn)\\b:[-a-zA-Z0-9:/._+]*)',
}
const stackName: FieldRule = {type: 'String'}
const changeSetNameOrId: FieldRule = {
  type: 'String',
  min: 1,
  max: 1600,
  pattern: '[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/]*',
}
const templateBody: FieldRule = {type: 'String', min: 1}
const templateUrl: FieldRule = {type: 'String', min: 1, max: 5120}
const nextToken: FieldRule = {type: 'String', min: 1, max: 1024}
const roleArn: FieldRule = {type: 'String', min: 20, max: 2048}
const clientRequestToken: FieldRule = {type: 'String', min: 1, max: 128, pattern: '[a-zA-Z0-9][-a-zA-Z0-9]*'}
const stackPolicy: FieldRule = {type: 'String', min: 1, max: 16_384}
const stackPolicyUrl: FieldRule = {type: 'String', min: 1, max: 5120}
const parameters: FieldRule = {
  type: 'List',
  member: {
    type: 'Structure',
    members: {
      ParameterKey: {type: 'String'},
      // The Momento API key travels here: never in an error message.
      ParameterValue: {type: 'String', sensitive: true},
      UsePreviousValue: {type: 'Boolean'},
      ResolvedValue: {type: 'String', sensitive: true},
    },
  },
}
/**
 * Capabilities, in the order AWS lists them in its message (`Value '[CAPABILITY_NAMED_IAM,
 * CAPABILITY_AUTO_EXPAND]' at 'capabilities' failed to satisfy constraint: Member must satisfy
 * constraint: [Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM,
 * CAPABILITY_IAM]]`, as reported in aws-actions/aws-cloudformation-github-deploy#130 and #134).
 */
const capabilities: FieldRule = {
  type: 'List',
  reportOnList: true,
  member: {type: 'String', enum: ['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_IAM']},
}
const resourceTypes: FieldRule = {type: 'List', member: {type: 'String', min: 1, max: 256}}
const notificationArns: FieldRule = {type: 'List', max: 5, member: {type: 'String'}}
const tags: FieldRule = {
  type: 'List',
  max: 50,
  member: {
    type: 'Structure',
    members: {
      Key: {type: 'String', required: true, min: 1, max: 128},
      Value: {type: 'String', required: true, min: 1, max: 256},
    },
  },
}
const rollbackConfiguration: FieldRule = {
  type: 'Structure',
  members: {
    RollbackTriggers: {
      type: 'List',
      max: 5,
      member: {
        type: 'Structure',
        members: {Arn: {type: 'String', required: true}, Type: {type: 'String', required: true}},
      },
    },
    MonitoringTimeInMinutes: {type: 'Integer', min: 0, max: 180},
  },
}
const onFailure: FieldRule = {type: 'String', enum: ['DO_NOTHING', 'ROLLBACK', 'DELETE']}
const stackStatus: FieldRule = {
  type: 'String',
  enum: [
    'CREATE_IN_PROGRESS',
    'CREATE_FAILED',
    'CREATE_COMPLETE',
    'ROLLBACK_IN_PROGRESS',
    'ROLLBACK_FAILED',
    'ROLLBACK_COMPLETE',
    'DELETE_IN_PROGRESS',
    'DELETE_FAILED',
    'DELETE_COMPLETE',
    'UPDATE_IN_PROGRESS',
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_COMPLETE',
    'UPDATE_FAILED',
    'UPDATE_ROLLBACK_IN_PROGRESS',
    'UPDATE_ROLLBACK_FAILED',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE',
    'REVIEW_IN_PROGRESS',
    'IMPORT_IN_PROGRESS',
    'IMPORT_COMPLETE',
    'IMPORT_ROLLBACK_IN_PROGRESS',
    'IMPORT_ROLLBACK_FAILED',
    'IMPORT_ROLLBACK_COMPLETE',
  ],
}
const changeSetOn: OperationRules = {ChangeSetName: {...changeSetNameOrId, required: true}, StackName: stackNameOrId}

/** Input rules of every emulated CloudFormation operation, keyed by AWS operation name, members in model order. */
export const CLOUDFORMATION_RULES: Readonly<Record<string, OperationRules>> = {
  CreateChangeSet: {
    StackName: {...stackNameOrId, required: true},
    TemplateBody: templateBody,
    TemplateURL: templateUrl,
    UsePreviousTemplate: {type: 'Boolean'},
    Parameters: parameters,
    Capabilities: capabilities,
    ResourceTypes: resourceTypes,
    RoleARN: roleArn,
    RollbackConfiguration: rollbackConfiguration,
    NotificationARNs: notificationArns,
    Tags: tags,
    ChangeSetName: {type: 'String', required: true, min: 1, max: 128, pattern: '[a-zA-Z][-a-zA-Z0-9]*'},
    ClientToken: {type: 'String', min: 1, max: 128},
    Description: {type: 'String', min: 1, max: 1024},
    ChangeSetType: {type: 'String', enum: ['CREATE', 'UPDATE', 'IMPORT']},
    // ResourcesToImport[].ResourceIdentifier is a map (entry.N.key/value on the wire), which
    // query.ts does not read; IMPORT change sets are refused by the handler anyway.
    ResourcesToImport: {
      type: 'List',
      max: 200,
      member: {
        type: 'Structure',
        members: {
          ResourceType: {type: 'String', required: true, min: 1, max: 256},
          LogicalResourceId: {type: 'String', required: true},
        },
      },
    },
    IncludeNestedStacks: {type: 'Boolean'},
    OnStackFailure: onFailure,
    ImportExistingResources: {type: 'Boolean'},
    DeploymentMode: {type: 'String', enum: ['REVERT_DRIFT']},
  },
  DescribeChangeSet: {...changeSetOn, NextToken: nextToken, IncludePropertyValues: {type: 'Boolean'}},
  ExecuteChangeSet: {
    ...changeSetOn,
    ClientRequestToken: clientRequestToken,
    DisableRollback: {type: 'Boolean'},
    RetainExceptOnCreate: {type: 'Boolean'},
  },
  DeleteChangeSet: changeSetOn,
  ListChangeSets: {StackName: {...stackNameOrId, required: true}, NextToken: nextToken},
  CreateStack: {
    StackName: {...stackName, required: true},
    TemplateBody: templateBody,
    TemplateURL: templateUrl,
    Parameters: parameters,
    DisableRollback: {type: 'Boolean'},
    RollbackConfiguration: rollbackConfiguration,
    TimeoutInMinutes: {type: 'Integer', min: 1},
    NotificationARNs: notificationArns,
    Capabilities: capabilities,
    ResourceTypes: resourceTypes,
    RoleARN: roleArn,
    OnFailure: onFailure,
    StackPolicyBody: stackPolicy,
    StackPolicyURL: stackPolicyUrl,
    Tags: tags,
    ClientRequestToken: clientRequestToken,
    EnableTerminationProtection: {type: 'Boolean'},
    RetainExceptOnCreate: {type: 'Boolean'},
  },
  UpdateStack: {
    StackName: {...stackName, required: true},
    TemplateBody: templateBody,
    TemplateURL: templateUrl,
    UsePreviousTemplate: {type: 'Boolean'},
    StackPolicyDuringUpdateBody: stackPolicy,
    StackPolicyDuringUpdateURL: stackPolicyUrl,
    Parameters: parameters,
    Capabilities: capabilities,
    ResourceTypes: resourceTypes,
    RoleARN: roleArn,
    RollbackConfiguration: rollbackConfiguration,
    StackPolicyBody: stackPolicy,
    StackPolicyURL: stackPolicyUrl,
    NotificationARNs: notificationArns,
    Tags: tags,
    DisableRollback: {type: 'Boolean'},
    ClientRequestToken: clientRequestToken,
    RetainExceptOnCreate: {type: 'Boolean'},
  },
  DeleteStack: {
    StackName: {...stackName, required: true},
    RetainResources: {type: 'List', member: {type: 'String'}},
    RoleARN: roleArn,
    ClientRequestToken: clientRequestToken,
    DeletionMode: {type: 'String', enum: ['STANDARD', 'FORCE_DELETE_STACK']},
  },
  DescribeStacks: {StackName: stackName, NextToken: nextToken},
  ListStacks: {NextToken: nextToken, StackStatusFilter: {type: 'List', reportOnList: true, member: stackStatus}},
  DescribeStackEvents: {StackName: {...stackName, required: true}, NextToken: nextToken},
  DescribeStackResources: {
    StackName: stackName,
    LogicalResourceId: {type: 'String'},
    PhysicalResourceId: {type: 'String'},
  },
  DescribeStackResource: {
    StackName: {...stackName, required: true},
    LogicalResourceId: {type: 'String', required: true},
  },
  ListStackResources: {StackName: {...stackName, required: true}, NextToken: nextToken},
  GetTemplate: {
    StackName: stackName,
    ChangeSetName: changeSetNameOrId,
    TemplateStage: {type: 'String', enum: ['Original', 'Processed']},
  },
  GetTemplateSummary: {
    TemplateBody: templateBody,
    TemplateURL: templateUrl,
    StackName: stackNameOrId,
    StackSetName: {
      type: 'String',
      pattern: '[a-zA-Z][-a-zA-Z0-9]*(?::[a-zA-Z0-9]{8}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{12})?',
    },
    CallAs: {type: 'String', enum: ['SELF', 'DELEGATED_ADMIN']},
    TemplateSummaryConfig: {
      type: 'Structure',
      members: {TreatUnrecognizedResourceTypesAsWarnings: {type: 'Boolean'}},
    },
  },
  ValidateTemplate: {TemplateBody: templateBody, TemplateURL: templateUrl},
}

/**
 * `value` (as query.ts reads it: strings, lists, structures) typed as `rule` says, for the walker:
 * an empty list (`Tags=`) is `[]`; `true`/`false` are booleans and digits integers. Other
 * booleans and integers are left out, as the handlers have always ignored them (what AWS answers
 * to `DisableRollback=yes` is not known).
 */
function typed(value: unknown, rule: FieldRule): unknown {
  switch (rule.type) {
    case 'Boolean':
      return value === 'true' ? true : value === 'false' ? false : typeof value === 'boolean' ? value : undefined
    case 'Integer':
      return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined
    case 'List':
      if (value === '') return []
      return Array.isArray(value) ? value.map((item: unknown) => typed(item, rule.member)) : value
    case 'Structure':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
      return typedMembers(value as Record<string, unknown>, rule.members)
    default:
      return value
  }
}

function typedMembers(input: Record<string, unknown>, rules: OperationRules): Record<string, unknown> {
  const out: Record<string, unknown> = {...input}
  for (const [name, rule] of Object.entries(rules)) if (input[name] !== undefined) out[name] = typed(input[name], rule)
  return out
}

/**
 * The walker's view of an operation's input. An empty top-level value (`StackName=`) reads as
 * absent, as the handlers have always read it: a required one is `Value null at 'stackName'`.
 * Whether AWS treats it so or as a zero-length string is not known.
 */
export function typedView(rules: OperationRules, input: Record<string, unknown>): Record<string, unknown> {
  const present = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== ''))
  return typedMembers(present, rules)
}

/** Run the operation's rules, reporting violations as CloudFormation does (code `ValidationError`). */
export function validateCloudFormation(operation: string, input: Record<string, unknown>): void {
  const rules = CLOUDFORMATION_RULES[operation]
  if (!rules) return
  try {
    validateInput(rules, typedView(rules, input))
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'ValidationException') {
      throw new ServiceError('ValidationError', error.message)
    }
    throw error
  }
}
