/** The event bus's log group (CloudWatch Logs): where it is, and the records of an event in it. */
import {busLogFetcher, type LocatedBusLogs, locateBusLogs} from '../adapters/aws/bus-log-group.js'
import type {CallOptions} from '../adapters/aws/errors.js'
import type {WiringContext} from './context.js'

export type {LocatedBusLogs} from '../adapters/aws/bus-log-group.js'

/** The log group: `logGroupName` when given, else the stack's BusLogGroupName output, with its level. */
export function locateStackBusLogs(
  ctx: Pick<WiringContext, 'aws'>,
  where: {logGroupName?: string | undefined; stack: string},
  options: CallOptions,
): Promise<LocatedBusLogs> {
  return locateBusLogs(ctx.aws, where, options)
}

/** The records of one event in a log group since a time (the `fetchRecords` port of services/trace.ts). */
export function busLogRecords(ctx: Pick<WiringContext, 'aws'>, logGroupName: string, options: CallOptions) {
  return busLogFetcher(ctx.aws, logGroupName, options)
}
