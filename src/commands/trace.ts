import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {resolveStack} from '../cli/dlq-flags.js'
import {parseTimeout} from '../cli/put-wait.js'
import {parseSince} from '../core/dlq-filter.js'
import {UsageError} from '../core/errors.js'
import {type EventJourney, journeyLines} from '../core/event-journey.js'
import {exitCodeOfTrace, type TraceEnd, traceEvent} from '../services/trace.js'
import {busLogRecords, type LocatedBusLogs, locateStackBusLogs} from '../wiring/bus-logs.js'

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

export default class Trace extends BaseCommand<typeof Trace> {
  static override summary = "Show one event's journey from the event bus's logs: attempts, statuses, outcome"
  static override description =
    "Reads the records EventBridge wrote for the event into the stack's event-bus log group (stack output " +
    'BusLogGroupName, or --log-group): accepted, matched rule(s), every attempt of every target invocation (time, ' +
    "HTTP status, Momento's message, duration, the wait before the next), throttles, and the outcome: delivered, " +
    'dead-lettered (with the decoded reason), dropped, or still in flight. With --follow it polls (every 1 s, backing ' +
    'off to 5 s) until the event reaches a final state or --timeout passes; on a terminal the timeline updates live.\n\n' +
    'At the default log level (ERROR) only failures are logged: a delivered event leaves no record, so "no record" ' +
    'proves nothing. Deploy with `--logs info` to see deliveries too. Logging is best effort and records can arrive ' +
    'late and out of order; the journey says which steps are missing.\n\n' +
    'Exit codes: 0 delivered; 1 failed (dead-lettered, dropped, rejected, or matched by no rule); 8 not final (still ' +
    'in flight, or no record) when the lookup or --timeout ends; 4 when the stack has no event-bus logs; 130 on Ctrl-C.'
  static override examples = [
    '<%= config.bin %> trace 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a',
    '<%= config.bin %> trace 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a --follow --timeout 5m',
    '<%= config.bin %> trace 6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a --since 7d --json',
  ]
  static override args = {
    eventId: Args.string({
      name: 'EVENT_ID',
      description: 'The event id (a UUID): what `put` prints, or event.id in `dlq list --json`.',
      required: true,
    }),
  }
  static override flags = {
    stack: Flags.string({
      summary:
        'Stack whose event-bus logs to read. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.',
    }),
    'log-group': Flags.string({summary: 'Read this CloudWatch Logs log group (skips the stack lookup).'}),
    follow: Flags.boolean({char: 'f', summary: 'Poll until the event reaches a final state (or --timeout).'}),
    timeout: Flags.string({summary: 'How long --follow polls: a duration (30s, 5m) or seconds. Default 2m.'}),
    since: Flags.string({
      summary:
        "How far back to search: a duration (1h, 7d) or an ISO time. Default 24h (the logs' retention bounds it).",
    }),
  }
  /** Ctrl-C stops the polling and prints the journey so far (exit 130). */
  static override exitOnInterrupt = false

  protected override exitCodeFor(result: TraceJson): number {
    return exitCodeOfTrace(result.end, result)
  }

  public async run(): Promise<TraceJson> {
    const eventId = checkEventId(this.args.eventId)
    const now = Date.now()
    const sinceMs = parseSince(this.flags.since ?? '24h', now) ?? now - 86_400_000
    const timeoutMs = parseTimeout(this.flags.timeout ?? '2m')
    const logGroup = this.flags['log-group']
    if (logGroup !== undefined && logGroup.trim() === '') {
      throw new UsageError('--log-group is empty.', {
        hints: ['Give the log group name, or leave it out to use the stack.'],
      })
    }
    const stack = logGroup ? '' : resolveStack(this.flags.stack, process.env, this.savedConfig)
    const options = {sandboxUrl: this.ctx.sandboxUrl}
    const located = await locateStackBusLogs(this.ctx, {logGroupName: logGroup, stack}, options)
    this.ctx.verbose(
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

    const follow = this.flags.follow
    const live = this.ctx.output.interactive && !this.jsonEnabled()
    const view = live
      ? (await import('../ui/trace/render.js')).startTraceView({
          eventId,
          source: sourceText(located),
          following: follow,
          timeoutMs: follow ? timeoutMs : undefined,
          color: this.ctx.output.color,
        })
      : undefined
    if (!live && follow && !this.jsonEnabled()) {
      this.logToStderr(
        `Following event ${eventId} in ${located.logGroupName} for up to ${Math.round(timeoutMs / 1000)}s…`,
      )
    }
    let result
    try {
      result = await traceEvent(
        {fetchRecords: busLogRecords(this.ctx, located.logGroupName, options)},
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
    const journey = {...result.journey, notes: result.journey.notes.map((note) => this.suggestions.text(note))}
    if (view) await view.finish(result.end, journey)
    else if (!this.jsonEnabled()) {
      for (const line of journeyLines(journey)) this.log(line)
      if (result.end === 'timed-out') this.logToStderr(`Not final after --timeout ${Math.round(timeoutMs / 1000)}s.`)
      if (result.end === 'aborted') this.logToStderr('Stopped (Ctrl-C).')
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
}

function sourceText(located: LocatedBusLogs): string {
  const where = located.source === 'flag' ? '--log-group' : `stack ${located.stack}`
  const level = located.level ? `, level ${located.level}` : ''
  return `log group ${located.logGroupName} (${where})${level}`
}
