/**
 * Event-bus logs in `deploy` and `destroy`: the stack parameters for `--logs`, `--log-detail` and
 * `--log-retention`, and the bus's LogConfig, which the stack cannot set (it does not own the bus:
 * AWS::Events::EventBus declares only a bus the stack creates, and the default bus cannot be
 * created), so deploy sets it with UpdateEventBus after the stack, and destroy puts back what the bus
 * had before (recorded in the stack's BusLogPreviousConfig parameter) if the setting is still the
 * one the stack made. Never prints: notices go through `notice`.
 */
import type {BusLogSetting} from '../core/bus-log.js'
import {
  decodePreviousConfig,
  encodePreviousConfig,
  formatBusLogConfig,
  sameBusLogConfig,
  type BusLogConfig,
  type BusLogDetail,
} from '../core/bus-log-settings.js'
import type {StackInfo} from '../core/stack-plan.js'
import {
  DEFAULT_BUS_LOG_DETAIL,
  DEFAULT_BUS_LOG_LEVEL,
  LOG_NAME_TAG_PARAM,
  PREVIOUS_LOG_CONFIG_PARAM,
} from '../core/stack-template-logs.js'
import {OUTPUT, PARAM} from '../core/stack-template-names.js'

/** What `deploy` was asked for; undefined keeps the deployed value (or the template default). */
export interface DeployLogOptions {
  readonly level?: BusLogSetting | undefined
  readonly detail?: BusLogDetail | undefined
  readonly retentionDays?: number | undefined
}

/** Reads and sets the bus's LogConfig (adapters/aws/eventbridge.ts getBusLogConfig, setBusLogConfig). */
export interface BusLogConfigPort {
  get(bus: string): Promise<BusLogConfig | undefined>
  set(bus: string, config: BusLogConfig): Promise<void>
}

/** What `deploy --json` reports about logs. */
export interface DeployLogsResult {
  bus: string
  /** The setting the bus has after deploy. */
  level: BusLogSetting
  detail: BusLogDetail
  /** The stack's log group (null when logs are off). */
  logGroup: string | null
  /** Whether deploy changed the bus's LogConfig. */
  busChanged: boolean
}

/** The stack parameters for the logs flags; `before` (the bus's setting) is recorded when `record`. */
export function logParameters(
  options: DeployLogOptions | undefined,
  record: boolean,
  before: BusLogConfig | undefined,
): Record<string, string | undefined> {
  return {
    [PARAM.logLevel]: options?.level,
    [PARAM.logDetail]: options?.detail,
    [PARAM.logRetentionDays]: options?.retentionDays === undefined ? undefined : String(options.retentionDays),
    [PREVIOUS_LOG_CONFIG_PARAM]: record ? encodePreviousConfig(before) : undefined,
  }
}

/** The parameter names deploy passes (the template's own plus the logs part's bookkeeping ones). */
export const LOG_PARAMETER_NAMES = [PREVIOUS_LOG_CONFIG_PARAM, LOG_NAME_TAG_PARAM] as const

/** The LogConfig the stack asks for, from its parameters (undefined: a stack from before logs). */
function stackSetting(stack: StackInfo): BusLogConfig | undefined {
  const level = stack.parameters[PARAM.logLevel]
  if (level === undefined) return undefined
  return {level: level as BusLogSetting, detail: (stack.parameters[PARAM.logDetail] ?? 'NONE') as BusLogDetail}
}

/**
 * After the stack: set the bus's LogConfig to what the stack asks for. With logs OFF the bus gets
 * back what it had before the stack (or OFF), and is left alone when that was never recorded.
 */
export async function applyBusLogConfig(
  port: BusLogConfigPort,
  bus: string,
  stack: StackInfo,
  notice: (message: string) => void,
): Promise<DeployLogsResult | undefined> {
  const wanted = stackSetting(stack)
  if (!wanted) return undefined
  let target: BusLogConfig | undefined = wanted
  if (wanted.level === 'OFF') {
    const previous = decodePreviousConfig(stack.parameters[PREVIOUS_LOG_CONFIG_PARAM])
    target =
      previous.kind === 'config'
        ? previous.config
        : previous.kind === 'none'
          ? {level: 'OFF', detail: 'NONE'}
          : undefined
  }
  const current = await port.get(bus)
  const logGroup = stack.outputs[OUTPUT.logGroupName] ?? null
  if (!target || sameBusLogConfig(current, target)) {
    const now = current ?? {level: 'OFF', detail: 'NONE'}
    return {bus, level: now.level, detail: now.detail, logGroup, busChanged: false}
  }
  await port.set(bus, target)
  notice(`Event bus ${bus} now logs at ${formatBusLogConfig(target)} (was ${formatBusLogConfig(current)}).`)
  return {bus, level: target.level, detail: target.detail, logGroup, busChanged: true}
}

/**
 * After the stack is deleted: put back the bus's setting from before the stack, if the bus still has
 * the one the stack set (someone may have changed it since: then it is theirs). Returns what it did.
 */
export async function restoreBusLogConfig(
  port: BusLogConfigPort,
  stack: StackInfo,
  notice: (message: string) => void,
): Promise<'restored' | 'unchanged' | 'left'> {
  const bus = stack.parameters[PARAM.eventBus] ?? stack.outputs[OUTPUT.eventBus]
  const set = stackSetting(stack)
  const previous = decodePreviousConfig(stack.parameters[PREVIOUS_LOG_CONFIG_PARAM])
  if (!bus || !set || set.level === 'OFF' || previous.kind === 'unknown') return 'unchanged'
  const target: BusLogConfig = previous.kind === 'config' ? previous.config : {level: 'OFF', detail: 'NONE'}
  const current = await port.get(bus)
  if (sameBusLogConfig(current, target)) return 'unchanged'
  if (!sameBusLogConfig(current, set)) {
    notice(
      `Event bus ${bus} logs at ${formatBusLogConfig(current)}, not the ${formatBusLogConfig(set)} the stack set: left as it is.`,
    )
    return 'left'
  }
  await port.set(bus, target)
  notice(`Event bus ${bus} logs at ${formatBusLogConfig(target)} again, as before the stack.`)
  return 'restored'
}

export {DEFAULT_BUS_LOG_DETAIL, DEFAULT_BUS_LOG_LEVEL}
