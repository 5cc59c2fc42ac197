import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {JOURNAL_FILE, openJournal, readPending, stateDirFrom} from '../../src/services/redrive-journal.js'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'momento-eb-journal-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('stateDirFrom', () => {
  it('prefers MOMENTO_EB_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(stateDirFrom({MOMENTO_EB_STATE_DIR: '/s', XDG_STATE_HOME: '/x'}, '/h')).toBe('/s')
    expect(stateDirFrom({XDG_STATE_HOME: '/x'}, '/h')).toBe('/x/momento-eb')
    expect(stateDirFrom({}, '/h')).toBe('/h/.local/state/momento-eb')
  })
})

describe('redrive journal', () => {
  it('appends one line per message and phase, mode 0600 in a 0700 directory', async () => {
    const dir = join(tempDir(), 'state')
    const journal = await openJournal({dir, queue: 'q1', runId: 'r1'})
    journal.published([{messageId: 'm1', oldEventId: 'e1', newEventId: 'n1'}])
    journal.deleted([{messageId: 'm1', oldEventId: 'e1'}])
    journal.close()
    const path = join(dir, JOURNAL_FILE)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toMatchObject([
      {runId: 'r1', queue: 'q1', messageId: 'm1', oldEventId: 'e1', newEventId: 'n1', phase: 'published'},
      {runId: 'r1', queue: 'q1', messageId: 'm1', oldEventId: 'e1', phase: 'deleted'},
    ])
    expect(Object.keys(lines[0]).sort()).toEqual([
      'messageId',
      'newEventId',
      'oldEventId',
      'phase',
      'queue',
      'runId',
      'time',
    ])
  })

  it('recovers published-but-not-deleted messages of the same queue only', async () => {
    const dir = tempDir()
    const first = await openJournal({dir, queue: 'q1', runId: 'r1'})
    first.published([
      {messageId: 'm1', oldEventId: 'e1', newEventId: 'n1'},
      {messageId: 'm2', oldEventId: 'e2', newEventId: 'n2'},
    ])
    first.deleted([{messageId: 'm1', oldEventId: 'e1'}])
    // Killed here: m2 was published, its delete never happened.
    const other = await openJournal({dir, queue: 'q2', runId: 'r2'})
    other.published([{messageId: 'm9', oldEventId: 'e9', newEventId: 'n9'}])
    other.close()
    const second = await openJournal({dir, queue: 'q1', runId: 'r3'})
    expect([...second.pending.values()]).toMatchObject([
      {messageId: 'm2', oldEventId: 'e2', newEventId: 'n2', runId: 'r1'},
    ])
    second.close()
    first.close()
  })

  it('survives a torn last line and ignores lines older than SQS retention', async () => {
    const dir = tempDir()
    const path = join(dir, JOURNAL_FILE)
    const old = {time: '2020-01-01T00:00:00.000Z', runId: 'r0', queue: 'q', messageId: 'ancient', phase: 'published'}
    const live = {time: new Date().toISOString(), runId: 'r1', queue: 'q', messageId: 'm1', phase: 'published'}
    writeFileSync(path, `${JSON.stringify(old)}\n${JSON.stringify(live)}\n{"time":"2026-`)
    expect([...(await readPending(path, 'q')).keys()]).toEqual(['m1'])
  })

  it('keeps only ids: no bodies, details, keys or secrets', async () => {
    const dir = tempDir()
    const journal = await openJournal({dir, queue: 'q', runId: 'r'})
    // The service passes exactly these fields; anything else must not reach the file.
    journal.published([{messageId: 'm', oldEventId: 'e', newEventId: 'n', detail: {key: 'secret-key'}} as never])
    journal.close()
    const text = readFileSync(join(dir, JOURNAL_FILE), 'utf8')
    expect(text).not.toContain('secret-key')
    expect(text).not.toContain('detail')
  })
})
