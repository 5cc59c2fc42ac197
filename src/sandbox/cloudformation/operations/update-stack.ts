import type {Operation} from '../../protocol/context.js'

import {applyPlan, runInBackground, setStackStatus} from '../engine.js'
import {bool, buildPlan, requiredString, requireStack, tagsOf, updatable, validation} from './shared.js'

export const updateStack: Operation = (input, ctx) => {
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
