import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import {displayWidth, plural, truncateToWidth, wrapWords} from '../../src/core/text-width.js'
import {initialState, reduce} from '../../src/ui/dlq/state.js'
import {WatchView} from '../../src/ui/dlq/WatchView.js'
import {createTheme} from '../../src/ui/theme.js'
import {record} from '../unit/dlq-watch-fixtures.js'

function frameAt(columns: number, keys: readonly string[]): string[] {
  const rs = keys.map((key, i) => {
    const r = record(i)
    return {...r, key}
  })
  let state = initialState('momento-dlq', {rows: 20, columns})
  state = reduce(state, {type: 'feed', added: rs, gone: [], depth: {visible: rs.length, inFlight: 0}, loaded: true})
  const app = render(<WatchView state={state} theme={createTheme(false)} />)
  const frame = app.lastFrame() ?? ''
  app.unmount()
  return frame.split('\n')
}

describe('text width', () => {
  it('counts CJK and fullwidth characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3)
    expect(displayWidth('注文')).toBe(4)
    expect(displayWidth('ｆｕｌｌ')).toBe(8)
    expect(displayWidth('e\u0301')).toBe(1)
    expect(truncateToWidth('注文注文注文', 7)).toBe('注文注…')
    expect(displayWidth(truncateToWidth('注文注文注文', 7))).toBeLessThanOrEqual(7)
  })

  it('says 1 message and 2 messages', () => {
    expect(plural(1, 'message')).toBe('1 message')
    expect(plural(2, 'message')).toBe('2 messages')
    expect(plural(1200, 'message')).toBe('1,200 messages')
  })

  it('wraps at word boundaries, never inside a word', () => {
    const lines = wrapWords('create the cache orders in the sandbox', 12)
    expect(lines).toEqual(['create the', 'cache orders', 'in the', 'sandbox'])
  })
})

describe('dlq watch rows', () => {
  for (const columns of [40, 50, 60, 66, 80, 120]) {
    it(`fit ${columns} columns without wrapping, with wide keys aligned`, () => {
      const lines = frameAt(columns, ['order-1', '注文-12345-長いキー', 'ｆｕｌｌｗｉｄｔｈ-key'])
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns)
      // The rows of the three messages are all exactly as wide, and the reason column lines up.
      const rows = lines.filter((l) => /^[ >] /.test(l) && l.includes('cacheSet'))
      expect(rows, lines.join('\n')).toHaveLength(3)
      const columnOf = (row: string, text: RegExp) => displayWidth(row.slice(0, row.search(text)))
      // Every key starts in the same column, and so does the status after it (where it is shown).
      expect(new Set(rows.map((r) => columnOf(r, /order-1|注文|ｆｕ/))).size, rows.join('\n')).toBe(1)
      if (rows.every((r) => r.includes('404'))) expect(new Set(rows.map((r) => columnOf(r, /404/))).size).toBe(1)
      const title = lines.find((l) => l.includes('REASON')) ?? ''
      for (const row of rows) expect(row.indexOf('cache-not-f'), row).toBe(title.indexOf('REASON'))
    })
  }
})

describe('dlq watch header', () => {
  it('says "1 message read", not "1 messages"', () => {
    const lines = frameAt(80, ['only'])
    expect(lines.join('\n')).toContain('1 message read ·')
  })
})

describe('dlq watch feed error and demo hint', () => {
  const error =
    'AccessDenied: User arn:aws:iam::123456789012:user/ops is not authorized to perform sqs:ReceiveMessage on resource momento-dlq-end'

  it('a feed error too long for the header says ? shows it, and help shows all of it', () => {
    let state = initialState('momento-dlq', {rows: 24, columns: 60})
    state = reduce(state, {type: 'feedError', message: error})
    const draw = (s: typeof state) => {
      const app = render(<WatchView state={s} theme={createTheme(false)} />)
      const frame = app.lastFrame() ?? ''
      app.unmount()
      return frame
    }
    expect(draw(state)).toContain('(? shows all)')
    const help = draw(reduce(state, {type: 'help'})).replace(/\s+/g, ' ')
    expect(help).toContain(error)
  })

  it('inside the demo the footer says q continues the demo', () => {
    const app = render(
      <WatchView state={initialState('momento-dlq')} theme={createTheme(false)} quitLabel="continue the demo" />,
    )
    expect(app.lastFrame()).toContain('press q to continue the demo')
    app.unmount()
  })
})
