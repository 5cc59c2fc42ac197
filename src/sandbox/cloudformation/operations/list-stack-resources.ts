import type {Operation} from '../../protocol/context.js'

import {iso, page, requiredString, requireStack, resourcesOf} from './shared.js'

export const listStackResources: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  const {items, NextToken} = page(resourcesOf(stack), input, 100)
  return {
    StackResourceSummaries: items.map((r) => ({
      LogicalResourceId: r.logicalId,
      ...(r.physicalId !== undefined ? {PhysicalResourceId: r.physicalId} : {}),
      ResourceType: r.type,
      LastUpdatedTimestamp: iso(r.updated),
      ResourceStatus: r.status,
      ...(r.statusReason !== undefined ? {ResourceStatusReason: r.statusReason} : {}),
      DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
    })),
    ...(NextToken ? {NextToken} : {}),
  }
}
