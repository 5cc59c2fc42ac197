/** The event bus's log group (CloudWatch Logs): where it is, and the records of an event in it. */
import {busLogFetcher, type LocatedBusLogs, locateBusLogs} from '../adapters/aws/bus-log-group.js'
import type {CallOptions} from '../adapters/aws/errors.js'
import {fetchBusLogRecords} from '../adapters/aws/logs.js'
import type {BusLogLookup} from '../services/dlq-bus-logs.js'
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

/**
 * CloudWatch Logs answers FilterLogEvents at most 5 times a second per account and Region, a hard
 * quota (AWS Knowledge Center, "cloudwatch-logs-throttling"): lookups start at least this far apart,
 * leaving room for other readers. A lookup may make more than one call (ids beyond one filter
 * pattern, result pages), so this paces lookups, not every call.
 */
export const LOOKUP_INTERVAL_MS = 250

/** Lookups of events' records in a log group, started at least LOOKUP_INTERVAL_MS apart. */
export function pacedLookup(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl' | 'usingSandbox'>,
  logGroupName: string,
): BusLogLookup {
  const callOptions = {sandboxUrl: ctx.usingSandbox ? ctx.sandboxUrl : undefined}
  let nextAt = 0
  return async ({eventIds, startTimeMs}) => {
    const wait = nextAt - Date.now()
    nextAt = Math.max(Date.now(), nextAt) + LOOKUP_INTERVAL_MS
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    return fetchBusLogRecords(ctx.aws, {logGroupName, eventIds, startTimeMs}, callOptions)
  }
}
