/**
 * The `dlq watch` workflows over the feed (services/dlq-watch.ts): the NDJSON stream off a terminal,
 * the early start of the first poll, and the side effects the terminal view asks for (redrive, edit,
 * delete, export, trace) over ports. The command composes the ports and mounts the view (src/ui/dlq);
 * nothing here prompts, prints or touches the file system.
 */
import type {DlqQueuePort, DlqRecord} from '../core/dlq.js'
import {isFiltering, matchesFilter, type DlqFilter} from '../core/dlq-filter.js'
import {UsageError} from '../core/errors.js'
import type {EventJourney} from '../core/event-journey.js'
import type {JournalPort} from '../core/journal.js'
import type {EventsPort} from '../core/put-entries.js'
import {diffDetail, formatEditFile, formatFieldChange, parseEditFile} from '../core/redrive-entry.js'
import type {RuleStatus} from '../core/redrive-plan.js'
import type {EditOutcome, RedriveOutcome, WatchActions} from '../core/dlq-watch-actions.js'
import {toRecordView} from './dlq-list.js'
import type {DlqWatchFeed, DlqWatchUpdate} from './dlq-watch.js'
import {newRunId, redriveRecords} from './redrive.js'

/** What the view's actions need besides the feed. */
export interface WatchActionPorts {
  queue: DlqQueuePort
  events: EventsPort
  /** The same rule check as `dlq redrive`: a disabled rule keeps the messages. */
  describeRule(ruleArn: string): Promise<RuleStatus>
  /** The redrive journal (a JournalError when it can't be opened: the view shows it). */
  openJournal(runId: string): Promise<JournalPort>
  /** Open the text in $EDITOR (a UsageError when the editor failed or was left without saving). */
  editText(text: string, name: string): Promise<string>
  /** Write NDJSON lines to a new file (`path` or a generated name); returns its name. */
  writeNdjson(lines: readonly string[], path?: string): string
  trace?: ((record: DlqRecord, eventId: string) => Promise<EventJourney>) | undefined
  redact(text: string): string
}

/** The view's side effects, over the ports and the redrive service. */
export function watchActions(
  feed: DlqWatchFeed,
  ports: WatchActionPorts,
  options: {region: string | undefined; rate: number | undefined},
): WatchActions {
  const {queue} = ports
  const latest = (record: DlqRecord): DlqRecord => {
    const handle = feed.latestHandle(record.messageId)
    return handle && handle !== record.receiptHandle ? {...record, receiptHandle: handle} : record
  }
  const redrive: NonNullable<WatchActions['redrive']> = async (records, onProgress, edits) => {
    const resume = feed.pause()
    const runId = newRunId()
    // A journal that can't be opened (disk full, a symlink) stops the redrive before anything is
    // published; the view shows its message, and watching goes on.
    const journal = await ports.openJournal(runId).catch((error: unknown) => {
      resume()
      throw error
    })
    try {
      const summary = await redriveRecords(
        records.map(latest),
        {queue, events: ports.events, journal, describeRule: (ruleArn) => ports.describeRule(ruleArn)},
        {
          runId,
          region: options.region,
          rate: options.rate,
          edits,
          onProgress: (p) =>
            onProgress({total: records.length, sent: p.redriven + p.recovered, failed: p.failed, skipped: p.skipped}),
        },
      )
      const back = summary.cameBack.total
      const cameBack =
        back > 0
          ? `${back} came back to the DLQ (${Object.entries(summary.cameBack.byReason)
              .map(([reason, n]) => `${reason}: ${n}`)
              .join(', ')}): fix the cause, then redrive again`
          : undefined
      const note = summary.stoppedBecause ?? summary.failures[0]?.errorMessage ?? summary.skips[0]?.message ?? cameBack
      const outcome: RedriveOutcome = {
        total: records.length,
        sent: summary.redriven + summary.recovered,
        failed: summary.failed,
        skipped: summary.skipped,
        redrivenIds: summary.eventIds.map((e) => e.messageId),
        note: note === undefined ? undefined : ports.redact(note),
      }
      return outcome
    } finally {
      journal.close()
      resume()
    }
  }
  return {
    redrive: (records, onProgress, edits) => redrive(records, onProgress, edits),
    edit: (record) => editOne(latest(record), ports),
    delete: async (records) => {
      const resume = feed.pause()
      try {
        return (await queue.delete(records.map(latest))).succeeded
      } finally {
        resume()
      }
    },
    export: async (records, path) => ports.writeNdjson(recordLines(records, ports.redact), path),
    ...(ports.trace ? {trace: ports.trace} : {}),
    forget: (ids) => feed.forget(ids),
  }
}

/** The NDJSON lines of records, as `dlq watch` streams them and exports them. */
export function recordLines(records: readonly DlqRecord[], redact: (text: string) => string): string[] {
  return records.map((record) => redact(JSON.stringify(toRecordView(record))))
}

/** Open one event in $EDITOR (the view has released the terminal) and validate what comes back. */
async function editOne(record: DlqRecord, ports: WatchActionPorts): Promise<EditOutcome> {
  let text: string
  try {
    text = await ports.editText(formatEditFile([record]), 'redrive-event.json')
  } catch (error) {
    if (error instanceof UsageError) return {kind: 'cancelled', message: error.message}
    throw error
  }
  const parsed = parseEditFile(text, [record])
  if (!parsed.ok) {
    const issues = parsed.issues.map((i) => `${i.field}: ${i.message}`).join('; ')
    return {kind: 'invalid', message: `the edited event is invalid, nothing was sent: ${issues}`}
  }
  const edited = parsed.edits.get(record.messageId)
  if (!edited) return {kind: 'cancelled', message: 'the event was taken out of the file: nothing was sent'}
  const changes = diffDetail(record.event?.detail ?? {}, edited)
  const summary = changes.length === 0 ? 'unchanged' : changes.map(formatFieldChange).join(', ')
  return {kind: 'edited', summary: ports.redact(summary), edits: parsed.edits}
}

/**
 * Off a terminal: the NDJSON lines of newly seen (matching) messages, one batch per sweep, until the
 * signal aborts. A read error is told once (`onError`) until a sweep succeeds again.
 */
export async function* watchLines(
  feed: Pick<DlqWatchFeed, 'updates'>,
  filter: DlqFilter,
  signal: AbortSignal,
  redact: (text: string) => string,
  onError: (message: string) => void,
): AsyncGenerator<string[]> {
  let reported: string | undefined
  for await (const update of feed.updates(signal)) {
    if (update.error && update.error.message !== reported) {
      reported = update.error.message
      onError(update.error.message)
    } else if (!update.error) reported = undefined
    const lines = recordLines(
      update.added.filter((r) => matchesFilter(r, filter)),
      redact,
    )
    if (lines.length > 0) yield lines
  }
}

/**
 * Start an update stream before anyone listens: the first update is being read while the view loads
 * and mounts, instead of after. `first` is that first update (undefined if the stream ended or failed;
 * it is still handed to the listener). `updates(signal)` hands the same stream to its one listener
 * (the view subscribes once); the listener's signal, `outer` or `stop()` ends it. A second listener
 * gets a stream of its own.
 */
export function startEarly<T>(
  start: (signal: AbortSignal) => AsyncIterable<T>,
  outer: AbortSignal,
): {updates: (signal: AbortSignal) => AsyncIterable<T>; stop: () => void; first: Promise<T | undefined>} {
  const controller = new AbortController()
  const stop = () => controller.abort()
  outer.addEventListener('abort', stop, {once: true})
  const iterator = start(controller.signal)[Symbol.asyncIterator]()
  let pending: Promise<IteratorResult<T>> | undefined = iterator.next()
  // A first poll that fails is rethrown to the listener (the view exits with it); never unhandled.
  pending.catch(() => undefined)
  let taken = false
  return {
    stop,
    first: pending.then(
      (r) => (r.done ? undefined : r.value),
      () => undefined,
    ),
    updates(signal) {
      if (taken) return start(signal)
      taken = true
      signal.addEventListener('abort', stop, {once: true})
      return (async function* () {
        try {
          for (;;) {
            const next = await (pending ?? iterator.next())
            pending = undefined
            if (next.done || signal.aborted) return
            yield next.value
          }
        } finally {
          stop()
        }
      })()
    },
  }
}

/** Only the updates' records that pass the flags' filter. */
export async function* filtered(
  updates: AsyncIterable<DlqWatchUpdate>,
  filter: DlqFilter,
): AsyncGenerator<DlqWatchUpdate> {
  for await (const update of updates) {
    yield isFiltering(filter) ? {...update, added: update.added.filter((r) => matchesFilter(r, filter))} : update
  }
}
