import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {writeNdjsonFile} from '../../src/adapters/ndjson-file.js'
import type {DlqRecord} from '../../src/core/dlq.js'
import {recordLines} from '../../src/services/dlq-watch-run.js'
import {record} from './dlq-watch-fixtures.js'

/** What the `x` key does: the records' NDJSON lines to a new file. */
const exportRecords = (records: DlqRecord[], redact: (text: string) => string, path?: string) =>
  writeNdjsonFile(recordLines(records, redact), path)

describe('dlq watch export (x)', () => {
  let dir: string
  const same = (text: string) => text
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eb-export-'))))
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('writes to the path given, mode 0600, one line per message', () => {
    const file = join(dir, 'out.ndjson')
    expect(exportRecords([record(1), record(2)], same, file)).toBe(file)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('puts a new dlq-watch-TIME.ndjson in a directory given', () => {
    const name = exportRecords([record(1)], same, dir)
    expect(name.startsWith(`${dir}/dlq-watch-`)).toBe(true)
    expect(readdirSync(dir)).toHaveLength(1)
  })

  it('says in words why it cannot write, never a raw ENOENT, and never overwrites', () => {
    const missing = join(dir, 'no-such-dir', 'out.ndjson')
    expect(() => exportRecords([record(1)], same, missing)).toThrow(
      `can't write ${missing}: its directory doesn't exist; press x and give another path`,
    )
    const existing = join(dir, 'taken.ndjson')
    writeFileSync(existing, 'keep')
    expect(() => exportRecords([record(1)], same, existing)).toThrow(
      /a file of that name exists \(nothing is overwritten\)/,
    )
    expect(readFileSync(existing, 'utf8')).toBe('keep')
    let message = ''
    try {
      exportRecords([record(1)], same, join(dir, 'no-such-dir', 'out.ndjson'))
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).not.toMatch(/ENOENT|open '/)
  })
})
