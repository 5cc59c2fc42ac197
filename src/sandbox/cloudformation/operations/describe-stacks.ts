import type {Operation} from '../../protocol/context.js'

import {cloudFormationStore, type Stack} from '../store.js'
import {iso, requireStack, shownParameters} from './shared.js'

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

export const describeStacks: Operation = (input, ctx) => {
  const name = input['StackName']
  if (typeof name === 'string' && name !== '') return {Stacks: [stackView(requireStack(ctx, name))]}
  const stacks = cloudFormationStore(ctx).stacks.filter((s) => s.status !== 'DELETE_COMPLETE')
  return {Stacks: [...stacks].reverse().map(stackView)}
}
