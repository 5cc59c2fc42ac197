/**
 * The event bus's log setting (`LogConfig`: Level and IncludeDetail) as `deploy`, `destroy` and
 * `status` handle it, and how the stack records the setting the bus had before the stack changed
 * it (the BusLogPreviousConfig parameter: `LEVEL/DETAIL`, `NONE`, or `UNKNOWN`). Pure.
 */
import {createHash} from 'node:crypto'

import type {BusLogSetting} from './bus-log.js'

export type BusLogDetail = 'NONE' | 'FULL'

export interface BusLogConfig {
  readonly level: BusLogSetting
  readonly detail: BusLogDetail
}

export const BUS_LOG_SETTINGS: readonly BusLogSetting[] = ['OFF', 'ERROR', 'INFO', 'TRACE']

/** What the stack remembers of the bus's setting before it first set one. */
export type PreviousBusLogConfig =
  {readonly kind: 'unknown'} | {readonly kind: 'none'} | {readonly kind: 'config'; readonly config: BusLogConfig}

/** The parameter value recording `config` (undefined: the bus had no LogConfig). */
export function encodePreviousConfig(config: BusLogConfig | undefined): string {
  return config ? `${config.level}/${config.detail}` : 'NONE'
}

export function decodePreviousConfig(text: string | undefined): PreviousBusLogConfig {
  if (text === 'NONE') return {kind: 'none'}
  const match = /^(OFF|ERROR|INFO|TRACE)\/(NONE|FULL)?$/.exec(text ?? '')
  if (!match) return {kind: 'unknown'}
  return {kind: 'config', config: {level: match[1] as BusLogSetting, detail: (match[2] ?? 'NONE') as BusLogDetail}}
}

/** A LogConfig as DescribeEventBus returns it (fields may be absent: Level defaults to OFF). */
export function busLogConfigOf(
  raw: {Level?: string | undefined; IncludeDetail?: string | undefined} | undefined,
): BusLogConfig | undefined {
  if (!raw) return undefined
  const level = BUS_LOG_SETTINGS.includes(raw.Level as BusLogSetting) ? (raw.Level as BusLogSetting) : 'OFF'
  return {level, detail: raw.IncludeDetail === 'FULL' ? 'FULL' : 'NONE'}
}

/** Whether two settings log the same (an absent setting logs nothing, like OFF). */
export function sameBusLogConfig(a: BusLogConfig | undefined, b: BusLogConfig | undefined): boolean {
  const aOff = !a || a.level === 'OFF'
  const bOff = !b || b.level === 'OFF'
  if (aOff || bOff) return aOff && bOff
  return a.level === b.level && a.detail === b.detail
}

export function formatBusLogConfig(config: BusLogConfig | undefined): string {
  if (!config || config.level === 'OFF') return 'OFF'
  return `${config.level}${config.detail === 'FULL' ? ' with full detail' : ''}`
}

/**
 * The BusLogNameTag for a stack on `bus` (stack-template-logs.ts): six hex digits of the SHA-256 of
 * the bus name. Deploy sets it when the bus changes, so the log delivery objects get new names and
 * CloudFormation can replace them. `previous` is the stack's tag: in the 1-in-16-million case that
 * the new bus hashes to it, the hash is taken again, so the names still change.
 */
export function busLogNameTag(bus: string, previous?: string): string {
  let tag = createHash('sha256').update(bus).digest('hex').slice(0, 6)
  for (let i = 1; tag === previous; i++) tag = createHash('sha256').update(`${bus}#${i}`).digest('hex').slice(0, 6)
  return tag
}
