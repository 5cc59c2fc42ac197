/**
 * The `dlq redrive` workflow: check the selection, open the journal, confirm, redrive (or hold, edit,
 * validate, diff, confirm and redrive with --edit), and turn journal failures into errors that say what
 * was published and what to do. The command composes the ports (the queue, PutEvents, the journal file,
 * the editor) and presents the result; this module never prompts or prints: it asks and tells through
 * `RedriveCallbacks`.
 */
import type {DlqRecord} from '../core/dlq.js'
import {needsFixWarning, reasonsNeedingFix} from '../core/dlq-decode.js'
import {isFiltering, matchesFilter, type DlqFilter} from '../core/dlq-filter.js'
import {CancelledError, MomentoEbError, UsageError} from '../core/errors.js'
import {JournalError, type JournalPort, type PendingDelete} from '../core/journal.js'
import {diffDetail, formatEditFile, parseEditFile, type FieldChange} from '../core/redrive-entry.js'
import {cacheSetExpiry} from '../core/redrive-plan.js'
import {plural} from '../core/text-width.js'
import type {BatchDecoder} from './dlq-diagnose.js'
import {peekDlq} from './dlq-list.js'
import {
  DEFAULT_VISIBILITY_SECONDS,
  newRunId,
  RedriveAbortedError,
  redriveQueue,
  redriveRecords,
  UNCAPPED_LOOPS,
  type RedriveDeps,
  type RedriveOptions,
  type RedriveProgress,
  type RedriveSummary,
} from './redrive.js'

/** One edited event: what changed in its detail. */
export interface RedriveEdit {
  messageId: string
  changes: FieldChange[]
}

/** What `dlq redrive --json` prints: the run's summary, plus the edits when --edit was used. */
export interface RedriveResult extends RedriveSummary {
  edits: RedriveEdit[]
}

/** Above this many messages an interactive run asks first (unless --yes). */
export const CONFIRM_ABOVE = 100

/** Which messages: --all, --id (repeatable, comma-separated), the filter flags. */
export interface RedriveSelection {
  all: boolean
  ids: readonly string[] | undefined
  filter: DlqFilter
  dryRun: boolean
  /** --diagnose or --api-key-stdin was given (they go with --dry-run). */
  diagnosing: boolean
}

/** How a run tells and asks (the command prints and prompts; a service never does). */
export interface RedriveCallbacks {
  /** A line on stderr, in --json mode too (warnings, Ctrl-C). */
  note(line: string): void
  /** A line on stderr for a person (not in --json mode). */
  tell(line: string): void
  verbose(line: string): void
  /** A y/N question; absent when nobody can be asked (no terminal) or --yes answered it. */
  ask?: ((question: string) => Promise<boolean>) | undefined
}

/** The redrive's own ports, beyond the redrive service's. */
export interface DlqRedrivePorts extends Omit<RedriveDeps, 'journal'> {
  /** The journal of this run (a JournalError when it can't be opened), and its path for messages. */
  openJournal(runId: string): Promise<JournalPort & {compacted?: {before: number; after: number} | undefined}>
  journalPath: string
  /** Open the text in $VISUAL/$EDITOR and return what was saved (--edit). */
  editText?(text: string, name: string): Promise<string>
  /** Ctrl-C, SIGTERM, SIGHUP from here on abort the signal; `release` stops listening. */
  interruptible(): {signal: AbortSignal; release(): void}
}

/** What the run was asked to do, from the flags. */
export interface DlqRedriveOptions {
  queueUrl: string
  ids: ReadonlySet<string> | undefined
  filter: DlqFilter
  limit: number | undefined
  dryRun: boolean
  edit: boolean
  bus: string | undefined
  collapse: boolean
  includeExpired: boolean
  rate: number | undefined
  maxInFlight: number
  visibilitySeconds: number
  region: string | undefined
  decoder: BatchDecoder | undefined
  /** With a redrive that isn't a dry run or an edit: a progress reporter for the run's scope. */
  progress?:
    ((scope: {total: number; filtering: boolean}) => {update(p: RedriveProgress): void; done(): void}) | undefined
  /** A dry run's entries, each as it is planned (the summary keeps only the first 1,000). */
  onEntry?: RedriveOptions['onEntry']
  /** Show the edits (--edit, before the confirmation). */
  showEdits?: ((edits: RedriveEdit[], removed: string[]) => void) | undefined
}

/**
 * Check the selection before anything is looked up. Returns the ids (`--id a,b --id c`), or undefined for all or a filter.
 */
export function checkRedriveSelection(selection: RedriveSelection): ReadonlySet<string> | undefined {
  const {filter} = selection
  const ids =
    selection.ids && selection.ids.length > 0
      ? new Set(selection.ids.flatMap((v) => v.split(',')).filter(Boolean))
      : undefined
  if (ids && ids.size === 0) {
    // `--id ""` (or `--id ,`) would match nothing and report success.
    throw new UsageError('--id is empty, so it would match nothing.', {
      hints: ['Give --id the message IDs `momento-eb dlq list` shows, or use --all or a filter.'],
    })
  }
  if (!selection.all && !ids && !isFiltering(filter)) {
    throw new UsageError('Say which messages to redrive: --all, --id ID, or a filter.', {
      hints: [
        'Look first with `momento-eb dlq list`, then e.g. `momento-eb dlq redrive --reason cache-not-found`.',
        'Or `momento-eb dlq redrive --all --dry-run` to see what would be sent.',
      ],
    })
  }
  return ids
}

/** After the --edit confirmation check: the flags that go with --dry-run, and the needs-a-fix warning. */
export async function warnBeforeRedrive(selection: RedriveSelection, callbacks: RedriveCallbacks): Promise<void> {
  const {filter} = selection
  if (selection.diagnosing && !selection.dryRun) {
    throw new UsageError('--diagnose and --api-key-stdin go with --dry-run.', {
      hints: [
        'A redrive selects by the reasons as the DLQ messages state them: look first with `momento-eb dlq redrive --dry-run --diagnose` or `momento-eb dlq list`.',
      ],
    })
  }
  // Reasons that need a fix first (cache-not-found, key-invalid…): say so before anything is sent, and on
  // a terminal ask. (With --all or --id the reasons are known only as the messages are read: the summary
  // says how many came back.)
  const warning = selection.dryRun || !filter.reasons ? undefined : needsFixWarning(filter.reasons)
  if (warning) {
    const needing = reasonsNeedingFix(filter.reasons ?? [])
    callbacks.note(`Warning: ${warning}`)
    callbacks.note(`See the fix for each with \`momento-eb dlq list --reason ${needing.join(',')}\`, then redrive.`)
    if (callbacks.ask && !(await callbacks.ask('Redrive them anyway?'))) throw nothingRedriven()
  }
}

/** The redrive itself: journal, Ctrl-C, confirmation, progress, the run (or --edit), journal failures. */
export async function redriveDlq(
  ports: DlqRedrivePorts,
  options: DlqRedriveOptions,
  callbacks: RedriveCallbacks,
): Promise<RedriveResult> {
  const {queue, events} = ports
  const {queueUrl, ids, filter, rate, journalPath} = {...options, journalPath: ports.journalPath}
  if (options.bus) await events.describeEventBus(options.bus)
  const runId = newRunId()
  const journal = await ports.openJournal(runId).catch((error: unknown) => {
    throw journalErrorFor(error)
  })
  callbacks.verbose(`Redrive journal: ${journalPath}`)
  if (journal.compacted) {
    const {before, after} = journal.compacted
    callbacks.verbose(`Compacted the journal (finished runs dropped): ${before} → ${after} bytes.`)
  }
  const deps: RedriveDeps = {...ports, journal}
  reportInterrupted(journal.pending, journalPath, callbacks)

  const stop = ports.interruptible()
  const redriveOptions: RedriveOptions = {
    select: (r: DlqRecord) => matchesFilter(r, filter),
    ids,
    limit: options.limit,
    bus: options.bus,
    collapse: options.collapse,
    includeExpired: options.includeExpired,
    rate,
    dryRun: options.dryRun,
    onEntry: options.onEntry,
    decoder: options.decoder,
    visibilitySeconds: options.visibilitySeconds,
    // Besides the held ones, each receive loop has at most one batch of 10 hidden while it works on it.
    maxHeld: Math.max(10, options.maxInFlight - (rate === 0 ? UNCAPPED_LOOPS : 16) * 10),
    region: options.region,
    runId,
    signal: stop.signal,
  }
  let progress: ReturnType<NonNullable<DlqRedriveOptions['progress']>> | undefined
  try {
    let edits: RedriveEdit[] = []
    let summary: RedriveSummary
    if (options.edit) {
      ;({summary, edits} = await editAndRedrive(deps, redriveOptions, ports, options, callbacks))
    } else {
      if (!options.dryRun && callbacks.ask && (!ids || ids.size > CONFIRM_ABOVE)) {
        const depth = await queue.depth()
        if (depth.visible > CONFIRM_ABOVE) {
          const question = `Redrive up to ${options.limit ?? depth.visible} of ${plural(depth.visible, 'message')} from ${queueUrl}?`
          if (!(await callbacks.ask(question))) throw nothingRedriven()
        }
      }
      if (options.progress && !options.dryRun) {
        // The most this run can redrive; with a filter (how many match is known only at the end),
        // the queue's depth, which the bar then follows the reading of.
        const filtering = isFiltering(filter) && ids === undefined
        const total =
          ids?.size ?? (!filtering && options.limit !== undefined ? options.limit : (await queue.depth()).visible)
        progress = options.progress({total, filtering})
        redriveOptions.onProgress = progress.update
      }
      summary = await redriveQueue(deps, redriveOptions)
    }
    progress?.done()
    return {...summary, edits}
  } catch (error) {
    progress?.done()
    if (error instanceof RedriveAbortedError) {
      const s = error.summary
      if (s.journalFailure) throw journalFailed(s, journalPath)
      callbacks.tell(
        `Redrove ${plural(s.redriven, 'message')} before the failure below; the rest are still in the queue.`,
      )
      throw error.reason
    }
    throw error
  } finally {
    stop.release()
    journal.close()
  }
}

/** --edit: hold the selection, edit it, validate, show the diff, confirm, redrive what is left in the file. */
async function editAndRedrive(
  deps: RedriveDeps,
  options: RedriveOptions,
  ports: DlqRedrivePorts,
  run: DlqRedriveOptions,
  callbacks: RedriveCallbacks,
): Promise<{summary: RedriveSummary; edits: RedriveEdit[]}> {
  const {ids} = run
  const visibility = options.visibilitySeconds ?? DEFAULT_VISIBILITY_SECONDS
  const peek = await peekDlq(deps.queue, {
    keepHidden: true,
    visibilityTimeoutSeconds: visibility,
    decoder: options.decoder,
  })
  const chosen = peek.records.filter(
    (r) =>
      r.redrivable &&
      (options.select?.(r) ?? true) &&
      (!ids || ids.has(r.messageId) || (r.event?.id !== undefined && ids.has(r.event.id))),
  )
  // The latest receipt handle of each message (a message received twice during the scan has a new one).
  const latest = new Map(peek.handles.map((h) => [h.messageId, h.receiptHandle]))
  const selected = (options.limit ? chosen.slice(0, options.limit) : chosen).map((r) => ({
    ...r,
    receiptHandle: latest.get(r.messageId) ?? r.receiptHandle,
  }))
  const keep = new Set(selected.map((r) => r.messageId))
  const release = async (ids: Set<string>) => {
    const handles = peek.handles.filter((h) => ids.has(h.messageId))
    if (handles.length > 0) await deps.queue.changeVisibility(handles, 0).catch(() => undefined)
  }
  await release(new Set(peek.handles.map((h) => h.messageId).filter((id) => !keep.has(id))))
  // Keep the selection hidden while the editor is open, however long that takes.
  const keepAlive = setInterval(
    () => {
      void deps.queue.changeVisibility(
        peek.handles.filter((h) => keep.has(h.messageId)),
        visibility,
      )
    },
    (visibility * 1000) / 2,
  )
  try {
    if (selected.length === 0) {
      throw new UsageError('No redrivable message matches the selection, so there is nothing to edit.', {
        hints: ['Check the ids with `momento-eb dlq list`.'],
      })
    }
    // A cacheSet whose TTL already ran out is skipped at send time (unless --include-expired): say so
    // before the editor opens, not after the user edited and confirmed it.
    const expiredNow = (r: DlqRecord, detail?: Record<string, unknown>) => {
      if (options.includeExpired) return false
      const at = cacheSetExpiry(r, detail)
      return at !== undefined && at <= Date.now()
    }
    const stale = selected.filter((r) => expiredNow(r))
    if (stale.length > 0) {
      callbacks.note(
        `The TTL of ${plural(stale.length, 'selected event')} already ran out (it counts from the event's time), ` +
          `so ${stale.length === 1 ? 'it is' : 'they are'} skipped unless you raise "ttl" in the editor ` +
          'enough to cover the time since, or run with --include-expired.',
      )
    }
    if (!ports.editText) throw new Error('--edit needs an editor')
    const text = await ports.editText(formatEditFile(selected), 'redrive-events.json')
    const parsed = parseEditFile(text, selected)
    if (!parsed.ok) {
      const lines = parsed.issues.map((i) => `  ${i.messageId ?? 'file'} ${i.field}: ${i.message} ${i.hint}`)
      throw new UsageError(`The edited events are invalid, so nothing was sent:\n${lines.join('\n')}`, {
        code: 'EB_INVALID_INPUT',
        hints: ['Run the command again and fix the fields named above.'],
      })
    }
    const edits = selected
      .filter((r) => parsed.edits.has(r.messageId))
      .map((r) => ({
        messageId: r.messageId,
        changes: diffDetail(r.event?.detail ?? {}, parsed.edits.get(r.messageId) ?? {}),
      }))
    run.showEdits?.(edits, parsed.removed)
    const toSend = selected.filter((r) => parsed.edits.has(r.messageId))
    const stillExpired = toSend.filter((r) => expiredNow(r, parsed.edits.get(r.messageId)))
    if (stillExpired.length > 0) {
      callbacks.tell(
        `${plural(stillExpired.length, 'edited event')} still past ${stillExpired.length === 1 ? 'its' : 'their'} TTL: ` +
          `${stillExpired.length === 1 ? 'it' : 'they'} will be skipped (--include-expired sends them).`,
      )
    }
    if (callbacks.ask && !(await callbacks.ask(`Redrive ${toSend.length} edited event(s)?`))) throw nothingRedriven()
    clearInterval(keepAlive)
    await release(new Set(parsed.removed))
    const summary = await redriveRecords(toSend, deps, {...options, edits: parsed.edits, ids: undefined})
    return {summary, edits}
  } catch (error) {
    await release(keep)
    throw error
  } finally {
    clearInterval(keepAlive)
  }
}

function nothingRedriven(): CancelledError {
  return new CancelledError('Cancelled: nothing changed (nothing was redriven).')
}

function reportInterrupted(
  pending: ReadonlyMap<string, PendingDelete>,
  path: string,
  callbacks: RedriveCallbacks,
): void {
  if (pending.size === 0) return
  const runs = new Set([...pending.values()].map((p) => p.runId))
  callbacks.tell(
    `An earlier redrive (${[...runs].join(', ')}) was interrupted: ${pending.size} message(s) were published but not ` +
      `deleted (journal: ${path}). They are deleted when they show up, without being published again.`,
  )
}

/** A journal that can't be opened: a symlink is refused (exit 2), a write failure names the path and the fix (exit 1). */
function journalErrorFor(error: unknown): unknown {
  if (!(error instanceof JournalError)) return error
  const moveHint =
    'Or point MOMENTO_EB_STATE_DIR at a directory with room (the journal of interrupted runs stays in the old one).'
  if (error.kind === 'unsafe') {
    return new UsageError(`${error.message} Nothing was redriven.`, {
      code: 'EB_JOURNAL_UNSAFE',
      cause: error,
      hints: [
        `Replace it with a real file or directory (e.g. \`mv\` the link away), or set MOMENTO_EB_STATE_DIR to a real directory.`,
      ],
    })
  }
  if (error.kind === 'too-large') {
    return new MomentoEbError(`${error.message} Nothing was redriven.`, {
      code: 'EB_JOURNAL_TOO_LARGE',
      cause: error,
      hints: [
        'Run the redrives of the queues it names to the end (each run deletes what it finds published), or move it aside: the messages it holds may then be published twice.',
      ],
    })
  }
  return new MomentoEbError(`${error.message} Nothing was redriven: the journal must be writable first.`, {
    code: 'EB_JOURNAL_WRITE',
    cause: error,
    hints: [`Free space on the file system of ${error.path}.`, moveHint],
  })
}

/** A journal write failed mid-run: say exactly what was published and what happens to it. */
function journalFailed(s: RedriveSummary, path: string): MomentoEbError {
  const n = s.journalFailure?.notJournaled ?? 0
  const lost =
    n > 0
      ? ` ${n} of them could not be deleted and are not in the journal: the next run publishes them again (duplicates).`
      : ' Each of them was deleted from the queue, so none will be published twice.'
  return new MomentoEbError(
    `The redrive journal ${path} could not be written (${s.journalFailure?.message ?? 'write failed'}), so the run stopped: ` +
      `${s.redriven} message(s) had been published before it stopped and nothing more was sent.${lost} ` +
      'The rest is still in the queue, visible again now.',
    {
      code: 'EB_JOURNAL_WRITE',
      hints: [
        `Free space on the file system of ${path}, then run the command again.`,
        'Or point MOMENTO_EB_STATE_DIR at a directory with room.',
      ],
    },
  )
}
