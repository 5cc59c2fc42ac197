/**
 * The oclif edge of `trace`: EVENT_ID and the flags checked, the log group located (src/wiring), Ctrl-C,
 * the live view or the printed journey; services/trace.ts looks the event up or follows it.
 */
import {parseSince} from '../core/dlq-filter.js'
import {UsageError} from '../core/errors.js'
import {type EventJourney, journeyLines} from '../core/event-journey.js'
import {type TraceEnd, traceEvent} from '../services/trace.js'
import {busLogRecords, type LocatedBusLogs, locateStackBusLogs} from '../wiring/bus-logs.js'
import type {CommandHost} from './base-command.js'
import {resolveStack} from './dlq-flags.js'
import {parseTimeout} from './put-wait.js'

/** What `trace --json` prints: the journey, plus where it was read and how the lookup ended. */
export type TraceJson = EventJourney & {
  logGroupName: string
  stack: string | undefined
  end: TraceEnd
  polls: number
  waitedMs: number
}

/** EventBridge event ids are UUIDs (PutEvents' EventId, the envelope's `id`). */
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Check EVENT_ID; throws UsageError (exit 2) with where to find a real one. */
export function checkEventId(value: string): string {
  const id = value.trim()
  if (EVENT_ID.test(id)) return id.toLowerCase()
  throw new UsageError(`${JSON.stringify(value)} isn't an EventBridge event id.`, {
    code: 'EB_BAD_EVENT_ID',
    hints: [
      'Event ids are UUIDs such as 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a.',
      '`momento-eb put …` prints the id of the event it publishes; `momento-eb dlq list --json` shows it as event.id.',
    ],
  })
}

/** The trace from EVENT_ID and the flags; `suggest` gives notes that name a command this run's context. */
export async function traceFromFlags(
  host: CommandHost,
  eventIdArg: string,
  flags: {
    stack?: string | undefined
    'log-group'?: string | undefined
    follow: boolean
    timeout?: string | undefined
    since?: string | undefined
  },
  suggest: (text: string) => string,
): Promise<TraceJson> {
  const eventId = checkEventId(eventIdArg)
  const now = Date.now()
  const sinceMs = parseSince(flags.since ?? '24h', now) ?? now - 86_400_000
  const timeoutMs = parseTimeout(flags.timeout ?? '2m')
  const logGroup = flags['log-group']
  if (logGroup !== undefined && logGroup.trim() === '') {
    throw new UsageError('--log-group is empty.', {
      hints: ['Give the log group name, or leave it out to use the stack.'],
    })
  }
  const stack = logGroup ? '' : resolveStack(flags.stack, process.env, host.savedConfig)
  const options = {sandboxUrl: host.ctx.sandboxUrl}
  const located = await locateStackBusLogs(host.ctx, {logGroupName: logGroup, stack}, options)
  host.ctx.verbose(
    `Bus logs: ${located.logGroupName} (${located.source === 'flag' ? '--log-group' : `stack ${stack}`})`,
  )

  const controller = new AbortController()
  let interrupts = 0
  const onSignal = () => {
    // A second Ctrl-C doesn't wait for the call in flight.
    if (++interrupts > 1) process.exit(130)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const follow = flags.follow
  const live = host.ctx.output.interactive && !host.jsonEnabled()
  const view = live
    ? (await import('../ui/trace/render.js')).startTraceView({
        eventId,
        source: sourceText(located),
        following: follow,
        timeoutMs: follow ? timeoutMs : undefined,
        color: host.ctx.output.color,
      })
    : undefined
  if (!live && follow && !host.jsonEnabled()) {
    host.logToStderr(
      `Following event ${eventId} in ${located.logGroupName} for up to ${Math.round(timeoutMs / 1000)}s…`,
    )
  }
  let result
  try {
    result = await traceEvent(
      {fetchRecords: busLogRecords(host.ctx, located.logGroupName, options)},
      {
        eventId,
        sinceMs,
        follow,
        timeoutMs,
        level: located.level,
        signal: controller.signal,
        onUpdate: (journey) => view?.update(journey),
      },
    )
  } catch (error) {
    await view?.stop()
    throw error
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  // Notes that name a command (`momento-eb deploy --logs error`) carry this run's context, in JSON too.
  const journey = {...result.journey, notes: result.journey.notes.map((note) => suggest(note))}
  if (view) await view.finish(result.end, journey)
  else if (!host.jsonEnabled()) {
    for (const line of journeyLines(journey)) host.log(line)
    if (result.end === 'timed-out') host.logToStderr(`Not final after --timeout ${Math.round(timeoutMs / 1000)}s.`)
    if (result.end === 'aborted') host.logToStderr('Stopped (Ctrl-C).')
  }
  return {
    ...journey,
    logGroupName: located.logGroupName,
    stack: located.stack,
    end: result.end,
    polls: result.polls,
    waitedMs: result.waitedMs,
  }
}

function sourceText(located: LocatedBusLogs): string {
  const where = located.source === 'flag' ? '--log-group' : `stack ${located.stack}`
  const level = located.level ? `, level ${located.level}` : ''
  return `log group ${located.logGroupName} (${where})${level}`
}
