import {BaseCommand} from '../../cli/base-command.js'
import {busLogFlags, checkBusLogFlags, busLogSummary, type BusLogSummary, withBusLogs} from '../../cli/bus-logs.js'
import {dlqFilterFlags, dlqLimitFlag, dlqQueueFlags, filterFromFlags, openDlqFromFlags} from '../../cli/dlq-flags.js'
import {apiKeyStdinFlag, decoderFromFlags, diagnoseFlag} from '../../cli/diagnose.js'
import {style} from '../../cli/output.js'
import type {DlqDepth, DlqRecord} from '../../core/dlq.js'
import {needsDiagnosis} from '../../core/dlq-decode.js'
import {type DlqSummary, formatAge, isFiltering, summarize} from '../../core/dlq-filter.js'
import {displayWidth, padToWidth, plural, truncateToWidth, wrapWords} from '../../core/text-width.js'
import {type DlqRecordView, peekDlq, toRecordView} from '../../services/dlq-list.js'

/** What `dlq list --json` prints. Receipt handles are left out: they are void once the messages are released. */
export interface DlqListResult {
  queueUrl: string
  /** Distinct messages read (matching the filters or not). */
  scanned: number
  /** Matching messages shown. */
  count: number
  /** True when --limit stopped the scan (more may match). */
  truncated: boolean
  summary: DlqSummary
  records: DlqRecordView[]
  /** The event bus's log join, when a log group was read (or tried): lookups made, reasons it decided, a failure. */
  busLogs?: BusLogSummary | undefined
  /** SQS's own counts as last read (GetQueueAttributes: approximate, lagging up to a minute). */
  depth?: DlqDepth | undefined
}

export default class DlqList extends BaseCommand<typeof DlqList> {
  static override summary = 'List DLQ messages with the decoded reason and fix, without removing them'
  static override description =
    'Peeks at the queue: messages are received with a short visibility timeout and released at once, nothing is ' +
    'deleted (each read raises their receive count). On a terminal a summary per reason comes first (count, oldest, ' +
    'newest, the fix), then one row per message; otherwise one tab-separated row per message (sent time, message ' +
    'id, reason, detail type, cache, key or topic, error code, HTTP status, retries, explanation, evidence). ' +
    'Each reason says what decided it (evidence: bus-log, probe, retry-pattern, error-text, none); when the DLQ ' +
    'attributes leave it ambiguous and a Momento key is available, a read-only probe of each cache settles it ' +
    "(--no-diagnose to skip). When the stack delivers the event bus's logs (deploy --logs), each page of messages is " +
    "joined with the log records of its events (one CloudWatch Logs query a page): the log's HTTP status and " +
    "Momento's answer decide first, and those records need no probe (--no-logs to skip). The queue is --queue-url, " +
    "or the stack's (DlqUrl output, else its SQS queue)."
  static override examples = [
    '<%= config.bin %> dlq list',
    '<%= config.bin %> dlq list --reason cache-not-found --since 2h',
    '<%= config.bin %> dlq list --queue-url "$DLQ_URL" --json',
  ]
  static override flags = {
    ...dlqQueueFlags,
    ...dlqFilterFlags,
    ...dlqLimitFlag(100),
    ...diagnoseFlag,
    ...apiKeyStdinFlag,
    ...busLogFlags,
  }

  public async run(): Promise<DlqListResult> {
    const filter = filterFromFlags(this.flags)
    checkBusLogFlags(this.flags)
    // The key (and a --diagnose without one) is settled before any AWS call.
    const decoder = await decoderFromFlags(this.ctx, this.flags, this.redactor, 'momento-eb dlq list', {
      region: this.ctx.aws.target.region,
    })
    const {queue, located, name} = await openDlqFromFlags(this.ctx, this.flags, this.savedConfig)
    const human = !this.jsonEnabled()
    if (human) this.logToStderr(`Peeking at ${name}: nothing is deleted, but each read raises the receive counts.`)
    const logs = withBusLogs(this.ctx, this.flags, located, decoder.decode, (warning) => {
      if (human) this.logToStderr(warning)
    })
    // The stop rule that uses the queue's counts as evidence (explained at peekWithDepth): a small queue
    // answers in about one round trip instead of two empty one-second long polls.
    // The lookup's counts (read to check the queue, a round trip ago) are the scan's starting counts.
    const peek = await peekDlq(queue, {
      limit: this.flags.limit,
      filter,
      decoder: logs.decode,
      stopOnDepth: true,
      startDepth: located.depth,
    })
    if (human && decoder.note && peek.records.some(needsDiagnosis)) this.logToStderr(decoder.note)
    const summary = summarize(peek.records)
    const result: DlqListResult = {
      queueUrl: located.queueUrl,
      scanned: peek.scanned,
      count: peek.records.length,
      truncated: peek.truncated,
      summary,
      records: peek.records.map(toRecordView),
      ...(peek.depth ? {depth: peek.depth} : {}),
    }
    const joined = busLogSummary(logs)
    if (joined) result.busLogs = joined
    if (human) this.present(result, peek.records, name, isFiltering(filter), peek.releaseFailures)
    return result
  }

  private present(
    result: DlqListResult,
    records: DlqRecord[],
    name: string,
    filtered: boolean,
    releaseFailures: number,
  ): void {
    if (releaseFailures > 0) {
      this.logToStderr(`${plural(releaseFailures, 'message')} couldn't be released; they reappear within 30 seconds.`)
    }
    if (!this.ctx.output.interactive) {
      if (records.length === 0 && result.scanned === 0 && !isEmptyDepth(result.depth)) {
        this.logToStderr(emptyQueueText(name, result.depth))
      }
      for (const r of records) this.log(tsvRow(r))
      return
    }
    if (records.length === 0) {
      this.logToStderr(
        result.scanned === 0
          ? emptyQueueText(name, result.depth)
          : `None of the ${plural(result.scanned, 'message')} in ${name} match the filters.`,
      )
      return
    }
    const lines = terminalListing(result, records, {
      name,
      filtered,
      limit: this.flags.limit,
      color: this.ctx.output.color,
      width: process.stdout.columns || 80,
      now: Date.now(),
    })
    for (const line of lines) this.log(line)
  }
}

function isEmptyDepth(depth: DlqDepth | undefined): boolean {
  return depth === undefined || depth.visible + depth.inFlight + depth.delayed === 0
}

/**
 * What to say when nothing could be read: "empty" only when SQS's counts agree (the scan's empty long
 * polls say nothing is visible; the counts may still see messages in flight or not yet counted).
 */
export function emptyQueueText(name: string, depth: DlqDepth | undefined): string {
  if (isEmptyDepth(depth)) return `The dead-letter queue ${name} is empty.`
  const d = depth as DlqDepth
  if (d.visible > 0) {
    return (
      `No message of ${name} could be received, though SQS counts about ${plural(d.visible, 'visible message')}` +
      ` (its counts lag by up to a minute, and another reader may have taken them). Run it again in a few seconds.`
    )
  }
  const parts = []
  if (d.inFlight > 0)
    parts.push(
      `${plural(d.inFlight, 'message')} in flight (hidden by another reader until its visibility timeout ends)`,
    )
  if (d.delayed > 0) parts.push(`${plural(d.delayed, 'message')} delayed`)
  return `No message of ${name} is visible now, but SQS counts ${parts.join(' and ')}.`
}

/** The queue's size by SQS's count, when it holds more than the scan read: "about N in the queue". */
export function depthNote(depth: DlqDepth | undefined, scanned: number): string {
  if (!depth) return ''
  const total = depth.visible + depth.inFlight + depth.delayed
  if (total <= scanned) return ''
  return `; SQS counts about ${total.toLocaleString('en-US')} in the queue, the summary covers the ${scanned.toLocaleString('en-US')} read`
}

/**
 * The terminal listing: a summary line, each reason with its count, ages and fix (the fix command
 * once, on its own line unless the fix already names it; text wrapped at word boundaries to the
 * terminal's width), then one row per message.
 */
export function terminalListing(
  result: Pick<DlqListResult, 'truncated' | 'summary'> & Partial<Pick<DlqListResult, 'depth' | 'scanned'>>,
  records: readonly DlqRecord[],
  options: {name: string; filtered: boolean; limit: number | undefined; color: boolean; width: number; now: number},
): string[] {
  const s = style(options.color)
  const width = Math.max(40, options.width)
  const out: string[] = []
  const ago = (iso: string | undefined) =>
    iso ? `${formatAge(Math.max(0, (options.now - Date.parse(iso)) / 1000))} ago` : '-'
  const more = result.truncated ? ` (stopped at --limit ${options.limit}; there may be more)` : ''
  const noun = `${options.filtered ? 'matching ' : ''}message`
  const title = `${plural(records.length, noun, `${noun}s`)} in ${options.name}`
  const span =
    `oldest ${ago(result.summary.oldest)}, newest ${ago(result.summary.newest)}${more}` +
    depthNote(result.depth, result.scanned ?? records.length)
  // The ages under the title when both don't fit on one line.
  if (displayWidth(`${title} — ${span}`) <= width) out.push(`${s.bold(title)} — ${span}`)
  else out.push(s.bold(title), ...wrapWords(span, width - 2).map((line) => `  ${line}`))
  const labelWidth = Math.max(...result.summary.groups.map((g) => g.label.length))
  const indent = '         '
  const wrapped = (text: string, first: string) =>
    wrapWords(text, width - indent.length - first.length).map(
      (line, i) => `${indent}${i === 0 ? first : '     '}${line}`,
    )
  for (const g of result.summary.groups) {
    const head = `  ${String(g.count).padStart(5)}  ${g.label.padEnd(labelWidth)}  `
    const ages = `oldest ${ago(g.oldest)}, newest ${ago(g.newest)}`
    const colored = `  ${String(g.count).padStart(5)}  ${s.yellow(g.label.padEnd(labelWidth))}  `
    if (displayWidth(head + ages) <= width) out.push(`${colored}${s.dim(ages)}`)
    else out.push(colored.trimEnd(), `${indent}${s.dim(ages)}`)
    const fixLines = wrapped(g.fix, 'fix: ')
    out.push(...fixLines.map((line, i) => (i === 0 ? line.replace('fix: ', `${s.dim('fix:')} `) : line)))
    // The fix text often quotes its command already (`momento cache create …`): say it once.
    if (g.fixCommand && !g.fix.includes(g.fixCommand)) out.push(`${indent}${s.dim('run:')} ${s.cyan(g.fixCommand)}`)
  }
  out.push('')
  for (const r of records) {
    const target = r.topic ? `topic ${r.topic}` : (r.key ?? (r.keyBase64 ? `b64:${r.keyBase64}` : '-'))
    // Narrow terminals get a narrower cache column; a key too long for the row ends in an ellipsis.
    const cacheWidth = width < 80 ? 10 : 16
    const room = Math.max(8, width - (4 + 2 + 19 + 13 + cacheWidth + 1))
    out.push(
      `${formatAge(r.ageSeconds).padStart(4)}  ${s.yellow(r.reason.padEnd(18))} ${(r.detailType ?? '-').padEnd(12)} ` +
        `${padToWidth(r.cache ?? '-', cacheWidth)} ${truncateToWidth(target, room)}`,
    )
    out.push(
      ...wrapWords(`${r.explanation} [evidence: ${r.evidence}]`, width - 7).map((line) => `      ${s.dim(line)}`),
    )
  }
  return out
}

/** One tab-separated row: tabs and newlines inside fields become spaces. */
export function tsvRow(r: DlqRecord): string {
  const clean = (v: unknown) => (v === undefined || v === null ? '' : String(v).replace(/[\t\r\n]+/g, ' '))
  return [
    r.sentAt,
    r.messageId,
    r.reason,
    r.detailType,
    r.cache,
    r.topic ?? r.key ?? r.keyBase64,
    r.errorCode,
    r.httpStatus,
    r.retryAttempts,
    r.explanation,
    r.evidence,
  ]
    .map(clean)
    .join('\t')
}
