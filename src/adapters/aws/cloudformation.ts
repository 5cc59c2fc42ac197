/**
 * CloudFormation: every call this CLI makes to it, each implemented once (DescribeStacks,
 * ListStackResources, the change-set calls, DescribeStackEvents, DeleteStack), the one detector of a
 * missing stack and its one "doesn't exist" error. Failures are translated (errors.ts); nothing prints.
 */
import type {Change, StackEvent as SdkStackEvent} from '@aws-sdk/client-cloudformation'

import type {ChangeSetInfo, CloudFormationPort, ResourceChange, StackEvent, StackInfo} from '../../core/stack-plan.js'
import {NotFoundError} from '../../core/errors.js'
import type {AwsClients} from './clients.js'
import {sendAndTranslate, type CallOptions} from './errors.js'
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
 * CloudFormation answers a missing stack (DescribeStacks, ListStackResources, …) with a
 * ValidationError whose message contains `Stack with id <name> does not exist`; `aws cloudformation
 * deploy` matches the same text (docs/reference/aws-facts.md#stack-missing-message). The case of the text is
 * not documented: matched in any case. The one detector of a missing stack.
 */
export function isStackMissingError(error: unknown): boolean {
  const e = error as {name?: unknown; message?: unknown}
  return (
    typeof e?.message === 'string' &&
    /does not exist/i.test(e.message) &&
    (e.name === 'ValidationError' || e.name === 'ValidationException')
  )
}

/**
 * "Stack X doesn't exist in <region>." (NotFoundError, EB_STACK_NOT_FOUND): how to name the right
 * stack, and `instead`, the flag that does without one.
 */
export function stackNotFoundError(
  clients: AwsClients,
  stack: string,
  instead: string,
  cause?: unknown,
): NotFoundError {
  return new NotFoundError(
    `Stack ${stack} doesn't exist${clients.target.region ? ` in ${clients.target.region}` : ''}.`,
    {
      ...(cause === undefined ? {} : {cause}),
      code: 'EB_STACK_NOT_FOUND',
      hints: ['Check --stack (or MOMENTO_EB_STACK / `momento-eb config set stack NAME`) and --region.', instead],
    },
  )
}

/** How a stack call reports failure. */
export interface StackCallOptions extends CallOptions {
  /** The start of the error message; each operation has its own default. */
  readonly action?: string | undefined
  /**
   * The error to throw when the stack doesn't exist (`cause`: CloudFormation's error, undefined when
   * DescribeStacks answered with no stack). Without it, a missing stack is `undefined`.
   */
  readonly ifMissing?: ((cause: unknown) => Error) | undefined
}

/** A stack call's failure: a missing stack is `ifMissing`'s error, or undefined. */
function stackFailure(action: string, options: StackCallOptions) {
  return {
    action: options.action ?? action,
    recover: (error: unknown) => {
      if (!isStackMissingError(error)) return undefined
      if (options.ifMissing) throw options.ifMissing(error)
      return {value: undefined}
    },
  }
}

/** DescribeStacks for one stack: its status, parameters and outputs; undefined when it doesn't exist. */
export async function describeStack(
  clients: AwsClients,
  nameOrId: string,
  options: StackCallOptions = {},
): Promise<StackInfo | undefined> {
  const found = await sendAndTranslate(
    clients,
    'cloudformation',
    options,
    stackFailure(`Can't describe stack ${nameOrId}`, options),
    async () =>
      (await clients.cloudFormation.send(new sdk.cloudFormation.DescribeStacksCommand({StackName: nameOrId})))
        .Stacks?.[0],
  )
  if (found) return toStackInfo(found)
  if (options.ifMissing) throw options.ifMissing(undefined)
  return undefined
}

/** Every resource of a stack (ListStackResources, all pages); undefined when the stack doesn't exist. */
export async function listStackResources(
  clients: AwsClients,
  stackName: string,
  options: StackCallOptions = {},
): Promise<StackResourceSummary[] | undefined> {
  return sendAndTranslate(
    clients,
    'cloudformation',
    options,
    stackFailure(`Can't list the resources of stack ${stackName}`, options),
    async () => {
      const out: StackResourceSummary[] = []
      let token: string | undefined
      do {
        const page = await clients.cloudFormation.send(
          new sdk.cloudFormation.ListStackResourcesCommand({
            StackName: stackName,
            ...(token ? {NextToken: token} : {}),
          }),
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
    },
  )
}

/**
 * CloudFormation for the stack services: DescribeStacks, change sets, DescribeStackEvents,
 * DeleteStack. Errors become core errors (ConfigError, AuthError, UnreachableError, RemoteError).
 */
export function createCloudFormationPort(clients: AwsClients, options: CallOptions = {}): CloudFormationPort {
  const cf = () => clients.cloudFormation
  const call = <T>(action: string, run: () => Promise<T>) =>
    sendAndTranslate(clients, 'cloudformation', options, action, run)
  return {
    describeStack: (nameOrId) => describeStack(clients, nameOrId, options),
    createChangeSet: (input) =>
      call(`Can't create a change set for stack ${input.stackName}`, async () => {
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
      }),
    describeChangeSet: (changeSetId, stackName) =>
      call(`Can't read the change set for stack ${stackName}`, async () => {
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
      }),
    executeChangeSet: (changeSetId, stackName) =>
      call(`Can't execute the change set for stack ${stackName}`, async () => {
        await cf().send(
          new sdk.cloudFormation.ExecuteChangeSetCommand({ChangeSetName: changeSetId, StackName: stackName}),
        )
      }),
    deleteChangeSet: (changeSetId, stackName) =>
      call(`Can't delete the change set for stack ${stackName}`, async () => {
        await cf().send(
          new sdk.cloudFormation.DeleteChangeSetCommand({ChangeSetName: changeSetId, StackName: stackName}),
        )
      }),
    stackEvents: (stackName, stop) =>
      call(`Can't read the events of stack ${stackName}`, async () => {
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
      }),
    deleteStack: (nameOrId) =>
      call(`Can't delete stack ${nameOrId}`, async () => {
        await cf().send(new sdk.cloudFormation.DeleteStackCommand({StackName: nameOrId}))
      }),
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
