import {describe, expect, it} from 'vitest'

import {progressLine} from '../../src/cli/progress.js'
import {progressFraction, progressReporter, progressText} from '../../src/cli/redrive-progress.js'
import {progressAt} from '../helpers/redrive-progress.js'

const at = progressAt

describe('redrive progress', () => {
  it('with a filter, counts against the messages matching, not the whole queue', () => {
    const p = at({received: 40, selected: 5, redriven: 5})
    const scope = {total: 100, filtering: true}
    expect(progressText(p, scope)).toBe('5 of 5 matching so far (40/100 read) redriven 5 failed 0 skipped 0')
    expect(progressFraction(p, scope)).toBe(0.4)
    // Without a filter the run's own total.
    expect(progressText(at({redriven: 3}), {total: 3, filtering: false})).toMatch(/^3\/3 redriven 3/)
  })

  it('without a terminal prints a line at most once a second, and the final counts at the end', () => {
    const written: string[] = []
    let clock = 10_000
    const reporter = progressReporter(
      {write: (t: string) => written.push(t) > 0},
      {total: 10, filtering: false},
      {
        terminal: false,
        now: () => clock,
      },
    )
    reporter.update(at({redriven: 1}))
    clock += 200
    reporter.update(at({redriven: 2}))
    clock += 1_000
    reporter.update(at({redriven: 5}))
    reporter.update(at({redriven: 10}))
    reporter.done()
    expect(written).toEqual([
      'redrive: 1/10 redriven 1 failed 0 skipped 0\n',
      'redrive: 5/10 redriven 5 failed 0 skipped 0\n',
      'redrive: 10/10 redriven 10 failed 0 skipped 0\n',
    ])
    expect(written.join('')).not.toContain('\r')
  })
})

describe('one progress bar for put --file and dlq redrive', () => {
  it("put --file's bar is the shared one: fitted, redrawn in place, and its last counts drawn at the end", () => {
    const written: string[] = []
    const bar = progressLine({write: (t: string) => written.push(t) > 0, columns: 80}, 10)
    bar.update({sent: 1, failed: 0, retried: 0})
    // Within 100 ms of the first frame: not drawn yet, but done() draws the final counts.
    bar.update({sent: 9, failed: 1, retried: 2})
    bar.done()
    expect(written).toEqual([
      '\r\u001B[2K[###---------------------------] 1/10 sent 1 failed 0 retried 0',
      '\r\u001B[2K[##############################] 10/10 sent 9 failed 1 retried 2',
      '\n',
    ])
  })
})
