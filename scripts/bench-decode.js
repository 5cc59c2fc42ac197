// Benchmark of the DLQ decoder joined with the event bus's log (issue 11, part 3): decoding 10,000
// opaque DLQ messages (no status in the DLQ text) in pages of 10, as `dlq list` does, without the
// log and with it. The join's cost here is what the CLI adds in CPU: reading each page's event ids
// and time window from the bodies, handing the records to the decoder, and picking the invocation
// and its last failed attempt per message. The records come from memory (parsed beforehand), so this
// does NOT measure FilterLogEvents itself: its round trips (one per page), CloudWatch Logs' quota of
// 5 FilterLogEvents a second per account and Region (the CLI paces lookups 250 ms apart, so 10,000
// messages = 1,000 lookups ≥ 250 s on AWS), nor parsing the records' JSON (measured separately below).
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

import {median} from './bench-lib.js'

// A full collection before each timed pass, so garbage one pass left behind isn't collected on the
// other's time (a pass takes ~50–100 ms, a major GC tens of ms).
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

const DIST = new URL('../dist/', import.meta.url)
const RULE = 'arn:aws:events:us-east-1:000000000000:rule/momento-cacheSet'
const TARGET = 'arn:aws:events:us-east-1:000000000000:api-destination/set/1'
const BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/default'
const T0 = Date.parse('2026-12-06T08:00:00Z')

function eventId(i) {
  return `8f6c2d1e-0000-4000-8000-${String(i).padStart(12, '0')}`
}

/** An opaque DLQ message: a 404 (not retried) or, every fifth, a 500 after retries. */
function message(i) {
  const retried = i % 5 === 0
  return {
    messageId: `m-${i}`,
    receiptHandle: `rh-${i}`,
    body: JSON.stringify({
      version: '0',
      id: eventId(i),
      'detail-type': 'cacheSet',
      source: 'orders',
      account: '000000000000',
      time: '2026-12-06T08:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {cacheName: `orders-${i % 50}`, key: `order-${i}`, message: 'x'.repeat(200), ttl: 300},
    }),
    attributes: {
      RULE_ARN: RULE,
      TARGET_ARN: TARGET,
      ERROR_CODE: 'UNKNOWN',
      ERROR_MESSAGE: 'Unable to invoke ApiDestination endpoint: The endpoint returned an error.',
      RETRY_ATTEMPTS: retried ? '2' : '0',
      ...(retried ? {EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts'} : {}),
    },
    systemAttributes: {SentTimestamp: String(T0 + 60_000), ApproximateReceiveCount: '1'},
  }
}

/**
 * The event's records as the log would hold them. `level` ERROR: the failed attempts and the DLQ
 * write; TRACE: also receipt, rule match, invocation and attempt starts (about 4 records an attempt).
 */
function records(i, level) {
  const id = eventId(i)
  const retried = i % 5 === 0
  const status = retried ? 500 : 404
  const attempts = retried ? 3 : 1
  const base = {resource_arn: BUS, request_id: `req-${i}`, event_id: id}
  const inv = {...base, invocation_id: `inv-${i}`}
  const details = {rule_arn: RULE, target_arn: TARGET, role_arn: 'arn:aws:iam::000000000000:role/x'}
  const out = []
  let t = T0
  if (level === 'TRACE') {
    out.push({
      ...base,
      message_timestamp_ms: String(t++),
      message_type: 'EVENT_RECEIPT',
      log_level: 'INFO',
      details: {},
    })
    out.push({
      ...base,
      message_timestamp_ms: String(t++),
      message_type: 'RULE_MATCH',
      log_level: 'INFO',
      details: {rule_arn: RULE, target_arns: [TARGET], invocation_ids: [`inv-${i}`]},
    })
    out.push({...inv, message_timestamp_ms: String(t++), message_type: 'INVOCATION_START', log_level: 'TRACE', details})
  }
  for (let a = 1; a <= attempts; a++) {
    if (level === 'TRACE') {
      out.push({
        ...inv,
        message_timestamp_ms: String(t++),
        message_type: 'INVOCATION_ATTEMPT_START',
        log_level: 'TRACE',
        details: {...details, attempt_count: a},
      })
    }
    out.push({
      ...inv,
      message_timestamp_ms: String(t++),
      message_type: retried ? 'INVOCATION_ATTEMPT_RETRYABLE_FAILURE' : 'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
      log_level: 'ERROR',
      details: {
        ...details,
        attempt_count: a,
        attempt_type: a === 1 ? 'FIRST' : 'RETRY',
        target_response_body: JSON.stringify({status, title: retried ? 'Internal Server Error' : 'Not Found'}),
      },
      error: {
        http_status_code: status,
        error_message: retried ? 'Internal Server Error' : 'Not Found',
        aws_service: 'x',
      },
    })
  }
  out.push({
    ...inv,
    message_timestamp_ms: String(t++),
    message_type: 'INVOCATION_DLQ',
    log_level: 'ERROR',
    details: {...details, total_attempts: attempts},
  })
  return out.map((r) => JSON.stringify(r))
}

export async function benchDecode({runs = 3, quick = false} = {}) {
  const {parseBusLogRecord} = await import(new URL('core/bus-log.js', DIST))
  const {plainDecoder} = await import(new URL('services/dlq-diagnose.js', DIST))
  const {busLogDecoder} = await import(new URL('services/dlq-bus-logs.js', DIST))
  const count = quick ? 2000 : 10_000
  const raws = Array.from({length: count}, (_, i) => message(i))
  const pages = []
  for (let i = 0; i < raws.length; i += 10) pages.push(raws.slice(i, i + 10))

  const rows = []
  for (const level of ['ERROR', 'TRACE']) {
    const texts = Array.from({length: count}, (_, i) => records(i, level))
    // The adapter's share: parsing every record's JSON (done once per lookup in the CLI).
    const parseStart = performance.now()
    const byEvent = new Map(texts.map((list, i) => [eventId(i), list.map((t) => parseBusLogRecord(t))]))
    const parseMs = performance.now() - parseStart
    texts.length = 0
    let totalRecords = 0
    for (const list of byEvent.values()) totalRecords += list.length
    // The lookup hands back each page's records as fetchBusLogRecords' Map would, built beforehand:
    // building it is the adapter's work (with the parse), not the join's.
    const pageMaps = new Map(
      pages.map((page) => {
        const ids = page.map((raw) => JSON.parse(raw.body).id)
        return [ids[0], new Map(ids.map((id) => [id, byEvent.get(id)]))]
      }),
    )
    const lookup = async ({eventIds}) => pageMaps.get(eventIds[0])
    const plain = plainDecoder({now: T0 + 120_000})
    const joined = busLogDecoder(plainDecoder({now: T0 + 120_000}), lookup)
    const decodeAll = async (decoder) => {
      let decided = 0
      gc()
      // CPU time of this process, not wall time: the machine is shared (load often above its 2 cores),
      // and waiting for a core is not decoding.
      const start = process.cpuUsage()
      for (const page of pages) for (const r of await decoder(page)) if (r.evidence === 'bus-log') decided++
      const used = process.cpuUsage(start)
      return {ms: (used.user + used.system) / 1000, decided}
    }
    // Warm up both paths (JIT), then alternate them so load on the shared machine hits both alike.
    await decodeAll(plain)
    await decodeAll(joined)
    // Pairs run back to back, in alternating order; the ratio is the median of the pairs' ratios, which
    // load on the shared machine (it drifts over seconds) skews less than a ratio of medians.
    const without = []
    const withLogs = []
    const ratios = []
    let decided = 0
    const reps = Math.max(runs, 3) * 4
    for (let r = 0; r < reps; r++) {
      let p
      let w
      if (r % 2 === 0) {
        p = await decodeAll(plain)
        w = await decodeAll(joined)
      } else {
        w = await decodeAll(joined)
        p = await decodeAll(plain)
      }
      without.push(p.ms)
      withLogs.push(w.ms)
      ratios.push(w.ms / p.ms)
      decided = w.decided
    }
    if (decided !== count) throw new Error(`the log decided ${decided} of ${count} messages`)
    const ratio = median(ratios)
    if (process.env.BENCH_VERBOSE)
      process.stderr.write(`${level} ratios: ${ratios.map((x) => x.toFixed(2)).join(' ')}\n`)
    rows.push(
      {
        name: `dlq decode: ${count} opaque messages in pages of 10, without the log (plain decoder)`,
        value: `${Math.round(median(without))} ms CPU (${Math.round(count / (median(without) / 1000))} messages/s)`,
        target: '',
        pass: true,
      },
      {
        name: `dlq decode joined with the bus log, ${level} level (${totalRecords} records in memory, ${(totalRecords / count).toFixed(1)} per event; every message decided by the log; excludes FilterLogEvents round trips and quota)`,
        value: `${Math.round(median(withLogs))} ms CPU; median of ${ratios.length} paired runs: ${ratio.toFixed(2)}× without`,
        target: '≤ 2× without',
        pass: ratio <= 2,
      },
      {
        name: `parsing those ${totalRecords} ${level}-level record texts (the adapter's share, once per lookup; not in the ratio)`,
        value: `${Math.round(parseMs)} ms`,
        target: '',
        pass: true,
      },
    )
  }
  return rows
}
