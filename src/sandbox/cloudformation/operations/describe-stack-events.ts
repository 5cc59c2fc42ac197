import type {Operation} from '../../protocol/context.js'

import {iso, page, requiredString, requireStack} from './shared.js'

/** Events per DescribeStackEvents page, as AWS pages them. */
export const EVENTS_PAGE_SIZE = 100

export const describeStackEvents: Operation = (input, ctx) => {
  const stack = requireStack(ctx, requiredString(input, 'StackName'))
  const newestFirst = [...stack.events].reverse()
  const {items, NextToken} = page(newestFirst, input, EVENTS_PAGE_SIZE)
  return {
    StackEvents: items.map(({timestamp, ...event}) => ({...event, Timestamp: iso(timestamp)})),
    ...(NextToken ? {NextToken} : {}),
  }
}
