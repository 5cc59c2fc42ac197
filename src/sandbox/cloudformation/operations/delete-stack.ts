import type {Operation} from '../../protocol/context.js'

import {deleteStack, runInBackground} from '../engine.js'
import {cloudFormationStore, findStack} from '../store.js'
import {requiredString} from './shared.js'

export const deleteStackOperation: Operation = (input, ctx) => {
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
