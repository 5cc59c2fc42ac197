/**
 * The oclif edge of `dlq list`: the flags to a filter and a decoder, the queue opened, the listing
 * (services/dlq-list.ts), and its rendering: a summary per reason on a terminal, TSV rows otherwise.
 */
import {needsDiagnosis} from '../core/dlq-decode.js'
import type {DlqDepth, DlqRecord} from '../core/dlq.js'
import {formatAge, isFiltering} from '../core/dlq-filter.js'
import {displayWidth, padToWidth, plural, truncateToWidth, wrapWords} from '../core/text-width.js'
import {listDlq, type DlqListing} from '../services/dlq-list.js'
import type {CommandHost} from './base-command.js'
import {busLogSummary, checkBusLogFlags, withBusLogs, type BusLogSummary} from './bus-logs.js'
import {decoderFromFlags} from './diagnose.js'
import {filterFromFlags, openDlqFromFlags} from './dlq-flags.js'
import {style} from './output.js'

/** What `dlq list --json` prints. Receipt handles are left out: they are void once the messages are released. */
export interface DlqListResult extends DlqListing {
  /** The event bus's log join, when a log group was read (or tried): lookups made, reasons it decided, a failure. */
  busLogs?: BusLogSummary | undefined
}

/** The flags `dlq list` reads. */
export type DlqListFlags = Parameters<typeof filterFromFlags>[0] &
  Parameters<typeof openDlqFromFlags>[1] &
  Parameters<typeof checkBusLogFlags>[0] &
  Parameters<typeof decoderFromFlags>[1] & {limit?: number | undefined}

/** `dlq list`: settle the key, open the queue, peek, and print the listing (stderr notes, stdout rows). */
export async function listFromFlags(host: CommandHost, flags: DlqListFlags): Promise<DlqListResult> {
  const {ctx} = host
  const filter = filterFromFlags(flags)
  checkBusLogFlags(flags)
  // The key (and a --diagnose without one) is settled before any AWS call.
  const decoder = await decoderFromFlags(ctx, flags, host.redactor, 'momento-eb dlq list', {
    region: ctx.aws.target.region,
  })
  const {queue, located, name} = await openDlqFromFlags(ctx, flags, host.savedConfig)
  const human = !host.jsonEnabled()
  if (human) host.logToStderr(`Peeking at ${name}: nothing is deleted, but each read raises the receive counts.`)
  const logs = withBusLogs(ctx, flags, located, decoder.decode, (warning) => {
    if (human) host.logToStderr(warning)
  })
  const {listing, records, releaseFailures} = await listDlq(queue, located, {
    limit: flags.limit,
    filter,
    decoder: logs.decode,
  })
  if (human && decoder.note && records.some(needsDiagnosis)) host.logToStderr(decoder.note)
  const result: DlqListResult = listing
  const joined = busLogSummary(logs)
  if (joined) result.busLogs = joined
  if (human) presentList(host, flags.limit, result, records, name, isFiltering(filter), releaseFailures)
  return result
}

function presentList(
  host: CommandHost,
  limit: number | undefined,
  result: DlqListResult,
  records: DlqRecord[],
  name: string,
  filtered: boolean,
  releaseFailures: number,
): void {
  if (releaseFailures > 0) {
    host.logToStderr(`${plural(releaseFailures, 'message')} couldn't be released; they reappear within 30 seconds.`)
  }
  if (!host.ctx.output.interactive) {
    if (records.length === 0 && result.scanned === 0 && !isEmptyDepth(result.depth)) {
      host.logToStderr(emptyQueueText(name, result.depth))
    }
    for (const r of records) host.log(tsvRow(r))
    return
  }
  if (records.length === 0) {
    host.logToStderr(
      result.scanned === 0
        ? emptyQueueText(name, result.depth)
        : `None of the ${plural(result.scanned, 'message')} in ${name} match the filters.`,
    )
    return
  }
  const lines = terminalListing(result, records, {
    name,
    filtered,
    limit: limit,
    color: host.ctx.output.color,
    width: process.stdout.columns || 80,
    now: Date.now(),
  })
  for (const line of lines) host.log(line)
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
