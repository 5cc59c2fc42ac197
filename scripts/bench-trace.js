// Benchmark of `momento-eb trace` (issue 11: "trace of an event in a log group holding 100,000 records
// answers in under 1 s against the sandbox"): a sandbox process, one log group filled with 100,000
// event-bus log records in AWS's documented shape (PutLogEvents, in batches; 11,111 events of 9 records
// each, at TRACE-like density), then the wall time of the built CLI `trace ID --log-group G --sandbox
// --json` for one event whose records sit in the middle of the group. The time includes the CLI's
// start-up (Node, oclif), the FilterLogEvents pages and the journey.
import {spawn} from 'node:child_process'

import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'

import {awsConfig, median, startSandboxProcess} from './bench-lib.js'

const BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/default'
const RULE = 'arn:aws:events:us-east-1:000000000000:rule/bench-cacheSet'
const TARGET = 'arn:aws:events:us-east-1:000000000000:api-destination/bench-set/0f0e0d0c'
const ROLE = 'arn:aws:iam::000000000000:role/bench'
const BATCH = 1_000

function eventId(i) {
  return `b0b0b0b0-0000-4000-8000-${String(i).padStart(12, '0')}`
}

/** The 9 records of one event dead-lettered after a 404 (INFO and TRACE steps, as the sandbox writes them). */
function story(i, t0) {
  const base = {resource_arn: BUS, request_id: `req-${i}`, event_id: eventId(i)}
  const invocation = `inv-${i}`
  const inv = {rule_arn: RULE, role_arn: ROLE, target_arn: TARGET}
  const error = {http_status_code: 404, error_message: 'Not Found — Cache not found', aws_service: 'events'}
  const at = (n) => t0 + n
  const rec = (n, type, level, extra) => ({
    timestamp: at(n),
    message: JSON.stringify({...base, message_timestamp_ms: at(n), message_type: type, log_level: level, ...extra}),
  })
  const final = {...inv, total_attempts: 1, ingestion_to_start_latency_ms: 1, ingestion_to_complete_latency_ms: 8}
  return [
    rec(0, 'EVENT_RECEIPT', 'INFO', {details: {source: 'bench', detail_type: 'cacheSet', resources: []}}),
    rec(0, 'EVENT_INGEST_SUCCESS', 'INFO', {details: {source: 'bench', detail_type: 'cacheSet', resources: []}}),
    rec(0, 'RULE_MATCH_START', 'TRACE', {details: {source: 'bench', detail_type: 'cacheSet', resources: []}}),
    rec(1, 'RULE_MATCH', 'INFO', {details: {rule_arn: RULE, target_arns: [TARGET], invocation_ids: [invocation]}}),
    rec(1, 'INVOCATION_START', 'TRACE', {invocation_id: invocation, details: inv}),
    rec(1, 'INVOCATION_ATTEMPT_START', 'TRACE', {
      invocation_id: invocation,
      details: {...inv, attempt_type: 'FIRST', attempt_count: 1},
    }),
    rec(7, 'INVOCATION_ATTEMPT_PERMANENT_FAILURE', 'ERROR', {
      invocation_id: invocation,
      details: {...inv, attempt_type: 'FIRST', attempt_count: 1, invocation_status: 'FAILED', target_duration_ms: 6},
      error,
    }),
    rec(8, 'INVOCATION_FAILURE', 'ERROR', {
      invocation_id: invocation,
      details: {...final, final_invocation_status: 'FAILED'},
      error,
    }),
    rec(8, 'INVOCATION_DLQ', 'ERROR', {
      invocation_id: invocation,
      details: {...final, final_invocation_status: 'SENT_TO_DLQ'},
      error,
    }),
  ]
}

/** Fill `logGroupName` with `events` stories (9 records each), oldest first, in batches of BATCH. */
async function fill(logs, logGroupName, events, t0) {
  await logs.send(new CreateLogGroupCommand({logGroupName}))
  await logs.send(new CreateLogStreamCommand({logGroupName, logStreamName: 'bus'}))
  let pending = []
  let written = 0
  const flush = async () => {
    if (pending.length === 0) return
    await logs.send(new PutLogEventsCommand({logGroupName, logStreamName: 'bus', logEvents: pending}))
    written += pending.length
    pending = []
  }
  for (let i = 0; i < events; i++) {
    // 10 ms apart: the whole group spans under 2 minutes, all of it in FilterLogEvents' window.
    pending.push(...story(i, t0 + i * 10))
    if (pending.length >= BATCH) await flush()
  }
  await flush()
  return written
}

function traceOnce(endpoint, id, group) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['bin/run.js', 'trace', id, '--log-group', group, '--sandbox', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, MOMENTO_EB_SANDBOX_URL: endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (err += c))
    child.once('error', reject)
    child.once('exit', (code) => {
      const ms = performance.now() - started
      // Dead-lettered: exit 1, with the one 404 attempt.
      let journey
      try {
        journey = JSON.parse(out)
      } catch {
        return reject(new Error(`trace printed no JSON (exit ${code}): ${err.slice(0, 500)}`))
      }
      if (code !== 1 || journey.outcome !== 'dead-lettered' || journey.recordCount !== 9) {
        return reject(new Error(`unexpected trace (exit ${code}): ${out.slice(0, 500)} ${err.slice(0, 300)}`))
      }
      resolve(ms)
    })
  })
}

export async function benchTrace({runs, quick}) {
  const records = quick ? 20_000 : 100_000
  const events = Math.ceil(records / 9)
  const sandbox = await startSandboxProcess()
  const logs = new CloudWatchLogsClient(awsConfig(sandbox.endpoint))
  try {
    const group = '/aws/vendedlogs/events/event-bus/default/bench-trace'
    const t0 = Date.now() - events * 10 - 60_000
    const fillStarted = performance.now()
    const written = await fill(logs, group, events, t0)
    const fillMs = performance.now() - fillStarted
    const id = eventId(Math.floor(events / 2))
    await traceOnce(sandbox.endpoint, id, group) // warm-up (file cache)
    const times = []
    for (let run = 0; run < Math.max(3, runs); run++) times.push(await traceOnce(sandbox.endpoint, id, group))
    const ms = median(times)
    return [
      {
        name: `trace of one event in a log group of ${written.toLocaleString('en-US')} records (built CLI, --json, wall time incl. start-up; filled in ${(fillMs / 1000).toFixed(1)} s)`,
        value: `${Math.round(ms)} ms (runs: ${times.map((t) => Math.round(t)).join(', ')})`,
        target: quick ? '(quick run)' : '< 1 s',
        pass: ms < 1000,
      },
    ]
  } finally {
    logs.destroy()
    await sandbox.stop()
  }
}
