import {describe, expect, it} from 'vitest'

import {isLoggedAt, parseBusLogRecord} from '../../src/core/bus-log.js'

const record = {
  resource_arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
  request_id: 'r-1',
  event_id: 'e-1',
  invocation_id: 'i-1',
  message_timestamp_ms: '1765000000000',
  message_type: 'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
  log_level: 'ERROR',
  details: {attempt_type: 'FIRST', attempt_count: 1},
  error: {http_status_code: 404, error_message: 'Cache not found', aws_service: 'ApiDestination'},
}

describe('parseBusLogRecord', () => {
  it('reads a documented record, with the timestamp as AWS writes it (a numeric string)', () => {
    const r = parseBusLogRecord(JSON.stringify(record))
    expect(r?.message_timestamp_ms).toBe(1_765_000_000_000)
    expect(r?.error?.http_status_code).toBe(404)
    expect(r?.details?.attempt_count).toBe(1)
  })

  it('refuses what is not a record: other JSON, a new message type, a missing event id, bad JSON', () => {
    expect(parseBusLogRecord('{"hello":1}')).toBeUndefined()
    expect(parseBusLogRecord(JSON.stringify({...record, message_type: 'SOMETHING_NEW'}))).toBeUndefined()
    expect(parseBusLogRecord(JSON.stringify({...record, event_id: ''}))).toBeUndefined()
    expect(parseBusLogRecord('{"event_id":')).toBeUndefined()
    expect(parseBusLogRecord('plain text line')).toBeUndefined()
  })

  it('drops an HTTP status that is not one', () => {
    const r = parseBusLogRecord(
      JSON.stringify({...record, error: {error_message: 'x', aws_service: 'y', http_status_code: 42}}),
    )
    expect(r?.error).toEqual({error_message: 'x', aws_service: 'y'})
  })
})

describe('isLoggedAt', () => {
  it('logs failures at every level and successes only above ERROR', () => {
    expect(isLoggedAt('INVOCATION_DLQ', 'ERROR')).toBe(true)
    expect(isLoggedAt('INVOCATION_SUCCESS', 'ERROR')).toBe(false)
    expect(isLoggedAt('INVOCATION_SUCCESS', 'INFO')).toBe(true)
    expect(isLoggedAt('INVOCATION_ATTEMPT_START', 'INFO')).toBe(false)
    expect(isLoggedAt('INVOCATION_ATTEMPT_START', 'TRACE')).toBe(true)
    expect(isLoggedAt('INVOCATION_DLQ', 'OFF')).toBe(false)
  })
})

describe('event-id filter patterns', () => {
  it('fit CloudWatch Logs 1,024-character limit, every id in exactly one chunk', async () => {
    const {chunkEventIds, eventIdFilterPattern, MAX_FILTER_PATTERN_CHARS} =
      await import('../../src/adapters/aws/logs.js')
    const ids = Array.from({length: 100}, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    const chunks = chunkEventIds([...ids, ids[0] as string])
    expect(chunks.flat()).toEqual(ids)
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks) expect(eventIdFilterPattern(chunk).length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_CHARS)
    expect(eventIdFilterPattern(['a"b'])).toBe('{ ($.event_id = "ab") }')
  })
})
