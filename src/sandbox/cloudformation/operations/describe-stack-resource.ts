import type {Operation} from '../../protocol/context.js'

import {iso, requiredString, requireStack, validation} from './shared.js'

export const describeStackResource: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  const logicalId = requiredString(input, 'LogicalResourceId')
  const r = stack.resources.get(logicalId)
  if (!r) throw validation(`Resource ${logicalId} does not exist for stack ${stack.name}`)
  return {
    StackResourceDetail: {
      StackName: stack.name,
      StackId: stack.id,
      LogicalResourceId: r.logicalId,
      ...(r.physicalId !== undefined ? {PhysicalResourceId: r.physicalId} : {}),
      ResourceType: r.type,
      LastUpdatedTimestamp: iso(r.updated),
      ResourceStatus: r.status,
      ...(r.statusReason !== undefined ? {ResourceStatusReason: r.statusReason} : {}),
      Metadata: JSON.stringify(stack.template?.Resources[logicalId]?.Metadata ?? {}),
      DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
    },
  }
}
