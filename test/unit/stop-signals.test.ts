import {describe, expect, it} from 'vitest'

import {listenForStop} from '../../src/cli/stop-signals.js'

/**
 * The stop signals' listeners, driven with `process.emit` (no real signal is sent). What matters is
 * what the process is left with: a SIGHUP with no listener takes its default action and ends the
 * process by the signal, not with exit code 129.
 */
describe('listenForStop', () => {
  it('once hung up, never leaves SIGHUP without a listener, also while releasing', () => {
    const exitBefore = process.listeners('exit')
    const sighupBefore = process.listeners('SIGHUP')
    const baseline = sighupBefore.length
    // The SIGHUP listener count after each removal (Node emits 'removeListener' once it is removed).
    const counts: number[] = []
    const onRemove = (event: string | symbol) => {
      if (event === 'SIGHUP') counts.push(process.listenerCount('SIGHUP'))
    }
    const said: string[] = []
    try {
      const stop = listenForStop((line) => said.push(line))
      process.emit('SIGHUP', 'SIGHUP')
      expect(stop.signal.aborted).toBe(true)
      expect(stop.stoppedBy).toBe('SIGHUP')
      // A second SIGHUP (the shell's, after the kernel's) is not a request to quit now.
      process.emit('SIGHUP', 'SIGHUP')
      expect(said).toHaveLength(1)
      process.on('removeListener', onRemove)
      stop.release()
      stop.release()
      expect(counts.length).toBeGreaterThan(0)
      expect(Math.min(...counts)).toBeGreaterThan(baseline)
      // One listener stays, the one that ignores repeats: added once however often release() runs.
      expect(process.listenerCount('SIGHUP')).toBe(baseline + 1)
    } finally {
      process.off('removeListener', onRemove)
      for (const listener of process.listeners('exit'))
        if (!exitBefore.includes(listener)) process.off('exit', listener)
      for (const listener of process.listeners('SIGHUP')) {
        if (!sighupBefore.includes(listener)) process.off('SIGHUP', listener)
      }
    }
  })

  it('without a hang-up, release() leaves no listener behind', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))
    const stop = listenForStop(() => undefined)
    stop.release()
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before)
    expect(stop.signal.aborted).toBe(false)
  })
})
