/**
 * The decoder with the event bus's log (issue 11, part 3): hand-written records in the shape AWS
 * documents (EventBridge user guide, "event bus log schema"), read through the same parser the CLI
 * uses, joined with DLQ messages as the sandbox's opaque mode (and, per the public captures, AWS)
 * writes them: ERROR_CODE=UNKNOWN and a text with neither status nor body.
 */
import {describe, expect, it} from 'vitest'

import {parseBusLogRecord, type BusLogRecord} from '../../src/core/bus-log.js'
import type {MomentoProbeFinding, RawDlqMessage} from '../../src/core/dlq.js'
import {busLogFindingOf, decodeDlqMessage, needsDiagnosis} from '../../src/core/dlq-decode.js'
import {diagnosingDecoder} from '../../src/services/dlq-diagnose.js'

const ACCOUNT = '123456789012'
const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`
const RULE_SET = `arn:aws:events:us-east-1:${ACCOUNT}:rule/momento-cacheSet`
const RULE_AUDIT = `arn:aws:events:us-east-1:${ACCOUNT}:rule/audit-copy`
const TARGET_SET = `arn:aws:events:us-east-1:${ACCOUNT}:api-destination/momento-cache-set/0f1e2d3c`
const TARGET_AUDIT = `arn:aws:events:us-east-1:${ACCOUNT}:api-destination/audit/9a8b7c6d`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/momento-eb-invoke`
const EVENT_ID = '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b'
const T0 = Date.parse('2026-12-06T08:00:00Z')
const OPAQUE_TEXT = 'Unable to invoke ApiDestination endpoint: The endpoint returned an error.'

/** A DLQ message in opaque mode: `retried` says whether EventBridge retried (the only hint the DLQ gives). */
function dlqMessage(
  options: {
    retried?: boolean
    ruleArn?: string | undefined
    targetArn?: string
    detail?: Record<string, unknown>
    errorCode?: string
    errorMessage?: string
  } = {},
): RawDlqMessage {
  const attributes: Record<string, string> = {
    ...(options.targetArn === '' ? {} : {TARGET_ARN: options.targetArn ?? TARGET_SET}),
    ERROR_CODE: options.errorCode ?? 'UNKNOWN',
    ERROR_MESSAGE: options.errorMessage ?? OPAQUE_TEXT,
    RETRY_ATTEMPTS: options.retried ? '2' : '0',
    ...(options.retried ? {EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts'} : {}),
  }
  if (options.ruleArn !== undefined || !('ruleArn' in options)) attributes['RULE_ARN'] = options.ruleArn ?? RULE_SET
  return {
    messageId: 'msg-1',
    receiptHandle: 'rh-1',
    body: JSON.stringify({
      version: '0',
      id: EVENT_ID,
      'detail-type': 'cacheSet',
      source: 'orders-service',
      account: ACCOUNT,
      time: '2026-12-06T08:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: options.detail ?? {cacheName: 'orders', key: 'order-17', message: 'v', ttl: 600},
    }),
    attributes,
    systemAttributes: {SentTimestamp: String(T0 + 30_000), ApproximateReceiveCount: '1'},
  }
}

/** One log record as CloudWatch Logs hands it over: JSON text, read by the CLI's own parser. */
function logRecord(record: Record<string, unknown>): BusLogRecord {
  const parsed = parseBusLogRecord(JSON.stringify(record))
  if (!parsed) throw new Error(`not a bus-log record: ${JSON.stringify(record)}`)
  return parsed
}

interface AttemptSpec {
  attempt: number
  status?: number
  message?: string
  body?: string
  retryable?: boolean
  rule?: string
  target?: string
  invocation?: string
  atMs?: number
}

/** A failed attempt (`INVOCATION_ATTEMPT_*_FAILURE`), logged at ERROR; the timestamp is a string as in AWS's example. */
function failedAttempt(spec: AttemptSpec): BusLogRecord {
  const error: Record<string, unknown> = {
    error_message: spec.message ?? `Received HTTP ${spec.status} from the target`,
    aws_service: 'ApiDestinations',
    request_id: `req-${spec.attempt}`,
  }
  if (spec.status !== undefined) error['http_status_code'] = spec.status
  return logRecord({
    resource_arn: BUS_ARN,
    request_id: 'put-events-req-1',
    event_id: EVENT_ID,
    invocation_id: spec.invocation ?? 'inv-set',
    message_timestamp_ms: String(spec.atMs ?? T0 + spec.attempt * 1000),
    message_type: spec.retryable ? 'INVOCATION_ATTEMPT_RETRYABLE_FAILURE' : 'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
    log_level: 'ERROR',
    details: {
      rule_arn: spec.rule ?? RULE_SET,
      role_arn: ROLE,
      target_arn: spec.target ?? TARGET_SET,
      attempt_type: spec.attempt === 1 ? 'FIRST' : 'RETRY',
      attempt_count: spec.attempt,
      invocation_status: 'FAILED',
      target_duration_ms: 42,
      ...(spec.body === undefined ? {} : {target_response_body: spec.body}),
    },
    error,
  })
}

/** The end of a failed invocation (INVOCATION_FAILURE or INVOCATION_DLQ), with `total_attempts`. */
function invocationEnd(
  type: 'INVOCATION_FAILURE' | 'INVOCATION_DLQ',
  total: number,
  extra: {rule?: string; target?: string; invocation?: string; error?: Record<string, unknown>} = {},
): BusLogRecord {
  return logRecord({
    resource_arn: BUS_ARN,
    request_id: 'put-events-req-1',
    event_id: EVENT_ID,
    invocation_id: extra.invocation ?? 'inv-set',
    message_timestamp_ms: T0 + 20_000,
    message_type: type,
    log_level: 'ERROR',
    details: {
      rule_arn: extra.rule ?? RULE_SET,
      role_arn: ROLE,
      target_arn: extra.target ?? TARGET_SET,
      total_attempts: total,
      final_invocation_status: 'FAILED',
      ingestion_to_start_latency_ms: 12,
      ingestion_to_complete_latency_ms: 20_000,
    },
    ...(extra.error ? {error: extra.error} : {}),
  })
}

/** TRACE/INFO steps before the attempts: receipt, rule match (with the invocation ids), invocation start. */
function traceSteps(): BusLogRecord[] {
  return [
    logRecord({
      resource_arn: BUS_ARN,
      request_id: 'put-events-req-1',
      event_id: EVENT_ID,
      message_timestamp_ms: T0,
      message_type: 'EVENT_RECEIPT',
      log_level: 'INFO',
      details: {caller_account_id: ACCOUNT, source: 'orders-service', detail_type: 'cacheSet'},
    }),
    logRecord({
      resource_arn: BUS_ARN,
      request_id: 'put-events-req-1',
      event_id: EVENT_ID,
      message_timestamp_ms: T0 + 5,
      message_type: 'RULE_MATCH',
      log_level: 'INFO',
      details: {rule_arn: RULE_SET, target_arns: [TARGET_SET], invocation_ids: ['inv-set']},
    }),
    logRecord({
      resource_arn: BUS_ARN,
      request_id: 'put-events-req-1',
      event_id: EVENT_ID,
      invocation_id: 'inv-set',
      message_timestamp_ms: T0 + 10,
      message_type: 'INVOCATION_START',
      log_level: 'TRACE',
      details: {rule_arn: RULE_SET, role_arn: ROLE, target_arn: TARGET_SET, attempt_count: 0},
    }),
  ]
}

const decodeWith = (
  raw: RawDlqMessage,
  records: BusLogRecord[],
  probe?: (cache: string | undefined) => MomentoProbeFinding,
) => decodeDlqMessage(raw, {now: T0 + 60_000, busLogs: new Map([[EVENT_ID, records]]), probe})

const momentoBody = (status: number, title: string, description: string) => JSON.stringify({status, title, description})

describe('decodeDlqMessage with the event bus log: the last failed attempt decides (evidence bus-log)', () => {
  it('an opaque refusal (UNKNOWN, no status, not retried) is a 404 in the log: cache-not-found, with what the log says', () => {
    const raw = dlqMessage()
    // Without the log: only the class is known.
    expect(decodeDlqMessage(raw, {now: T0})).toMatchObject({reason: 'refused', evidence: 'retry-pattern'})
    const r = decodeWith(raw, [
      failedAttempt({attempt: 1, status: 404, body: momentoBody(404, 'Not Found', 'Cache not found')}),
      invocationEnd('INVOCATION_DLQ', 1),
    ])
    expect(r).toMatchObject({
      reason: 'cache-not-found',
      evidence: 'bus-log',
      httpStatus: 404,
      momentoTitle: 'Not Found',
      momentoDescription: 'Cache not found',
      errorCode: 'UNKNOWN',
      errorMessage: OPAQUE_TEXT,
    })
    expect(r.busLog).toEqual({
      httpStatus: 404,
      errorMessage: 'Received HTTP 404 from the target',
      responseBody: '{"status":404,"title":"Not Found","description":"Cache not found"}',
      attempts: 1,
      step: 'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
      invocationId: 'inv-set',
      records: 2,
    })
    expect(r.explanation).toContain('Cache orders')
    expect(r.explanation).toContain("The event bus's log shows it: HTTP 404 after 1 attempt.")
    expect(r.fix).toContain('momento cache create orders')
    expect(needsDiagnosis(r)).toBe(false)
  })

  it.each([
    [401, 'key-invalid', true],
    [403, 'forbidden', false],
    [404, 'cache-not-found', false],
    [429, 'rate-limited', true],
    [500, 'server-error', true],
    [503, 'server-error', true],
    [413, 'bad-request', false],
  ] as const)('HTTP %i in the log → %s', (status, reason, retried) => {
    const attempts = retried ? [1, 2, 3] : [1]
    const r = decodeWith(dlqMessage({retried}), [
      ...attempts.map((attempt) => failedAttempt({attempt, status, retryable: retried})),
      invocationEnd('INVOCATION_FAILURE', attempts.length),
    ])
    expect([r.reason, r.evidence, r.httpStatus, r.busLog?.attempts]).toEqual([
      reason,
      'bus-log',
      status,
      attempts.length,
    ])
  })

  it('Momento 500 until the retries ran out: the log counts every attempt (the DLQ only says "retried")', () => {
    const records = [1, 2, 3, 4].map((attempt) =>
      failedAttempt({attempt, status: 500, retryable: true, body: momentoBody(500, 'Internal Server Error', 'boom')}),
    )
    const r = decodeWith(dlqMessage({retried: true}), [...records, invocationEnd('INVOCATION_FAILURE', 4)])
    expect(r).toMatchObject({reason: 'server-error', evidence: 'bus-log', httpStatus: 500, retryPattern: 'retried'})
    expect(r.busLog).toMatchObject({attempts: 4, httpStatus: 500, step: 'INVOCATION_ATTEMPT_RETRYABLE_FAILURE'})
    expect(r.explanation).toContain('HTTP 500 after 4 attempts')
  })

  it('the LAST failed attempt decides, by attempt_count, whatever order the records arrive in', () => {
    // 500, 500, then 429 on the last try; logging is best effort, so the records may come out of order.
    const records = [
      failedAttempt({attempt: 3, status: 429, retryable: true, atMs: T0 + 3000}),
      failedAttempt({attempt: 1, status: 500, retryable: true, atMs: T0 + 3000}),
      failedAttempt({attempt: 2, status: 500, retryable: true, atMs: T0 + 3000}),
    ]
    const r = decodeWith(dlqMessage({retried: true}), records)
    expect([r.reason, r.httpStatus, r.busLog?.attempts]).toEqual(['rate-limited', 429, 3])
  })

  it.each([
    ['Multiple Keys Specified', 'Give either key or key_base64, once, not both.', 'both-keys'],
    ['No Key Provided', 'Give the item key in key or key_base64.', 'no-key'],
    ['Bad Request', 'ttl_seconds must be between 1 and 86400', 'bad-request'],
  ])('400 with Momento saying %j → %s (the same mapping as a 400 in the DLQ text)', (title, description, reason) => {
    // The event itself looks fine (one key): only Momento's answer in the log tells the 400s apart.
    const r = decodeWith(dlqMessage(), [
      failedAttempt({attempt: 1, status: 400, body: momentoBody(400, title, description)}),
    ])
    expect([r.reason, r.evidence, r.momentoTitle]).toEqual([reason, 'bus-log', title])
  })

  it('a 400 whose answer is plain text is read as text', () => {
    const r = decodeWith(dlqMessage(), [failedAttempt({attempt: 1, status: 400, body: 'multiple keys specified'})])
    expect([r.reason, r.evidence]).toEqual(['both-keys', 'bus-log'])
  })

  it('no status, a timeout in error_message → timeout; an unreachable endpoint → connection-failure', () => {
    const timeout = decodeWith(
      dlqMessage({retried: true}),
      [1, 2, 3].map((attempt) =>
        failedAttempt({
          attempt,
          retryable: true,
          message: 'Timeout calling endpoint for API Destination: socket closed.',
        }),
      ),
    )
    expect([timeout.reason, timeout.evidence, timeout.httpStatus, timeout.busLog?.attempts]).toEqual([
      'timeout',
      'bus-log',
      undefined,
      3,
    ])
    expect(timeout.explanation).toContain('Timeout calling endpoint')
    const unreachable = decodeWith(dlqMessage({retried: true}), [
      failedAttempt({attempt: 1, retryable: true, message: 'API destination endpoint cannot be reached.'}),
    ])
    expect([unreachable.reason, unreachable.evidence]).toEqual(['connection-failure', 'bus-log'])
  })

  it('the log beats what the DLQ text claims, and every other signal', () => {
    // A DLQ text that names a status (detailed emulators) disagrees with the log: the log is first hand.
    const raw = dlqMessage({
      errorCode: 'ERROR_FROM_TARGET',
      errorMessage: 'API destination endpoint returned HTTP 404 (Not Found)',
    })
    const r = decodeWith(raw, [
      failedAttempt({attempt: 1, status: 403, body: momentoBody(403, 'Forbidden', 'no write')}),
    ])
    expect([r.reason, r.evidence, r.httpStatus]).toEqual(['forbidden', 'bus-log', 403])
  })

  it('the log beats the probe, and the probe is never consulted for a record the log decided', () => {
    let probes = 0
    const probe = (cache: string | undefined): MomentoProbeFinding => {
      probes++
      return {endpoint: 'https://api.cache.example', cache: cache ?? '', outcome: 'ok', detail: 'the cache exists'}
    }
    const r = decodeWith(dlqMessage(), [failedAttempt({attempt: 1, status: 404})], probe)
    expect([r.reason, r.evidence, r.diagnosis]).toEqual(['cache-not-found', 'bus-log', undefined])
    expect(probes).toBe(0)
  })

  it('throttled attempts (the destination’s rate limit) do not count as tries: the log’s attempt_count does', () => {
    const throttle = (n: number) =>
      logRecord({
        resource_arn: BUS_ARN,
        request_id: 'put-events-req-1',
        event_id: EVENT_ID,
        invocation_id: 'inv-set',
        message_timestamp_ms: T0 + n,
        message_type: 'INVOCATION_ATTEMPT_THROTTLE',
        log_level: 'INFO',
        details: {rule_arn: RULE_SET, target_arn: TARGET_SET, attempt_type: 'THROTTLE', attempt_count: 1},
      })
    const r = decodeWith(dlqMessage(), [
      throttle(1),
      throttle(2),
      throttle(3),
      failedAttempt({attempt: 1, status: 404}),
    ])
    expect([r.reason, r.busLog?.attempts, r.busLog?.step]).toEqual([
      'cache-not-found',
      1,
      'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
    ])
  })

  it('ERROR level only: the attempts alone (no receipt, no match, no end) are enough', () => {
    const r = decodeWith(dlqMessage({retried: true}), [failedAttempt({attempt: 1, status: 401, retryable: true})])
    expect([r.reason, r.evidence, r.busLog?.records]).toEqual(['key-invalid', 'bus-log', 1])
  })

  it('a record logged two or three times (one delivery source per log type into one group) counts once', () => {
    const once = [
      failedAttempt({attempt: 1, status: 500, retryable: true}),
      failedAttempt({attempt: 2, status: 500, retryable: true}),
      failedAttempt({attempt: 3, status: 404}),
    ]
    const r = decodeWith(dlqMessage({retried: true}), [...once, ...once, ...once.slice(1)])
    expect([r.reason, r.httpStatus, r.busLog?.attempts, r.busLog?.records]).toEqual(['cache-not-found', 404, 3, 3])
    // Without attempt_count the failed-attempt records are the count: copies must not inflate it.
    const uncounted = once.map((rec): BusLogRecord => {
      const {attempt_count: _dropped, ...details} = rec.details ?? {}
      return {...rec, details}
    })
    const u = decodeWith(dlqMessage({retried: true}), [...uncounted, ...uncounted])
    expect([u.busLog?.attempts, u.busLog?.records]).toEqual([3, 3])
  })

  it('TRACE level: the steps before the attempts belong to the invocation and are counted', () => {
    const r = decodeWith(dlqMessage(), [...traceSteps(), failedAttempt({attempt: 1, status: 404})])
    expect([r.reason, r.evidence]).toEqual(['cache-not-found', 'bus-log'])
    // INVOCATION_START and the attempt share inv-set; RULE_MATCH has no invocation id of its own.
    expect(r.busLog?.records).toBe(2)
  })

  it('only the end of the invocation carries the error: its status decides', () => {
    const r = decodeWith(dlqMessage({retried: true}), [
      invocationEnd('INVOCATION_FAILURE', 3, {
        error: {http_status_code: 429, error_message: 'Too Many Requests', aws_service: 'ApiDestinations'},
      }),
    ])
    expect([r.reason, r.evidence, r.httpStatus, r.busLog?.attempts, r.busLog?.step]).toEqual([
      'rate-limited',
      'bus-log',
      429,
      3,
      'INVOCATION_FAILURE',
    ])
  })
})

describe('which invocation: the DLQ message’s rule and target', () => {
  // The event matched two rules: the cacheSet rule got a 404, the audit rule a 500 until retries ran out.
  const twoRules = () => [
    ...traceSteps(),
    failedAttempt({attempt: 1, status: 404, invocation: 'inv-set'}),
    invocationEnd('INVOCATION_DLQ', 1),
    ...[1, 2, 3].map((attempt) =>
      failedAttempt({
        attempt,
        status: 500,
        retryable: true,
        rule: RULE_AUDIT,
        target: TARGET_AUDIT,
        invocation: 'inv-audit',
      }),
    ),
    invocationEnd('INVOCATION_DLQ', 3, {rule: RULE_AUDIT, target: TARGET_AUDIT, invocation: 'inv-audit'}),
  ]

  it('RULE_ARN picks the rule’s own invocation', () => {
    const set = decodeWith(dlqMessage(), twoRules())
    expect([set.reason, set.httpStatus, set.busLog?.invocationId, set.busLog?.attempts]).toEqual([
      'cache-not-found',
      404,
      'inv-set',
      1,
    ])
    const audit = decodeWith(dlqMessage({ruleArn: RULE_AUDIT, targetArn: TARGET_AUDIT, retried: true}), twoRules())
    expect([audit.reason, audit.httpStatus, audit.busLog?.invocationId, audit.busLog?.attempts]).toEqual([
      'server-error',
      500,
      'inv-audit',
      3,
    ])
  })

  it('without RULE_ARN, TARGET_ARN alone still tells the two invocations apart', () => {
    const r = decodeWith(dlqMessage({ruleArn: undefined}), twoRules())
    expect([r.reason, r.evidence, r.busLog?.invocationId]).toEqual(['cache-not-found', 'bus-log', 'inv-set'])
  })

  it('with neither RULE_ARN nor TARGET_ARN, two failed invocations are ambiguous: the log decides nothing', () => {
    const raw = dlqMessage({ruleArn: undefined, targetArn: ''})
    expect(raw.attributes['RULE_ARN']).toBeUndefined()
    expect(raw.attributes['TARGET_ARN']).toBeUndefined()
    expect(busLogFindingOf(twoRules(), undefined, undefined)).toBeUndefined()
    const r = decodeWith(raw, twoRules())
    expect([r.reason, r.evidence, r.busLog]).toEqual(['refused', 'retry-pattern', undefined])
  })

  it('without RULE_ARN, a single failed invocation is trusted', () => {
    const r = decodeWith(dlqMessage({ruleArn: undefined}), [failedAttempt({attempt: 1, status: 404})])
    expect([r.reason, r.evidence]).toEqual(['cache-not-found', 'bus-log'])
  })
})

describe('when the log has nothing to say', () => {
  it('no records for the event (logging off, best effort, another window): the DLQ decides as before', () => {
    const raw = dlqMessage()
    const r = decodeDlqMessage(raw, {
      now: T0,
      busLogs: new Map([['another-event', [failedAttempt({attempt: 1, status: 404})]]]),
    })
    expect([r.reason, r.evidence, r.busLog]).toEqual(['refused', 'retry-pattern', undefined])
    expect(decodeDlqMessage(raw, {now: T0, busLogs: new Map([[EVENT_ID, []]])}).evidence).toBe('retry-pattern')
  })

  it('records of the event, but only for another rule: not this message’s failure', () => {
    const r = decodeWith(dlqMessage(), [
      failedAttempt({attempt: 1, status: 500, rule: RULE_AUDIT, target: TARGET_AUDIT}),
    ])
    expect([r.reason, r.evidence, r.busLog]).toEqual(['refused', 'retry-pattern', undefined])
  })

  it('INFO steps only (receipt, match, no failure record): the finding has no status and decides nothing', () => {
    const r = decodeWith(dlqMessage(), traceSteps())
    expect([r.reason, r.evidence]).toEqual(['refused', 'retry-pattern'])
    expect(r.busLog).toMatchObject({records: 1, step: 'INVOCATION_START'})
    expect(r.busLog?.httpStatus).toBeUndefined()
  })

  it('an error without status whose text names neither a timeout nor a connection: the other signals decide, the log is kept', () => {
    const r = decodeWith(dlqMessage({errorCode: 'NO_PERMISSIONS', errorMessage: 'Not authorized'}), [
      failedAttempt({attempt: 1, message: 'Access denied while assuming the role'}),
    ])
    expect([r.reason, r.evidence]).toEqual(['no-permission', 'error-text'])
    expect(r.busLog).toMatchObject({errorMessage: 'Access denied while assuming the role', attempts: 1})
  })

  it('a body that is not an event (no id) is never joined', () => {
    const raw = {...dlqMessage(), body: '"hello"'}
    const r = decodeDlqMessage(raw, {busLogs: new Map([['', [failedAttempt({attempt: 1, status: 404})]]])})
    expect([r.reason, r.busLog]).toEqual(['not-redrivable', undefined])
  })

  it('keeps a long response body and message short', () => {
    const r = decodeWith(dlqMessage(), [
      failedAttempt({attempt: 1, status: 404, body: 'x'.repeat(5000), message: 'y'.repeat(5000)}),
    ])
    expect(r.busLog?.responseBody?.length).toBeLessThanOrEqual(1025)
    expect(r.busLog?.errorMessage?.length).toBeLessThanOrEqual(1025)
    expect(r.reason).toBe('cache-not-found')
  })
})

describe('diagnosingDecoder with the log', () => {
  it('probes only the records the log did not decide', async () => {
    const probes: string[] = []
    const decode = diagnosingDecoder(
      {},
      {
        endpointOfTarget: async () => 'https://api.cache.cell-4-us-west-2-1.prod.a.momentohq.com/cache/*',
        probe: async (endpoint, cache) => {
          probes.push(cache)
          return {endpoint, cache, outcome: 'cache-not-found', detail: 'no such cache'}
        },
      },
    )
    const logged = dlqMessage()
    const other = {
      ...dlqMessage({detail: {cacheName: 'elsewhere', key: 'k', message: 'v', ttl: 60}}),
      messageId: 'msg-2',
      body: dlqMessage({detail: {cacheName: 'elsewhere', key: 'k', message: 'v', ttl: 60}}).body.replace(
        EVENT_ID,
        'other-event',
      ),
    }
    const records = await decode([logged, other], {
      busLogs: new Map([[EVENT_ID, [failedAttempt({attempt: 1, status: 403})]]]),
    })
    expect(records.map((r) => [r.cache, r.reason, r.evidence])).toEqual([
      ['orders', 'forbidden', 'bus-log'],
      ['elsewhere', 'cache-not-found', 'probe'],
    ])
    expect(probes).toEqual(['elsewhere'])
  })
})
