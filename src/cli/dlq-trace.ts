/**
 * The `t` key of `dlq watch`: the journey of the selected message's event, from the stack's
 * event-bus logs (one lookup: a dead-lettered event's journey is already final).
 */
import {busLogFetcher, type LocatedBusLogs, locateBusLogs} from '../adapters/aws/bus-log-group.js'
import type {ConfigValues} from '../core/config.js'
import type {DlqRecord} from '../core/dlq.js'
import type {EventJourney} from '../core/event-journey.js'
import {traceEvent} from '../services/trace.js'
import type {CliContext} from './context.js'
import {resolveStack} from './dlq-flags.js'

/** EventBridge gives up on an event after 24 hours at most (MaximumEventAgeInSeconds). */
const MAX_EVENT_AGE_MS = 24 * 3_600_000

/** Where the event's records start: a minute before its time, else a day before it reached the DLQ. */
export function traceWindowStart(record: DlqRecord, now = Date.now()): number {
  const eventTime = record.event?.time ? Date.parse(record.event.time) : Number.NaN
  if (Number.isFinite(eventTime)) return eventTime - 60_000
  const sent = record.sentAt ? Date.parse(record.sentAt) : Number.NaN
  return (Number.isFinite(sent) ? sent : now) - MAX_EVENT_AGE_MS - 60_000
}

/**
 * A tracer for the watch view. The logs are located on first use (and again after a failure);
 * errors carry their first hint in the message, since the view shows one line.
 */
export function createDlqTracer(
  ctx: CliContext,
  flags: {stack?: string | undefined},
  config: ConfigValues,
): (record: DlqRecord, eventId: string) => Promise<EventJourney> {
  let located: Promise<LocatedBusLogs> | undefined
  return async (record, eventId) => {
    try {
      located ??= locateBusLogs(ctx.aws, {stack: resolveStack(flags.stack, process.env, config)}, ctx)
      const logs = await located
      const result = await traceEvent(
        {fetchRecords: busLogFetcher(ctx.aws, logs.logGroupName, ctx)},
        {eventId, sinceMs: traceWindowStart(record), level: logs.level},
      )
      return result.journey
    } catch (error) {
      located = undefined
      const e = error as {message?: string; hints?: readonly string[]}
      throw new Error([e.message ?? String(error), e.hints?.[0]].filter(Boolean).join(' '), {cause: error})
    }
  }
}
