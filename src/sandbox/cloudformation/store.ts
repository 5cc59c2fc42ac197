/**
 * What the sandbox's CloudFormation keeps per account and region: stacks (deleted ones too, as AWS
 * keeps them visible by StackId), their change sets, resources and events, plus the IAM roles
 * stacks declare (recorded only: IAM is not emulated).
 */
import type {RequestContext} from '../protocol/context.js'
import type {Template} from './template.js'

/** A parameter value as the stack holds it. `value` is the raw text (lists comma-joined). */
export interface ResolvedParameter {
  key: string
  value: string
  noEcho: boolean
}

/** One resource of a stack, with its properties as they were applied (intrinsics resolved). */
export interface ResourceState {
  logicalId: string
  type: string
  physicalId?: string
  status: string
  statusReason?: string
  /** Epoch milliseconds of the last status change. */
  updated: number
  properties: Record<string, unknown>
  /** `Fn::GetAtt` values. */
  attributes: Record<string, unknown>
}

export interface StackEvent {
  EventId: string
  StackId: string
  StackName: string
  LogicalResourceId: string
  PhysicalResourceId?: string
  ResourceType: string
  /** Epoch milliseconds. */
  timestamp: number
  ResourceStatus: string
  ResourceStatusReason?: string
  ClientRequestToken?: string
}

export interface StackOutput {
  OutputKey: string
  OutputValue: string
  Description?: string
  ExportName?: string
}

/** `ResourceChange` of a change set, in the API's shape. */
export interface ResourceChange {
  Action: 'Add' | 'Modify' | 'Remove'
  LogicalResourceId: string
  PhysicalResourceId?: string
  ResourceType: string
  Replacement?: 'True' | 'False' | 'Conditional'
  Scope: string[]
  Details: Record<string, unknown>[]
}

/** Everything a change set (or a direct CreateStack/UpdateStack) will apply. */
export interface Plan {
  templateBody: string
  template: Template
  parameters: ResolvedParameter[]
  capabilities: string[]
  changes: ResourceChange[]
}

export interface ChangeSet {
  name: string
  id: string
  stackId: string
  stackName: string
  type: 'CREATE' | 'UPDATE'
  description?: string
  /** Epoch milliseconds. */
  created: number
  /** Until then the change set reads as CREATE_IN_PROGRESS. */
  readyAt: number
  status: 'CREATE_COMPLETE' | 'FAILED'
  statusReason?: string
  executionStatus:
    'AVAILABLE' | 'UNAVAILABLE' | 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | 'OBSOLETE'
  notificationArns: string[]
  tags: {Key: string; Value: string}[]
  plan?: Plan
  onStackFailure?: string
}

export interface Stack {
  id: string
  name: string
  status: string
  statusReason?: string
  /** Epoch milliseconds. */
  created: number
  updated?: number
  deleted?: number
  description?: string
  templateBody?: string
  template?: Template
  parameters: ResolvedParameter[]
  capabilities: string[]
  tags: {Key: string; Value: string}[]
  notificationArns: string[]
  outputs: StackOutput[]
  resources: Map<string, ResourceState>
  /** Logical ids in dependency order (dependencies first), as of the last deploy. */
  order: string[]
  /** Oldest first; DescribeStackEvents reverses. */
  events: StackEvent[]
  changeSets: Map<string, ChangeSet>
  changeSetId?: string
  disableRollback: boolean
  /** Host of the request that last changed the stack: queue URLs route back through it. */
  host: string
  /** The stack operation running in the background, if any: a DeleteStack waits for it. */
  busy?: Promise<void>
}

/** An `AWS::IAM::Role` as recorded by the sandbox. */
export interface RoleRecord {
  RoleName: string
  Arn: string
  RoleId: string
  Path: string
  properties: Record<string, unknown>
}

export interface CloudFormationStore {
  /** Every stack ever created in this region, in creation order, deleted ones included. */
  stacks: Stack[]
  roles: Map<string, RoleRecord>
  /** `Export.Name` → value and exporting stack. */
  exports: Map<string, {stackId: string; value: string}>
}

// Keyed by the region's state object so the shared SandboxState needs no CloudFormation field.
const STORES = new WeakMap<object, CloudFormationStore>()

/** The CloudFormation store of the request's region. */
export function cloudFormationStore(ctx: RequestContext): CloudFormationStore {
  const region = ctx.state.region(ctx.region)
  let store = STORES.get(region)
  if (!store) {
    store = {stacks: [], roles: new Map(), exports: new Map()}
    STORES.set(region, store)
  }
  return store
}

/** The live (not DELETE_COMPLETE) stack with this name, or the stack (deleted or not) with this id. */
export function findStack(store: CloudFormationStore, nameOrId: string): Stack | undefined {
  if (nameOrId.startsWith('arn:')) return store.stacks.find((s) => s.id === nameOrId)
  for (let i = store.stacks.length - 1; i >= 0; i--) {
    const stack = store.stacks[i] as Stack
    if (stack.name === nameOrId && stack.status !== 'DELETE_COMPLETE') return stack
  }
  return undefined
}
