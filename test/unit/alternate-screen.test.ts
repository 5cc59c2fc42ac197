import {EventEmitter} from 'node:events'

import {describe, expect, it} from 'vitest'

import {ALTERNATE_SCREEN, enterAlternateScreen} from '../../src/ui/alternate-screen.js'

describe('alternate screen', () => {
  it('enters once, leaves once however often asked, and leaves at process exit if nobody did', () => {
    const written: string[] = []
    const proc = new EventEmitter()
    const leave = enterAlternateScreen({write: (t: string) => written.push(t)}, proc as unknown as NodeJS.Process)
    expect(written).toEqual([ALTERNATE_SCREEN.enter])
    leave()
    leave()
    proc.emit('exit')
    expect(written.filter((t) => t.includes(ALTERNATE_SCREEN.leave))).toHaveLength(1)

    const again: string[] = []
    const proc2 = new EventEmitter()
    enterAlternateScreen({write: (t: string) => again.push(t)}, proc2 as unknown as NodeJS.Process)
    proc2.emit('exit')
    expect(again.at(-1)).toContain(ALTERNATE_SCREEN.leave)
  })
})
