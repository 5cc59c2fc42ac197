import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {
  fileIdentity,
  identityMismatch,
  MAX_FAILED_LINES,
  ProgressWriter,
  progressPath,
  readProgress,
  settledProgress,
} from '../../src/services/put-progress.js'

describe('put --file progress state', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'put-progress-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('identifies a file by real path, size, mtime and its first bytes', () => {
    const file = join(dir, 'events.ndjson')
    writeFileSync(file, 'a\nb\n')
    const before = fileIdentity(file)
    expect(before).toMatchObject({path: file, size: 4})
    expect(identityMismatch(before, fileIdentity(file))).toBeUndefined()
    // Same size, other bytes: the head hash differs (and the mtime, here).
    writeFileSync(file, 'x\nb\n')
    expect(fileIdentity(file).head).not.toBe(before.head)
    expect(identityMismatch(before, {...before, head: fileIdentity(file).head})).toMatch(/first bytes/)
    writeFileSync(file, 'a\nb\nc\n')
    expect(identityMismatch(before, fileIdentity(file))).toMatch(/size/)
    // A symlink to the file has the file's identity.
    symlinkSync(file, join(dir, 'link'))
    expect(fileIdentity(join(dir, 'link')).path).toBe(file)
  })

  it('writes atomically, 0600, in a 0700 directory, and reads back', () => {
    const identity = {path: '/x', size: 1, mtimeMs: 1, head: 'h'}
    const path = progressPath(join(dir, 'state'), identity)
    const writer = new ProgressWriter(path)
    writer.write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 120, [{line: 7}], false))
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700)
    expect(readProgress(path)).toMatchObject({acceptedThrough: 120, failedLines: [7], complete: false})
    // No temp file is left behind.
    expect(readdirSync(join(path, '..'))).toEqual([path.split('/').pop()])
  })

  it('replaces a symlink planted at the state file instead of writing through it', () => {
    const identity = {path: '/y', size: 1, mtimeMs: 1, head: 'h'}
    const path = progressPath(join(dir, 'state'), identity)
    mkdirSync(join(path, '..'), {recursive: true})
    const victim = join(dir, 'victim')
    writeFileSync(victim, 'precious')
    symlinkSync(victim, path)
    expect(readProgress(path)).toBeUndefined()
    new ProgressWriter(path).write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 5, [], false))
    expect(lstatSync(path).isSymbolicLink()).toBe(false)
    expect(readProgress(path)?.acceptedThrough).toBe(5)
    expect(readdirSync(dir)).toContain('victim')
    expect(statSync(victim).size).toBe('precious'.length)
  })

  it('refuses a state directory that is a symlink', () => {
    const real = join(dir, 'real')
    mkdirSync(real)
    symlinkSync(real, join(dir, 'state'))
    expect(() => new ProgressWriter(join(dir, 'state', 'p.json'))).toThrow(/symbolic link/)
  })

  it('keeps failed lines of a resumed run until they are settled again', () => {
    const identity = {path: '/z', size: 1, mtimeMs: 1, head: 'h'}
    const previous = {acceptedThrough: 1000, failedLines: [500]}
    expect(settledProgress(identity, previous, 0, [], false)).toMatchObject({acceptedThrough: 1000, failedLines: [500]})
    expect(settledProgress(identity, previous, 1009, [], false)).toMatchObject({acceptedThrough: 1009, failedLines: []})
    expect(settledProgress(identity, previous, 1009, [{line: 500}], false).failedLines).toEqual([500])
  })

  it('cuts the prefix before the first failure it cannot keep', () => {
    const identity = {path: '/w', size: 1, mtimeMs: 1, head: 'h'}
    const failures = Array.from({length: MAX_FAILED_LINES + 5}, (_, i) => ({line: (i + 1) * 2}))
    const progress = settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 10 ** 6, failures, true)
    expect(progress.failedLines).toHaveLength(MAX_FAILED_LINES)
    expect(progress.acceptedThrough).toBe((MAX_FAILED_LINES + 1) * 2 - 1)
    expect(progress.complete).toBe(false)
  })
})
