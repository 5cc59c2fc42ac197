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

/** Column widths for a terminal width: the key column takes what is left. */
export function columnsFor(width: number) {
  const time = 8
  const reason = 18
  const type = 12
  const cache = 10
  const status = 8
  const fixed = 2 + time + 1 + reason + 1 + type + 1 + cache + 1 + status + 1
  return {time, reason, type, cache, status, key: Math.max(6, width - fixed - 1)}
}

function Row({record, selected, width, theme}: {record: DlqRecord; selected: boolean; width: number; theme: Theme}) {
  const c = columnsFor(width)
  const before = `${selected ? '> ' : '  '}${cell(sentTime(record), c.time)} `
  const reason = cell(record.reason, c.reason)
  const after = ` ${cell(record.detailType ?? '-', c.type)} ${cell(record.cache ?? '-', c.cache)} ${cell(subject(record), c.key)} ${cell(statusText(record), c.status)}`
  if (selected) return <Text {...theme.style('selected')}>{before + reason + after}</Text>
  return (
    <Text>
      {before}
      <Text {...theme.style(reasonTone(record.reason))}>{reason}</Text>
      {after}
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
  const title = `  ${cell('SENT UTC', c.time)} ${cell('REASON', c.reason)} ${cell('TYPE', c.type)} ${cell('CACHE', c.cache)} ${cell('KEY / TOPIC', c.key)} ${cell('STATUS', c.status)}`
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
