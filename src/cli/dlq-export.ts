/**
 * The oclif edge of `dlq export`: the flags checked, the queue and the target opened (src/wiring),
 * the export run (services/dlq-export.ts), and the closing lines on stderr.
 */
import {UsageError} from '../core/errors.js'
import {plural} from '../core/text-width.js'
import {plainDecoder} from '../services/dlq-diagnose.js'
import {exportDlqTo, type DlqExportSummary} from '../services/dlq-export.js'
import type {CommandHost} from './base-command.js'
import {busLogSummary, checkBusLogFlags, withBusLogs, type BusLogSummary} from './bus-logs.js'
import {filterFromFlags, openDlqFromFlags} from './dlq-flags.js'
import {openExportTarget} from '../wiring/dlq-export.js'
import {useLeanHeap} from './lean-heap.js'

/** What `dlq export --json` prints (with `--file -` the lines themselves go to stdout instead). */
export interface DlqExportResult extends DlqExportSummary {
  file: string
  queueUrl: string
  /** The event bus's log join, when a log group was read (or tried). */
  busLogs?: BusLogSummary | undefined
}

/** The flags `dlq export` reads. */
export type DlqExportFlags = Parameters<typeof filterFromFlags>[0] &
  Parameters<typeof openDlqFromFlags>[1] &
  Parameters<typeof checkBusLogFlags>[0] & {
    limit?: number | undefined
    file: string
    force: boolean
    'max-in-flight': number
  }

/** `dlq export`: check the flags, open the queue and the target, export, and say what was written. */
export async function exportFromFlags(host: CommandHost, flags: DlqExportFlags): Promise<DlqExportResult> {
  const {ctx} = host
  const filter = filterFromFlags(flags)
  checkBusLogFlags(flags)
  if (flags.file.trim() === '') {
    // An empty path used to reach link(2) and end as "Unexpected failure" (exit 1).
    throw new UsageError('--file is empty, so there is nowhere to export to.', {
      hints: ['Name a file to create, e.g. --file dlq.ndjson, or --file - for stdout.'],
    })
  }
  const toStdout = flags.file === '-'
  if (toStdout && host.jsonEnabled()) {
    throw new UsageError('--file - writes NDJSON to stdout, which --json needs too.', {
      hints: ['Drop --json, or write to a file.'],
    })
  }
  const {queue, located} = await openDlqFromFlags(ctx, flags, host.savedConfig)
  const target = await openExportTarget(flags.file, flags.force)
  const logs = withBusLogs(
    ctx,
    flags,
    located,
    plainDecoder({region: ctx.aws.target.region, sandbox: ctx.usingSandbox, suggest: ctx.suggest}),
    (warning) => {
      if (!host.jsonEnabled()) host.logToStderr(warning)
    },
  )
  // The scan starts here: a run refused at its flags, its queue or its file leaves the process's heap as it was.
  useLeanHeap()
  const summary = await exportDlqTo(queue, target, {
    filter,
    limit: flags.limit,
    decoder: logs.decode,
    maxInFlight: flags['max-in-flight'],
  })
  const result: DlqExportResult = {file: flags.file, queueUrl: located.queueUrl, ...summary}
  const joined = busLogSummary(logs)
  if (joined) result.busLogs = joined
  if (!host.jsonEnabled()) {
    const where = toStdout ? 'stdout' : flags.file
    const more = summary.truncated ? ` (stopped at --limit ${flags.limit})` : ''
    const pace = `${(summary.durationMs / 1000).toFixed(1)} s, ${summary.perSecond} messages/s`
    host.logToStderr(
      `Exported ${summary.exported} of ${plural(summary.scanned, 'message')} to ${where}${more} in ${pace}; nothing was deleted.`,
    )
    // Receives sample a large queue: say so when fewer were read than the queue counted at the start.
    if (!summary.truncated && summary.depthAtStart !== undefined && summary.scanned < summary.depthAtStart) {
      host.logToStderr(
        `The queue counted about ${summary.depthAtStart} messages at the start (an approximate count, which includes ` +
          "messages other consumers held hidden); run the export again if that's more than you expected.",
      )
    }
  }
  return result
}
