/**
 * `put … --wait --trace`: after the wait, the journey of the event just published, from the
 * stack's event-bus logs (as `momento-eb trace` shows it). The logs are located before publishing;
 * a stack without logs only adds a note (the put and its wait don't fail for it).
 */
import {Flags} from '@oclif/core'

import type {ConfigValues} from '../core/config.js'
import {type EventJourney, journeyLines} from '../core/event-journey.js'
import type {WaitReport} from '../services/put-wait.js'
import {traceEvent} from '../services/trace.js'
import {busLogRecords, type LocatedBusLogs, locateStackBusLogs} from '../wiring/bus-logs.js'
import type {CliContext} from './context.js'
import {resolveStack} from './dlq-flags.js'

/** `--trace`, with `--wait`. */
export const putTraceFlag = {
  trace: Flags.boolean({
    summary:
      "With --wait: then show the event's journey from the stack's event-bus logs (attempts, HTTP statuses), as `trace` does.",
    helpGroup: 'WAIT',
    dependsOn: ['wait'],
  }),
}

/** How long --trace keeps reading the logs after the wait, for records that arrive late. */
export const PUT_TRACE_FOLLOW_MS = 10_000

interface TraceCommand {
  ctx: CliContext
  savedConfig: ConfigValues
  jsonEnabled(): boolean
  logToStderr(line: string): void
}

/** Where the logs are, or why there are none (said as a note). */
export type PreparedPutTrace = {located: LocatedBusLogs} | {unavailable: string}

/** Locate the stack's bus logs before publishing. Never throws: a problem becomes the note. */
export async function preparePutTrace(
  command: TraceCommand,
  flags: {stack?: string | undefined},
): Promise<PreparedPutTrace> {
  try {
    const stack = resolveStack(flags.stack, process.env, command.savedConfig)
    return {located: await locateStackBusLogs(command.ctx, {stack}, {sandboxUrl: command.ctx.sandboxUrl})}
  } catch (error) {
    const e = error as {message?: string; hints?: readonly string[]}
    return {unavailable: [e.message ?? String(error), ...(e.hints ?? []).slice(0, 1)].join(' ')}
  }
}

/**
 * Trace the published event after the wait: follow the logs up to PUT_TRACE_FOLLOW_MS for a final
 * state, except for a delivered event on a bus that logs only errors (it leaves no record: one
 * lookup says so). Prints the journey on stderr unless --json; returns it (undefined without logs).
 */
export async function runPutTrace(
  command: TraceCommand,
  prepared: PreparedPutTrace,
  eventId: string,
  publishedAtMs: number,
  report: WaitReport,
): Promise<EventJourney | undefined> {
  if ('unavailable' in prepared) {
    report.notes.push(`--trace: ${prepared.unavailable}`)
    if (!command.jsonEnabled()) command.logToStderr(`Trace: ${prepared.unavailable}`)
    return undefined
  }
  const {located} = prepared
  const errorsOnly = located.level === undefined || located.level === 'ERROR'
  try {
    const result = await traceEvent(
      {fetchRecords: busLogRecords(command.ctx, located.logGroupName, {sandboxUrl: command.ctx.sandboxUrl})},
      {
        eventId,
        // A minute of slack for clock skew between this machine and AWS.
        sinceMs: publishedAtMs - 60_000,
        follow: !(report.outcome === 'delivered' && errorsOnly),
        timeoutMs: PUT_TRACE_FOLLOW_MS,
        level: located.level,
      },
    )
    if (!command.jsonEnabled()) for (const line of journeyLines(result.journey)) command.logToStderr(line)
    return result.journey
  } catch (error) {
    const message = `--trace: can't read the event bus's logs (${(error as Error).message.split('\n')[0]})`
    report.notes.push(message)
    if (!command.jsonEnabled()) command.logToStderr(message)
    return undefined
  }
}
