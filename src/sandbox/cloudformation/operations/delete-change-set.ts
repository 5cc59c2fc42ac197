import type {Operation} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'

import {findChangeSet} from './change-set-view.js'

export const deleteChangeSet: Operation = (input, ctx) => {
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
