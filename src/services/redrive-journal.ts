/**
 * The redrive journal: an append-only NDJSON file in the user's state directory that makes redrive
 * safe to kill at any instant (prior-art §3.6, §5.2). For every message it records `published` (the
 * new event id came back) before the SQS delete is sent, and `deleted` after. A later run reads it:
 * a message that was published but never deleted is deleted when it shows up again, and not published
 * a second time. Only ids are kept: no event bodies, no keys, nothing secret.
 */
import {closeSync, chmodSync, mkdirSync, openSync, writeSync} from 'node:fs'
import {createReadStream, existsSync} from 'node:fs'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

/** One line of the journal. */
export interface JournalLine {
  time: string
  runId: string
  queue: string
  messageId: string
  oldEventId: string | undefined
  newEventId: string | undefined
  phase: 'published' | 'deleted'
}

/** A message an earlier run published but did not delete (as far as the journal knows). */
export interface PendingDelete {
  messageId: string
  oldEventId: string | undefined
  newEventId: string | undefined
  runId: string
  time: string
}

/** What the redrive service needs from a journal (the file one below, or an in-memory fake). */
export interface JournalPort {
  /** Published-not-deleted messages of this queue from earlier runs, by message id. */
  readonly pending: ReadonlyMap<string, PendingDelete>
  /** Record that these messages were published. Must be durable before it returns (the delete follows). */
  published(items: ReadonlyArray<{messageId: string; oldEventId: string | undefined; newEventId: string}>): void
  /** Record that these messages were deleted from the queue. */
  deleted(items: ReadonlyArray<{messageId: string; oldEventId: string | undefined}>): void
  close(): void
}

/** The journal's file name inside the state directory. */
export const JOURNAL_FILE = 'redrive-journal.ndjson'

/**
 * The state directory: MOMENTO_EB_STATE_DIR, else $XDG_STATE_HOME/momento-eb, else
 * ~/.local/state/momento-eb (XDG Base Directory: state that should survive restarts but isn't config).
 */
export function stateDirFrom(env: NodeJS.ProcessEnv, home: string): string {
  const explicit = env['MOMENTO_EB_STATE_DIR']?.trim()
  if (explicit) return explicit
  const xdg = env['XDG_STATE_HOME']?.trim()
  if (xdg) return join(xdg, 'momento-eb')
  return join(home, '.local', 'state', 'momento-eb')
}

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
 * Open (creating with mode 0600 in a 0700 directory) the journal for one run on one queue, after
 * reading what earlier runs left pending. Writes are synchronous `write(2)`s: once `published()`
 * returns, the line is in the kernel and survives the process being killed (SIGKILL included).
 */
export async function openJournal(options: {
  dir: string
  queue: string
  runId: string
  now?: () => number
}): Promise<JournalPort> {
  const now = options.now ?? Date.now
  mkdirSync(options.dir, {recursive: true, mode: 0o700})
  const path = join(options.dir, JOURNAL_FILE)
  const pending = await readPending(path, options.queue, now())
  const fd = openSync(path, 'a', 0o600)
  // An existing file keeps its mode on open; make sure nobody else can read message ids.
  chmodSync(path, 0o600)
  let closed = false
  const write = (lines: JournalLine[]): void => {
    if (lines.length === 0 || closed) return
    writeSync(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
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
      closeSync(fd)
    },
  }
}

/** A journal that remembers nothing (dry runs, tests). */
export function memoryJournal(pending: Map<string, PendingDelete> = new Map()): JournalPort & {lines: JournalLine[]} {
  const lines: JournalLine[] = []
  const push =
    (phase: JournalLine['phase']) =>
    (items: ReadonlyArray<{messageId: string; oldEventId: string | undefined; newEventId?: string}>) => {
      for (const i of items) {
        lines.push({
          time: new Date().toISOString(),
          runId: 'memory',
          queue: 'memory',
          messageId: i.messageId,
          oldEventId: i.oldEventId,
          newEventId: i.newEventId,
          phase,
        })
      }
    }
  return {pending, lines, published: push('published'), deleted: push('deleted'), close() {}}
}
