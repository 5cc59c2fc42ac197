/**
 * The file `dlq export --file` writes: a temporary file beside the target, renamed into place at the
 * end.
 */
import {randomBytes} from 'node:crypto'
import {link, lstat, open, rename, unlink, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {ConflictError, UsageError} from '../core/errors.js'

/** An opened export file: write to `handle`, then `commit` (rename into place) or `abort` (remove it). */
export interface ExportFile {
  handle: FileHandle
  commit(): Promise<void>
  abort(): Promise<void>
}

/**
 * Where the export goes. A regular file (new, or replaced with --force) is written to a temporary
 * file in the same directory (created O_EXCL, mode 0600) and renamed over the target at the end:
 * the target itself is never opened, so its content and mode stay as they were until the rename.
 * A symbolic link at the path is refused (writing through it could empty any file the link names;
 * replacing it would surprise whoever made it). A device or FIFO given with --force (/dev/null,
 * /dev/full) is written directly and its mode is never touched.
 */
export async function openExportFile(path: string, force: boolean): Promise<ExportFile> {
  const cannot = (error: unknown) =>
    new UsageError(`Can't write ${path}: ${(error as Error).message}`, {
      hints: ['Check the directory exists and is writable.'],
    })
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw cannot(error)
  })
  if (existing?.isSymbolicLink()) {
    throw new UsageError(`${path} is a symbolic link; it is not followed, so nothing was exported.`, {
      code: 'EB_FILE_SYMLINK',
      hints: ['Pass the path of the file itself, or remove the link first (`--file -` writes to stdout).'],
    })
  }
  if (existing && !force) throw exists(path)
  if (existing?.isDirectory()) throw cannot(Object.assign(new Error('it is a directory'), {code: 'EISDIR'}))
  if (existing && !existing.isFile()) {
    // A device or FIFO: nothing to replace, and its mode is not ours to change.
    const handle = await open(path, 'w').catch((error: unknown) => {
      throw cannot(error)
    })
    return {handle, commit: () => handle.close(), abort: () => handle.close()}
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  // 'wx' = O_CREAT|O_EXCL: never opens an existing file or follows a link planted at the temp name.
  const handle = await open(temp, 'wx', 0o600).catch((error: unknown) => {
    throw cannot(error)
  })
  const abort = async () => {
    await handle.close().catch(() => undefined)
    await unlink(temp).catch(() => undefined)
  }
  const commit = async () => {
    try {
      await handle.sync()
      await handle.close()
      if (force) {
        await rename(temp, path)
      } else {
        // link(2) fails if the name was taken meanwhile: never overwrite without --force.
        await link(temp, path)
        await unlink(temp)
      }
    } catch (error) {
      await abort()
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path)
      throw typeof error === 'object' && error !== null ? Object.assign(error, {path}) : error
    }
  }
  return {handle, commit, abort}
}

function exists(path: string): ConflictError {
  return new ConflictError(`${path} already exists, so nothing was exported.`, {
    code: 'EB_FILE_EXISTS',
    hints: ['Pass --force to overwrite it, or choose another --file.'],
  })
}
