/** A change set as the API shows it, and the lookup by name or ARN the change-set operations share. */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'
import {cloudFormationStore, findStack, type ChangeSet, type Stack} from '../store.js'
import {iso, requiredString, validation} from './shared.js'

export function findChangeSet(
  ctx: RequestContext,
  input: Record<string, unknown>,
): {stack: Stack; changeSet: ChangeSet} {
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
export function changeSetStatus(ctx: RequestContext, changeSet: ChangeSet) {
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

export function changeSetSummary(ctx: RequestContext, changeSet: ChangeSet) {
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
