/**
 * Where a stack's event-bus logs are: the log group named by the stack output `BusLogGroupName`
 * and the level of the `BusLogLevel` parameter (src/core/stack-template-names.ts), read with one
 * DescribeStacks. A stack without them has no bus logs: the error says how to turn them on.
 */
import type {BusLogRecord, BusLogSetting} from '../../core/bus-log.js'
import {ConfigError, NotFoundError} from '../../core/errors.js'
import {OUTPUT, PARAM} from '../../core/stack-template-names.js'
import {fetchBusLogRecords} from './logs.js'
import type {AwsClients} from './clients.js'
import {describeStack, stackNotFoundError} from './cloudformation.js'
import type {CallOptions} from './errors.js'

/** A stack's (or --log-group's) event-bus log group. */
export interface LocatedBusLogs {
  logGroupName: string
  /** The configured level, when the stack says (BusLogLevel parameter); undefined with --log-group. */
  level: BusLogSetting | undefined
  source: 'flag' | 'stack-output'
  stack: string | undefined
}

const SETTINGS = new Set<string>(['ERROR', 'INFO', 'TRACE', 'OFF'])

/** How to turn the logs on, for every "no logs" message. */
export const ENABLE_LOGS_HINTS = [
  'Turn them on with `momento-eb deploy --logs error` (only failures are logged: a delivered event leaves no record).',
  'Or `momento-eb deploy --logs info` to see deliveries too (more log volume).',
] as const

/** "This stack has no event-bus logs": a ConfigError (exit 4) with how to turn them on. */
export function noBusLogsError(what: string, cause?: unknown): ConfigError {
  return new ConfigError(`${what}, so there is nothing to trace.`, {
    code: 'EB_NO_BUS_LOGS',
    hints: [...ENABLE_LOGS_HINTS, 'Or pass --log-group NAME if the logs go to a log group of your own.'],
    ...(cause === undefined ? {} : {cause}),
  })
}

/**
 * The event-bus log group: `logGroupName` as given, else the stack's `BusLogGroupName` output.
 * Throws NotFoundError for a missing stack and ConfigError (EB_NO_BUS_LOGS) for a stack without
 * logs (no output, or BusLogLevel OFF).
 */
export async function locateBusLogs(
  clients: AwsClients,
  input: {logGroupName?: string | undefined; stack: string},
  options: CallOptions = {},
): Promise<LocatedBusLogs> {
  if (input.logGroupName) return {logGroupName: input.logGroupName, level: undefined, source: 'flag', stack: undefined}
  const {stack} = input
  const found = await describeStack(clients, stack, {...options, action: `Can't read stack ${stack}`})
  if (!found) throw stackNotFoundError(clients, stack, 'Or pass --log-group with the event-bus log group directly.')
  const output = found.outputs[OUTPUT.logGroupName]
  const raw = found.parameters[PARAM.logLevel]?.toUpperCase()
  const level = raw !== undefined && SETTINGS.has(raw) ? (raw as BusLogSetting) : undefined
  if (level === 'OFF')
    throw noBusLogsError(`Stack ${stack} deploys its event bus with logs off (${PARAM.logLevel}=OFF)`)
  if (!output) throw noBusLogsError(`Stack ${stack} has no event-bus logs (no ${OUTPUT.logGroupName} output)`)
  return {logGroupName: output, level, source: 'stack-output', stack}
}

/**
 * `fetchRecords` for the trace service: the records of one event in `logGroupName` (FilterLogEvents).
 * A missing log group (ResourceNotFoundException) becomes the "no logs" ConfigError.
 */
export function busLogFetcher(
  clients: AwsClients,
  logGroupName: string,
  options: CallOptions = {},
): (eventId: string, sinceMs: number) => Promise<BusLogRecord[]> {
  return async (eventId, sinceMs) => {
    try {
      const found = await fetchBusLogRecords(
        clients,
        {logGroupName, eventIds: [eventId], startTimeMs: sinceMs},
        options,
      )
      return found.get(eventId) ?? []
    } catch (error) {
      if (error instanceof NotFoundError) throw noBusLogsError(`Log group ${logGroupName} doesn't exist`, error)
      throw error
    }
  }
}
