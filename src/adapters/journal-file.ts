/**
 * The redrive journal's file (its port is src/core/journal.ts): an append-only NDJSON file in the
 * user's state directory that makes redrive safe to kill at any instant
 * (docs/reference/aws-facts.md#redrive-crash-safety, #redrive-semantics-safe). For every message it records
 * `published` (the new event id came back) before the SQS delete is sent, and `deleted` after. A later run
 * reads it: a message that was published but never deleted is deleted when it shows up again, and not
 * published a second time. Only ids are kept: no event bodies, no keys, nothing secret.
 */
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {JOURNAL_FILE, JournalError, type JournalLine, type JournalPort, type PendingDelete} from '../core/journal.js'

// Messages stay in an SQS queue for at most 14 days, so older journal lines can't match anything.
const MAX_RETENTION_MS = 14 * 86_400_000

/** Read the published-not-deleted messages of one queue from a journal file (missing file: none). */
export async function readPending(path: string, queue: string, now = Date.now()): Promise<Map<string, PendingDelete>> {
  const pending = new Map<string, PendingDelete>()
  if (!existsSync(path)) return pending
  const lines = createInterface({input: createReadStream(path, {encoding: 'utf8'}), crlfDelay: Infinity})
  for await (const text of lines) {
    if (text === '' || !text.includes(queue)) continue
    let line: Partial<JournalLine>
    try {
      line = JSON.parse(text) as Partial<JournalLine>
    } catch {
      // A run killed mid-write leaves at most one torn last line; the lines before it are whole.
      continue
    }
    if (line.queue !== queue || typeof line.messageId !== 'string') continue
    if (line.phase === 'published') {
      const time = String(line.time ?? '')
      if (now - Date.parse(time) > MAX_RETENTION_MS) continue
      pending.set(line.messageId, {
        messageId: line.messageId,
        oldEventId: line.oldEventId,
        newEventId: line.newEventId,
        runId: String(line.runId ?? ''),
        time,
      })
    } else if (line.phase === 'deleted') {
      pending.delete(line.messageId)
    }
  }
  return pending
}

/**
 * Above this size (after compaction, which leaves only unfinished messages of the last 14 days) the
 * journal is refused rather than read on every start. 256 MB is about a million unfinished messages.
 */
export const MAX_JOURNAL_BYTES = 256 * 1024 * 1024

/** A run that opened the journal (its marker line): compaction waits while one of them is alive. */
interface OpenMarker {
  phase: 'open' | 'close'
  runId: string
  pid?: number
  time: string
}

const LOCK_FILE = 'redrive-journal.lock'

/** Journals this process has open (a compaction would cut them off the file they append to). */
let openHere = 0

/**
 * write(2) until all of it is written: a nearly full disk takes part of a write without an error, and
 * only the next write says ENOSPC. A short write is never taken for a whole one.
 */
function writeAll(fd: number, text: string): void {
  const data = Buffer.from(text, 'utf8')
  for (let offset = 0; offset < data.length;) {
    const n = writeSync(fd, data, offset, data.length - offset)
    if (n <= 0) throw Object.assign(new Error('no space left on device (short write)'), {code: 'ENOSPC'})
    offset += n
  }
}

/** Whether a process with this id is alive on this machine (EPERM: alive, owned by someone else). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Refuse a symlink at `path` (state directory or journal file): writing through it could clobber anything. */
function refuseSymlink(path: string, what: string): void {
  let stat
  try {
    stat = lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if (stat.isSymbolicLink()) {
    throw new JournalError(`The redrive ${what} ${path} is a symbolic link; it is not followed.`, path, 'unsafe')
  }
}

/**
 * Take the journal's open lock (O_EXCL file holding our pid) for the short open phase: reading,
 * compacting and writing this run's marker. A lock whose owner is dead is stolen. Waits at most ~10 s.
 */
async function lock(dir: string): Promise<() => void> {
  const path = join(dir, LOCK_FILE)
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
      try {
        writeSync(fd, String(process.pid))
      } catch (error) {
        closeSync(fd)
        rmSync(path, {force: true})
        throw error
      }
      closeSync(fd)
      return () => rmSync(path, {force: true})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let owner = NaN
      try {
        owner = Number(readFileSync(path, 'utf8'))
      } catch {
        // Gone meanwhile: try again.
      }
      if (!alive(owner) || attempt >= 200) rmSync(path, {force: true})
      else await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/**
 * Stream the journal once: the unfinished messages (published, not deleted, within retention) as their
 * original lines, and whether another live process has the journal open. Memory holds only the
 * unfinished messages, never the whole file.
 */
async function scan(
  path: string,
  now: number,
): Promise<{unfinished: Map<string, string>; busy: boolean; lines: number}> {
  const unfinished = new Map<string, string>()
  const open = new Map<string, number | undefined>()
  let lines = 0
  if (!existsSync(path)) return {unfinished, busy: false, lines}
  const input = createInterface({input: createReadStream(path, {encoding: 'utf8'}), crlfDelay: Infinity})
  for await (const text of input) {
    if (text === '') continue
    lines++
    let line: {phase?: unknown; runId?: unknown; pid?: number}
    try {
      line = JSON.parse(text) as typeof line
    } catch {
      continue
    }
    if (line.phase === 'open') open.set(String(line.runId), line.pid)
    else if (line.phase === 'close') open.delete(String(line.runId))
    const l = line as Partial<JournalLine>
    if (typeof l.messageId !== 'string') continue
    const key = `${l.queue}\u0000${l.messageId}`
    if (l.phase === 'published') {
      if (now - Date.parse(String(l.time ?? '')) > MAX_RETENTION_MS) continue
      unfinished.set(key, text)
    } else if (l.phase === 'deleted') unfinished.delete(key)
  }
  const busy = [...open.values()].some((pid) => pid !== undefined && pid !== process.pid && alive(pid))
  // Our own process's other journals (the watch view, tests) count too.
  const ownOpen = [...open.values()].some((pid) => pid === process.pid && openHere > 0)
  return {unfinished, busy: busy || ownOpen, lines}
}

/**
 * Rewrite the journal with only the unfinished messages: a temporary file in the same directory,
 * fsync, rename over the journal (atomic: a crash leaves the old or the new file, never half of one).
 */
function compact(dir: string, path: string, keep: Iterable<string>): void {
  const temp = join(dir, `.${JOURNAL_FILE}.${process.pid}.tmp`)
  rmSync(temp, {force: true})
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
  try {
    let chunk = ''
    for (const text of keep) {
      chunk += `${text}\n`
      if (chunk.length > 1 << 20) {
        writeAll(fd, chunk)
        chunk = ''
      }
    }
    if (chunk) writeAll(fd, chunk)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(temp, {force: true})
    throw error
  }
  closeSync(fd)
  renameSync(temp, path)
}

/**
 * Open (creating with mode 0600 in a 0700 directory) the journal for one run on one queue, after
 * reading what earlier runs left pending. Writes are synchronous `write(2)`s: once `published()`
 * returns, the line is in the kernel and survives the process being killed (SIGKILL included).
 *
 * On open the journal is compacted (finished runs dropped) unless another live process has it open,
 * and a marker line is written and fsynced: a full disk or an unwritable directory fails here, before
 * anything is published. A symlinked state directory or journal file is refused (JournalError
 * `unsafe`); any write failure is a JournalError `write` naming the path.
 */
export async function openJournal(options: {
  dir: string
  queue: string
  runId: string
  now?: () => number
}): Promise<JournalPort & {path: string; compacted: {before: number; after: number} | undefined}> {
  const now = options.now ?? Date.now
  const path = join(options.dir, JOURNAL_FILE)
  const failed = (error: unknown): JournalError =>
    error instanceof JournalError
      ? error
      : new JournalError(`Can't write the redrive journal ${path}: ${(error as Error).message}`, path, 'write', {
          cause: error,
        })
  let fd = -1
  const pending = new Map<string, PendingDelete>()
  let compacted: {before: number; after: number} | undefined
  try {
    refuseSymlink(options.dir, 'state directory')
    mkdirSync(options.dir, {recursive: true, mode: 0o700})
    refuseSymlink(options.dir, 'state directory')
    refuseSymlink(path, 'journal')
    const unlock = await lock(options.dir)
    try {
      const {unfinished, busy, lines} = await scan(path, now())
      for (const p of readPendingLines(options.queue, unfinished.values())) pending.set(p.messageId, p)
      if (!busy && lines > unfinished.size && existsSync(path)) {
        const before = statSync(path).size
        compact(options.dir, path, unfinished.values())
        compacted = {before, after: statSync(path).size}
      }
      if (existsSync(path) && statSync(path).size > MAX_JOURNAL_BYTES) {
        throw new JournalError(
          `The redrive journal ${path} holds ${Math.round(statSync(path).size / 1048576)} MB of unfinished messages (limit ${MAX_JOURNAL_BYTES / 1048576} MB).`,
          path,
          'too-large',
        )
      }
      // O_NOFOLLOW: a symlink put there since the check above still isn't followed (ELOOP).
      fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600)
      openHere++
      // An existing file keeps its mode on open; make sure nobody else can read message ids.
      fchmodSync(fd, 0o600)
      const marker: OpenMarker = {
        phase: 'open',
        runId: options.runId,
        pid: process.pid,
        time: new Date(now()).toISOString(),
      }
      // The probe: a full disk or a read-only file system fails this write or the fsync, before any publish.
      // A run stopped by a full disk may have left a torn last line: start ours on a line of its own.
      const size = fstatSync(fd).size
      const last = Buffer.alloc(1)
      const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a
      writeAll(fd, `${torn ? '\n' : ''}${JSON.stringify(marker)}\n`)
      fsyncSync(fd)
    } finally {
      unlock()
    }
  } catch (error) {
    if (fd >= 0) {
      closeSync(fd)
      openHere--
    }
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new JournalError(`The redrive journal ${path} is a symbolic link; it is not followed.`, path, 'unsafe')
    }
    throw failed(error)
  }
  let closed = false
  let broken: JournalError | undefined
  const write = (lines: JournalLine[]): void => {
    if (lines.length === 0 || closed) return
    if (broken) throw broken
    try {
      writeAll(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    } catch (error) {
      broken = failed(error)
      throw broken
    }
  }
  const line = (
    messageId: string,
    oldEventId: string | undefined,
    newEventId: string | undefined,
    phase: JournalLine['phase'],
  ): JournalLine => ({
    time: new Date(now()).toISOString(),
    runId: options.runId,
    queue: options.queue,
    messageId,
    oldEventId,
    newEventId,
    phase,
  })
  return {
    path,
    compacted,
    pending,
    published(items) {
      write(items.map((i) => line(i.messageId, i.oldEventId, i.newEventId, 'published')))
    },
    deleted(items) {
      write(items.map((i) => line(i.messageId, i.oldEventId, undefined, 'deleted')))
    },
    close() {
      if (closed) return
      closed = true
      openHere--
      try {
        if (!broken)
          writeSync(
            fd,
            `${JSON.stringify({phase: 'close', runId: options.runId, time: new Date(now()).toISOString()})}\n`,
          )
      } catch {
        // A journal without its close marker only delays the next compaction (the pid is dead by then).
      } finally {
        closeSync(fd)
      }
    },
  }
}

/** The pending deletes of one queue among unfinished journal lines. */
function readPendingLines(queue: string, texts: Iterable<string>): PendingDelete[] {
  const out: PendingDelete[] = []
  for (const text of texts) {
    const l = JSON.parse(text) as JournalLine
    if (l.queue !== queue) continue
    out.push({
      messageId: l.messageId,
      oldEventId: l.oldEventId,
      newEventId: l.newEventId,
      runId: String(l.runId ?? ''),
      time: String(l.time ?? ''),
    })
  }
  return out
}
