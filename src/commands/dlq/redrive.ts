import {availableParallelism, homedir} from 'node:os'

import {Flags} from '@oclif/core'

import {createDlqQueue, locateDlq} from '../../adapters/aws/dlq.js'
import {createEventsPort, describeRuleStatus} from '../../adapters/aws/events.js'
import {PortPool} from '../../adapters/aws/port-pool.js'
import {createRateDiscovery} from '../../adapters/aws/redrive-rate.js'
import {editText} from '../../adapters/editor.js'
import {BaseCommand} from '../../cli/base-command.js'
import {
  busLogFlags,
  checkBusLogFlags,
  busLogSummary,
  type BusLogChoice,
  type BusLogSummary,
  withBusLogs,
} from '../../cli/bus-logs.js'
import {dlqFilterFlags, dlqQueueFlags, filterFromFlags, resolveStack} from '../../cli/dlq-flags.js'
import {apiKeyStdinFlag, decoderFromFlags, diagnoseFlag} from '../../cli/diagnose.js'
import {cancelled, confirm, confirmationNeeded} from '../../cli/prompt.js'
import {progressReporter} from '../../cli/redrive-progress.js'
import type {DlqQueuePort, DlqRecord} from '../../core/dlq.js'
import {needsFixWarning, reasonsNeedingFix} from '../../core/dlq-decode.js'
import {isFiltering, matchesFilter} from '../../core/dlq-filter.js'
import {ExitCode, MomentoEbError, UsageError} from '../../core/errors.js'
import type {EventsPort} from '../../core/put-entries.js'
import {diffDetail, formatEditFile, parseEditFile, type FieldChange} from '../../core/redrive-entry.js'
import {DEFAULT_MAX_HELD} from '../../core/held-messages.js'
import {cacheSetExpiry, SKIP_REASON_TEXT, type SkipReason} from '../../core/redrive-plan.js'
import {type BatchDecoder, plainDecoder} from '../../services/dlq-diagnose.js'
import {peekDlq} from '../../services/dlq-list.js'
import {
  JournalError,
  memoryJournal,
  openJournal,
  readPending,
  stateDirFrom,
  JOURNAL_FILE,
} from '../../services/redrive-journal.js'
import {
  DEFAULT_REDRIVE_RATE,
  DEFAULT_VISIBILITY_SECONDS,
  newRunId,
  UNCAPPED_LOOPS,
  RedriveAbortedError,
  redriveQueue,
  redriveRecords,
  type RedriveDeps,
  type RedriveOptions,
  type RedriveSummary,
} from '../../services/redrive.js'
import {plural} from '../../core/text-width.js'

/** What `dlq redrive --json` prints: the run's summary, plus the edits when --edit was used. */
export interface RedriveResult extends RedriveSummary {
  edits: Array<{messageId: string; changes: FieldChange[]}>
  /** The event bus's log join (with --dry-run or --reason), when a log group was read (or tried). */
  busLogs?: BusLogSummary | undefined
}

/** Above this many messages an interactive run asks first (unless --yes). */
const CONFIRM_ABOVE = 100

export default class DlqRedrive extends BaseCommand<typeof DlqRedrive> {
  static override summary = 'Publish dead-lettered events again, then delete them from the DLQ'
  static override description =
    'Each selected message is published again with PutEvents (original source, detail type, detail and resources) ' +
    'to the bus its failing rule lives on (or --bus), and deleted from the queue only after its entry came back ' +
    'with an EventId. Failed entries stay in the queue. Several failed cacheSet/cacheDelete events for one cache ' +
    'and key collapse to the newest; cacheSet events whose TTL has passed are skipped. The pace defaults to the ' +
    "API destination's rate limit (else 50/s) and backs off when PutEvents throttles. A journal in the state " +
    'directory makes the run safe to kill at any point: the next run deletes what was published but not deleted, ' +
    'without publishing it again. A run redrives only what was in the DLQ when it started: its own events that ' +
    'fail again and come back while it runs (the cause is not fixed) stay in the queue, are never published twice ' +
    'and are reported with their decoded reason. Before publishing, and again before deleting, it checks that the ' +
    "bus exists and that each message's rule (RULE_ARN) exists, is enabled and still targets TARGET_ARN (not with " +
    '--bus); if not, it stops and keeps the messages. Older events superseded by a redriven newer one are deleted ' +
    'with it. Ctrl-C, SIGTERM and SIGHUP finish the calls in flight, release the rest (visible again at once) and ' +
    'exit 130, 143 and 129. The journal is compacted on each run (finished runs dropped); a journal that cannot be ' +
    'written (disk full) stops the run before anything more is published (exit 1), and a symlinked journal or state ' +
    'directory is refused (exit 2). Exit 3 when some messages failed or came back, or the bus or a rule stopped the run.'
  static override examples = [
    '<%= config.bin %> dlq redrive --all --dry-run',
    '<%= config.bin %> dlq redrive --reason cache-not-found --cache orders',
    '<%= config.bin %> dlq redrive --id 0b8a4f3e-5c1d-4c3a-9f4e-2d1b6a7c8e9f --edit',
    '<%= config.bin %> dlq redrive --all --rate 20 --yes --json',
  ]
  static override exitOnInterrupt = false
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    all: Flags.boolean({summary: 'Redrive every message in the queue.', exclusive: ['id'], helpGroup: 'SELECT'}),
    id: Flags.string({
      summary: 'Redrive this message (message id or event id); repeatable.',
      multiple: true,
      helpGroup: 'SELECT',
    }),
    limit: Flags.integer({summary: 'Redrive at most this many messages.', min: 1, helpGroup: 'SELECT'}),
    'dry-run': Flags.boolean({summary: 'Print the exact PutEvents entries; send and delete nothing.'}),
    ...diagnoseFlag,
    ...apiKeyStdinFlag,
    ...busLogFlags,
    bus: Flags.string({summary: "Publish to this bus instead of the failing rule's bus."}),
    collapse: Flags.boolean({
      summary: 'Send only the newest event per cache and key (--no-collapse sends all).',
      default: true,
      allowNo: true,
    }),
    'include-expired': Flags.boolean({summary: 'Also send cacheSet events whose TTL has already passed.'}),
    rate: Flags.integer({
      summary: `Messages per second this redrive sends (0 = no cap). Default: the API destination's rate limit, else ${DEFAULT_REDRIVE_RATE}.`,
      description: 'The pace of this command only; --no-rate-limit (still accepted) is --rate 0.',
      min: 0,
    }),
    // Hidden: --rate says it. Kept because scripts may pass --no-rate-limit.
    'rate-limit': Flags.boolean({
      summary: 'Pace the redrive (--no-rate-limit = no cap, like --rate 0).',
      hidden: true,
      default: true,
      allowNo: true,
    }),
    edit: Flags.boolean({summary: 'Edit the selected events in $VISUAL/$EDITOR first (validated, diffed, confirmed).'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    'max-in-flight': Flags.integer({
      summary:
        'The most messages this run keeps hidden at once (skipped, not matching, in process); SQS allows about 120,000 in flight per queue.',
      default: DEFAULT_MAX_HELD,
      min: 100,
      max: 110_000,
    }),
    'visibility-timeout': Flags.integer({
      summary: 'Seconds a received message stays hidden while it is redriven (extended when slow).',
      default: DEFAULT_VISIBILITY_SECONDS,
      min: 5,
      max: 43_200,
    }),
  }

  public async run(): Promise<RedriveResult> {
    const flags = this.flags
    const filter = filterFromFlags(flags)
    checkBusLogFlags(flags)
    const ids =
      flags.id && flags.id.length > 0 ? new Set(flags.id.flatMap((v) => v.split(',')).filter(Boolean)) : undefined
    if (ids && ids.size === 0) {
      // `--id ""` (or `--id ,`) would match nothing and report success.
      throw new UsageError('--id is empty, so it would match nothing.', {
        hints: ['Give --id the message IDs `momento-eb dlq list` shows, or use --all or a filter.'],
      })
    }
    if (!flags.all && !ids && !isFiltering(filter)) {
      throw new UsageError('Say which messages to redrive: --all, --id ID, or a filter.', {
        hints: [
          'Look first with `momento-eb dlq list`, then e.g. `momento-eb dlq redrive --reason cache-not-found`.',
          'Or `momento-eb dlq redrive --all --dry-run` to see what would be sent.',
        ],
      })
    }
    if (flags.edit && !this.ctx.output.interactive && !flags.yes) {
      throw confirmationNeeded(
        '--edit shows the changes and asks before redriving them.',
        'Pass --yes to redrive the edited events without asking.',
      )
    }
    if ((flags.diagnose !== undefined || flags['api-key-stdin']) && !flags['dry-run']) {
      throw new UsageError('--diagnose and --api-key-stdin go with --dry-run.', {
        hints: [
          'A redrive selects by the reasons as the DLQ messages state them: look first with `momento-eb dlq redrive --dry-run --diagnose` or `momento-eb dlq list`.',
        ],
      })
    }
    // Reasons that need a fix first (cache-not-found, key-invalid…): say so before anything is sent, and on
    // a terminal ask. (With --all or --id the reasons are known only as the messages are read: the summary
    // says how many came back.)
    const warning = flags['dry-run'] || !filter.reasons ? undefined : needsFixWarning(filter.reasons)
    if (warning) {
      const needing = reasonsNeedingFix(filter.reasons ?? [])
      this.note(`Warning: ${warning}`)
      this.note(`See the fix for each with \`momento-eb dlq list --reason ${needing.join(',')}\`, then redrive.`)
      if (this.ctx.output.interactive && !flags.yes && !this.jsonEnabled()) {
        if (!(await this.confirm('Redrive them anyway?'))) throw cancelled('nothing was redriven')
      }
    }
    // A dry run shows each message's reason as `dlq list` does, probing Momento when a key is at hand.
    const decoder = flags['dry-run']
      ? (
          await decoderFromFlags(this.ctx, flags, this.redactor, 'momento-eb dlq redrive --dry-run', {
            region: this.ctx.target.region,
          })
        ).decode
      : undefined
    const sandboxUrl = this.ctx.usingSandbox ? this.ctx.sandboxUrl : undefined
    const stack = resolveStack(flags.stack, process.env, this.savedConfig)
    const located = await locateDlq(this.ctx.aws, {queueUrl: flags['queue-url'], stack}, {sandboxUrl})
    const rate = flags.rate ?? (flags['rate-limit'] ? undefined : 0)
    // With no rate cap the SDK's CPU per call is the limit: spread the calls over worker threads.
    const threads = Math.min(4, availableParallelism())
    const pool =
      rate === 0 && threads > 1 && !flags['dry-run'] && !flags.edit
        ? new PortPool(this.ctx.aws, threads, {sandboxUrl, queueUrl: located.queueUrl})
        : undefined
    const queue = pool?.queuePort(located.queueUrl) ?? createDlqQueue(this.ctx.aws, located.queueUrl, {sandboxUrl})
    const events = pool?.eventsPort() ?? createEventsPort(this.ctx.aws, {sandboxUrl})
    // The reasons matter to a dry run (it shows them) and to --reason (it selects by them): only then is
    // the event bus's log read, one query per page. A plain redrive publishes whatever the reason.
    const logs =
      flags['dry-run'] || filter.reasons !== undefined
        ? withBusLogs(
            this.ctx,
            flags,
            located,
            decoder ??
              plainDecoder({region: this.ctx.target.region, sandbox: this.ctx.usingSandbox, suggest: this.ctx.suggest}),
            (warning) => {
              if (!this.jsonEnabled()) this.logToStderr(warning)
            },
          )
        : undefined
    try {
      return await this.redrive({
        queueUrl: located.queueUrl,
        queue,
        events,
        rate,
        ids,
        filter,
        decoder: logs?.logGroup ? logs.decode : decoder,
        logs,
      })
    } finally {
      await pool?.close()
    }
  }

  /** Journal, Ctrl-C, confirmation, progress and the redrive itself, through the ports run() chose. */
  private async redrive(run: {
    queueUrl: string
    queue: DlqQueuePort
    events: EventsPort
    rate: number | undefined
    ids: ReadonlySet<string> | undefined
    filter: ReturnType<typeof filterFromFlags>
    decoder: BatchDecoder | undefined
    logs?: BusLogChoice | undefined
  }): Promise<RedriveResult> {
    const {flags} = this
    const {queueUrl, queue, events, rate, ids, filter} = run
    if (flags.bus) await events.describeEventBus(flags.bus)
    const select = (r: DlqRecord) => matchesFilter(r, filter)

    const stateDir = stateDirFrom(process.env, homedir())
    const runId = newRunId()
    const journal = flags['dry-run']
      ? memoryJournal(await readPending(`${stateDir}/${JOURNAL_FILE}`, queueUrl))
      : await openJournal({dir: stateDir, queue: queueUrl, runId}).catch((error: unknown) => {
          throw journalErrorFor(error)
        })
    const journalPath = `${stateDir}/${JOURNAL_FILE}`
    this.ctx.verbose(`Redrive journal: ${journalPath}`)
    if ('compacted' in journal && journal.compacted) {
      const {before, after} = journal.compacted
      this.ctx.verbose(`Compacted the journal (finished runs dropped): ${before} → ${after} bytes.`)
    }
    const sandboxUrl = this.ctx.usingSandbox ? this.ctx.sandboxUrl : undefined
    const deps: RedriveDeps = {
      queue,
      events,
      journal,
      discoverRate: createRateDiscovery(this.ctx.aws),
      // Per rule, on the main thread even with --rate 0: the service makes about one check per rule per round trip.
      describeRule: (ruleArn) => describeRuleStatus(this.ctx.aws, ruleArn, {sandboxUrl}),
    }
    if (!this.jsonEnabled()) this.reportInterrupted(journal.pending, journalPath)

    const controller = new AbortController()
    // Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP (the terminal went away) all stop the same
    // way: no more receives, the calls in flight finish and are journaled, the rest is released.
    const exitFor = {SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated, SIGHUP: ExitCode.HungUp} as const
    let stoppedBy: keyof typeof exitFor | undefined
    const onSignal = (signal: keyof typeof exitFor) => () => {
      if (controller.signal.aborted) {
        // A second signal: leave now. The journal keeps what was published; nothing is lost.
        this.note('Stopping at once; the next run finishes what was in flight.')
        process.exit(exitFor[signal])
      }
      stoppedBy = signal
      // On SIGHUP the terminal may be gone: a failed write to it must not stop the clean-up.
      try {
        this.note(
          signal === 'SIGINT'
            ? '\nStopping: finishing what is in flight (Ctrl-C again to quit now)…'
            : `\nStopping (${signal}): finishing what is in flight, then releasing the rest…`,
        )
      } catch {
        // Nowhere to say it.
      }
      controller.abort()
    }
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, onSignal(signal)] as const)
    for (const [signal, handler] of handlers) process.on(signal, handler)
    const options: RedriveOptions = {
      select,
      ids,
      limit: flags.limit,
      bus: flags.bus,
      collapse: flags.collapse,
      includeExpired: flags['include-expired'],
      rate,
      dryRun: flags['dry-run'],
      // A dry run prints each entry as it is planned (stdout stays the exact entries), not all at the end.
      onEntry: flags['dry-run'] && !this.jsonEnabled() ? ({entry}) => this.log(JSON.stringify(entry)) : undefined,
      decoder: run.decoder,
      visibilitySeconds: flags['visibility-timeout'],
      // Besides the held ones, each receive loop has at most one batch of 10 hidden while it works on it.
      maxHeld: Math.max(10, flags['max-in-flight'] - (rate === 0 ? UNCAPPED_LOOPS : 16) * 10),
      region: this.ctx.target.region,
      runId,
      signal: controller.signal,
    }
    let progress: ReturnType<typeof progressReporter> | undefined
    try {
      let edits: RedriveResult['edits'] = []
      let summary: RedriveSummary
      if (flags.edit) {
        ;({summary, edits} = await this.editAndRedrive(deps, options, ids))
      } else {
        if (!flags['dry-run'] && !flags.yes && this.ctx.output.interactive && (!ids || ids.size > CONFIRM_ABOVE)) {
          const depth = await queue.depth()
          if (depth.visible > CONFIRM_ABOVE) {
            const ok = await this.confirm(
              `Redrive up to ${flags.limit ?? depth.visible} of ${plural(depth.visible, 'message')} from ${queueUrl}?`,
            )
            if (!ok) throw cancelled('nothing was redriven')
          }
        }
        if (!this.jsonEnabled() && !flags['dry-run']) {
          // The most this run can redrive; with a filter (how many match is known only at the end),
          // the queue's depth, which the bar then follows the reading of.
          const filtering = isFiltering(filter) && ids === undefined
          const total =
            ids?.size ?? (!filtering && flags.limit !== undefined ? flags.limit : (await queue.depth()).visible)
          const scope = {total, filtering}
          const terminal = this.ctx.output.interactive && process.stderr.isTTY === true
          progress = progressReporter(process.stderr, scope, {terminal})
          options.onProgress = progress.update
        }
        summary = await redriveQueue(deps, options)
      }
      progress?.done()
      const result: RedriveResult = {...summary, edits}
      const joined = run.logs ? busLogSummary(run.logs) : undefined
      if (joined) result.busLogs = joined
      this.present(result, stoppedBy)
      // Events that came back failed again downstream: like failed entries, the run is only partly done
      // (the summary is complete; what is left is in the queue), so exit 3, not 0.
      if (result.interrupted) process.exitCode = exitFor[stoppedBy ?? 'SIGINT']
      else if (result.failed > 0 || result.cameBack.total > 0 || result.stoppedBecause !== undefined) {
        // A run stopped early (e.g. SQS kept answering OverLimit) left work in the queue: partly done.
        process.exitCode = ExitCode.Partial
      }
      return result
    } catch (error) {
      progress?.done()
      if (error instanceof RedriveAbortedError) {
        const s = error.summary
        if (s.journalFailure) throw journalFailed(s, journalPath)
        this.logToStderr(
          `Redrove ${plural(s.redriven, 'message')} before the failure below; the rest are still in the queue.`,
        )
        throw error.reason
      }
      throw error
    } finally {
      for (const [signal, handler] of handlers) process.off(signal, handler)
      journal.close()
    }
  }

  /** --edit: hold the selection, edit it, validate, show the diff, confirm, redrive what is left in the file. */
  private async editAndRedrive(
    deps: RedriveDeps,
    options: RedriveOptions,
    ids: ReadonlySet<string> | undefined,
  ): Promise<{summary: RedriveSummary; edits: RedriveResult['edits']}> {
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
        this.note(
          `The TTL of ${plural(stale.length, 'selected event')} already ran out (it counts from the event's time), ` +
            `so ${stale.length === 1 ? 'it is' : 'they are'} skipped unless you raise "ttl" in the editor ` +
            'enough to cover the time since, or run with --include-expired.',
        )
      }
      const text = await editText(formatEditFile(selected), {env: process.env, name: 'redrive-events.json'})
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
      if (!this.jsonEnabled()) this.showDiff(edits, parsed.removed)
      const toSend = selected.filter((r) => parsed.edits.has(r.messageId))
      const stillExpired = toSend.filter((r) => expiredNow(r, parsed.edits.get(r.messageId)))
      if (stillExpired.length > 0 && !this.jsonEnabled()) {
        this.note(
          `${plural(stillExpired.length, 'edited event')} still past ${stillExpired.length === 1 ? 'its' : 'their'} TTL: ` +
            `${stillExpired.length === 1 ? 'it' : 'they'} will be skipped (--include-expired sends them).`,
        )
      }
      if (!this.flags.yes && !(await this.confirm(`Redrive ${toSend.length} edited event(s)?`))) {
        throw cancelled('nothing was redriven')
      }
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

  private showDiff(edits: RedriveResult['edits'], removed: string[]): void {
    for (const edit of edits) {
      if (edit.changes.length === 0) {
        this.logToStderr(`${edit.messageId}: unchanged`)
        continue
      }
      this.logToStderr(`${edit.messageId}:`)
      for (const c of edit.changes) {
        this.logToStderr(
          `  ${c.field}: ${JSON.stringify(c.before) ?? '(absent)'} → ${JSON.stringify(c.after) ?? '(absent)'}`,
        )
      }
    }
    for (const id of removed) this.logToStderr(`${id}: left out (stays in the queue)`)
  }

  private reportInterrupted(pending: ReadonlyMap<string, {runId: string; time: string}>, path: string): void {
    if (pending.size === 0) return
    const runs = new Set([...pending.values()].map((p) => p.runId))
    this.logToStderr(
      `An earlier redrive (${[...runs].join(', ')}) was interrupted: ${pending.size} message(s) were published but not ` +
        `deleted (journal: ${path}). They are deleted when they show up, without being published again.`,
    )
  }

  /** Ask a yes/no question on the terminal (only called when interactive). */
  private async confirm(question: string): Promise<boolean> {
    if (!this.ctx.output.interactive) return true
    return confirm(question)
  }

  private present(result: RedriveResult, stoppedBy?: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
    if (this.jsonEnabled()) return
    if (result.dryRun) {
      // The entries went to stdout as they were planned (onEntry); why each one is in the DLQ, and what
      // decided it, on stderr.
      for (const {reason, evidence, count} of result.entryReasons) {
        this.logToStderr(`${count} × ${reason} [evidence: ${evidence}]`)
      }
    }
    for (const f of result.failures.slice(0, 50)) this.logToStderr(`${f.messageId}: ${f.errorCode}: ${f.errorMessage}`)
    const reasons = Object.entries(result.skippedByReason)
      .map(([reason, n]) => `${n} ${SKIP_REASON_TEXT[reason as SkipReason]}`)
      .join('; ')
    const verb = result.dryRun ? 'would redrive' : 'redriven'
    const line =
      `${verb} ${result.redriven}, failed ${result.failed}, skipped ${result.skipped}` +
      (reasons ? ` (${reasons})` : '') +
      (result.recovered ? `, ${result.recovered} from an interrupted run deleted` : '') +
      (result.supersededDeleted ? `, ${result.supersededDeleted} superseded deleted` : '') +
      // How many failed again downstream and are back in the DLQ, 0 included: a redrive's real result.
      (result.dryRun ? '' : `, ${result.cameBack.total} came back to the DLQ`)
    if (result.dryRun) this.logToStderr(line)
    else this.log(line)
    if (result.cameBack.total > 0) {
      const reasons = Object.entries(result.cameBack.byReason)
        .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
        .map(([reason, n]) => `${reason}: ${n}`)
        .join(', ')
      this.log(
        `${result.cameBack.total} came back to the DLQ while this run ran (${reasons}) — fix the cause, then redrive again.`,
      )
      this.logToStderr('They are still in the queue; `momento-eb dlq list` shows the fix for each reason.')
    }
    if (result.newArrivals > 0) {
      this.logToStderr(
        `${result.newArrivals} message(s) reached the DLQ after this run started; they were left for the next run.`,
      )
    }
    if (result.stoppedBecause) this.logToStderr(`Stopped: ${result.stoppedBecause}`)
    if (result.interrupted) {
      const by = stoppedBy && stoppedBy !== 'SIGINT' ? `Stopped by ${stoppedBy}` : 'Interrupted'
      try {
        this.note(`${by}: the rest is still in the queue, visible again now; run the command again to go on.`)
      } catch {
        // SIGHUP: the terminal may be gone.
      }
    }
    if (result.overLimit > 0) {
      this.logToStderr(
        `SQS answered OverLimit ${plural(result.overLimit, 'time')} (the queue's in-flight quota): the run released what it held and went on.`,
      )
    }
    const flagRate = this.flags.rate
    if (
      flagRate !== undefined &&
      flagRate > 0 &&
      result.destinationRate !== undefined &&
      flagRate > result.destinationRate
    ) {
      this.logToStderr(
        `--rate ${flagRate} is above the API destination's InvocationRateLimitPerSecond (${result.destinationRate}): ` +
          `EventBridge delivers at most ${result.destinationRate}/s to Momento and holds the rest in its retry window ` +
          '(events older than MaximumEventAgeInSeconds come back to the DLQ).',
      )
    }
    if (result.deleteFailed) {
      this.logToStderr(
        `${result.deleteFailed} published message(s) could not be deleted; the next run deletes them without publishing again.`,
      )
    }
  }
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
