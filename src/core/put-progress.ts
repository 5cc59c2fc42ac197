/**
 * The pure part of `put --file` progress: what identifies an input file, the recorded progress
 * (format version 1, see adapters/put-progress-file.ts for where and how it is stored), whether a
 * record still fits the file, and what to record once a prefix of the lines has settled.
 */

/** What identifies an input file: a change to any of these makes the recorded progress void. */
export interface FileIdentity {
  path: string
  size: number
  mtimeMs: number
  /** SHA-256 (hex) of the first 64 KiB (HEAD_BYTES in adapters/put-progress-file.ts). */
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

/** Failed lines kept; past this the settled prefix stops before the first one not kept (re-sent). */
export const MAX_FAILED_LINES = 10_000

/** Why recorded progress can't be used for this file as it is now; undefined when it can. */
export function identityMismatch(recorded: FileIdentity, now: FileIdentity): string | undefined {
  if (recorded.size !== now.size) return `its size changed (${recorded.size} → ${now.size} bytes)`
  if (recorded.mtimeMs !== now.mtimeMs) return 'it was modified since'
  if (recorded.head !== now.head) return 'its first bytes changed'
  return undefined
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
