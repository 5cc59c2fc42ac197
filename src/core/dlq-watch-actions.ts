/**
 * The side effects the `dlq watch` view can ask for (ui/dlq/), implemented by services/dlq-watch-run.ts
 * over the adapters: the contract between the view and the workflow, so neither imports the other.
 */
import type {DlqRecord} from './dlq.js'
import type {EventJourney} from './event-journey.js'

/** Counts a redrive reports while it runs. */
export interface RedriveCounts {
  readonly total: number
  readonly sent: number
  readonly failed: number
  readonly skipped: number
}

/** What a finished redrive did. */
export interface RedriveOutcome extends RedriveCounts {
  /** Messages republished and deleted from the queue. */
  readonly redrivenIds: readonly string[]
  /** Why some failed or were skipped, in a line (shown in the status line). */
  readonly note?: string | undefined
}

/** What came back from the editor. */
export type EditOutcome =
  | {
      readonly kind: 'edited'
      /** The changes in a line (`cacheName: "a" → "b"`, or `unchanged`), for the confirmation. */
      readonly summary: string
      readonly edits: ReadonlyMap<string, Record<string, unknown>>
    }
  | {readonly kind: 'cancelled' | 'invalid'; readonly message: string}

/**
 * The side effects the view can ask for. The command implements them with the adapters and the
 * redrive service; tests pass fakes. A missing `redrive`/`editAndRedrive` shows "unavailable".
 */
export interface WatchActions {
  redrive?(
    records: readonly DlqRecord[],
    onProgress: (counts: RedriveCounts) => void,
    edits?: ReadonlyMap<string, Record<string, unknown>>,
  ): Promise<RedriveOutcome>
  /**
   * Open the message in $EDITOR and validate what comes back. The view has released the terminal
   * (no raw mode, no input listener, no repaint) before this is called; the view asks to confirm
   * before redriving the edit.
   */
  edit?(record: DlqRecord): Promise<EditOutcome>
  /** Delete messages for good; resolves with the ids actually deleted. */
  delete(records: readonly DlqRecord[]): Promise<readonly string[]>
  /**
   * Write the records as NDJSON (mode 0600) to a new file: `path` (a file, or a directory to put a
   * new file in), else a new file in the working directory. Resolves with the file's name; rejects
   * with a message fit for the status line.
   */
  export(records: readonly DlqRecord[], path?: string): Promise<string>
  /**
   * The journey of the message's event from the event-bus logs (one lookup). Throws when the stack
   * has no logs (the message says how to turn them on). Missing: the key says "unavailable".
   */
  trace?(record: DlqRecord, eventId: string): Promise<EventJourney>
  /** Tell the feed these messages are gone (after delete or redrive). */
  forget(messageIds: readonly string[]): void
}
