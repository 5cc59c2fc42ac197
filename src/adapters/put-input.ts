/**
 * The input of `put --file`, opened so that it can be read twice (validated, then sent): the file
 * itself (with its identity, for --resume), or stdin spooled to an unlinked private temp file.
 */
import {closeSync, constants, createReadStream, openSync, rmdirSync, unlinkSync, writeSync} from 'node:fs'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {UsageError} from '../core/errors.js'
import type {FileIdentity} from '../core/put-progress.js'
import {fileIdentity} from './put-progress-file.js'

/**
 * The most stdin `put --file -` takes. Stdin is read once, validated as it streams and spooled to an
 * unlinked 0600 temp file (so nothing is left on disk whatever ends the run, SIGKILL included), then
 * sent from the spool: nothing is sent before the whole input is known to be valid. Larger inputs
 * belong in a file, which also makes --resume possible.
 */
export const MAX_STDIN_BYTES = 2 * 1024 ** 3

/** An input that can be opened again: each `open()` reads it from the start. */
export interface PutInput {
  open: () => AsyncIterable<Buffer | string>
  label: string
  /** The file's identity; undefined for stdin (which can't be resumed). */
  identity: FileIdentity | undefined
  cleanup: () => void
}

const fmt = (n: number) => n.toLocaleString('en-US')

/**
 * A re-openable input: the file itself, or stdin, read once (validated as it streams) into an
 * unlinked private spool file that the second pass reads back.
 */
export async function openPutInput(file: string): Promise<PutInput> {
  if (file !== '-') {
    let identity: FileIdentity
    try {
      identity = fileIdentity(file)
    } catch (error) {
      throw new UsageError(`Can't read ${file}: ${(error as Error).message}`, {
        hints: ['Check the path and its permissions.'],
      })
    }
    // Reads the resolved path, so the file read is the one whose identity was taken.
    return {open: () => createReadStream(identity.path), label: file, identity, cleanup: () => {}}
  }
  if (process.stdin.isTTY) {
    throw new UsageError('--file - reads events from stdin, but stdin is a terminal.', {
      hints: ['Pipe the events in (`cat events.ndjson | momento-eb put --file -`), or pass a file path.'],
    })
  }
  const dir = await mkdtemp(join(tmpdir(), 'momento-eb-'))
  const path = join(dir, 'stdin.ndjson')
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
  // Gone from the file system at once: only the open descriptor keeps it, so no exit path leaves it behind.
  unlinkSync(path)
  rmdirSync(dir)
  let spooled = false
  async function* spool(): AsyncIterable<Buffer> {
    let total = 0
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > MAX_STDIN_BYTES) {
        throw new UsageError(`stdin is larger than ${fmt(MAX_STDIN_BYTES)} bytes (2 GiB), so nothing was sent.`, {
          code: 'EB_INVALID_INPUT',
          hints: ['Write the events to a file and pass --file PATH (a file can also be resumed).'],
        })
      }
      for (let written = 0; written < chunk.length;) written += writeSync(fd, chunk, written)
      yield chunk
    }
    spooled = true
  }
  const open = (): AsyncIterable<Buffer | string> => {
    if (!spooled) return spool()
    return createReadStream('', {fd, start: 0, autoClose: false})
  }
  return {open, label: 'stdin', identity: undefined, cleanup: () => closeSync(fd)}
}
