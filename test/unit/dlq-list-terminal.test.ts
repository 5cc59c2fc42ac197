import {describe, expect, it} from 'vitest'

import {terminalListing} from '../../src/cli/dlq-list.js'
import {summarize} from '../../src/core/dlq-filter.js'
import {displayWidth} from '../../src/core/text-width.js'
import {record} from './dlq-watch-fixtures.js'

function listing(count: number, width: number): string[] {
  const records = Array.from({length: count}, (_, i) => record(i))
  return terminalListing({truncated: false, summary: summarize(records)}, records, {
    name: 'momento-dlq',
    filtered: false,
    limit: 100,
    color: false,
    width,
    now: Date.UTC(2026, 10, 26, 13, 0, 0),
  })
}

describe('dlq list on a terminal', () => {
  it('prints each fix command once', () => {
    const text = listing(2, 80).join(' ').replace(/\s+/g, ' ')
    const command = summarize([record(1)]).groups[0]?.fixCommand ?? ''
    expect(command).not.toBe('')
    expect(text.split(command).length - 1).toBe(1)
  })

  it('wraps at word boundaries within the terminal width, never mid-word', () => {
    for (const width of [60, 80]) {
      const lines = listing(2, width)
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width)
      const words = new Set(listing(2, 1000).join(' ').split(/\s+/))
      for (const word of lines.join(' ').split(/\s+/)) expect(words.has(word), word).toBe(true)
    }
  })

  it('says "1 message", not "1 messages"', () => {
    expect(listing(1, 80)[0]).toMatch(/^1 message in momento-dlq/)
    expect(listing(2, 80)[0]).toMatch(/^2 messages in momento-dlq/)
  })
})
