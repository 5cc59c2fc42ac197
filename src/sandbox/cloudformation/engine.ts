/**
 * The stack engine: plans a change set against the stack's current resources, then applies it in
 * the background (create, update in place, replace, remove), rolling back on failure, and deletes
 * stacks. Every resource step emits the events CloudFormation emits and waits a short, scaled
 * moment so a progress view has something to show.
 */
import {randomUUID} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'
import {isDeepStrictEqual} from 'node:util'

import type {RequestContext} from '../protocol/context.js'
import {ServiceError} from '../protocol/errors.js'
import {
  checkMappingLookups,
  dependencyOrder,
  evaluate,
  evaluateConditions,
  included,
  parameterValues,
  pseudoParameters,
  templateError,
  UNKNOWN_MARKER,
  type Scope,
} from './intrinsics.js'
import {PROVIDERS, unsupportedType, type ProviderContext, type ResourceResult} from './providers.js'
import {
  cloudFormationStore,
  type Plan,
  type ResolvedParameter,
  type ResourceChange,
  type ResourceState,
  type Stack,
  type StackOutput,
} from './store.js'
import type {Template} from './template.js'

/** Base of the simulated time one resource step takes, before `timeScale` (AWS takes seconds). */
export const RESOURCE_STEP_MS = {min: 50, max: 200}

const STACK_TYPE = 'AWS::CloudFormation::Stack'

/** Wait one resource step; rejects when the sandbox closes so background work stops promptly. */
async function pace(ctx: RequestContext): Promise<void> {
  const scale = ctx.state.options.timeScale
  const ms = (RESOURCE_STEP_MS.min + Math.random() * (RESOURCE_STEP_MS.max - RESOURCE_STEP_MS.min)) * scale
  // timeScale 0: no timer at all, so a deploy settles before the next request is even read.
  if (ms <= 0) {
    ctx.state.closing.throwIfAborted()
    return
  }
  await sleep(ms, undefined, {signal: ctx.state.closing})
}

/** Whether an error comes from the sandbox closing (not a resource failure): then the work just stops. */
function isClosing(_error: unknown, ctx: RequestContext): boolean {
  return ctx.state.closing.aborted
}

/** Record an event (oldest first in the store). */
export function emit(
  ctx: RequestContext,
  stack: Stack,
  event: {
    logicalId: string
    physicalId?: string | undefined
    type: string
    status: string
    reason?: string | undefined
  },
  token?: string,
): void {
  // Resource events carry the logical id in their id, as on AWS; a uuid keeps ids unique within a millisecond.
  stack.events.push({
    EventId: event.type === STACK_TYPE ? randomUUID() : `${event.logicalId}-${randomUUID()}`,
    StackId: stack.id,
    StackName: stack.name,
    LogicalResourceId: event.logicalId,
    ...(event.physicalId !== undefined ? {PhysicalResourceId: event.physicalId} : {}),
    ResourceType: event.type,
    timestamp: ctx.state.now(),
    ResourceStatus: event.status,
    ...(event.reason !== undefined ? {ResourceStatusReason: event.reason} : {}),
    ...(token !== undefined ? {ClientRequestToken: token} : {}),
  })
}

/** Set the stack's status and emit its event. */
export function setStackStatus(ctx: RequestContext, stack: Stack, status: string, reason?: string, token?: string) {
  stack.status = status
  if (reason === undefined) delete stack.statusReason
  else stack.statusReason = reason
  emit(ctx, stack, {logicalId: stack.name, physicalId: stack.id, type: STACK_TYPE, status, reason}, token)
}

/** The context providers run with: the region of the stack, and the Host of the request that changed it. */
function providerRequest(ctx: RequestContext, host: string): RequestContext {
  return {
    state: ctx.state,
    region: ctx.region,
    accountId: ctx.accountId,
    host,
    requestId: ctx.state.newId(),
    protocol: 'json',
    headers: {},
    signal: ctx.state.closing,
    path: '/',
  }
}

function baseScope(
  ctx: RequestContext,
  template: Template,
  parameters: readonly ResolvedParameter[],
  stack: {name: string; id: string},
) {
  const store = cloudFormationStore(ctx)
  return {
    template,
    parameters: parameterValues(template, parameters),
    pseudo: pseudoParameters(ctx.region, ctx.accountId, stack.name, stack.id),
    importValue: (name: string) => store.exports.get(name)?.value,
  }
}

function checkAttribute(template: Template, id: string, attribute: string): void {
  const type = template.Resources[id]?.Type ?? ''
  const provider = PROVIDERS[type]
  if (provider && !provider.attributes.includes(attribute))
    throw templateError(`resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`)
}

function live(stack: Stack | undefined): Map<string, ResourceState> {
  const out = new Map<string, ResourceState>()
  for (const [id, resource] of stack?.resources ?? []) {
    if (resource.physicalId !== undefined && resource.status !== 'DELETE_COMPLETE') out.set(id, resource)
  }
  return out
}

function unknown(id: string, attribute?: string): string {
  return `${UNKNOWN_MARKER}${id}${attribute ? `.${attribute}` : ''}}}`
}

const hasUnknown = (value: unknown): boolean => JSON.stringify(value ?? null).includes(UNKNOWN_MARKER)

/** Top-level properties whose value differs. */
function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((key) => !isDeepStrictEqual(before[key], after[key]))
}

function requiresReplacement(type: string, key: string): boolean {
  const provider = PROVIDERS[type]
  return !provider?.update || provider.createOnly.includes(key)
}

function outputsOf(template: Template, scope: Scope): StackOutput[] {
  const out: StackOutput[] = []
  for (const [key, output] of Object.entries(template.Outputs)) {
    if (!included(output, scope.conditions)) continue
    const value = evaluate(output.Value, scope)
    const description = output.Description === undefined ? undefined : evaluate(output.Description, scope)
    const exportName = output.Export === undefined ? undefined : evaluate(output.Export.Name, scope)
    out.push({
      OutputKey: key,
      OutputValue: Array.isArray(value) ? value.map(String).join(',') : String(value),
      ...(description !== undefined ? {Description: String(description)} : {}),
      ...(exportName !== undefined ? {ExportName: String(exportName)} : {}),
    })
  }
  return out
}

/**
 * What a change set would do to `stack` (undefined or REVIEW_IN_PROGRESS for a new stack), with
 * values of resources not created yet left unknown. Also tells whether anything changes at all.
 */
export function planChanges(
  ctx: RequestContext,
  stack: {name: string; id: string},
  current: Stack | undefined,
  template: Template,
  parameters: readonly ResolvedParameter[],
): {changes: ResourceChange[]; outputsChanged: boolean} {
  const base = baseScope(ctx, template, parameters, stack)
  checkMappingLookups(template, base)
  const conditions = evaluateConditions(template, base)
  const {order} = dependencyOrder(template, conditions)
  const existing = live(current)
  const pending = new Set<string>()
  const scope: Scope = {
    ...base,
    conditions,
    ref: (id) => (pending.has(id) || !existing.has(id) ? unknown(id) : existing.get(id)?.physicalId),
    getAtt: (id, attribute) => {
      checkAttribute(template, id, attribute)
      const resource = existing.get(id)
      if (pending.has(id) || !resource) return unknown(id, attribute)
      return resource.attributes[attribute] ?? unknown(id, attribute)
    },
  }
  const changes: ResourceChange[] = []
  for (const id of order) {
    const declaration = template.Resources[id] as Template['Resources'][string]
    const properties = evaluate(declaration.Properties ?? {}, scope) as Record<string, unknown>
    const before = existing.get(id)
    if (!before) {
      pending.add(id)
      changes.push({Action: 'Add', LogicalResourceId: id, ResourceType: declaration.Type, Scope: [], Details: []})
      continue
    }
    const typeChanged = before.type !== declaration.Type
    const keys = typeChanged ? Object.keys(properties) : changedProperties(before.properties, properties)
    if (keys.length === 0 && !typeChanged) continue
    let replacement: 'True' | 'False' | 'Conditional' = typeChanged ? 'True' : 'False'
    const details = keys.map((key) => {
      const recreate = requiresReplacement(declaration.Type, key)
      const dynamic = hasUnknown(properties[key])
      if (recreate) replacement = !dynamic || replacement === 'True' ? 'True' : 'Conditional'
      return {
        Target: {Attribute: 'Properties', Name: key, RequiresRecreation: recreate ? 'Always' : 'Never'},
        Evaluation: dynamic ? 'Dynamic' : 'Static',
        ChangeSource: dynamic ? 'ResourceReference' : 'DirectModification',
      }
    })
    if (replacement !== 'False') pending.add(id)
    changes.push({
      Action: 'Modify',
      LogicalResourceId: id,
      ...(before.physicalId !== undefined ? {PhysicalResourceId: before.physicalId} : {}),
      ResourceType: declaration.Type,
      Replacement: replacement,
      Scope: ['Properties'],
      Details: details,
    })
  }
  for (const [id, resource] of existing) {
    if (order.includes(id)) continue
    changes.push({
      Action: 'Remove',
      LogicalResourceId: id,
      ...(resource.physicalId !== undefined ? {PhysicalResourceId: resource.physicalId} : {}),
      ResourceType: resource.type,
      Scope: [],
      Details: [],
    })
  }
  const outputs = outputsOf(template, scope)
  const outputsChanged = !isDeepStrictEqual(outputs, current?.outputs ?? []) || hasUnknown(outputs)
  return {changes, outputsChanged}
}

/** `Resource handler returned message: …`, the way CloudFormation reports a provider's error. */
function failureReason(error: unknown): string {
  if (error instanceof ServiceError) {
    if (error.code === 'ValidationError' && /^Template (format )?error/.test(error.message)) return error.message
    return `Resource handler returned message: "${error.message}" (HandlerErrorCode: ${error.code})`
  }
  return error instanceof Error ? error.message : String(error)
}

interface Applied {
  logicalId: string
  /** The resource as it was before this deploy (modified or replaced), if it existed. */
  before?: ResourceState
  /** A physical resource this deploy created (adds and replacements). */
  created?: ResourceState
}

/**
 * Apply a plan to a stack already marked CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS, then clean
 * up, or roll back on failure. Runs in the background.
 */
export async function applyPlan(
  ctx: RequestContext,
  stack: Stack,
  plan: Plan,
  options: {kind: 'CREATE' | 'UPDATE'; token?: string | undefined; disableRollback: boolean; host: string},
): Promise<boolean> {
  const request = providerRequest(ctx, options.host)
  const token = options.token
  const previous = {
    template: stack.template,
    templateBody: stack.templateBody,
    parameters: stack.parameters,
    capabilities: stack.capabilities,
    order: stack.order,
  }
  const base = baseScope(ctx, plan.template, plan.parameters, stack)
  const applied: Applied[] = []
  let failed: {id: string; verb: string} | undefined
  let order: string[] = []
  let conditions = new Map<string, boolean>()
  const scope = (): Scope => ({
    ...base,
    conditions,
    ref: (id) => {
      const resource = stack.resources.get(id)
      if (resource?.physicalId === undefined) throw templateError(`resource ${id} has no physical id yet.`)
      return resource.physicalId
    },
    getAtt: (id, attribute) => {
      checkAttribute(plan.template, id, attribute)
      const value = stack.resources.get(id)?.attributes[attribute]
      if (value === undefined) throw templateError(`resource ${id} has no attribute ${attribute}.`)
      return value
    },
  })
  try {
    conditions = evaluateConditions(plan.template, base)
    order = dependencyOrder(plan.template, conditions).order
  } catch (error) {
    failed = {id: stack.name, verb: options.kind === 'CREATE' ? 'create' : 'update'}
    stack.statusReason = failureReason(error)
  }

  for (const id of failed ? [] : order) {
    const declaration = plan.template.Resources[id] as Template['Resources'][string]
    const type = declaration.Type
    const provider = PROVIDERS[type]
    const before = stack.resources.get(id)
    const existed = before?.physicalId !== undefined && before.status !== 'DELETE_COMPLETE'
    const pc: ProviderContext = {request, stackName: stack.name, logicalId: id}
    let properties: Record<string, unknown> = {}
    let mode: 'create' | 'replace' | 'update' = 'create'
    try {
      properties = evaluate(declaration.Properties ?? {}, scope()) as Record<string, unknown>
      if (existed && before) {
        const keys = before.type === type ? changedProperties(before.properties, properties) : ['*']
        if (keys.length === 0) continue
        mode = keys.some((key) => before.type !== type || requiresReplacement(type, key)) ? 'replace' : 'update'
      }
    } catch (error) {
      if (isClosing(error, ctx)) throw error
      failed = {id, verb: existed ? 'update' : 'create'}
      emit(
        ctx,
        stack,
        {
          logicalId: id,
          physicalId: before?.physicalId,
          type,
          status: existed ? 'UPDATE_FAILED' : 'CREATE_FAILED',
          reason: failureReason(error),
        },
        token,
      )
      break
    }
    const verb = mode === 'create' ? 'CREATE' : 'UPDATE'
    const state: ResourceState = {
      logicalId: id,
      type,
      status: `${verb}_IN_PROGRESS`,
      updated: ctx.state.now(),
      properties,
      attributes: {},
      ...(mode === 'update' && before?.physicalId !== undefined ? {physicalId: before.physicalId} : {}),
    }
    emit(
      ctx,
      stack,
      {
        logicalId: id,
        physicalId: mode === 'create' ? undefined : before?.physicalId,
        type,
        status: state.status,
        reason:
          mode === 'replace'
            ? 'Requested update requires the creation of a new physical resource; hence creating one.'
            : undefined,
      },
      token,
    )
    try {
      await pace(ctx)
      if (!provider) throw new Error(unsupportedType(type))
      if (mode === 'replace' && provider.nameProperty && properties[provider.nameProperty] !== undefined) {
        if (before && isDeepStrictEqual(before.properties[provider.nameProperty], properties[provider.nameProperty])) {
          throw new Error(
            `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(properties[provider.nameProperty])} and update the stack again.`,
          )
        }
      }
      let result: ResourceResult
      if (mode === 'update' && before?.physicalId !== undefined && provider.update) {
        result = await provider.update(
          {physicalId: before.physicalId, attributes: before.attributes},
          properties,
          before.properties,
          pc,
        )
      } else {
        result = await provider.create(properties, pc)
        if (mode === 'create' || mode === 'replace') {
          emit(
            ctx,
            stack,
            {
              logicalId: id,
              physicalId: result.physicalId,
              type,
              status: `${verb}_IN_PROGRESS`,
              reason: 'Resource creation Initiated',
            },
            token,
          )
        }
      }
      state.physicalId = result.physicalId
      state.attributes = result.attributes
      await pace(ctx)
      state.status = `${verb}_COMPLETE`
      state.updated = ctx.state.now()
      stack.resources.set(id, state)
      applied.push({
        logicalId: id,
        ...(existed && before ? {before} : {}),
        ...(mode !== 'update' ? {created: state} : {}),
      })
      emit(ctx, stack, {logicalId: id, physicalId: state.physicalId, type, status: state.status}, token)
    } catch (error) {
      if (isClosing(error, ctx)) throw error
      failed = {id, verb: mode === 'create' ? 'create' : 'update'}
      const reason = failureReason(error)
      if (mode === 'create') {
        state.status = 'CREATE_FAILED'
        state.statusReason = reason
        state.updated = ctx.state.now()
        stack.resources.set(id, state)
      }
      emit(
        ctx,
        stack,
        {
          logicalId: id,
          physicalId: mode === 'create' ? undefined : before?.physicalId,
          type,
          status: `${verb}_FAILED`,
          reason,
        },
        token,
      )
      break
    }
  }

  let outputs: StackOutput[] = []
  if (!failed) {
    try {
      outputs = outputsOf(plan.template, scope())
    } catch (error) {
      failed = {id: stack.name, verb: options.kind === 'CREATE' ? 'create' : 'update'}
      stack.statusReason = failureReason(error)
    }
  }

  if (!failed) {
    stack.template = plan.template
    stack.templateBody = plan.templateBody
    stack.parameters = plan.parameters
    stack.capabilities = plan.capabilities
    stack.outputs = outputs
    stack.order = order
    registerExports(ctx, stack)
    if (options.kind === 'CREATE') {
      setStackStatus(ctx, stack, 'CREATE_COMPLETE', undefined, token)
      return true
    }
    stack.updated = ctx.state.now()
    setStackStatus(ctx, stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, token)
    // Cleanup: the old copies of replaced resources and the resources no longer in the template, in
    // the reverse of the previous template's dependency order (dependents first: an old log delivery
    // goes before the old destination it uses, which AWS refuses to delete while a delivery uses it).
    const replaced = new Map(
      applied.filter((a) => a.created && a.before).map((a) => [a.logicalId, a.before as ResourceState]),
    )
    const doomed: ResourceState[] = []
    for (const id of [...(previous.order ?? [])].reverse()) {
      const old = replaced.get(id)
      if (old) {
        doomed.push(old)
        replaced.delete(id)
      }
      const resource = stack.resources.get(id)
      if (resource && !order.includes(id)) doomed.push(resource)
    }
    doomed.push(...[...replaced.values()].reverse())
    for (const resource of doomed) {
      const ok = await deleteResource(ctx, request, stack, resource, token)
      if (!order.includes(resource.logicalId) && ok) stack.resources.delete(resource.logicalId)
    }
    setStackStatus(ctx, stack, 'UPDATE_COMPLETE', undefined, token)
    return true
  }

  const failedList =
    failed.id === stack.name ? '' : `The following resource(s) failed to ${failed.verb}: [${failed.id}]. `
  const reason = failedList
    ? `${failedList}${options.kind === 'CREATE' ? 'Rollback requested by user.' : ''}`.trim()
    : (stack.statusReason ?? 'Stack operation failed.')
  if (options.disableRollback) {
    setStackStatus(ctx, stack, options.kind === 'CREATE' ? 'CREATE_FAILED' : 'UPDATE_FAILED', reason, token)
    return false
  }
  if (options.kind === 'CREATE') {
    setStackStatus(ctx, stack, 'ROLLBACK_IN_PROGRESS', reason, token)
    let ok = true
    for (const id of [...stack.resources.keys()].reverse()) {
      const resource = stack.resources.get(id) as ResourceState
      ok = (await deleteResource(ctx, request, stack, resource, token)) && ok
    }
    setStackStatus(ctx, stack, ok ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED', reason, token)
    return false
  }

  setStackStatus(ctx, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason, token)
  let ok = true
  // Put back what this deploy changed, newest first: in-place updates are reverted, replaced
  // resources point at their old physical resource again, added ones are dropped.
  for (const step of [...applied].reverse()) {
    const id = step.logicalId
    if (step.before && !step.created) {
      const provider = PROVIDERS[step.before.type]
      const current = stack.resources.get(id) as ResourceState
      emit(
        ctx,
        stack,
        {logicalId: id, physicalId: current.physicalId, type: current.type, status: 'UPDATE_IN_PROGRESS'},
        token,
      )
      try {
        await pace(ctx)
        if (provider?.update && step.before.physicalId !== undefined) {
          await provider.update(
            {physicalId: step.before.physicalId, attributes: step.before.attributes},
            step.before.properties,
            current.properties,
            {request, stackName: stack.name, logicalId: id},
          )
        }
        stack.resources.set(id, {...step.before, status: 'UPDATE_COMPLETE', updated: ctx.state.now()})
        emit(
          ctx,
          stack,
          {logicalId: id, physicalId: step.before.physicalId, type: step.before.type, status: 'UPDATE_COMPLETE'},
          token,
        )
      } catch (error) {
        if (isClosing(error, ctx)) throw error
        ok = false
        emit(
          ctx,
          stack,
          {
            logicalId: id,
            physicalId: current.physicalId,
            type: current.type,
            status: 'UPDATE_FAILED',
            reason: failureReason(error),
          },
          token,
        )
      }
    } else if (step.before) {
      stack.resources.set(id, step.before)
    } else {
      stack.resources.delete(id)
    }
  }
  const failedResource = stack.resources.get(failed.id)
  if (failedResource && failedResource.status === 'CREATE_FAILED') stack.resources.delete(failed.id)
  if (previous.template) stack.template = previous.template
  if (previous.templateBody !== undefined) stack.templateBody = previous.templateBody
  stack.parameters = previous.parameters
  stack.capabilities = previous.capabilities
  stack.order = previous.order
  setStackStatus(ctx, stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', undefined, token)
  for (const step of [...applied].reverse()) {
    if (step.created) ok = (await deleteResource(ctx, request, stack, step.created, token)) && ok
  }
  setStackStatus(ctx, stack, ok ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED', undefined, token)
  return false
}

/** Delete one physical resource with its events; false when the provider failed. */
async function deleteResource(
  ctx: RequestContext,
  request: RequestContext,
  stack: Stack,
  resource: ResourceState,
  token: string | undefined,
): Promise<boolean> {
  const {logicalId, type} = resource
  if (resource.status === 'DELETE_COMPLETE') return true
  if (resource.physicalId === undefined) {
    // Never created (its create failed): nothing to delete, but CloudFormation still reports it.
    resource.status = 'DELETE_COMPLETE'
    resource.updated = ctx.state.now()
    emit(ctx, stack, {logicalId, type, status: 'DELETE_COMPLETE'}, token)
    return true
  }
  emit(ctx, stack, {logicalId, physicalId: resource.physicalId, type, status: 'DELETE_IN_PROGRESS'}, token)
  try {
    await pace(ctx)
    const provider = PROVIDERS[type]
    if (provider) {
      await provider.delete({physicalId: resource.physicalId, attributes: resource.attributes}, resource.properties, {
        request,
        stackName: stack.name,
        logicalId,
      })
    }
    resource.status = 'DELETE_COMPLETE'
    delete resource.statusReason
    resource.updated = ctx.state.now()
    emit(ctx, stack, {logicalId, physicalId: resource.physicalId, type, status: 'DELETE_COMPLETE'}, token)
    return true
  } catch (error) {
    if (isClosing(error, ctx)) throw error
    resource.status = 'DELETE_FAILED'
    resource.statusReason = failureReason(error)
    emit(
      ctx,
      stack,
      {logicalId, physicalId: resource.physicalId, type, status: 'DELETE_FAILED', reason: resource.statusReason},
      token,
    )
    return false
  }
}

/** Delete every resource of a stack (dependents first) and mark it DELETE_COMPLETE or DELETE_FAILED. */
export async function deleteStack(ctx: RequestContext, stack: Stack, token?: string): Promise<void> {
  if (stack.status === 'DELETE_COMPLETE') return
  setStackStatus(ctx, stack, 'DELETE_IN_PROGRESS', 'User Initiated', token)
  const request = providerRequest(ctx, stack.host)
  const ids = [...new Set([...stack.order, ...stack.resources.keys()])].reverse()
  const failed: string[] = []
  for (const id of ids) {
    const resource = stack.resources.get(id)
    if (resource && !(await deleteResource(ctx, request, stack, resource, token))) failed.push(id)
  }
  if (failed.length > 0) {
    setStackStatus(
      ctx,
      stack,
      'DELETE_FAILED',
      `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
      token,
    )
    return
  }
  const store = cloudFormationStore(ctx)
  for (const [name, entry] of store.exports) if (entry.stackId === stack.id) store.exports.delete(name)
  stack.deleted = ctx.state.now()
  stack.changeSets.clear()
  setStackStatus(ctx, stack, 'DELETE_COMPLETE', undefined, token)
}

function registerExports(ctx: RequestContext, stack: Stack): void {
  const store = cloudFormationStore(ctx)
  for (const [name, entry] of store.exports) if (entry.stackId === stack.id) store.exports.delete(name)
  for (const output of stack.outputs) {
    if (output.ExportName !== undefined)
      store.exports.set(output.ExportName, {stackId: stack.id, value: output.OutputValue})
  }
}

/**
 * Run stack work in the background after whatever the stack is already doing, so a DeleteStack
 * sent during a deploy waits for it. Tracked so closing the sandbox waits for it to stop.
 */
export function runInBackground(ctx: RequestContext, stack: Stack, work: () => Promise<unknown>): void {
  const task: Promise<void> = (stack.busy ?? Promise.resolve())
    .then(work)
    .then(
      () => undefined,
      (error: unknown) => {
        if (!isClosing(error, ctx)) {
          ctx.state.options.log(
            `cloudformation: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          )
        }
      },
    )
    .then(() => {
      if (stack.busy === task) delete stack.busy
    })
  stack.busy = task
  ctx.state.track(task)
}
