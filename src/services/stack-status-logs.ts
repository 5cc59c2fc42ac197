/**
 * The event-bus logs part of `momento-eb status`: what is configured where (the bus's LogConfig, set
 * on the bus; the log group, its retention and the deliveries, owned by the stack) and what to do
 * when logging is off or half set up. Never prints.
 */
import type {BusLogSetting} from '../core/bus-log.js'
import {formatBusLogConfig, type BusLogConfig, type BusLogDetail} from '../core/bus-log-settings.js'
import type {StackInfo} from '../core/stack-plan.js'
import {OUTPUT, PARAM} from '../core/stack-template-names.js'

/** What status reads about logs (adapters/aws/logs.ts inspectBusLogDelivery). */
export interface BusLogStatusPort {
  get(bus: string): Promise<BusLogConfig | undefined>
  inspect(
    busArn: string,
    logGroupName: string | undefined,
  ): Promise<{logGroupExists: boolean | null; retentionDays: number | null; deliveredLogTypes: string[] | null}>
}

/** The `logs` section of `status --json`. */
export interface LogsStatus {
  bus: string
  /** On the bus (UpdateEventBus sets it; not part of the stack). */
  busLevel: BusLogSetting
  busDetail: BusLogDetail
  /** What the stack asks for (its BusLogLevel / BusLogIncludeDetail parameters). */
  stackLevel: string | null
  stackDetail: string | null
  /** The stack's log group (BusLogGroupName output) and what CloudWatch Logs says of it. */
  logGroup: string | null
  logGroupExists: boolean | null
  retentionDays: number | null
  /** Log types delivered from the bus to that log group (null: couldn't be read). */
  deliveredLogTypes: string[] | null
}

type Add = (severity: 'error' | 'warning', resource: string | null, problem: string, fix: string) => void

/** Read the logs setup of a stack's bus and add what is wrong to the problems. */
export async function logsStatus(
  stack: StackInfo,
  port: BusLogStatusPort,
  busArn: string | undefined,
  add: Add,
): Promise<LogsStatus | null> {
  const bus = stack.parameters[PARAM.eventBus] ?? stack.outputs[OUTPUT.eventBus]
  if (!bus) return null
  let config: BusLogConfig | undefined
  try {
    config = await port.get(bus)
  } catch {
    return null
  }
  const logGroup = stack.outputs[OUTPUT.logGroupName] ?? null
  const arn = busArn ?? `arn:aws:events:::event-bus/${bus}`
  const view = await port.inspect(arn, logGroup ?? undefined)
  const status: LogsStatus = {
    bus,
    busLevel: config?.level ?? 'OFF',
    busDetail: config?.detail ?? 'NONE',
    stackLevel: stack.parameters[PARAM.logLevel] ?? null,
    stackDetail: stack.parameters[PARAM.logDetail] ?? null,
    logGroup,
    ...view,
  }
  const on = status.busLevel !== 'OFF'
  if (status.stackLevel === null || status.stackLevel === 'OFF') {
    if (!on)
      add(
        'warning',
        bus,
        'Event-bus logs are off: `trace` and the DLQ decoder can’t see each attempt’s HTTP status and Momento’s answer.',
        'Turn them on with `momento-eb deploy --logs error` (failures only, cheap; info or trace log more).',
      )
    return status
  }
  if (logGroup !== null && status.logGroupExists === false) {
    add(
      'error',
      logGroup,
      `The stack’s log group ${logGroup} no longer exists: the bus’s logs go nowhere.`,
      'Run `momento-eb deploy` to recreate it.',
    )
  }
  if (status.deliveredLogTypes !== null && status.deliveredLogTypes.length === 0) {
    add(
      'error',
      bus,
      `Nothing delivers the logs of bus ${bus} to ${logGroup ?? 'the stack’s log group'}.`,
      'Run `momento-eb deploy` to restore the deliveries.',
    )
  }
  const wanted = `${status.stackLevel}/${status.stackDetail ?? 'NONE'}`
  if (`${status.busLevel}/${status.busDetail}` !== wanted) {
    add(
      'warning',
      bus,
      `Bus ${bus} logs at ${formatBusLogConfig(config)}, but the stack was deployed for ${status.stackLevel}${status.stackDetail === 'FULL' ? ' with full detail' : ''}.`,
      'Run `momento-eb deploy` to set the bus’s level again (or deploy with the --logs you want).',
    )
  }
  if (status.busDetail === 'FULL' && on) {
    add(
      'warning',
      bus,
      'The bus logs full event detail: cache values sit in the log group.',
      'Deploy with `--log-detail none` unless you need them.',
    )
  }
  return status
}
