import {closeSync, openSync, statSync, writeSync} from 'node:fs'
import {homedir} from 'node:os'
import {resolve} from 'node:path'

import {Flags} from '@oclif/core'

import type {LocatedQueue} from '../../adapters/aws/dlq.js'
import {createEventsPort, describeRuleStatus} from '../../adapters/aws/events.js'
import {editText} from '../../adapters/editor.js'
import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags, checkBusLogFlags, withBusLogs} from '../../cli/bus-logs.js'
import {createDlqTracer} from '../../cli/dlq-trace.js'
import {decoderFromFlags, diagnoseFlag} from '../../cli/diagnose.js'
import {dlqFilterFlags, dlqQueueFlags, filterFromFlags, openDlqFromFlags} from '../../cli/dlq-flags.js'
import type {DlqQueuePort, DlqRecord} from '../../core/dlq.js'
import {isFiltering, matchesFilter, type DlqFilter} from '../../core/dlq-filter.js'
import {UsageError} from '../../core/errors.js'
import {diffDetail, formatEditFile, parseEditFile} from '../../core/redrive-entry.js'
import {toRecordView} from '../../services/dlq-list.js'
import {DlqWatchFeed, type DlqWatchUpdate} from '../../services/dlq-watch.js'
import {newRunId, redriveRecords} from '../../services/redrive.js'
import {openJournal} from '../../adapters/journal-file.js'
import {stateDirFrom} from '../../core/journal.js'
import {enterAlternateScreen} from '../../ui/alternate-screen.js'
import type {EditOutcome, RedriveOutcome, WatchActions} from '../../ui/dlq/actions.js'
import {firstFrameLines} from '../../ui/dlq/first-frame.js'
import type {FeedSource, FeedUpdate} from '../../ui/dlq/hooks/use-feed.js'

export default class DlqWatch extends BaseCommand<typeof DlqWatch> {
  static override summary = 'Watch the DLQ live: decoded reasons, details, redrive, delete and export'
  static override description =
    'On a terminal: a full-screen view of the queue, newest first, with a count per reason, the queue depth, the ' +
    'arrival rate and messages gone. Keys: arrows/j/k move, Enter opens a message (reason, fix, original event, ' +
    'attributes), / filters, r redrives the selected message, R every matching one, e edits it in $EDITOR first, d ' +
    "deletes, x exports to an NDJSON file (asks where), t traces its event in the event bus's logs (--log-group, else the stack's), ? shows every key, q or " +
    'Ctrl-C quits (exit 0). Redrive and delete ask ' +
    'first where they touch more than the selected message or destroy it.\n\n' +
    'Otherwise (piped, CI, or --json): one decoded message per line as NDJSON on stdout as they are first seen, ' +
    'until Ctrl-C or SIGTERM (exit 0).\n\n' +
    'Messages are peeked: received with a short visibility timeout and released at once, never deleted by watching ' +
    '(each read raises their receive count).'
  static override examples = [
    '<%= config.bin %> dlq watch',
    '<%= config.bin %> dlq watch --reason cache-not-found,rate-limited',
    '<%= config.bin %> dlq watch --queue-url "$DLQ_URL" --log-group "$LOG_GROUP"',
    '<%= config.bin %> dlq watch --json | jq .reason',
  ]
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    ...diagnoseFlag,
    ...busLogFlags,
    interval: Flags.integer({
      summary: 'Seconds to wait between sweeps of the queue.',
      default: 1,
      min: 1,
      max: 300,
    }),
    demo: Flags.boolean({
      summary: 'Run inside `momento-eb demo`: the footer says q continues the demo.',
      hidden: true,
    }),
    rate: Flags.integer({
      summary: "Messages per second r and R redrive. Default: the API destination's rate limit, else 50.",
      min: 1,
    }),
  }
  /** Quitting a watch view (q, Ctrl-C, SIGTERM) is success. */
  static override exitOnInterrupt = false

  public async run(): Promise<void> {
    // Ctrl-C or SIGTERM at any point, even while the queue is still being looked up, ends with exit 0.
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    try {
      const filter = filterFromFlags(this.flags)
      checkBusLogFlags(this.flags)
      // The queue's lookup and the decoder's set-up (the sandbox's key) go out together: one round trip
      // less before the first poll. A failed lookup is reported first, as when they ran in turn.
      const opening = openDlqFromFlags(this.ctx, this.flags, this.savedConfig)
      // A watch runs for hours while causes get fixed: a cache is probed again after a minute.
      const decoding = decoderFromFlags(
        this.ctx,
        this.flags,
        this.redactor,
        'momento-eb dlq watch',
        {region: this.ctx.aws.target.region},
        {findingTtlMs: 60_000},
      )
      decoding.catch(() => undefined)
      const {queue, located, name} = await opening
      const decoder = await decoding
      if (controller.signal.aborted) return
      // A watch runs for hours: a log that can't be read is tried again a minute later, and said once.
      const interactive = this.ctx.output.interactive && !this.jsonEnabled()
      let logWarning: string | undefined
      const logs = withBusLogs(this.ctx, this.flags, located, decoder.decode, (warning) => {
        // The full-screen view owns the terminal: say it when the view is gone.
        if (interactive) logWarning ??= warning
        else process.stderr.write(`${this.redactor.redact(warning)}\n`)
      })
      const feed = new DlqWatchFeed({
        port: queue,
        decode: logs.decode,
        intervalMs: this.flags.interval * 1000,
      })
      if (interactive) {
        try {
          await this.watchInTerminal(feed, queue, located, name, filter, controller.signal)
        } finally {
          if (logWarning) process.stderr.write(`${this.redactor.redact(logWarning)}\n`)
        }
        return
      }
      this.ctx.verbose(`Watching ${located.queueUrl}: NDJSON on stdout until Ctrl-C.`)
      await this.stream(feed, filter, controller)
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }

  /** Non-TTY: one NDJSON line per newly seen (matching) message, until SIGINT/SIGTERM or a closed stdout. */
  private async stream(feed: DlqWatchFeed, filter: DlqFilter, controller: AbortController): Promise<void> {
    const onStdoutError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') controller.abort()
    }
    process.stdout.on('error', onStdoutError)
    let reported: string | undefined
    try {
      for await (const update of feed.updates(controller.signal)) {
        if (update.error && update.error.message !== reported) {
          reported = update.error.message
          process.stderr.write(`${this.redactor.redact(update.error.message)} (retrying)\n`)
        } else if (!update.error) reported = undefined
        const lines = update.added
          .filter((r) => matchesFilter(r, filter))
          .map((r) => this.redactor.redact(JSON.stringify(toRecordView(r))))
        if (lines.length === 0) continue
        if (!process.stdout.write(`${lines.join('\n')}\n`)) await waitForDrain(controller.signal)
      }
    } finally {
      process.stdout.off('error', onStdoutError)
    }
  }

  /** TTY: mount the Ink view; one root owns exit(). A fatal feed error ends the run with that error. */
  private async watchInTerminal(
    feed: DlqWatchFeed,
    queue: DlqQueuePort,
    located: LocatedQueue,
    name: string,
    filter: DlqFilter,
    signal: AbortSignal,
  ) {
    // The first poll (the depth and a first sample) starts now, before the view's modules load.
    const early = startEarly((s) => filtered(feed.updates(s), filter), signal)
    // The view draws on the alternate screen: after q, Ctrl-C, SIGTERM or a fatal error the shell's
    // screen comes back as it was, without the last frame in the scrollback.
    const leaveScreen = enterAlternateScreen(process.stdout)
    try {
      // The view's modules (Ink, React, Yoga: a second of CPU on a busy machine) load after the first
      // poll, not during it: on one thread they would only delay it. The first poll is drawn as plain
      // text meanwhile. A first poll that hangs (a network timeout) does not hold the view back long.
      let timer: NodeJS.Timeout | undefined
      const first = await Promise.race([
        early.first,
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), FIRST_POLL_WAIT_MS))),
      ])
      clearTimeout(timer)
      if (signal.aborted) return
      const ui = loadWatchUi()
      ui.catch(() => undefined)
      const queueName = isFiltering(filter) ? `${name} (flags filter)` : name
      const lines =
        first === undefined
          ? undefined
          : firstFrameLines(queueName, first, Math.min(160, process.stdout.columns || 80), Date.now())
      if (lines) process.stdout.write(`${HOME_AND_CLEAR}${lines.join('\n')}`)
      const modules = await ui
      // Ctrl-C while the view loaded (the terminal is not in raw mode yet, so it is a SIGINT): done.
      if (signal.aborted) return
      // The view draws from the top of a clear screen, as when nothing came before it.
      if (lines) process.stdout.write(HOME_AND_CLEAR)
      await this.mountView(modules, early.updates, feed, queue, located, queueName, signal)
    } finally {
      early.stop()
      leaveScreen()
    }
  }

  /** Mount the Ink view on the alternate screen (already entered) and wait until it exits. */
  private async mountView(
    [{render}, {createElement}, {WatchApp}, {createTheme}]: WatchUi,
    updates: FeedSource['updates'],
    feed: DlqWatchFeed,
    queue: DlqQueuePort,
    located: LocatedQueue,
    queueName: string,
    signal: AbortSignal,
  ) {
    const source: FeedSource = {updates, hold: (ids) => feed.hold(ids)}
    const instance = render(
      createElement(WatchApp, {
        queue: queueName,
        feed: source,
        actions: this.actions(feed, queue, located),
        theme: createTheme(this.ctx.output.color),
        // Stale once a few sweeps (each the interval plus up to a second of reading) went by without a read.
        staleAfterMs: 3 * (this.flags.interval + 1) * 1000,
        quitLabel: this.flags.demo ? 'continue the demo' : undefined,
      }),
      {exitOnCtrlC: false, maxFps: 60},
    )
    // SIGINT from outside (kill -INT) or SIGTERM: leave the view as `q` does.
    const stop = () => instance.unmount()
    signal.addEventListener('abort', stop, {once: true})
    try {
      await instance.waitUntilExit()
    } finally {
      signal.removeEventListener('abort', stop)
    }
  }

  /** The view's side effects, over the adapters and the redrive service. */
  private actions(feed: DlqWatchFeed, queue: DlqQueuePort, located: LocatedQueue): WatchActions {
    const region = this.ctx.aws.target.region
    const latest = (record: DlqRecord): DlqRecord => {
      const handle = feed.latestHandle(record.messageId)
      return handle && handle !== record.receiptHandle ? {...record, receiptHandle: handle} : record
    }
    const redrive = async (
      records: readonly DlqRecord[],
      onProgress: (counts: {total: number; sent: number; failed: number; skipped: number}) => void,
      edits?: ReadonlyMap<string, Record<string, unknown>>,
    ): Promise<RedriveOutcome> => {
      const resume = feed.pause()
      const runId = newRunId()
      // A journal that can't be opened (disk full, a symlink) stops the redrive before anything is
      // published; the view shows its message, and watching goes on.
      const journal = await openJournal({
        dir: stateDirFrom(process.env, homedir()),
        queue: queue.queueUrl,
        runId,
      }).catch((error: unknown) => {
        resume()
        throw error
      })
      try {
        const summary = await redriveRecords(
          records.map(latest),
          {
            queue,
            events: createEventsPort(this.ctx.aws, {sandboxUrl: this.ctx.sandboxUrl}),
            journal,
            // The same rule check as `dlq redrive`: a disabled rule keeps the messages.
            describeRule: (ruleArn) => describeRuleStatus(this.ctx.aws, ruleArn, {sandboxUrl: this.ctx.sandboxUrl}),
          },
          {
            runId,
            region,
            rate: this.flags.rate,
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
        const note =
          summary.stoppedBecause ?? summary.failures[0]?.errorMessage ?? summary.skips[0]?.message ?? cameBack
        return {
          total: records.length,
          sent: summary.redriven + summary.recovered,
          failed: summary.failed,
          skipped: summary.skipped,
          redrivenIds: summary.eventIds.map((e) => e.messageId),
          note: note === undefined ? undefined : this.redactor.redact(note),
        }
      } finally {
        journal.close()
        resume()
      }
    }
    return {
      redrive: (records, onProgress, edits) => redrive(records, onProgress, edits),
      edit: (record) => this.edit(latest(record)),
      delete: async (records) => {
        const resume = feed.pause()
        try {
          return (await queue.delete(records.map(latest))).succeeded
        } finally {
          resume()
        }
      },
      export: async (records, path) => exportRecords(records, this.redactor.redact.bind(this.redactor), path),
      trace: createDlqTracer(this.ctx, this.flags, this.savedConfig, located),
      forget: (ids) => feed.forget(ids),
    }
  }

  /** Open one event in $EDITOR (the view has released the terminal) and validate what comes back. */
  private async edit(record: DlqRecord): Promise<EditOutcome> {
    let text: string
    try {
      try {
        text = await editText(formatEditFile([record]), {env: process.env, name: 'redrive-event.json'})
      } finally {
        // A full-screen editor leaves the alternate screen when it quits: go back to it for the view.
        const {returnToAlternateScreen} = await import('../../ui/alternate-screen.js')
        returnToAlternateScreen(process.stdout)
      }
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
    const summary =
      changes.length === 0
        ? 'unchanged'
        : changes
            .map(
              (c) => `${c.field}: ${JSON.stringify(c.before) ?? '(absent)'} → ${JSON.stringify(c.after) ?? '(absent)'}`,
            )
            .join(', ')
    return {kind: 'edited', summary: this.redactor.redact(summary), edits: parsed.edits}
  }
}

/** How long the view's modules wait for the first poll before they load anyway. */
const FIRST_POLL_WAIT_MS = 1_500

/** Cursor to the top left, screen cleared. */
const HOME_AND_CLEAR = '\u001B[H\u001B[2J'

/**
 * Ink and React load only for the terminal view: non-TTY runs and other commands never pay for them.
 * React picks its build from NODE_ENV when it loads; its development build records a performance
 * measure (with a diff of the props) for every render, which with 10,000 records grew the process past
 * 1.5 GB and slowed reading 5×. So load the production build unless NODE_ENV says otherwise.
 */
type WatchUi = Awaited<ReturnType<typeof loadWatchUi>>

function loadWatchUi() {
  const nodeEnv = process.env['NODE_ENV']
  if (nodeEnv === undefined) process.env['NODE_ENV'] = 'production'
  return Promise.all([
    import('ink'),
    import('react'),
    import('../../ui/dlq/WatchApp.js'),
    import('../../ui/theme.js'),
  ]).finally(() => {
    if (nodeEnv === undefined) delete process.env['NODE_ENV']
  })
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
async function* filtered(updates: AsyncIterable<DlqWatchUpdate>, filter: DlqFilter): AsyncGenerator<FeedUpdate> {
  for await (const update of updates) {
    yield isFiltering(filter) ? {...update, added: update.added.filter((r) => matchesFilter(r, filter))} : update
  }
}

function waitForDrain(signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = () => {
      process.stdout.off('drain', done)
      signal.removeEventListener('abort', done)
      resolvePromise()
    }
    process.stdout.once('drain', done)
    signal.addEventListener('abort', done, {once: true})
  })
}

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
 * Write the records as NDJSON (the same lines as the non-TTY stream), readable by the owner only, to
 * a new file: `path` if given (`~` is the home directory; an existing directory gets a new file in
 * it), else a new file in the working directory. Never overwrites. Returns the file's name as given
 * (relative names stay relative). Failures are errors whose message says what to do.
 */
export function exportRecords(records: readonly DlqRecord[], redact: (text: string) => string, path?: string): string {
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
    const chunk: string[] = []
    for (const record of records) {
      chunk.push(redact(JSON.stringify(toRecordView(record))))
      if (chunk.length === 1000) writeSync(fd, `${chunk.splice(0).join('\n')}\n`)
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`)
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
