import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'

import {setStackStatus} from '../engine.js'
import {MappingLookupError} from '../intrinsics.js'
import {cloudFormationStore, findStack, type ChangeSet, type Plan} from '../store.js'
import {TemplateRejectedError} from '../template.js'
import {buildPlan, checkName, list, newStack, requiredString, tagsOf, updatable, validation} from './shared.js'

/** How long a change set reads as CREATE_IN_PROGRESS, before `timeScale`. */
const CHANGE_SET_DELAY_MS = 200

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set."

export const createChangeSet: Operation = (input, ctx) => {
  // Presence, patterns, lengths and the ChangeSetType enum are checked by CLOUDFORMATION_RULES.
  const stackName = requiredString(input, 'StackName')
  const changeSetName = requiredString(input, 'ChangeSetName')
  // The model's StackNameOrId has no maximum length; a stack name still has 128 characters at most.
  checkName(stackName, 'stackName')
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
