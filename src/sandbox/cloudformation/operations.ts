/** CloudFormation operation handlers (JSON-shaped input and output; query.ts does the wire). */
import type {Operation, RequestContext} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import {applyPlan, deleteStack, planChanges, runInBackground, setStackStatus} from './engine.js'
import {MappingLookupError, resolveParameters, type ParameterInput} from './intrinsics.js'
import {cloudFormationStore, findStack, type ChangeSet, type Plan, type ResolvedParameter, type Stack} from './store.js'
import {
  checkCapabilities,
  isNoEcho,
  MAX_TEMPLATE_BYTES,
  readTemplate,
  TemplateRejectedError,
  requiredCapability,
  type Template,
} from './template.js'

/** How NoEcho parameter values read back. */
export const NO_ECHO_MASK = '****'

/** How long a change set reads as CREATE_IN_PROGRESS, before `timeScale`. */
const CHANGE_SET_DELAY_MS = 200

const NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/
const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set."
const IN_PROGRESS = /_IN_PROGRESS$/

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString())

function validation(message: string): ServiceError {
  return new ServiceError('ValidationError', message)
}

function bool(value: unknown): boolean {
  return value === true || value === 'true'
}

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : []
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key]
  if (typeof value !== 'string' || value === '') {
    throw validation(
      `1 validation error detected: Value null at '${key[0]?.toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`,
    )
  }
  return value
}

function checkName(value: string, member: string): void {
  if (value.length > 128 || (!NAME.test(value) && !value.startsWith('arn:'))) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    )
  }
}

function doesNotExist(name: string): ServiceError {
  return validation(`Stack with id ${name} does not exist`)
}

/** The stack by name (live only) or id, or the `Stack with id … does not exist` error. */
function requireStack(ctx: RequestContext, nameOrId: string): Stack {
  const stack = findStack(cloudFormationStore(ctx), nameOrId)
  if (!stack) throw doesNotExist(nameOrId)
  return stack
}

function templateBodyOf(input: Record<string, unknown>): string {
  if (input['TemplateURL'] !== undefined) {
    throw validation('TemplateURL is not supported by the momento-eb sandbox: send the template as TemplateBody.')
  }
  const body = input['TemplateBody']
  if (typeof body !== 'string' || body === '')
    throw validation('Either Template URL or Template Body must be specified.')
  if (Buffer.byteLength(body, 'utf8') > MAX_TEMPLATE_BYTES) {
    throw validation(
      `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TEMPLATE_BYTES}`,
    )
  }
  return body
}

function parameterInputs(input: Record<string, unknown>): ParameterInput[] {
  return list<Record<string, unknown>>(input['Parameters']).map((p) => ({
    ParameterKey: String(p['ParameterKey']),
    ...(p['ParameterValue'] !== undefined ? {ParameterValue: String(p['ParameterValue'])} : {}),
    ...(bool(p['UsePreviousValue']) ? {UsePreviousValue: true} : {}),
  }))
}

function tagsOf(input: Record<string, unknown>): {Key: string; Value: string}[] {
  return list<Record<string, unknown>>(input['Tags']).map((t) => ({Key: String(t['Key']), Value: String(t['Value'])}))
}

/** Parameters as DescribeStacks/DescribeChangeSet show them: NoEcho values masked. */
function shownParameters(parameters: readonly ResolvedParameter[]) {
  return parameters.map((p) => ({ParameterKey: p.key, ParameterValue: p.noEcho ? NO_ECHO_MASK : p.value}))
}

function newStack(ctx: RequestContext, name: string): Stack {
  const stack: Stack = {
    id: `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${name}/${ctx.state.newId()}`,
    name,
    status: 'REVIEW_IN_PROGRESS',
    created: ctx.state.now(),
    parameters: [],
    capabilities: [],
    tags: [],
    notificationArns: [],
    outputs: [],
    resources: new Map(),
    order: [],
    events: [],
    changeSets: new Map(),
    disableRollback: false,
    host: ctx.host,
  }
  cloudFormationStore(ctx).stacks.push(stack)
  return stack
}

/** Read, check and plan a template against `stack`'s current state. */
function buildPlan(
  ctx: RequestContext,
  stack: {name: string; id: string},
  current: Stack | undefined,
  input: Record<string, unknown>,
  isCreate: boolean,
): {plan: Plan; noChanges: boolean} {
  let body: string
  if (bool(input['UsePreviousTemplate'])) {
    if (isCreate || !current?.templateBody)
      throw validation('UsePreviousTemplate can only be used with an existing stack.')
    body = current.templateBody
  } else {
    body = templateBodyOf(input)
  }
  const template = readTemplate(body)
  const capabilities = list<string>(input['Capabilities']).map(String)
  checkCapabilities(template, capabilities)
  const parameters = resolveParameters(template, parameterInputs(input), isCreate ? undefined : current?.parameters)
  const {changes, outputsChanged} = planChanges(ctx, stack, isCreate ? undefined : current, template, parameters)
  return {
    plan: {templateBody: body, template, parameters, capabilities, changes},
    noChanges: !isCreate && changes.length === 0 && !outputsChanged,
  }
}

function updatable(stack: Stack): void {
  if (
    stack.status === 'ROLLBACK_COMPLETE' ||
    stack.status === 'ROLLBACK_FAILED' ||
    stack.status === 'CREATE_FAILED' ||
    stack.status === 'DELETE_FAILED' ||
    stack.status === 'REVIEW_IN_PROGRESS' ||
    IN_PROGRESS.test(stack.status)
  ) {
    throw validation(`Stack:${stack.id} is in ${stack.status} state and can not be updated.`)
  }
}

const createChangeSet: Operation = (input, ctx) => {
  const stackName = requiredString(input, 'StackName')
  const changeSetName = requiredString(input, 'ChangeSetName')
  checkName(stackName, 'stackName')
  if (!NAME.test(changeSetName) || changeSetName.length > 128) checkName(changeSetName, 'changeSetName')
  const type = (input['ChangeSetType'] as string | undefined) ?? 'UPDATE'
  if (type !== 'CREATE' && type !== 'UPDATE') {
    throw validation(`ChangeSetType ${type} is not supported by the momento-eb sandbox (use CREATE or UPDATE).`)
  }
  const store = cloudFormationStore(ctx)
  let stack = findStack(store, stackName)
  if (type === 'CREATE') {
    if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validation(
        `Stack [${stackName}] already exists and cannot be created again with the changeSet [${changeSetName}].`,
      )
    }
  } else {
    if (!stack) throw validation(`Stack [${stackName}] does not exist`)
    updatable(stack)
  }
  if (stack?.changeSets.has(changeSetName)) {
    throw new ServiceError('AlreadyExistsException', `ChangeSet ${changeSetName} already exists`)
  }
  const identity = stack ?? {
    name: stackName,
    id: `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${stackName}/${ctx.state.newId()}`,
  }
  // Template, parameter and capability errors are synchronous, as on AWS; the stack appears only once they pass.
  let plan: Plan | undefined
  let failure: string | undefined
  let noChanges = false
  try {
    ;({plan, noChanges} = buildPlan(ctx, identity, stack, input, type === 'CREATE'))
  } catch (error) {
    // Mapping lookups are template validation: a ValidationError of the call itself, as on AWS.
    if (!(error instanceof ServiceError) || !/^Template error:/.test(error.message)) throw error
    if (error instanceof MappingLookupError || error instanceof TemplateRejectedError) throw error
    failure = error.message
  }
  if (!stack) {
    stack = newStack(ctx, stackName)
    stack.id = identity.id
    setStackStatus(ctx, stack, 'REVIEW_IN_PROGRESS', 'User Initiated')
  }
  const now = ctx.state.now()
  const changeSet: ChangeSet = {
    name: changeSetName,
    id: `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:changeSet/${changeSetName}/${ctx.state.newId()}`,
    stackId: stack.id,
    stackName: stack.name,
    type,
    created: now,
    readyAt: now + CHANGE_SET_DELAY_MS * ctx.state.options.timeScale,
    status: failure || noChanges ? 'FAILED' : 'CREATE_COMPLETE',
    executionStatus: failure || noChanges ? 'UNAVAILABLE' : 'AVAILABLE',
    notificationArns: list<string>(input['NotificationARNs']).map(String),
    tags: tagsOf(input),
    ...(typeof input['Description'] === 'string' ? {description: input['Description']} : {}),
    ...(failure ? {statusReason: failure} : noChanges ? {statusReason: NO_CHANGES} : {}),
    ...(plan ? {plan} : {}),
    ...(typeof input['OnStackFailure'] === 'string' ? {onStackFailure: input['OnStackFailure']} : {}),
  }
  stack.host = ctx.host
  stack.changeSets.set(changeSetName, changeSet)
  return {Id: changeSet.id, StackId: stack.id}
}

function findChangeSet(ctx: RequestContext, input: Record<string, unknown>): {stack: Stack; changeSet: ChangeSet} {
  const name = requiredString(input, 'ChangeSetName')
  const store = cloudFormationStore(ctx)
  if (name.startsWith('arn:')) {
    for (const stack of store.stacks) {
      for (const changeSet of stack.changeSets.values()) if (changeSet.id === name) return {stack, changeSet}
    }
  } else {
    const stackName = input['StackName']
    if (typeof stackName !== 'string' || stackName === '') {
      throw validation('StackName must be specified if ChangeSetName is not specified as an ARN.')
    }
    const stack = findStack(store, stackName)
    const changeSet = stack?.changeSets.get(name)
    if (stack && changeSet) return {stack, changeSet}
  }
  throw new ServiceError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404)
}

/** Status as the API reports it: CREATE_PENDING, then CREATE_IN_PROGRESS, until the short simulated delay has passed. */
function changeSetStatus(ctx: RequestContext, changeSet: ChangeSet) {
  const now = ctx.state.now()
  if (now < changeSet.readyAt && changeSet.executionStatus !== 'EXECUTE_IN_PROGRESS') {
    const pending = now < (changeSet.created + changeSet.readyAt) / 2
    return {Status: pending ? 'CREATE_PENDING' : 'CREATE_IN_PROGRESS', ExecutionStatus: 'UNAVAILABLE'}
  }
  return {
    Status: changeSet.status,
    ExecutionStatus: changeSet.executionStatus,
    ...(changeSet.statusReason !== undefined ? {StatusReason: changeSet.statusReason} : {}),
  }
}

function changeSetSummary(ctx: RequestContext, changeSet: ChangeSet) {
  return {
    StackId: changeSet.stackId,
    StackName: changeSet.stackName,
    ChangeSetId: changeSet.id,
    ChangeSetName: changeSet.name,
    ...changeSetStatus(ctx, changeSet),
    CreationTime: iso(changeSet.created),
    ...(changeSet.description !== undefined ? {Description: changeSet.description} : {}),
    IncludeNestedStacks: false,
  }
}

const describeChangeSet: Operation = (input, ctx) => {
  const {changeSet} = findChangeSet(ctx, input)
  const status = changeSetStatus(ctx, changeSet)
  const ready = status.Status !== 'CREATE_IN_PROGRESS' && status.Status !== 'CREATE_PENDING'
  return {
    ...changeSetSummary(ctx, changeSet),
    Parameters: changeSet.plan ? shownParameters(changeSet.plan.parameters) : [],
    NotificationARNs: changeSet.notificationArns,
    Capabilities: changeSet.plan?.capabilities ?? [],
    Tags: changeSet.tags,
    Changes: ready ? (changeSet.plan?.changes ?? []).map((change) => ({Type: 'Resource', ResourceChange: change})) : [],
    ...(changeSet.onStackFailure ? {OnStackFailure: changeSet.onStackFailure} : {}),
  }
}

const listChangeSets: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  return {Summaries: [...stack.changeSets.values()].map((cs) => changeSetSummary(ctx, cs))}
}

const deleteChangeSet: Operation = (input, ctx) => {
  const {stack, changeSet} = findChangeSet(ctx, input)
  if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') {
    throw new ServiceError(
      'InvalidChangeSetStatus',
      `Cannot delete ChangeSet ${changeSet.id} while it is being executed.`,
    )
  }
  stack.changeSets.delete(changeSet.name)
  return {}
}

const executeChangeSet: Operation = (input, ctx) => {
  const {stack, changeSet} = findChangeSet(ctx, input)
  const status = changeSetStatus(ctx, changeSet)
  if (status.ExecutionStatus !== 'AVAILABLE' || !changeSet.plan) {
    throw new ServiceError(
      'InvalidChangeSetStatus',
      `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${status.ExecutionStatus}]`,
    )
  }
  if (changeSet.type === 'UPDATE') updatable(stack)
  const plan = changeSet.plan
  const token = typeof input['ClientRequestToken'] === 'string' ? input['ClientRequestToken'] : undefined
  const disableRollback = bool(input['DisableRollback']) || changeSet.onStackFailure === 'DO_NOTHING'
  for (const name of [...stack.changeSets.keys()]) if (name !== changeSet.name) stack.changeSets.delete(name)
  changeSet.executionStatus = 'EXECUTE_IN_PROGRESS'
  stack.changeSetId = changeSet.id
  stack.disableRollback = disableRollback
  stack.tags = changeSet.tags
  stack.notificationArns = changeSet.notificationArns
  if (plan.template.Description !== undefined) stack.description = plan.template.Description
  const kind = changeSet.type
  setStackStatus(ctx, stack, kind === 'CREATE' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS', 'User Initiated', token)
  const host = stack.host
  runInBackground(ctx, stack, async () => {
    const ok = await applyPlan(ctx, stack, plan, {kind, token, disableRollback, host})
    changeSet.executionStatus = ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED'
    if (!ok && kind === 'CREATE' && changeSet.onStackFailure === 'DELETE') await deleteStack(ctx, stack, token)
  })
  return {}
}

const createStack: Operation = (input, ctx) => {
  const stackName = requiredString(input, 'StackName')
  checkName(stackName, 'stackName')
  const store = cloudFormationStore(ctx)
  if (findStack(store, stackName))
    throw new ServiceError('AlreadyExistsException', `Stack [${stackName}] already exists`)
  const identity = {
    name: stackName,
    id: `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${stackName}/${ctx.state.newId()}`,
  }
  const {plan} = buildPlan(ctx, identity, undefined, input, true)
  const stack = newStack(ctx, stackName)
  stack.id = identity.id
  stack.tags = tagsOf(input)
  const onFailure =
    (input['OnFailure'] as string | undefined) ?? (bool(input['DisableRollback']) ? 'DO_NOTHING' : 'ROLLBACK')
  stack.disableRollback = onFailure === 'DO_NOTHING'
  if (plan.template.Description !== undefined) stack.description = plan.template.Description
  const token = typeof input['ClientRequestToken'] === 'string' ? input['ClientRequestToken'] : undefined
  setStackStatus(ctx, stack, 'CREATE_IN_PROGRESS', 'User Initiated', token)
  runInBackground(ctx, stack, async () => {
    const ok = await applyPlan(ctx, stack, plan, {
      kind: 'CREATE',
      token,
      disableRollback: stack.disableRollback,
      host: ctx.host,
    })
    if (!ok && onFailure === 'DELETE') await deleteStack(ctx, stack, token)
  })
  return {StackId: stack.id}
}

const updateStack: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  updatable(stack)
  const {plan, noChanges} = buildPlan(ctx, stack, stack, input, false)
  if (noChanges) throw validation('No updates are to be performed.')
  const token = typeof input['ClientRequestToken'] === 'string' ? input['ClientRequestToken'] : undefined
  stack.host = ctx.host
  if (input['Tags'] !== undefined) stack.tags = tagsOf(input)
  setStackStatus(ctx, stack, 'UPDATE_IN_PROGRESS', 'User Initiated', token)
  const disableRollback = bool(input['DisableRollback'])
  runInBackground(ctx, stack, () =>
    applyPlan(ctx, stack, plan, {kind: 'UPDATE', token, disableRollback, host: ctx.host}),
  )
  return {StackId: stack.id}
}

const deleteStackOperation: Operation = (input, ctx) => {
  const name = requiredString(input, 'StackName')
  const stack = findStack(cloudFormationStore(ctx), name)
  // Deleting a stack that does not exist (or is already gone) succeeds, as on AWS.
  if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {}
  const token = typeof input['ClientRequestToken'] === 'string' ? input['ClientRequestToken'] : undefined
  // Marked at once so a DescribeStacks right after the call sees the delete under way; a stack
  // busy with a deploy is deleted once the deploy settles.
  if (!stack.busy) stack.status = 'DELETE_IN_PROGRESS'
  runInBackground(ctx, stack, () => deleteStack(ctx, stack, token))
  return {}
}

function stackView(stack: Stack) {
  return {
    StackId: stack.id,
    StackName: stack.name,
    ...(stack.changeSetId !== undefined ? {ChangeSetId: stack.changeSetId} : {}),
    ...(stack.description !== undefined ? {Description: stack.description} : {}),
    Parameters: shownParameters(stack.parameters),
    CreationTime: iso(stack.created),
    ...(stack.deleted !== undefined ? {DeletionTime: iso(stack.deleted)} : {}),
    ...(stack.updated !== undefined ? {LastUpdatedTime: iso(stack.updated)} : {}),
    StackStatus: stack.status,
    ...(stack.statusReason !== undefined ? {StackStatusReason: stack.statusReason} : {}),
    DisableRollback: stack.disableRollback,
    NotificationARNs: stack.notificationArns,
    Capabilities: stack.capabilities,
    Outputs: stack.outputs,
    Tags: stack.tags,
    EnableTerminationProtection: false,
    DriftInformation: {StackDriftStatus: 'NOT_CHECKED'},
  }
}

const describeStacks: Operation = (input, ctx) => {
  const name = input['StackName']
  if (typeof name === 'string' && name !== '') return {Stacks: [stackView(requireStack(ctx, name))]}
  const stacks = cloudFormationStore(ctx).stacks.filter((s) => s.status !== 'DELETE_COMPLETE')
  return {Stacks: [...stacks].reverse().map(stackView)}
}

/** Offset paging with an opaque token, enough for the sandbox's short lists. */
function page<T>(items: readonly T[], input: Record<string, unknown>, size: number): {items: T[]; NextToken?: string} {
  let start = 0
  const token = input['NextToken']
  if (typeof token === 'string' && token !== '') {
    const match = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))
    if (!match) throw validation('Invalid NextToken.')
    start = Number(match[1])
  }
  const end = start + size
  return {
    items: items.slice(start, end),
    ...(end < items.length ? {NextToken: Buffer.from(`o:${end}`).toString('base64url')} : {}),
  }
}

/** Events per DescribeStackEvents page, as AWS pages them. */
export const EVENTS_PAGE_SIZE = 100

const describeStackEvents: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  const newestFirst = [...stack.events].reverse()
  const {items, NextToken} = page(newestFirst, input, EVENTS_PAGE_SIZE)
  return {
    StackEvents: items.map(({timestamp, ...event}) => ({...event, Timestamp: iso(timestamp)})),
    ...(NextToken ? {NextToken} : {}),
  }
}

function resourcesOf(stack: Stack) {
  return [...stack.resources.values()]
}

const describeStackResources: Operation = (input, ctx) => {
  let stack: Stack | undefined
  const physicalId = input['PhysicalResourceId']
  if (typeof input['StackName'] === 'string' && input['StackName'] !== '') stack = requireStack(ctx, input['StackName'])
  else if (typeof physicalId === 'string') {
    stack = cloudFormationStore(ctx).stacks.find((s) => resourcesOf(s).some((r) => r.physicalId === physicalId))
    if (!stack) throw validation(`Stack for ${physicalId} does not exist`)
  } else {
    throw validation('Either StackName or PhysicalResourceId must be specified.')
  }
  const logicalId = input['LogicalResourceId']
  const found = stack
  return {
    StackResources: resourcesOf(found)
      .filter((r) => typeof logicalId !== 'string' || r.logicalId === logicalId)
      .map((r) => ({
        StackName: found.name,
        StackId: found.id,
        LogicalResourceId: r.logicalId,
        ...(r.physicalId !== undefined ? {PhysicalResourceId: r.physicalId} : {}),
        ResourceType: r.type,
        Timestamp: iso(r.updated),
        ResourceStatus: r.status,
        ...(r.statusReason !== undefined ? {ResourceStatusReason: r.statusReason} : {}),
        DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
      })),
  }
}

const listStackResources: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  const {items, NextToken} = page(resourcesOf(stack), input, 100)
  return {
    StackResourceSummaries: items.map((r) => ({
      LogicalResourceId: r.logicalId,
      ...(r.physicalId !== undefined ? {PhysicalResourceId: r.physicalId} : {}),
      ResourceType: r.type,
      LastUpdatedTimestamp: iso(r.updated),
      ResourceStatus: r.status,
      ...(r.statusReason !== undefined ? {ResourceStatusReason: r.statusReason} : {}),
      DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
    })),
    ...(NextToken ? {NextToken} : {}),
  }
}

const describeStackResource: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  const logicalId = requiredString(input, 'LogicalResourceId')
  const r = stack.resources.get(logicalId)
  if (!r) throw validation(`Resource ${logicalId} does not exist for stack ${stack.name}`)
  return {
    StackResourceDetail: {
      StackName: stack.name,
      StackId: stack.id,
      LogicalResourceId: r.logicalId,
      ...(r.physicalId !== undefined ? {PhysicalResourceId: r.physicalId} : {}),
      ResourceType: r.type,
      LastUpdatedTimestamp: iso(r.updated),
      ResourceStatus: r.status,
      ...(r.statusReason !== undefined ? {ResourceStatusReason: r.statusReason} : {}),
      Metadata: JSON.stringify(stack.template?.Resources[logicalId]?.Metadata ?? {}),
      DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
    },
  }
}

const getTemplate: Operation = (input, ctx) => {
  const name = input['StackName']
  let body: string | undefined
  if (typeof input['ChangeSetName'] === 'string') body = findChangeSet(ctx, input).changeSet.plan?.templateBody
  else body = requireStack(ctx, requiredString(input, 'StackName')).templateBody
  if (body === undefined) throw doesNotExist(String(name))
  return {TemplateBody: body, StagesAvailable: ['Original', 'Processed']}
}

function declaredParameters(template: Template) {
  return Object.entries(template.Parameters).map(([key, d]) => ({
    ParameterKey: key,
    ...(d.Default !== undefined
      ? {DefaultValue: Array.isArray(d.Default) ? d.Default.join(',') : String(d.Default)}
      : {}),
    NoEcho: isNoEcho(d),
    ...(d.Description !== undefined ? {Description: String(d.Description)} : {}),
    ParameterType: d.Type,
    ParameterConstraints: d.AllowedValues ? {AllowedValues: d.AllowedValues.map(String)} : {},
  }))
}

function capabilitiesOf(template: Template) {
  const needed = requiredCapability(template)
  return needed ? {Capabilities: [needed.capability], CapabilitiesReason: needed.reason} : {Capabilities: []}
}

const validateTemplate: Operation = (input) => {
  const template = readTemplate(templateBodyOf(input))
  return {
    Parameters: declaredParameters(template).map(({ParameterKey, DefaultValue, NoEcho, Description}) => ({
      ParameterKey,
      ...(DefaultValue !== undefined ? {DefaultValue} : {}),
      NoEcho,
      ...(Description !== undefined ? {Description} : {}),
    })),
    ...(template.Description !== undefined ? {Description: template.Description} : {}),
    ...capabilitiesOf(template),
    DeclaredTransforms: [],
  }
}

const getTemplateSummary: Operation = (input, ctx) => {
  let body: string
  if (typeof input['StackName'] === 'string' && input['StackName'] !== '') {
    const stack = requireStack(ctx, input['StackName'])
    if (stack.templateBody === undefined) throw doesNotExist(input['StackName'])
    body = stack.templateBody
  } else {
    body = templateBodyOf(input)
  }
  const template = readTemplate(body)
  return {
    Parameters: declaredParameters(template),
    ...(template.Description !== undefined ? {Description: template.Description} : {}),
    ...capabilitiesOf(template),
    ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
    Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
    DeclaredTransforms: [],
  }
}

const listStacks: Operation = (input, ctx) => {
  const filter = list<string>(input['StackStatusFilter']).map(String)
  const stacks = [...cloudFormationStore(ctx).stacks]
    .reverse()
    .filter((s) => filter.length === 0 || filter.includes(s.status))
  const {items, NextToken} = page(stacks, input, 100)
  return {
    StackSummaries: items.map((s) => ({
      StackId: s.id,
      StackName: s.name,
      ...(s.description !== undefined ? {TemplateDescription: s.description} : {}),
      CreationTime: iso(s.created),
      ...(s.updated !== undefined ? {LastUpdatedTime: iso(s.updated)} : {}),
      ...(s.deleted !== undefined ? {DeletionTime: iso(s.deleted)} : {}),
      StackStatus: s.status,
      ...(s.statusReason !== undefined ? {StackStatusReason: s.statusReason} : {}),
    })),
    ...(NextToken ? {NextToken} : {}),
  }
}

/** Handlers by exact AWS operation name. */
export const CLOUDFORMATION_OPERATIONS: Readonly<Record<string, Operation>> = {
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
