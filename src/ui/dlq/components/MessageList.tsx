import {Box, Text} from 'ink'
import {memo} from 'react'

import type {DlqRecord} from '../../../core/dlq.js'
import type {Theme} from '../../theme.js'
import {cell, count, reasonTone, sentTime, statusText, subject} from '../text.js'

/** Props of {@link MessageList}. */
export interface MessageListProps {
  /** Every matching record; only `pageSize` of them from `top` are rendered. */
  readonly records: readonly DlqRecord[]
  readonly top: number
  readonly cursor: number
  readonly pageSize: number
  readonly width: number
  readonly filter: string
  readonly loaded: boolean
  readonly theme: Theme
}

/** Column widths for one layout; 0 leaves the column out. */
export interface ColumnWidths {
  readonly time: number
  readonly reason: number
  readonly type: number
  readonly cache: number
  readonly key: number
  readonly status: number
}

const KEY_MIN = 8
/** Widest first; narrower terminals shrink the columns, then drop STATUS, then SENT. */
const LAYOUTS: ReadonlyArray<Omit<ColumnWidths, 'key'>> = [
  {time: 8, reason: 18, type: 12, cache: 10, status: 8},
  {time: 8, reason: 16, type: 11, cache: 8, status: 4},
  {time: 8, reason: 16, type: 11, cache: 8, status: 0},
  {time: 0, reason: 15, type: 11, cache: 8, status: 0},
  {time: 0, reason: 12, type: 8, cache: 6, status: 0},
]

/**
 * Column widths for a terminal width: the key column takes what is left. Every row is exactly
 * `width - 1` columns (or the minimum of the narrowest layout), so nothing wraps.
 */
export function columnsFor(width: number): ColumnWidths {
  for (const layout of LAYOUTS) {
    const fixed =
      2 +
      [layout.time, layout.reason, layout.type, layout.cache, layout.status].reduce(
        (sum, w) => sum + (w > 0 ? w + 1 : 0),
        0,
      )
    const key = width - fixed - 1
    if (key >= KEY_MIN || layout === LAYOUTS[LAYOUTS.length - 1]) return {...layout, key: Math.max(KEY_MIN, key)}
  }
  throw new Error('unreachable')
}

/** The cells of one row in column order, without the leading marker; absent columns left out. */
function cells(
  c: ColumnWidths,
  values: Record<keyof ColumnWidths, string>,
): {before: string; reason: string; after: string} {
  const join = (keys: readonly (keyof ColumnWidths)[]) =>
    keys
      .filter((k) => c[k] > 0)
      .map((k) => `${cell(values[k], c[k])} `)
      .join('')
  return {
    before: join(['time']),
    reason: cell(values.reason, c.reason),
    after: ` ${join(['type', 'cache', 'key', 'status'])}`.slice(0, -1),
  }
}

function Row({record, selected, width, theme}: {record: DlqRecord; selected: boolean; width: number; theme: Theme}) {
  const c = columnsFor(width)
  const parts = cells(c, {
    time: sentTime(record),
    reason: record.reason,
    type: record.detailType ?? '-',
    cache: record.cache ?? '-',
    key: subject(record),
    status: statusText(record),
  })
  const before = `${selected ? '> ' : '  '}${parts.before}`
  if (selected) return <Text {...theme.style('selected')}>{before + parts.reason + parts.after}</Text>
  return (
    <Text>
      {before}
      <Text {...theme.style(reasonTone(record.reason))}>{parts.reason}</Text>
      {parts.after}
    </Text>
  )
}

/**
 * The message table. Virtualized: only the rows on screen are built, so 50,000 records cost the
 * same to draw as 20. The last line says where the window is and how many there are.
 */
export const MessageList = memo(function MessageList({
  records,
  top,
  cursor,
  pageSize,
  width,
  filter,
  loaded,
  theme,
}: MessageListProps) {
  const c = columnsFor(width)
  const heads = cells(c, {
    time: 'SENT UTC',
    reason: 'REASON',
    type: 'TYPE',
    cache: 'CACHE',
    key: 'KEY / TOPIC',
    status: 'STATUS',
  })
  const title = `  ${heads.before}${heads.reason}${heads.after}`
  const rows = records.slice(top, top + pageSize)
  const empty = records.length === 0
  const position = empty
    ? ''
    : `${count(top + 1)}–${count(top + rows.length)} of ${count(records.length)}${filter ? ` matching "${filter}"` : ''}`
  return (
    <Box flexDirection="column">
      <Text {...theme.style('muted')}>{title}</Text>
      {empty ? (
        <Text {...theme.style('muted')}>
          {filter
            ? `  no messages match "${filter}" (c clears the filter)`
            : loaded
              ? '  the queue is empty: nothing has failed (waiting for messages…)'
              : '  reading the queue…'}
        </Text>
      ) : (
        rows.map((record, index) => (
          <Row key={record.messageId} record={record} selected={top + index === cursor} width={width} theme={theme} />
        ))
      )}
      {Array.from({length: Math.max(0, pageSize - Math.max(rows.length, empty ? 1 : 0))}, (_, i) => (
        <Text key={`pad-${i}`}> </Text>
      ))}
      <Text {...theme.style('muted')}>{position}</Text>
    </Box>
  )
})
