/**
 * The oclif edge of `dlq redrive`: the flags to a selection and options, the ports of the run
 * (services/dlq-redrive.ts runs the workflow), and the output. The ports: the decoder (a dry run probes Momento when a key is at hand), the queue, PutEvents (over
 * worker threads when the rate is uncapped), the event bus's log, the journal file, the editor, the
 * rule checks and the stop signals.
 */
import type {DlqFilter} from '../core/dlq-filter.js'
import {type BatchDecoder, plainDecoder} from '../services/dlq-diagnose.js'
import {
  checkRedriveSelection,
  redriveDlq,
  warnBeforeRedrive,
  type DlqRedrivePorts,
  type RedriveResult,
} from '../services/dlq-redrive.js'
import type {CommandHost} from './base-command.js'
import {busLogSummary, checkBusLogFlags, withBusLogs, type BusLogChoice, type BusLogSummary} from './bus-logs.js'
import {decoderFromFlags} from './diagnose.js'
import {filterFromFlags, resolveStack} from './dlq-flags.js'
import {progressReporter} from './redrive-progress.js'
import {presentRedrive, showEdits} from './redrive-output.js'
import {listenForStop, type StopSignal, type StopSignals} from './stop-signals.js'
import {redriveAdapters} from '../wiring/dlq-actions.js'
import {useLeanHeap} from './lean-heap.js'

/** What `dlq redrive --json` prints: the run's summary and edits, and the event bus's log join when one was read. */
export interface DlqRedriveResult extends RedriveResult {
  busLogs?: BusLogSummary | undefined
}

/** What the command lends the run: its declared confirmation, and where it prints. */
export interface RedriveCommandHooks {
  /** BaseCommand's check that --edit can be confirmed (EB_CONFIRM_NEEDED off a terminal without --yes). */
  requireConfirmation(what: string): void
  /** A y/N question; undefined off a terminal or with --yes. */
  ask: ((question: string) => Promise<boolean>) | undefined
  /** stderr is a terminal to draw the progress bar on. */
  terminal: boolean
  /** stderr, in --json mode too. */
  note(line: string): void
  /** The signal that stopped the run (for its exit code). */
  stopped(signal: StopSignal | undefined): void
}

/** The selection and options from the flags, the ports, the run, and its output. */
export async function redriveFromFlags(
  host: CommandHost,
  flags: RedriveFlags & {
    all: boolean
    id?: string[] | undefined
    bus?: string | undefined
    collapse: boolean
    'include-expired': boolean
    'max-in-flight': number
    'visibility-timeout': number
  } & Parameters<typeof filterFromFlags>[0],
  hooks: RedriveCommandHooks,
): Promise<DlqRedriveResult> {
  const filter = filterFromFlags(flags)
  checkBusLogFlags(flags)
  const diagnosing = flags.diagnose !== undefined || flags['api-key-stdin'] === true
  const selection = {all: flags.all, ids: flags.id, filter, dryRun: flags['dry-run'], diagnosing}
  const ids = checkRedriveSelection(selection)
  if (flags.edit) hooks.requireConfirmation('--edit shows the changes and asks before redriving them.')
  const out = {log: host.log, logToStderr: host.logToStderr, note: hooks.note}
  const json = host.jsonEnabled()
  const callbacks = {
    note: hooks.note,
    tell: host.logToStderr,
    verbose: (line: string) => host.ctx.verbose(line),
    ask: hooks.ask,
  }
  await warnBeforeRedrive(selection, callbacks)
  const setup = await redriveSetup(host, flags, filter, hooks.note)
  // The scan starts here: a run refused at its flags or its setup leaves the process's heap as it was.
  useLeanHeap()
  try {
    const result: DlqRedriveResult = await redriveDlq(
      setup.ports,
      {
        queueUrl: setup.queueUrl,
        rate: setup.rate,
        decoder: setup.decoder,
        ids,
        filter,
        limit: flags.limit,
        dryRun: flags['dry-run'],
        edit: flags.edit,
        bus: flags.bus,
        collapse: flags.collapse,
        includeExpired: flags['include-expired'],
        maxInFlight: flags['max-in-flight'],
        visibilitySeconds: flags['visibility-timeout'],
        region: host.ctx.target.region,
        progress: json ? undefined : (scope) => progressReporter(process.stderr, scope, {terminal: hooks.terminal}),
        showEdits: json ? undefined : (edits, removed) => showEdits(out, edits, removed),
        // A dry run prints each entry as it is planned (stdout stays the exact entries), not all at the end.
        onEntry: flags['dry-run'] && !json ? ({entry}) => out.log(JSON.stringify(entry)) : undefined,
      },
      callbacks,
    )
    hooks.stopped(setup.stop()?.stoppedBy)
    const joined = setup.logs ? busLogSummary(setup.logs) : undefined
    if (joined) result.busLogs = joined
    if (!json) presentRedrive(out, result, {stoppedBy: setup.stop()?.stoppedBy, rate: flags.rate})
    return result
  } finally {
    await setup.close()
  }
}

export interface RedriveFlags {
  'queue-url'?: string | undefined
  stack?: string | undefined
  'dry-run': boolean
  edit: boolean
  rate?: number | undefined
  'rate-limit': boolean
  /** At most this many messages (also decides whether an uncapped run starts worker threads). */
  limit?: number | undefined
  diagnose?: boolean | undefined
  'api-key-stdin'?: boolean | undefined
  logs?: boolean | undefined
  'log-group'?: string | undefined
}

export interface RedriveSetup {
  ports: DlqRedrivePorts
  queueUrl: string
  /** The pace: --rate, 0 with --no-rate-limit, else undefined (the API destination's limit). */
  rate: number | undefined
  decoder: BatchDecoder | undefined
  logs: BusLogChoice | undefined
  /** The signals that stopped the run, once it listened for them. */
  stop(): StopSignals | undefined
  close(): Promise<void>
}

/** Compose the run's ports from the flags. `note` says what a signal does (stderr, --json too). */
export async function redriveSetup(
  host: CommandHost,
  flags: RedriveFlags,
  filter: DlqFilter,
  note: (line: string) => void,
): Promise<RedriveSetup> {
  const {ctx} = host
  const dryRun = flags['dry-run']
  // A dry run shows each message's reason as `dlq list` does, probing Momento when a key is at hand.
  const decoder = dryRun
    ? (
        await decoderFromFlags(ctx, flags, host.redactor, 'momento-eb dlq redrive --dry-run', {
          region: ctx.target.region,
        })
      ).decode
    : undefined
  const stack = resolveStack(flags.stack, process.env, host.savedConfig)
  const rate = flags.rate ?? (flags['rate-limit'] ? undefined : 0)
  // The DLQ, and the calls over worker threads when the rate is uncapped and the queue large (src/wiring/dlq-actions.ts).
  const adapters = await redriveAdapters(
    ctx,
    {queueUrl: flags['queue-url'], stack},
    {rate, dryRun, edit: flags.edit, limit: flags.limit},
  )
  const {located, queueUrl} = adapters
  // The reasons matter to a dry run (it shows them) and to --reason (it selects by them): only then is
  // the event bus's log read, one query per page. A plain redrive publishes whatever the reason.
  const logs =
    dryRun || filter.reasons !== undefined
      ? withBusLogs(
          ctx,
          flags,
          located,
          decoder ?? plainDecoder({region: ctx.target.region, sandbox: ctx.usingSandbox, suggest: ctx.suggest}),
          (warning) => {
            if (!host.jsonEnabled()) host.logToStderr(warning)
          },
        )
      : undefined
  let stop: StopSignals | undefined
  return {
    queueUrl,
    rate,
    decoder: logs?.logGroup ? logs.decode : decoder,
    logs,
    stop: () => stop,
    close: async () => {
      stop?.release()
      await adapters.close()
    },
    ports: {
      ...adapters.ports,
      interruptible: () => (stop = listenForStop(note)),
    },
  }
}
