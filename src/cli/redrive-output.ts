/**
 * What `dlq redrive` prints (not with --json): the dry run's entries on stdout, the summary line, what
 * came back, and the notes about the run on stderr; and the diff of --edit before its confirmation.
 */
import {formatFieldChange} from '../core/redrive-entry.js'
import {SKIP_REASON_TEXT, type SkipReason} from '../core/redrive-plan.js'
import {plural} from '../core/text-width.js'
import type {RedriveEdit, RedriveResult} from '../services/dlq-redrive.js'
import type {StopSignal} from './stop-signals.js'

/** Where the lines go: stdout, stderr (for a person), and stderr in --json mode too. */
export interface RedriveOutput {
  log(line: string): void
  logToStderr(line: string): void
  note(line: string): void
}

/** --edit: each event's changed fields, and the ones taken out of the file. */
export function showEdits(out: RedriveOutput, edits: readonly RedriveEdit[], removed: readonly string[]): void {
  for (const edit of edits) {
    if (edit.changes.length === 0) {
      out.logToStderr(`${edit.messageId}: unchanged`)
      continue
    }
    out.logToStderr(`${edit.messageId}:`)
    for (const c of edit.changes) out.logToStderr(`  ${formatFieldChange(c)}`)
  }
  for (const id of removed) out.logToStderr(`${id}: left out (stays in the queue)`)
}

/** The run's result in words. `rate` is --rate as given (compared with the API destination's limit). */
export function presentRedrive(
  out: RedriveOutput,
  result: RedriveResult,
  options: {stoppedBy?: StopSignal | undefined; rate?: number | undefined},
): void {
  const {stoppedBy} = options
  if (result.dryRun) {
    // The entries went to stdout as they were planned (onEntry); why each one is in the DLQ, and what
    // decided it, on stderr.
    for (const {reason, evidence, count} of result.entryReasons) {
      out.logToStderr(`${count} × ${reason} [evidence: ${evidence}]`)
    }
  }
  for (const f of result.failures.slice(0, 50)) out.logToStderr(`${f.messageId}: ${f.errorCode}: ${f.errorMessage}`)
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
  if (result.dryRun) out.logToStderr(line)
  else out.log(line)
  if (result.cameBack.total > 0) {
    const reasons = Object.entries(result.cameBack.byReason)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([reason, n]) => `${reason}: ${n}`)
      .join(', ')
    out.log(
      `${result.cameBack.total} came back to the DLQ while this run ran (${reasons}) — fix the cause, then redrive again.`,
    )
    out.logToStderr('They are still in the queue; `momento-eb dlq list` shows the fix for each reason.')
  }
  if (result.newArrivals > 0) {
    out.logToStderr(
      `${result.newArrivals} message(s) reached the DLQ after this run started; they were left for the next run.`,
    )
  }
  if (result.stoppedBecause) out.logToStderr(`Stopped: ${result.stoppedBecause}`)
  if (result.interrupted) {
    const by = stoppedBy && stoppedBy !== 'SIGINT' ? `Stopped by ${stoppedBy}` : 'Interrupted'
    try {
      out.note(`${by}: the rest is still in the queue, visible again now; run the command again to go on.`)
    } catch {
      // SIGHUP: the terminal may be gone.
    }
  }
  if (result.overLimit > 0) {
    out.logToStderr(
      `SQS answered OverLimit ${plural(result.overLimit, 'time')} (the queue's in-flight quota): the run released what it held and went on.`,
    )
  }
  const flagRate = options.rate
  if (
    flagRate !== undefined &&
    flagRate > 0 &&
    result.destinationRate !== undefined &&
    flagRate > result.destinationRate
  ) {
    out.logToStderr(
      `--rate ${flagRate} is above the API destination's InvocationRateLimitPerSecond (${result.destinationRate}): ` +
        `EventBridge delivers at most ${result.destinationRate}/s to Momento and holds the rest in its retry window ` +
        '(events older than MaximumEventAgeInSeconds come back to the DLQ).',
    )
  }
  if (result.deleteFailed) {
    out.logToStderr(
      `${result.deleteFailed} published message(s) could not be deleted; the next run deletes them without publishing again.`,
    )
  }
}
