import {
  closeSync,
  lstatSync,
  openSync,
  writeSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {fileIdentity, ProgressWriter, progressPath, readProgress} from '../../src/adapters/put-progress-file.js'
import {identityMismatch, MAX_FAILED_LINES, settledProgress} from '../../src/core/put-progress.js'

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

  it('a write torn by a crash leaves the previous record readable', () => {
    const identity = {path: '/t', size: 1, mtimeMs: 1, head: 'h'}
    const path = progressPath(join(dir, 'state'), identity)
    const writer = new ProgressWriter(path)
    for (const through of [10, 20, 30]) {
      writer.write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, through, [], false))
    }
    writer.close()
    expect(readProgress(path)?.acceptedThrough).toBe(30)
    // Record 3 went to slot 1 (offset 128 KiB): damage it as a torn write would.
    const fd = openSync(path, 'r+')
    writeSync(fd, 'garbage', 131_072 + 70)
    closeSync(fd)
    expect(readProgress(path)?.acceptedThrough).toBe(20)
    // Both slots damaged: no record at all (never a wrong one).
    const fd2 = openSync(path, 'r+')
    writeSync(fd2, 'garbage', 70)
    closeSync(fd2)
    expect(readProgress(path)).toBeUndefined()
  })

  it('writes atomically, 0600, in a 0700 directory, and reads back', () => {
    const identity = {path: '/x', size: 1, mtimeMs: 1, head: 'h'}
    const path = progressPath(join(dir, 'state'), identity)
    const writer = new ProgressWriter(path)
    writer.write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 120, [{line: 7}], false))
    writer.write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 130, [{line: 7}], false))
    writer.close()
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700)
    expect(readProgress(path)).toMatchObject({acceptedThrough: 130, failedLines: [7], complete: false})
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
    const writer = new ProgressWriter(path)
    writer.write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 5, [], false))
    // Later writes go to the file the descriptor holds, even if the path is swapped for a symlink.
    writer.write(settledProgress(identity, {acceptedThrough: 0, failedLines: []}, 6, [], false))
    writer.close()
    expect(lstatSync(path).isSymbolicLink()).toBe(false)
    expect(readProgress(path)?.acceptedThrough).toBe(6)
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
