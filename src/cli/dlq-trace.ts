/**
 * The `t` key of `dlq watch`: the journey of the selected message's event, from the event bus's
 * logs (one lookup: a dead-lettered event's journey is already final).
 */
import type {ConfigValues} from '../core/config.js'
import type {DlqRecord} from '../core/dlq.js'
import {UsageError} from '../core/errors.js'
import type {EventJourney} from '../core/event-journey.js'
import {OUTPUT} from '../core/stack-template-names.js'
import {traceEvent} from '../services/trace.js'
import {busLogRecords, type LocatedBusLogs, locateStackBusLogs} from '../wiring/bus-logs.js'
import type {LocatedQueue} from '../wiring/dlq.js'
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
 * A tracer for the watch view, reading the log the watch itself reads: `--log-group` when given,
 * else the located stack's BusLogGroupName output, else (a stack named by flag, env or config) the
 * stack's. With `--no-logs`, or `--queue-url` and neither `--log-group` nor `--stack`, there is no
 * log to read, and `t` says how to start the watch so that there is (it never guesses a stack the
 * queue may not belong to). The logs are located on first use (and again after a failure); errors
 * carry their first hint in the message, since the view shows one line.
 */
export function createDlqTracer(
  ctx: CliContext,
  flags: {
    stack?: string | undefined
    'queue-url'?: string | undefined
    logs?: boolean | undefined
    'log-group'?: string | undefined
  },
  config: ConfigValues,
  queue?: Pick<LocatedQueue, 'outputs' | 'stack'> | undefined,
): (record: DlqRecord, eventId: string) => Promise<EventJourney> {
  let located: Promise<LocatedBusLogs> | undefined
  const where = (): {logGroupName?: string | undefined; stack: string} => {
    if (flags.logs === false) {
      throw new UsageError("Tracing reads the event bus's logs, and this watch runs with --no-logs.", {
        hints: ['Quit and start it without --no-logs (or with --log-group NAME) to trace.'],
      })
    }
    const logGroupName = flags['log-group']?.trim() || queue?.outputs?.[OUTPUT.logGroupName] || undefined
    if (logGroupName) return {logGroupName, stack: ''}
    if (flags['queue-url'] !== undefined && flags.stack === undefined) {
      throw new UsageError("Tracing reads the event bus's logs, and this watch has only --queue-url to go on.", {
        hints: ['Quit and start it with --log-group NAME (or --stack NAME) as well to trace.'],
      })
    }
    return {stack: queue?.stack || resolveStack(flags.stack, process.env, config)}
  }
  return async (record, eventId) => {
    try {
      located ??= locateStackBusLogs(ctx, where(), ctx)
      const logs = await located
      const result = await traceEvent(
        {fetchRecords: busLogRecords(ctx, logs.logGroupName, ctx)},
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
