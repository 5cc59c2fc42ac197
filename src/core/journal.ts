/**
 * The redrive journal's port: what the redrive service needs from a journal (the file one in
 * src/adapters/journal-file.ts, or the in-memory one below), and where the state directory is.
 * Only ids are kept: no event bodies, no keys, nothing secret.
 */
import {join} from 'node:path'

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

/** Why a journal could not be opened or written: the command maps it to an exit code and the fix. */
export class JournalError extends Error {
  constructor(
    message: string,
    readonly path: string,
    /** `unsafe`: a symlink where the journal or state directory should be (exit 2); `write`: the disk said no. */
    readonly kind: 'unsafe' | 'write' | 'too-large',
    options?: {cause?: unknown},
  ) {
    super(message, options)
    this.name = 'JournalError'
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
