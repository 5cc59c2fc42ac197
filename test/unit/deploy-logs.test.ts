import {describe, expect, it} from 'vitest'

import {decodePreviousConfig, encodePreviousConfig, type BusLogConfig} from '../../src/core/bus-log-settings.js'
import type {StackInfo} from '../../src/core/stack-plan.js'
import {applyBusLogConfig, logParameters, restoreBusLogConfig} from '../../src/services/deploy-logs.js'

function fakePort(initial: BusLogConfig | undefined) {
  const calls: BusLogConfig[] = []
  let current = initial
  return {
    calls,
    port: {
      get: () => Promise.resolve(current),
      set: (_bus: string, config: BusLogConfig) => {
        calls.push(config)
        current = config
        return Promise.resolve()
      },
    },
  }
}

const stack = (parameters: Record<string, string>, outputs: Record<string, string> = {}): StackInfo => ({
  name: 's',
  id: 'id',
  status: 'UPDATE_COMPLETE',
  parameters: {EventBusName: 'default', ...parameters},
  outputs,
})

describe('bus log settings bookkeeping', () => {
  it('records the previous setting and reads it back', () => {
    expect(encodePreviousConfig(undefined)).toBe('NONE')
    expect(encodePreviousConfig({level: 'INFO', detail: 'FULL'})).toBe('INFO/FULL')
    expect(decodePreviousConfig('INFO/FULL')).toEqual({kind: 'config', config: {level: 'INFO', detail: 'FULL'}})
    expect(decodePreviousConfig('NONE')).toEqual({kind: 'none'})
    expect(decodePreviousConfig('UNKNOWN')).toEqual({kind: 'unknown'})
    expect(decodePreviousConfig(undefined)).toEqual({kind: 'unknown'})
  })

  it('passes only the flags given, and the previous setting only when asked to record it', () => {
    expect(logParameters({level: 'TRACE'}, true, undefined)).toEqual({
      BusLogLevel: 'TRACE',
      BusLogIncludeDetail: undefined,
      BusLogRetentionInDays: undefined,
      BusLogPreviousConfig: 'NONE',
    })
    expect(logParameters(undefined, false, undefined)['BusLogPreviousConfig']).toBeUndefined()
  })
})

describe('applyBusLogConfig', () => {
  it('sets the stack’s level on the bus, once', async () => {
    const {port, calls} = fakePort(undefined)
    const s = stack({BusLogLevel: 'ERROR', BusLogIncludeDetail: 'NONE'}, {BusLogGroupName: '/g'})
    expect(await applyBusLogConfig(port, 'default', s, () => {})).toMatchObject({
      level: 'ERROR',
      busChanged: true,
      logGroup: '/g',
    })
    expect(await applyBusLogConfig(port, 'default', s, () => {})).toMatchObject({busChanged: false})
    expect(calls).toEqual([{level: 'ERROR', detail: 'NONE'}])
  })

  it('with logs off, puts back the recorded setting, and leaves the bus alone when none was recorded', async () => {
    const recorded = fakePort({level: 'ERROR', detail: 'NONE'})
    await applyBusLogConfig(
      recorded.port,
      'default',
      stack({BusLogLevel: 'OFF', BusLogPreviousConfig: 'INFO/NONE'}),
      () => {},
    )
    expect(recorded.calls).toEqual([{level: 'INFO', detail: 'NONE'}])
    const unknown = fakePort({level: 'ERROR', detail: 'NONE'})
    await applyBusLogConfig(
      unknown.port,
      'default',
      stack({BusLogLevel: 'OFF', BusLogPreviousConfig: 'UNKNOWN'}),
      () => {},
    )
    expect(unknown.calls).toEqual([])
  })

  it('does nothing for a stack without the logs part', async () => {
    const {port, calls} = fakePort(undefined)
    expect(await applyBusLogConfig(port, 'default', stack({}), () => {})).toBeUndefined()
    expect(calls).toEqual([])
  })
})

describe('restoreBusLogConfig', () => {
  it('restores the previous setting when the bus still has the stack’s', async () => {
    const {port, calls} = fakePort({level: 'TRACE', detail: 'FULL'})
    const s = stack({BusLogLevel: 'TRACE', BusLogIncludeDetail: 'FULL', BusLogPreviousConfig: 'NONE'})
    expect(await restoreBusLogConfig(port, s, () => {})).toBe('restored')
    expect(calls).toEqual([{level: 'OFF', detail: 'NONE'}])
  })

  it('leaves a setting someone changed since, and says so', async () => {
    const {port, calls} = fakePort({level: 'INFO', detail: 'NONE'})
    const notices: string[] = []
    const s = stack({BusLogLevel: 'ERROR', BusLogIncludeDetail: 'NONE', BusLogPreviousConfig: 'NONE'})
    expect(await restoreBusLogConfig(port, s, (m) => notices.push(m))).toBe('left')
    expect(calls).toEqual([])
    expect(notices[0]).toContain('left as it is')
  })

  it('leaves the bus alone when the previous setting was never recorded', async () => {
    const {port, calls} = fakePort({level: 'ERROR', detail: 'NONE'})
    expect(
      await restoreBusLogConfig(port, stack({BusLogLevel: 'ERROR', BusLogPreviousConfig: 'UNKNOWN'}), () => {}),
    ).toBe('unchanged')
    expect(calls).toEqual([])
  })
})
