import {Readable} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {validateLines, validEntries} from '../../src/services/event-lines.js'

const defaults = {source: 'momento-eb', bus: 'default', maxEntryBytes: 262_144}
const open = (text: string) => () => Readable.from([text])

const good = '{"detailType":"cacheDelete","detail":{"cacheName":"c","key":"k"}}'

describe('validateLines', () => {
  it('reports every invalid line with its line number, skipping blank lines', async () => {
    const text = [good, '', '{bad', good, '{"detailType":"nope","detail":{}}', ''].join('\n')
    const report = await validateLines(open(text), defaults)
    expect(report).toMatchObject({lines: 4, valid: 2, invalidCount: 2})
    expect(report.invalid.map((i) => i.line)).toEqual([3, 5])
  })

  it('keeps only the first few reports but counts all', async () => {
    const text = Array(50).fill('{bad').join('\n')
    const report = await validateLines(open(text), defaults, {maxReported: 5})
    expect(report.invalidCount).toBe(50)
    expect(report.invalid).toHaveLength(5)
  })

  it('reads CRLF files', async () => {
    const report = await validateLines(open(`${good}\r\n${good}\r\n`), defaults)
    expect(report).toMatchObject({lines: 2, valid: 2})
  })
})

describe('validEntries', () => {
  it('streams the valid entries with their line numbers', async () => {
    const lines: number[] = []
    for await (const item of validEntries(open(['{bad', good, '', good].join('\n')), defaults)) lines.push(item.line)
    expect(lines).toEqual([2, 4])
  })
})
