import type {Operation} from '../../protocol/context.js'

import {changeSetStatus, changeSetSummary, findChangeSet} from './change-set-view.js'
import {shownParameters} from './shared.js'

export const describeChangeSet: Operation = (input, ctx) => {
  const {changeSet} = findChangeSet(ctx, input)
  const status = changeSetStatus(ctx, changeSet)
  const ready = status.Status !== 'CREATE_IN_PROGRESS' && status.Status !== 'CREATE_PENDING'
  return {
    ...changeSetSummary(ctx, changeSet),
    Parameters: changeSet.plan ? shownParameters(changeSet.plan.parameters) : [],
    NotificationARNs: changeSet.notificationArns,
    Capabilities: changeSet.plan?.capabilities ?? [],
    Tags: changeSet.tags,
    Changes: ready ? (changeSet.plan?.changes ?? []).map((change) => ({Type: 'Resource', ResourceChange: change})) : [],
    ...(changeSet.onStackFailure ? {OnStackFailure: changeSet.onStackFailure} : {}),
  }
}
