import type {Operation} from '../../protocol/context.js'

import {changeSetSummary} from './change-set-view.js'
import {requiredString, requireStack} from './shared.js'

export const listChangeSets: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  return {Summaries: [...stack.changeSets.values()].map((cs) => changeSetSummary(ctx, cs))}
}
