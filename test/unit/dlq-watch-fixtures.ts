import type {DlqRecord, RawDlqMessage} from '../../src/core/dlq.js'
import {decodeDlqMessage} from '../../src/core/dlq-decode.js'

const RULE = 'arn:aws:events:us-east-1:000000000000:rule/momento-cacheSet'
const NOT_FOUND =
  'API destination endpoint returned HTTP 404 (Not Found): {"status":404,"title":"Not Found","description":"Cache not found"}'

/** A raw DLQ message as EventBridge writes it: a cacheSet event that failed with `kind`. */
export function rawMessage(
  i: number,
  kind: 'not-found' | 'timeout' | 'rate-limited' | 'not-event' = 'not-found',
  sentMs = Date.UTC(2026, 10, 26, 12, 0, 0) + i * 1000,
): RawDlqMessage {
  const event = {
    version: '0',
    id: `evt-${i}`,
    'detail-type': 'cacheSet',
    source: 'momento-eb',
    account: '000000000000',
    time: '2026-11-26T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {cacheName: i % 2 ? 'orders' : 'carts', key: `order-${i}`, message: 'v', ttl: 300},
  }
  const attributes: Record<string, string> = {RULE_ARN: RULE, RETRY_ATTEMPTS: '0'}
  if (kind === 'timeout') {
    attributes['ERROR_CODE'] = 'TIMEOUT'
    attributes['ERROR_MESSAGE'] = 'Request to API destination timed out after 5 seconds'
  } else if (kind === 'rate-limited') {
    attributes['ERROR_CODE'] = 'ERROR_FROM_TARGET'
    attributes['ERROR_MESSAGE'] = 'API destination endpoint returned HTTP 429 (Too Many Requests): {"status":429}'
    attributes['EXHAUSTED_RETRY_CONDITION'] = 'MaximumRetryAttempts'
  } else {
    attributes['ERROR_CODE'] = 'ERROR_FROM_TARGET'
    attributes['ERROR_MESSAGE'] = NOT_FOUND
  }
  return {
    messageId: `msg-${String(i).padStart(6, '0')}`,
    receiptHandle: `handle-${i}`,
    body: kind === 'not-event' ? '"hello"' : JSON.stringify(event),
    attributes,
    systemAttributes: {SentTimestamp: String(sentMs), ApproximateReceiveCount: '1'},
  }
}

/** A decoded record for `rawMessage(i, kind)`. */
export function record(i: number, kind: Parameters<typeof rawMessage>[1] = 'not-found'): DlqRecord {
  return decodeDlqMessage(rawMessage(i, kind), {region: 'us-east-1', now: Date.UTC(2026, 10, 26, 13)})
}

/** `count` records, mixed reasons: every 5th a timeout, every 7th rate limited. */
export function records(count: number, from = 0): DlqRecord[] {
  return Array.from({length: count}, (_, n) => {
    const i = from + n
    return record(i, i % 5 === 0 ? 'timeout' : i % 7 === 0 ? 'rate-limited' : 'not-found')
  })
}
