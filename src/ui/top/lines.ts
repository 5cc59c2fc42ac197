/**
 * The `top` screen as lines of toned segments (pure): every line fits `width`, and there are at
 * most `height` lines. 80×24 shows everything; under it the screen sheds, in order, the blank
 * separators, the per-rule failure sparklines, failure reasons, then the sparklines' columns.
 */
import {
  type RuleView,
  shortAge,
  shortMs,
  shortNumber,
  sparkline,
  type SourceSummary,
  type TopSnapshot,
} from '../../core/top-model.js'
import type {Tone} from '../theme.js'
import {truncate} from '../dlq/text.js'

export interface Segment {
  readonly text: string
  readonly tone: Tone
}
export type Line = Segment[]

export interface LayoutOptions {
  readonly width: number
  readonly height: number
  /** ASCII sparklines instead of block characters. */
  readonly ascii?: boolean | undefined
  /** One line under the dashboard (a hand-off or an error), instead of the source status. */
  readonly notice?: string | undefined
  /** "now" for ages (ms). */
  readonly nowMs: number
}

export const FOOTER = '1 5m · 2 1h · 3 24h · w window · d dlq watch · q quit'
const SHORT_FOOTER = '1/2/3 w window · d dlq · q quit'

const seg = (text: string, tone: Tone = 'normal'): Segment => ({text, tone})

/** Fit a line to `width`: cut the segment that crosses it (with an ellipsis), drop the rest. */
export function fitLine(line: Line, width: number): Line {
  const out: Line = []
  let used = 0
  for (const s of line) {
    const len = [...s.text].length
    if (used + len <= width) {
      out.push(s)
      used += len
      continue
    }
    const room = width - used
    if (room > 0) out.push({...s, text: truncate(s.text, room)})
    break
  }
  return out
}

function age(iso: string | null, nowMs: number): string {
  if (!iso) return ''
  return shortAge((nowMs - Date.parse(iso)) / 1000)
}

function sourceTone(s: SourceSummary): Tone {
  if (s.status === 'error') return 'error'
  if (s.status === 'stale') return 'warn'
  if (s.status === 'pending' || s.status === 'off') return 'muted'
  return 'ok'
}

function sourceWord(s: SourceSummary, nowMs: number): string {
  if (s.status === 'ok') return `ok ${age(s.readAt, nowMs)} ago`
  if (s.status === 'stale') return `STALE (${age(s.readAt, nowMs)} old)`
  if (s.status === 'error') return 'UNAVAILABLE'
  if (s.status === 'pending') return 'loading…'
  return 'off'
}

/** Short names of the stack's alarms (OUTPUT.alarmName keys). */
const ALARM_LABELS: Readonly<Record<string, string>> = {
  dlqMessages: 'dlq',
  eventsLost: 'lost',
  throttled: 'throttled',
  failureRatio: 'failures',
}

const COLS = {name: 13, rate: 8, small: 6, lat: 8}

function ruleHeader(spark: number, windowLabel: string): Line {
  const text =
    'RULE'.padEnd(COLS.name) +
    'INV/min'.padStart(COLS.rate) +
    'FAIL'.padStart(COLS.small) +
    'RETRY'.padStart(COLS.small) +
    'THROT'.padStart(COLS.small) +
    'DLQ'.padStart(COLS.small) +
    'LATENCY'.padStart(COLS.lat) +
    (spark > 0 ? `  ${truncate(`invocations, ${windowLabel}`, spark)}` : '')
  return [seg(text, 'accent')]
}

function ruleLine(rule: RuleView, spark: number, ascii: boolean): Line {
  const num = (x: number | null, w: number) => shortNumber(x).padStart(w)
  const hot = (x: number | null, tone: Tone): Tone => ((x ?? 0) > 0 ? tone : 'normal')
  const line: Line = [
    seg(truncate(rule.detailType, COLS.name - 1).padEnd(COLS.name), 'normal'),
    seg(num(rule.invocations.perMinute, COLS.rate)),
    seg(num(rule.failures.total, COLS.small), hot(rule.failures.total, 'error')),
    seg(num(rule.retries.total, COLS.small), hot(rule.retries.total, 'warn')),
    seg(num(rule.throttles.total, COLS.small), hot(rule.throttles.total, 'warn')),
    seg(num(rule.dlqWrites.total, COLS.small), hot(rule.dlqWrites.total, 'error')),
    seg(shortMs(rule.latencyMs.average).padStart(COLS.lat)),
  ]
  if (spark > 0 && rule.invocations.points.length > 0) {
    line.push(seg('  '), seg(sparkline(rule.invocations.points, {width: spark, ascii}), 'accent'))
  }
  return line
}

/** The second line of a rule: where its failures, retries and DLQ writes fell in the window. */
function ruleTrendLine(rule: RuleView, width: number, ascii: boolean): Line {
  const parts: Array<[string, number[], Tone]> = [
    ['fail', rule.failures.points, 'error'],
    ['retry', rule.retries.points, 'warn'],
    ['dlq', rule.dlqWrites.points, 'error'],
  ]
  const indent = 4
  const each = Math.floor((width - indent) / parts.length)
  const line: Line = [seg(' '.repeat(indent))]
  for (const [label, points, tone] of parts) {
    const w = Math.max(0, each - label.length - 2)
    if (w < 4) break
    const total = points.reduce((a, b) => a + b, 0)
    line.push(
      seg(`${label} `, 'muted'),
      seg(sparkline(points, {width: w, ascii}), total > 0 ? tone : 'muted'),
      seg(' '),
    )
  }
  return line
}

/** Every line of the screen, fitted to the options. */
export function topLines(s: TopSnapshot, o: LayoutOptions): Line[] {
  const width = Math.max(10, o.width)
  const ascii = o.ascii === true
  // Sparkline columns: what is left after the numbers, if that is at least 8 cells.
  const fixed = COLS.name + COLS.rate + 4 * COLS.small + COLS.lat + 2
  const spark = width - fixed >= 8 ? Math.min(60, width - fixed) : 0

  const title: Line = [
    seg('momento-eb top', 'accent'),
    seg(`  ${s.stack} · bus ${s.bus} · ${s.window.label} (${s.window.periodSeconds / 60}m points) · `),
    seg(s.takenAt.slice(11, 19), 'muted'),
  ]
  const sources: Line = [
    seg('metrics '),
    seg(sourceWord(s.metrics, o.nowMs), sourceTone(s.metrics)),
    ...(s.metrics.partial ? [seg(' (partial)', 'warn')] : []),
    seg(' · rates per minute', 'muted'),
    ...(s.matchedAllBuses.perMinute !== null
      ? [seg(` · matched on all buses ${shortNumber(s.matchedAllBuses.perMinute)}/min`, 'muted')]
      : []),
  ]

  const rules: Line[] = s.rules.map((r) => ruleLine(r, spark, ascii))
  // Without metrics there is nothing to draw: no trend lines.
  const trends: Line[] = s.metrics.readAt === null ? [] : s.rules.map((r) => ruleTrendLine(r, width, ascii))

  const dlqLines: Line[] = []
  if (s.dlq) {
    const d = s.dlq.depth
    const depthText =
      d.visible === null
        ? 'depth UNAVAILABLE'
        : `depth ${shortNumber(d.visible)} visible · ${shortNumber(d.inFlight)} in flight`
    const oldest =
      s.dlq.oldestAgeSource === 'none'
        ? ''
        : ` · oldest ${s.dlq.oldestAgeSource === 'sample' ? '≥' : ''}${shortAge(s.dlq.oldestAgeSeconds)}`
    const depthTone: Tone = d.status === 'error' ? 'error' : (d.visible ?? 0) > 0 ? 'warn' : 'ok'
    // The queue's name last: on a narrow screen it is what gets cut.
    dlqLines.push([
      seg('DLQ ', 'accent'),
      seg(depthText + (d.status === 'stale' ? ' (stale)' : ''), depthTone),
      seg(oldest),
      seg(`  ${s.dlq.queueName}`, 'muted'),
    ])
  } else dlqLines.push([seg('DLQ ', 'accent'), seg('not found in this stack', 'warn')])
  const lost = s.rules.reduce((a, r) => a + (r.dlqWriteFailures.total ?? 0), 0)
  if (lost > 0) {
    dlqLines.push([
      seg(`LOST: ${shortNumber(lost)} events failed to reach the DLQ (InvocationsFailedToBeSentToDlq)`, 'error'),
    ])
  }

  const alarmLine: Line = [seg('ALARMS ', 'accent')]
  if (s.alarms.status === 'off') alarmLine.push(seg('no alarms (stack deployed without them)', 'muted'))
  else if (s.alarms.status === 'error') alarmLine.push(seg('UNAVAILABLE', 'error'))
  else if (s.alarms.status === 'pending') alarmLine.push(seg('loading…', 'muted'))
  else {
    s.alarms.items.forEach((a, i) => {
      const tone: Tone = a.state === 'ALARM' ? 'error' : a.state === 'OK' ? 'ok' : 'warn'
      const state = a.state === 'INSUFFICIENT_DATA' ? 'no data' : a.state === 'MISSING' ? 'missing' : a.state
      alarmLine.push(seg(`${i > 0 ? ' · ' : ''}${ALARM_LABELS[a.key] ?? a.key} `), seg(state, tone))
    })
    if (s.alarms.status === 'stale') alarmLine.push(seg(' (stale)', 'warn'))
  }

  const f = s.failures
  const failHeader: Line = [seg('TOP FAILURES ', 'accent')]
  if (f.status === 'off') failHeader.push(seg('off', 'muted'))
  else if (f.status === 'pending') failHeader.push(seg('sampling the DLQ…', 'muted'))
  else if (f.status === 'error') failHeader.push(seg('UNAVAILABLE', 'error'))
  else
    failHeader.push(
      seg(
        f.sampled === 0
          ? `none: the DLQ is empty (sampled ${age(f.readAt, o.nowMs)} ago)`
          : `of ${f.truncated ? 'the first ' : ''}${f.sampled} DLQ messages, sampled ${age(f.readAt, o.nowMs)} ago`,
        'muted',
      ),
    )
  const failLines: Line[] = f.top.map((r) => [
    seg(`  ${r.reason.padEnd(18)}`, 'warn'),
    seg(`×${String(r.count).padEnd(5)}`),
    seg(r.example, 'muted'),
  ])

  const problems = [
    s.metrics.status === 'error' ? `metrics unavailable: ${s.metrics.error ?? ''}` : undefined,
    s.metrics.status === 'stale' ? `metrics stale: ${s.metrics.error ?? ''}` : undefined,
    s.dlq && (s.dlq.depth.status === 'error' || s.dlq.depth.status === 'stale')
      ? `DLQ depth: ${s.dlq.depth.error ?? ''}`
      : undefined,
    s.alarms.status === 'error' || s.alarms.status === 'stale' ? `alarms: ${s.alarms.error ?? ''}` : undefined,
    f.status === 'error' || f.status === 'stale' ? `DLQ sample: ${f.error ?? ''}` : undefined,
  ].filter((p): p is string => p !== undefined)
  const status: Line = o.notice
    ? [seg(o.notice, 'warn')]
    : problems.length > 0
      ? [...(problems.length > 1 ? [seg(`[+${problems.length - 1} more] `)] : []), seg(problems[0] as string, 'error')]
      : [seg('all sources read', 'muted')]
  const footer: Line = [seg(width >= FOOTER.length ? FOOTER : SHORT_FOOTER, 'muted')]

  // Assemble everything, then shed the least important lines until the frame fits the height:
  // blanks first, then the trend lines, the failure reasons (from the last), their header, the source
  // line, the alarms, the rule header and the title. Rules, the DLQ, the status and the keys stay.
  const blank: Line = [seg(' ')]
  const items: Array<{line: Line; keep: number}> = [
    {line: title, keep: 7},
    {line: sources, keep: 4},
    {line: blank, keep: 0},
    {line: ruleHeader(spark, s.window.label), keep: 6},
  ]
  s.rules.forEach((_, i) => {
    items.push({line: rules[i] as Line, keep: 9})
    const trend = trends[i]
    if (trend) items.push({line: trend, keep: 1})
  })
  items.push({line: blank, keep: 0})
  for (const line of dlqLines) items.push({line, keep: 9})
  items.push({line: alarmLine, keep: 5}, {line: blank, keep: 0}, {line: failHeader, keep: 3})
  failLines.forEach((line, i) => items.push({line, keep: 2 + (failLines.length - i) / 100}))
  items.push({line: status, keep: 8}, {line: footer, keep: 9})
  const height = Math.max(4, o.height)
  while (items.length > height) {
    let drop = items.length - 1
    for (let i = items.length - 1; i >= 0; i--)
      if ((items[i] as {keep: number}).keep < (items[drop] as {keep: number}).keep) drop = i
    items.splice(drop, 1)
  }
  return items.map((item) => fitLine(item.line, width))
}

/** The lines as plain text (tests, and the ASCII check). */
export function plainText(lines: readonly Line[]): string {
  return lines.map((l) => l.map((s) => s.text).join('')).join('\n')
}

/**
 * Whether to draw ASCII sparklines without being asked: when the locale is set and isn't UTF-8 (the
 * first of LC_ALL, LC_CTYPE, LANG that is set decides, as for the C library). No locale at all
 * (many containers) keeps the block characters, which every UTF-8 terminal shows.
 */
export function asciiFromEnv(env: NodeJS.ProcessEnv): boolean {
  const locale = [env['LC_ALL'], env['LC_CTYPE'], env['LANG']].find((v) => v !== undefined && v !== '')
  if (locale === undefined) return false
  return !/utf-?8/i.test(locale)
}
