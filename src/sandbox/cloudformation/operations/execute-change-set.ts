import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'

import {applyPlan, deleteStack, runInBackground, setStackStatus} from '../engine.js'
import {changeSetStatus, findChangeSet} from './change-set-view.js'
import {bool, updatable} from './shared.js'

export const executeChangeSet: Operation = (input, ctx) => {
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
