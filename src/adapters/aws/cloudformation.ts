import type {Change, StackEvent as SdkStackEvent} from '@aws-sdk/client-cloudformation'

import type {ChangeSetInfo, CloudFormationPort, ResourceChange, StackEvent, StackInfo} from '../../core/stack-plan.js'
import type {AwsClients} from './clients.js'
import {callContext, translateAwsError} from './errors.js'
import type {CallOptions} from './identity.js'
import {sdk} from './sdk.js'

/** One resource of a stack, as ListStackResources reports it. */
export interface StackResourceSummary {
  readonly logicalId: string
  readonly physicalId: string
  readonly resourceType: string
  readonly status: string
  readonly reason?: string | undefined
}

/**
 * DescribeStacks answers a missing stack with a ValidationError whose message contains
 * `Stack with id <name> does not exist`; `aws cloudformation deploy` matches the same text (pitfall 23).
 */
export function isStackMissingError(error: unknown): boolean {
  const e = error as {name?: unknown; message?: unknown}
  return (
    typeof e?.message === 'string' &&
    /does not exist/.test(e.message) &&
    (e.name === 'ValidationError' || e.name === 'ValidationException')
  )
}

/**
 * CloudFormation for the stack services: DescribeStacks, change sets, DescribeStackEvents,
 * DeleteStack. Errors become core errors (ConfigError, AuthError, UnreachableError, RemoteError).
 */
export function createCloudFormationPort(clients: AwsClients, options: CallOptions = {}): CloudFormationPort {
  const cf = () => clients.cloudFormation
  const fail = (action: string) => (error: unknown) => {
    throw translateAwsError(error, callContext(clients, 'cloudformation', options, action))
  }
  return {
    async describeStack(nameOrId) {
      try {
        const out = await cf().send(new sdk.cloudFormation.DescribeStacksCommand({StackName: nameOrId}))
        const stack = out.Stacks?.[0]
        return stack ? toStackInfo(stack) : undefined
      } catch (error) {
        if (isStackMissingError(error)) return undefined
        return fail(`Can't describe stack ${nameOrId}`)(error)
      }
    },
    async createChangeSet(input) {
      try {
        const out = await cf().send(
          new sdk.cloudFormation.CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            ChangeSetType: input.type,
            TemplateBody: input.templateBody,
            Capabilities: ['CAPABILITY_IAM'],
            Parameters: input.parameters.map((p) =>
              'usePrevious' in p
                ? {ParameterKey: p.key, UsePreviousValue: true}
                : {ParameterKey: p.key, ParameterValue: p.value},
            ),
            Description: 'momento-eb deploy',
          }),
        )
        return {id: out.Id ?? input.changeSetName, stackId: out.StackId ?? input.stackName}
      } catch (error) {
        return fail(`Can't create a change set for stack ${input.stackName}`)(error)
      }
    },
    async describeChangeSet(changeSetId, stackName) {
      try {
        const changes: ResourceChange[] = []
        let token: string | undefined
        let info: Omit<ChangeSetInfo, 'changes'> | undefined
        do {
          const out = await cf().send(
            new sdk.cloudFormation.DescribeChangeSetCommand({
              ChangeSetName: changeSetId,
              StackName: stackName,
              ...(token ? {NextToken: token} : {}),
            }),
          )
          info ??= {
            id: out.ChangeSetId ?? changeSetId,
            status: out.Status ?? 'UNKNOWN',
            statusReason: out.StatusReason,
            executionStatus: out.ExecutionStatus,
          }
          for (const change of out.Changes ?? []) {
            const rc = toResourceChange(change)
            if (rc) changes.push(rc)
          }
          token = out.NextToken
        } while (token)
        return {...info, changes}
      } catch (error) {
        return fail(`Can't read the change set for stack ${stackName}`)(error)
      }
    },
    async executeChangeSet(changeSetId, stackName) {
      try {
        await cf().send(
          new sdk.cloudFormation.ExecuteChangeSetCommand({ChangeSetName: changeSetId, StackName: stackName}),
        )
      } catch (error) {
        fail(`Can't execute the change set for stack ${stackName}`)(error)
      }
    },
    async deleteChangeSet(changeSetId, stackName) {
      try {
        await cf().send(
          new sdk.cloudFormation.DeleteChangeSetCommand({ChangeSetName: changeSetId, StackName: stackName}),
        )
      } catch (error) {
        fail(`Can't delete the change set for stack ${stackName}`)(error)
      }
    },
    async stackEvents(stackName, stop) {
      try {
        const events: StackEvent[] = []
        let token: string | undefined
        do {
          const out = await cf().send(
            new sdk.cloudFormation.DescribeStackEventsCommand({
              StackName: stackName,
              ...(token ? {NextToken: token} : {}),
            }),
          )
          const page = (out.StackEvents ?? []).map(toStackEvent)
          events.push(...page)
          if (page.some(stop)) break
          token = out.NextToken
        } while (token)
        return events
      } catch (error) {
        return fail(`Can't read the events of stack ${stackName}`)(error)
      }
    },
    async deleteStack(nameOrId) {
      try {
        await cf().send(new sdk.cloudFormation.DeleteStackCommand({StackName: nameOrId}))
      } catch (error) {
        fail(`Can't delete stack ${nameOrId}`)(error)
      }
    },
  }
}

/** Every resource of a stack (ListStackResources, all pages). Throws NotFoundError-free: a missing stack is []. */
export async function listStackResources(
  clients: AwsClients,
  stackName: string,
  options: CallOptions = {},
): Promise<StackResourceSummary[]> {
  const out: StackResourceSummary[] = []
  let token: string | undefined
  try {
    do {
      const page = await clients.cloudFormation.send(
        new sdk.cloudFormation.ListStackResourcesCommand({StackName: stackName, ...(token ? {NextToken: token} : {})}),
      )
      for (const r of page.StackResourceSummaries ?? []) {
        out.push({
          logicalId: r.LogicalResourceId ?? '',
          physicalId: r.PhysicalResourceId ?? '',
          resourceType: r.ResourceType ?? '',
          status: r.ResourceStatus ?? '',
          reason: r.ResourceStatusReason,
        })
      }
      token = page.NextToken
    } while (token)
    return out
  } catch (error) {
    if (isStackMissingError(error)) return []
    throw translateAwsError(
      error,
      callContext(clients, 'cloudformation', options, `Can't list the resources of stack ${stackName}`),
    )
  }
}

function toStackInfo(stack: {
  StackName?: string | undefined
  StackId?: string | undefined
  StackStatus?: string | undefined
  StackStatusReason?: string | undefined
  Parameters?: Array<{ParameterKey?: string | undefined; ParameterValue?: string | undefined}> | undefined
  Outputs?: Array<{OutputKey?: string | undefined; OutputValue?: string | undefined}> | undefined
}): StackInfo {
  const parameters: Record<string, string> = {}
  for (const p of stack.Parameters ?? []) if (p.ParameterKey) parameters[p.ParameterKey] = p.ParameterValue ?? ''
  const outputs: Record<string, string> = {}
  for (const o of stack.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? ''
  return {
    name: stack.StackName ?? '',
    id: stack.StackId ?? stack.StackName ?? '',
    status: stack.StackStatus ?? 'UNKNOWN',
    statusReason: stack.StackStatusReason,
    parameters,
    outputs,
  }
}

function toResourceChange(change: Change): ResourceChange | undefined {
  const rc = change.ResourceChange
  if (!rc) return undefined
  return {
    action: rc.Action ?? 'Dynamic',
    logicalId: rc.LogicalResourceId ?? '',
    physicalId: rc.PhysicalResourceId,
    resourceType: rc.ResourceType ?? '',
    replacement: rc.Replacement,
  }
}

function toStackEvent(e: SdkStackEvent): StackEvent {
  return {
    id: e.EventId ?? `${e.LogicalResourceId}-${e.Timestamp?.toISOString()}-${e.ResourceStatus}`,
    timestamp: e.Timestamp ?? new Date(0),
    logicalId: e.LogicalResourceId ?? '',
    physicalId: e.PhysicalResourceId,
    resourceType: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
    reason: e.ResourceStatusReason,
  }
}
