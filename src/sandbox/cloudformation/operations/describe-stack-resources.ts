import type {Operation} from '../../protocol/context.js'

import {cloudFormationStore, type Stack} from '../store.js'
import {iso, requireStack, resourcesOf, validation} from './shared.js'

export const describeStackResources: Operation = (input, ctx) => {
  let stack: Stack | undefined
  const physicalId = input['PhysicalResourceId']
  if (typeof input['StackName'] === 'string' && input['StackName'] !== '') stack = requireStack(ctx, input['StackName'])
  else if (typeof physicalId === 'string') {
    stack = cloudFormationStore(ctx).stacks.find((s) => resourcesOf(s).some((r) => r.physicalId === physicalId))
    if (!stack) throw validation(`Stack for ${physicalId} does not exist`)
  } else {
    throw validation('Either StackName or PhysicalResourceId must be specified.')
  }
  const logicalId = input['LogicalResourceId']
  const found = stack
  return {
    StackResources: resourcesOf(found)
      .filter((r) => typeof logicalId !== 'string' || r.logicalId === logicalId)
      .map((r) => ({
        StackName: found.name,
        StackId: found.id,
        LogicalResourceId: r.logicalId,
        ...(r.physicalId !== undefined ? {PhysicalResourceId: r.physicalId} : {}),
        ResourceType: r.type,
        Timestamp: iso(r.updated),
        ResourceStatus: r.status,
        ...(r.statusReason !== undefined ? {ResourceStatusReason: r.statusReason} : {}),
        DriftInformation: {StackResourceDriftStatus: 'NOT_CHECKED'},
      })),
  }
}
