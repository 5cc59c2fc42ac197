/** Helpers the CloudFormation operations share (JSON-shaped input and output; query.ts does the wire). */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {planChanges} from '../engine.js'
import {resolveParameters, type ParameterInput} from '../intrinsics.js'
import {cloudFormationStore, findStack, type Plan, type ResolvedParameter, type Stack} from '../store.js'
import {checkCapabilities, MAX_TEMPLATE_BYTES, readTemplate} from '../template.js'

/** How NoEcho parameter values read back. */
export const NO_ECHO_MASK = '****'

const NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/

const IN_PROGRESS = /_IN_PROGRESS$/

export const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString()

export function validation(message: string): ServiceError {
  return new ServiceError('ValidationError', message)
}

export function bool(value: unknown): boolean {
  return value === true || value === 'true'
}

export function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : []
}

/**
 * A required string member. CLOUDFORMATION_RULES has already refused a missing one with this very
 * message; the check stays so a handler never runs on a non-string.
 */
export function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key]
  if (typeof value !== 'string' || value === '') {
    throw validation(
      `1 validation error detected: Value null at '${key[0]?.toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`,
    )
  }
  return value
}

/**
 * A stack name of at most 128 characters, or an ARN: what CreateStack's `StackName` (no pattern in
 * the model) and CreateChangeSet's (a pattern, but no maximum length) are held to beyond the rules.
 */
export function checkName(value: string, member: string): void {
  if (value.length > 128 || (!NAME.test(value) && !value.startsWith('arn:'))) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    )
  }
}

export function doesNotExist(name: string): ServiceError {
  return validation(`Stack with id ${name} does not exist`)
}

/** The stack by name (live only) or id, or the `Stack with id … does not exist` error. */
export function requireStack(ctx: RequestContext, nameOrId: string): Stack {
  const stack = findStack(cloudFormationStore(ctx), nameOrId)
  if (!stack) throw doesNotExist(nameOrId)
  return stack
}

export function templateBodyOf(input: Record<string, unknown>): string {
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

export function tagsOf(input: Record<string, unknown>): {Key: string; Value: string}[] {
  return list<Record<string, unknown>>(input['Tags']).map((t) => ({Key: String(t['Key']), Value: String(t['Value'])}))
}

/** Parameters as DescribeStacks/DescribeChangeSet show them: NoEcho values masked. */
export function shownParameters(parameters: readonly ResolvedParameter[]) {
  return parameters.map((p) => ({ParameterKey: p.key, ParameterValue: p.noEcho ? NO_ECHO_MASK : p.value}))
}

export function newStack(ctx: RequestContext, name: string): Stack {
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
export function buildPlan(
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

export function updatable(stack: Stack): void {
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

/** Offset paging with an opaque token, enough for the sandbox's short lists. */
export function page<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  size: number,
): {items: T[]; NextToken?: string} {
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

export function resourcesOf(stack: Stack) {
  return [...stack.resources.values()]
}
