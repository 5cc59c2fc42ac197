/**
 * Progress of `put --file`, so an interrupted run can be resumed without sending lines twice.
 *
 * One small JSON file per input file, in the state directory the redrive journal uses
 * (MOMENTO_EB_STATE_DIR, $XDG_STATE_HOME/momento-eb, ~/.local/state/momento-eb), under
 * `put-progress/<sha256 of the real path>.json`. It holds the file's identity (real path, size,
 * mtime, SHA-256 of its first 64 KiB) and the settled prefix: every line up to `acceptedThrough`
 * was accepted by PutEvents, except `failedLines` (which `--resume` sends again). It is rewritten
 * each time that prefix grows, atomically (a 0600 temp file, then rename), never through a symlink.
 * No event content is kept: line numbers only.
 */
import {createHash} from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import {join} from 'node:path'

/** What identifies an input file: a change to any of these makes the recorded progress void. */
export interface FileIdentity {
  path: string
  size: number
  mtimeMs: number
  /** SHA-256 (hex) of the first HEAD_BYTES bytes. */
  head: string
}

/** The state file's content (version 1). */
export interface PutProgress {
  version: 1
  identity: FileIdentity
  /** Every line up to this one has its final answer from PutEvents. 0: none yet. */
  acceptedThrough: number
  /** Lines up to `acceptedThrough` that were not accepted (failed or interrupted): --resume sends them. */
  failedLines: number[]
  /** Set when the run read the whole file. */
  complete: boolean
  updatedAt: string
}

const HEAD_BYTES = 65_536
/** Failed lines kept; past this the settled prefix stops before the first one not kept (re-sent). */
export const MAX_FAILED_LINES = 10_000

/** The identity of the file at `path` (throws the fs error when it can't be read). */
export function fileIdentity(path: string): FileIdentity {
  const real = realpathSync(path)
  const fd = openSync(real, 'r')
  try {
    const stat = fstatSync(fd)
    const head = Buffer.alloc(Math.min(HEAD_BYTES, Math.max(0, stat.size)))
    let read = 0
    while (read < head.length) {
      const n = readSync(fd, head, read, head.length - read, read)
      if (n === 0) break
      read += n
    }
    return {
      path: real,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      head: createHash('sha256').update(head.subarray(0, read)).digest('hex'),
    }
  } finally {
    closeSync(fd)
  }
}

/** Where the progress of the file with this identity lives. */
export function progressPath(stateDir: string, identity: Pick<FileIdentity, 'path'>): string {
  const name = createHash('sha256').update(identity.path).digest('hex').slice(0, 32)
  return join(stateDir, 'put-progress', `${name}.json`)
}

/** Why recorded progress can't be used for this file as it is now; undefined when it can. */
export function identityMismatch(recorded: FileIdentity, now: FileIdentity): string | undefined {
  if (recorded.size !== now.size) return `its size changed (${recorded.size} → ${now.size} bytes)`
  if (recorded.mtimeMs !== now.mtimeMs) return 'it was modified since'
  if (recorded.head !== now.head) return 'its first bytes changed'
  return undefined
}

/** Read recorded progress; undefined when there is none (or it is unreadable: a torn or foreign file). */
export function readProgress(path: string): PutProgress | undefined {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch {
    return undefined
  }
  try {
    const size = fstatSync(fd).size
    if (size > 1 << 20) return undefined
    const buffer = Buffer.alloc(size)
    readSync(fd, buffer, 0, size, 0)
    const value = JSON.parse(buffer.toString('utf8')) as Partial<PutProgress>
    if (value.version !== 1 || typeof value.acceptedThrough !== 'number' || !Array.isArray(value.failedLines)) {
      return undefined
    }
    return value as PutProgress
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes progress atomically: a new 0600 file next to the target (created exclusively, never
 * through a symlink), then rename over the target (rename replaces a symlink, it doesn't follow
 * it). The directory is created 0700 and must not itself be a symlink.
 */
export class ProgressWriter {
  private readonly temp: string

  constructor(readonly path: string) {
    this.temp = `${path}.${process.pid}.tmp`
    const dir = join(path, '..')
    mkdirSync(dir, {recursive: true, mode: 0o700})
    if (lstatSync(dir).isSymbolicLink()) throw new Error(`${dir} is a symbolic link; refusing to write through it`)
  }

  write(progress: PutProgress): void {
    const text = JSON.stringify(progress)
    let fd: number
    try {
      fd = openSync(this.temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // A leftover of a killed run with our pid: remove it (unlink doesn't follow a symlink) and retry.
      unlinkSync(this.temp)
      fd = openSync(this.temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    }
    try {
      writeSync(fd, text)
    } finally {
      closeSync(fd)
    }
    renameSync(this.temp, this.path)
  }
}

/**
 * The progress to record after this run settled every line up to `through` (0: nothing yet).
 * `previous` is what a resumed run started from: its failed lines are sent again first (they come
 * before anything new), so one that is not yet settled in this run stays recorded as failed. With
 * more than MAX_FAILED_LINES failures the prefix is cut before the first failure not kept, so nothing
 * unaccepted is ever skipped (the lines after it are re-sent instead).
 */
export function settledProgress(
  identity: FileIdentity,
  previous: {acceptedThrough: number; failedLines: readonly number[]},
  through: number,
  failures: ReadonlyArray<{line: number}>,
  complete: boolean,
): PutProgress {
  const failed = new Set<number>()
  for (const line of previous.failedLines) if (line > through) failed.add(line)
  for (const f of failures) if (f.line <= Math.max(through, previous.acceptedThrough)) failed.add(f.line)
  let failedLines = [...failed].sort((a, b) => a - b)
  let acceptedThrough = Math.max(through, previous.acceptedThrough)
  if (failedLines.length > MAX_FAILED_LINES) {
    acceptedThrough = (failedLines[MAX_FAILED_LINES] as number) - 1
    failedLines = failedLines.slice(0, MAX_FAILED_LINES)
    complete = false
  }
  return {version: 1, identity, acceptedThrough, failedLines, complete, updatedAt: new Date().toISOString()}
}
