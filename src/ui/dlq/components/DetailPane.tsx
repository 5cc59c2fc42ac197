import {Box, Text} from 'ink'

import type {DlqRecord} from '../../../core/dlq.js'
import type {Theme, Tone} from '../../theme.js'
import {reasonTone, truncate} from '../text.js'

/** Props of {@link DetailPane}. */
export interface DetailPaneProps {
  readonly record: DlqRecord
  /** Rows available; longer content ends with "… N more lines". */
  readonly height: number
  /** The first line shown (PgUp/PgDn in the view); clamped to the content. */
  readonly top?: number
  readonly width: number
  readonly theme: Theme
}

interface Line {
  readonly label?: string
  readonly text: string
  readonly tone: Tone
}

const LABEL = 9

function field(label: string, value: string | undefined, tone: Tone = 'normal'): Line[] {
  return value === undefined || value === '' ? [] : [{label, text: value, tone}]
}

/** The JSON of the original event (or the raw body when it isn't JSON), pretty-printed. */
function eventLines(record: DlqRecord): string[] {
  if (record.event) {
    const envelope = {
      id: record.event.id,
      'detail-type': record.event.detailType,
      source: record.event.source,
      time: record.event.time,
      region: record.event.region,
      account: record.event.account,
      resources: record.event.resources,
      detail: record.event.detail,
    }
    return JSON.stringify(envelope, null, 2).split('\n')
  }
  try {
    return JSON.stringify(JSON.parse(record.body), null, 2).split('\n')
  } catch {
    return [record.body]
  }
}

/** Everything about one message: the decoded reason and why, the fix, the event JSON, the attributes. */
export function buildDetailLines(record: DlqRecord): Line[] {
  const status = [
    record.httpStatus === undefined ? undefined : `HTTP ${record.httpStatus}`,
    record.errorCode,
    record.retryAttempts === undefined ? undefined : `${record.retryAttempts} retries`,
    record.exhaustedRetryCondition ? `exhausted ${record.exhaustedRetryCondition}` : undefined,
  ]
    .filter(Boolean)
    .join(', ')
  const about = [
    record.detailType,
    record.cache ? `cache ${record.cache}` : undefined,
    record.key !== undefined ? `key ${record.key}` : undefined,
    record.keyBase64 !== undefined ? `key_base64 ${record.keyBase64}` : undefined,
    record.topic !== undefined ? `topic ${record.topic}` : undefined,
    record.ttl !== undefined ? `ttl ${record.ttl}s` : undefined,
  ]
    .filter(Boolean)
    .join(' · ')
  const lines: Line[] = [
    {
      label: 'Message',
      text: `${record.messageId}${record.receiveCount ? ` · received ${record.receiveCount}×` : ''}`,
      tone: 'normal',
    },
    ...field('Sent', record.sentAt),
    {label: 'Reason', text: `${record.reason}${status ? ` (${status})` : ''}`, tone: reasonTone(record.reason)},
    ...field('Why', record.explanation),
    // What decided the reason, and what a probe of Momento found
    // (docs/reference/aws-facts.md#dlq-attributes).
    ...field('Evidence', `${record.evidence}${record.diagnosis ? ` · ${record.diagnosis.detail}` : ''}`),
    ...field('Fix', record.fix, 'ok'),
    ...field('Run', record.fixCommand, 'accent'),
    ...field('Event', about),
    ...field('Redrive', record.redrivable ? undefined : 'no: the body is not an EventBridge event', 'warn'),
    ...field('Momento', [record.momentoTitle, record.momentoDescription].filter(Boolean).join(': ')),
    {text: 'Attributes', tone: 'accent'},
    ...field('rule', record.ruleArn),
    ...field('bus', record.bus),
    ...field('target', record.targetArn),
    ...field('code', record.errorCode),
    ...field('message', record.errorMessage),
    ...field('retries', record.retryAttempts === undefined ? undefined : String(record.retryAttempts)),
    ...field('gave up', record.exhaustedRetryCondition),
    {text: record.event ? 'Original event' : 'Body', tone: 'accent'},
    ...eventLines(record).map((text): Line => ({text, tone: 'normal'})),
  ]
  return lines
}

/** Long labelled values (why, fix, error message) wrap onto up to 3 lines instead of being cut. */
const WRAPPED = new Set(['Why', 'Evidence', 'Fix', 'message'])

function wrapLines(lines: readonly Line[], width: number): Line[] {
  const room = Math.max(10, width - LABEL)
  const out: Line[] = []
  for (const line of lines) {
    if (line.label === undefined || !WRAPPED.has(line.label) || line.text.length <= room) {
      out.push(line)
      continue
    }
    const parts: string[] = []
    let rest = line.text
    while (rest.length > room && parts.length < 2) {
      const cut = rest.lastIndexOf(' ', room)
      const at = cut > room / 2 ? cut : room
      parts.push(rest.slice(0, at))
      rest = rest.slice(at).trimStart()
    }
    parts.push(rest)
    parts.forEach((text, index) => out.push({label: index === 0 ? (line.label as string) : '', text, tone: line.tone}))
  }
  return out
}

/** The detail view of the selected message (replaces the list while open). */
export function DetailPane({record, height, top = 0, width, theme}: DetailPaneProps) {
  const all = wrapLines(buildDetailLines(record), width)
  const start = Math.max(0, Math.min(top, all.length - (height - 1)))
  const above = start > 0 ? 1 : 0
  const room = height - above
  const fits = all.length - start <= room ? all.slice(start) : all.slice(start, start + room - 1)
  const more = all.length - start - fits.length
  return (
    <Box flexDirection="column">
      {above ? <Text {...theme.style('muted')}>… {start} lines above (PgUp)</Text> : null}
      {fits.map((line, index) => (
        <Text key={index}>
          {line.label !== undefined ? <Text {...theme.style('muted')}>{line.label.padEnd(LABEL)}</Text> : null}
          <Text {...theme.style(line.tone)}>{truncate(line.text, width - (line.label !== undefined ? LABEL : 0))}</Text>
        </Text>
      ))}
      {more > 0 ? <Text {...theme.style('muted')}>… {more} more lines (PgDn)</Text> : null}
      {Array.from({length: Math.max(0, room - fits.length - (more > 0 ? 1 : 0))}, (_, i) => (
        <Text key={`pad-${i}`}> </Text>
      ))}
    </Box>
  )
}
