/**
 * The `x` key of `dlq watch`: NDJSON lines to a new file, readable by the owner only.
 */
import {closeSync, openSync, statSync, writeSync} from 'node:fs'
import {homedir} from 'node:os'
import {resolve} from 'node:path'

/** Why a file could not be created, in words, with what to do instead. */
function exportFailure(target: string, error: NodeJS.ErrnoException): Error {
  const why: Record<string, string> = {
    ENOENT: "its directory doesn't exist",
    ENOTDIR: 'a part of the path is a file, not a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    EEXIST: 'a file of that name exists (nothing is overwritten)',
    EISDIR: 'that is a directory',
    ENOSPC: 'the disk is full',
  }
  const reason = why[error.code ?? ''] ?? error.message
  return new Error(`can't write ${target}: ${reason}; press x and give another path`)
}

/**
 * Write the lines (mode 0600) to a new file: `path` if given (`~` is the home directory; an existing
 * directory gets a new file in it), else a new file in the working directory. Never overwrites.
 * Returns the file's name as given (relative names stay relative). Failures are errors whose message
 * says what to do.
 */
export function writeNdjsonFile(lines: readonly string[], path?: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const given = path === undefined ? undefined : path.replace(/^~(?=$|\/)/, homedir())
  let dir: string | undefined
  if (given === undefined) dir = ''
  else if (given.endsWith('/') || isDirectory(given)) dir = given.endsWith('/') ? given : `${given}/`
  let name = dir === undefined ? (given as string) : `${dir}dlq-watch-${stamp}.ndjson`
  let fd: number | undefined
  for (let attempt = 1; fd === undefined; attempt++) {
    try {
      fd = openSync(resolve(name), 'wx', 0o600)
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      // A generated name that exists gets a suffix; a name the user chose is never overwritten.
      if (e.code !== 'EEXIST' || dir === undefined || attempt > 20) throw exportFailure(name, e)
      name = `${dir}dlq-watch-${stamp}-${attempt}.ndjson`
    }
  }
  try {
    for (let i = 0; i < lines.length; i += 1000) writeSync(fd, `${lines.slice(i, i + 1000).join('\n')}\n`)
  } catch (error) {
    throw exportFailure(name, error as NodeJS.ErrnoException)
  } finally {
    closeSync(fd)
  }
  return name
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
