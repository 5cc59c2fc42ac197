import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'

import {applyPlan, deleteStack, runInBackground, setStackStatus} from '../engine.js'
import {cloudFormationStore, findStack} from '../store.js'
import {bool, buildPlan, checkName, newStack, requiredString, tagsOf} from './shared.js'

export const createStack: Operation = (input, ctx) => {
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
