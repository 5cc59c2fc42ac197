import {Readable} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {parseEventLine} from '../../src/core/put-entries.js'
import {
  firstInvalidUtf8,
  LineTooLongError,
  readRawLines,
  validateLines,
  validEntries,
} from '../../src/services/event-lines.js'

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

describe('readRawLines: strict UTF-8, offsets, bounded lines', () => {
  const collect = async (chunks: Array<Buffer | string>, max = 1000) => {
    const out: unknown[] = []
    for await (const raw of readRawLines(Readable.from(chunks), max)) out.push(raw)
    return out
  }

  it('drops a UTF-8 byte order mark at the start (and only there)', async () => {
    const lines = await collect([Buffer.from([0xef, 0xbb, 0xbf]), `${good}\n\ufeffx\n`])
    expect(lines).toEqual([
      {line: 1, offset: 3, text: good},
      {line: 2, offset: 3 + good.length + 1, text: '\ufeffx'},
    ])
    const report = await validateLines(open(`\ufeff${good}\n${good}\n`), defaults)
    expect(report).toMatchObject({lines: 2, valid: 2, invalidCount: 0})
  })

  it('names the line and byte offset of invalid UTF-8 instead of replacing it', async () => {
    const bytes = Buffer.concat([Buffer.from(`${good}\nab`), Buffer.from([0xc3, 0x28]), Buffer.from('cd\n')])
    const lines = await collect([bytes])
    expect(lines[1]).toEqual({line: 2, offset: good.length + 1, badUtf8At: good.length + 3})
    const report = await validateLines(() => Readable.from([bytes]), defaults)
    expect(report.invalid[0]?.line).toBe(2)
    expect(report.invalid[0]?.issues[0]?.message).toMatch(new RegExp(`byte offset ${good.length + 3}`))
  })

  it('refuses overlong forms, surrogates encoded in UTF-8 and truncated sequences', () => {
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xc0, 0x80]))).toBe(1)
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0)
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xe2, 0x82]))).toBe(1)
    expect(firstInvalidUtf8(Buffer.from('é€😀', 'utf8'))).toBe(-1)
  })

  it('keeps a character split across chunks whole', async () => {
    const bytes = Buffer.from('é😀\n', 'utf8')
    const lines = await collect([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)])
    expect(lines).toEqual([{line: 1, offset: 0, text: 'é😀'}])
  })

  it('stops at a line longer than the limit without buffering the rest', async () => {
    async function* endless() {
      for (;;) yield Buffer.alloc(64 * 1024)
    }
    await expect(
      (async () => {
        for await (const _ of readRawLines(endless(), 1_000_000)) void _
      })(),
    ).rejects.toBeInstanceOf(LineTooLongError)
  })
})

describe('parseEventLine: what PutEvents or JSON.parse would get wrong', () => {
  const refused = (line: string) => {
    const result = parseEventLine(line, defaults)
    expect(result.ok).toBe(false)
    return result.ok ? '' : result.issues.map((i) => i.message).join(' ')
  }

  it('refuses a duplicate detailType (JSON.parse keeps the last: a set would become a delete)', () => {
    expect(
      refused(
        '{"detailType":"cacheSet","detail":{"cacheName":"c","key":"k","message":"m","ttl":5},"detailType":"cacheDelete"}',
      ),
    ).toMatch(/"detailType" appears twice/)
  })

  it('refuses duplicates written with escapes, inside detail, and inside a Detail string', () => {
    expect(
      refused('{"detailType":"cacheDelete","detail\\u0054ype":"cacheDelete","detail":{"cacheName":"c","key":"k"}}'),
    ).toMatch(/detailType/)
    expect(refused('{"detailType":"cacheDelete","detail":{"cacheName":"c","key":"a","key":"b"}}')).toMatch(/"key"/)
    const inner = JSON.stringify({DetailType: 'cacheDelete', Detail: '{"cacheName":"c","cacheName":"d","key":"k"}'})
    expect(refused(inner)).toMatch(/"cacheName" appears twice in Detail/)
  })

  it('accepts the same key names in different objects, and in values', () => {
    const line = JSON.stringify({
      detailType: 'cacheSet',
      detail: {cacheName: 'c', key: 'key', message: '{"key":1,"key":2} "detailType" "detailType"', ttl: 5},
    })
    expect(parseEventLine(line, defaults).ok).toBe(true)
  })

  it('refuses a line mixing both shapes', () => {
    expect(
      refused('{"detailType":"cacheDelete","DetailType":"cacheSet","detail":{"cacheName":"c","key":"k"}}'),
    ).toMatch(/both shapes/)
  })

  it('refuses an unpaired surrogate in the key or message', () => {
    expect(refused('{"detailType":"cacheDelete","detail":{"cacheName":"c","key":"\\ud800"}}')).toMatch(/surrogate/)
    expect(
      refused('{"detailType":"topicPublish","detail":{"cacheName":"c","topicName":"t","message":"a\\udc00"}}'),
    ).toMatch(/surrogate/)
  })

  it('checks Source, EventBusName and Resources up front instead of defaulting or dropping them', () => {
    const detail = {cacheName: 'c', key: 'k'}
    const line = (extra: Record<string, unknown>) =>
      JSON.stringify({DetailType: 'cacheDelete', Detail: detail, ...extra})
    expect(refused(line({Source: 'aws.s3'}))).toMatch(/aws\./)
    expect(refused(line({Source: 42}))).toMatch(/Source must be a non-empty string/)
    expect(refused(line({Source: ''}))).toMatch(/Source must be a non-empty string/)
    expect(refused(line({EventBusName: 'bad bus!'}))).toMatch(/isn't an event bus/)
    expect(refused(line({Resources: ['ok', 7]}))).toMatch(/Resources/)
    expect(parseEventLine(line({Source: 'billing', EventBusName: 'orders', Resources: ['r']}), defaults)).toMatchObject(
      {
        ok: true,
        entry: {Source: 'billing', EventBusName: 'orders', Resources: ['r']},
      },
    )
  })
})

describe('validEntries with --resume', () => {
  it('skips the lines the skip function names', async () => {
    const lines: number[] = []
    const text = [good, good, good, good].join('\n')
    for await (const item of validEntries(open(text), defaults, (n) => n <= 2 && n !== 1)) lines.push(item.line)
    expect(lines).toEqual([1, 3, 4])
  })
})
