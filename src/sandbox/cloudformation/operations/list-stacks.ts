import type {Operation} from '../../protocol/context.js'

import {cloudFormationStore} from '../store.js'
import {iso, list, page} from './shared.js'

export const listStacks: Operation = (input, ctx) => {
  const filter = list<string>(input['StackStatusFilter']).map(String)
  const stacks = [...cloudFormationStore(ctx).stacks]
    .reverse()
    .filter((s) => filter.length === 0 || filter.includes(s.status))
  const {items, NextToken} = page(stacks, input, 100)
  return {
    StackSummaries: items.map((s) => ({
      StackId: s.id,
      StackName: s.name,
      ...(s.description !== undefined ? {TemplateDescription: s.description} : {}),
      CreationTime: iso(s.created),
      ...(s.updated !== undefined ? {LastUpdatedTime: iso(s.updated)} : {}),
      ...(s.deleted !== undefined ? {DeletionTime: iso(s.deleted)} : {}),
      StackStatus: s.status,
      ...(s.statusReason !== undefined ? {StackStatusReason: s.statusReason} : {}),
    })),
    ...(NextToken ? {NextToken} : {}),
  }
}
