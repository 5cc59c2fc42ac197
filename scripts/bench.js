#!/usr/bin/env node
// `npm run bench`: every benchmark, run against the BUILT CLI and sandbox (npm run build first).
// Figures are medians over several runs; comparisons run side by side in the same process run.
// Writes a Markdown table to stdout and to BENCHMARKS.md. Set BENCH_QUICK=1 for a fast smoke run.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {Agent, request} from 'node:http'
import {cpus, totalmem} from 'node:os'

import {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'

import {
  awsConfig,
  BENCH_API_KEY,
  createCacheSetPipeline,
  median,
  pool,
  rssMiB,
  startSandboxProcess,
} from './bench-lib.js'
import {benchDecode} from './bench-decode.js'
import {benchPut} from './bench-put.js'
import {benchWatch} from './bench-watch.js'
import {benchWatchScale} from './bench-watch-scale.js'
import {benchTop} from './bench-top.js'
import {benchTrace} from './bench-trace.js'
import {benchOutage, benchRedrive} from './bench-redrive.js'
import {benchReliability} from './bench-reliability.js'
import {benchSandboxMemory} from './bench-sandbox-memory.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const QUICK = process.env.BENCH_QUICK === '1'
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3))

async function deliveredCount(endpoint) {
  const res = await fetch(`${endpoint}/_sandbox/deliveries?limit=0`)
  return (await res.json()).counters
}

/** PutEvents → rule → API destination → Momento route, all in one sandbox process. */
async function benchEndToEnd(events) {
  const rates = []
  const accepts = []
  for (let run = 0; run < RUNS; run++) {
    const sandbox = await startSandboxProcess()
    const eb = new EventBridgeClient(awsConfig(sandbox.endpoint))
    await createCacheSetPipeline(eb, sandbox.endpoint, BENCH_API_KEY)
    // The load is raw HTTP with a static SigV4-shaped header (the sandbox checks the header's shape,
    // not the signature): signing every call with the SDK would cost the load generator more CPU than
    // the sandbox spends per event, on a machine with 2 cores.
    const agent = new Agent({keepAlive: true, maxSockets: 16})
    const bodies = Array.from({length: events / 10}, (_, call) =>
      JSON.stringify({
        Entries: Array.from({length: 10}, (_, i) => ({
          Source: 'bench',
          DetailType: 'cacheSet',
          Detail: JSON.stringify({cacheName: 'bench', key: `k${call * 10 + i}`, message: 'v'.repeat(100), ttl: 600}),
        })),
      }),
    )
    const start = performance.now()
    await pool(events / 10, 16, async (call) => {
      const out = await rawPutEvents(sandbox.endpoint, agent, bodies[call])
      if (out.FailedEntryCount) throw new Error(`PutEvents failed ${out.FailedEntryCount} entries`)
    })
    const accepted = performance.now()
    for (;;) {
      const counters = await deliveredCount(sandbox.endpoint)
      if (counters.delivered + counters.failedInvocations >= events) {
        if (counters.failedInvocations > 0) throw new Error(`${counters.failedInvocations} deliveries failed`)
        break
      }
      if (performance.now() - start > 120_000) throw new Error(`only ${counters.delivered} delivered in 120 s`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const done = performance.now()
    rates.push(events / ((done - start) / 1000))
    accepts.push(events / ((accepted - start) / 1000))
    eb.destroy()
    agent.destroy()
    await sandbox.stop()
  }
  return [
    {
      name: `sandbox end to end: PutEvents → rule → API destination → Momento (${events} events${events < 50_000 ? ', JIT warm-up included' : ''}; PutEvents of 10, 16 in flight)`,
      value: `${Math.round(median(rates))} events/s`,
      target: '≥ 5,000 events/s',
      pass: median(rates) >= 5000,
    },
    {
      name: 'sandbox PutEvents accepted (same runs)',
      value: `${Math.round(median(accepts))} events/s`,
      target: '',
      pass: true,
    },
  ]
}

function rawPutEvents(endpoint, agent, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSEvents.PutEvents',
          authorization:
            'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`PutEvents answered ${res.statusCode}`))
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Resident memory of the sandbox process holding 100,000 DLQ-like messages in one queue. */
async function benchQueueMemory() {
  const count = QUICK ? 20_000 : 100_000
  const samples = []
  const baselines = []
  for (let run = 0; run < RUNS; run++) {
    const sandbox = await startSandboxProcess()
    const sqs = new SQSClient(awsConfig(sandbox.endpoint))
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'bench-dlq'}))
    baselines.push(rssMiB(sandbox.pid))
    const attributes = (i) => ({
      RULE_ARN: {DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:rule/momento-api-cacheSet'},
      TARGET_ARN: {DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:api-destination/set/1'},
      ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
      ERROR_MESSAGE: {
        DataType: 'String',
        StringValue: `API destination endpoint returned HTTP 404 (Not Found): {"status":404,"title":"Not Found","description":"Cache not found"} #${i}`,
      },
      RETRY_ATTEMPTS: {DataType: 'String', StringValue: '0'},
    })
    const body = (i) =>
      JSON.stringify({
        version: '0',
        id: `8f6c2d1e-0000-4000-8000-${String(i).padStart(12, '0')}`,
        'detail-type': 'cacheSet',
        source: 'momento-eb',
        account: '000000000000',
        time: '2026-11-26T00:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: {cacheName: 'orders', key: `order-${i}`, message: 'x'.repeat(200), ttl: 300, ttl_seconds: 300},
      })
    await pool(count / 10, 16, async (call) => {
      const Entries = Array.from({length: 10}, (_, j) => {
        const i = call * 10 + j
        return {Id: `m${j}`, MessageBody: body(i), MessageAttributes: attributes(i)}
      })
      const out = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries}))
      if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}`)
    })
    await new Promise((r) => setTimeout(r, 500))
    samples.push(rssMiB(sandbox.pid))
    sqs.destroy()
    await sandbox.stop()
  }
  return [
    {
      name: `sandbox resident memory with ${count} DLQ messages queued (~650-byte body, 5 attributes)`,
      value: `${Math.round(median(samples))} MiB = ${Math.round(median(samples) * 1.048576)} MB (idle ${Math.round(median(baselines))} MiB)`,
      target: QUICK ? '(quick run)' : '< 300 MB',
      pass: median(samples) * 1.048576 < 300,
    },
  ]
}

async function sequential(tasks) {
  const results = []
  for (const task of tasks) results.push(await task())
  return results
}

async function main() {
  const only = process.argv.slice(2)
  const e2eSizes = QUICK ? [5000] : [20_000, 50_000]
  const suites = {
    e2e: async () => (await sequential(e2eSizes.map((n) => () => benchEndToEnd(n)))).flat(),
    memory: benchQueueMemory,
    put: () => benchPut({runs: RUNS, quick: QUICK}),
    watch: () => benchWatch({runs: RUNS, quick: QUICK}),
    'watch-scale': () => benchWatchScale({runs: QUICK ? 1 : Math.min(RUNS, 2), quick: QUICK}),
    top: () => benchTop({runs: RUNS, quick: QUICK}),
    trace: () => benchTrace({runs: RUNS, quick: QUICK}),
    redrive: () => benchRedrive({runs: RUNS, quick: QUICK}),
    // Issue 12: redrive and export at outage scale, at AWS-like latency, side by side with earlier builds.
    outage: () => benchOutage({runs: QUICK ? 1 : Math.min(RUNS, 2), quick: QUICK}),
    decode: () => benchDecode({runs: RUNS, quick: QUICK}),
    'sandbox-memory': () => benchSandboxMemory({runs: RUNS, quick: QUICK}),
    // Long trials, counts rather than speed; only on request (`npm run bench -- reliability`).
    reliability: () => benchReliability({quick: QUICK}),
  }
  const rows = []
  for (const [name, suite] of Object.entries(suites)) {
    if (only.length > 0 ? !only.includes(name) : name === 'reliability') continue
    process.stderr.write(`bench: ${name}…\n`)
    rows.push(...(await suite()))
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  const table = [
    `# Benchmarks`,
    '',
    `Run: ${new Date().toISOString()} on ${machine}. Medians of ${RUNS} run(s)${QUICK ? ' (quick mode)' : ''}.`,
    'Rerun with `npm run build && npm run bench` (or `npm run bench -- e2e memory put` for some).',
    '',
    '| benchmark | median | target | met |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.target} | ${r.target ? (r.pass ? 'yes' : 'NO') : ''} |`),
    '',
  ].join('\n')
  process.stdout.write(table)
  if (QUICK) return
  // The reliability trials keep their own section of BENCHMARKS.md, which a run of the others leaves alone.
  const previous = existsSync('BENCHMARKS.md') ? readFileSync('BENCHMARKS.md', 'utf8') : ''
  const at = previous.indexOf(RELIABILITY_HEADING)
  const [speed, reliability] = at >= 0 ? [previous.slice(0, at), previous.slice(at)] : [previous, '']
  if (only.length === 0) writeFileSync('BENCHMARKS.md', `${table}${reliability ? `\n${reliability}` : ''}`)
  else if (only.length === 1 && only[0] === 'reliability') {
    const section = [
      RELIABILITY_HEADING,
      '',
      `Run: ${new Date().toISOString()} on ${machine}. Counts, not speed (the machine may be loaded).`,
      'Rerun with `npm run build && npm run bench -- reliability` (BENCH_QUICK=1 for a smoke run).',
      '',
      '| trial | result | target | met |',
      '| --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.target} | ${r.target ? (r.pass ? 'yes' : 'NO') : ''} |`),
      '',
    ].join('\n')
    writeFileSync('BENCHMARKS.md', `${speed.trimEnd()}\n\n${section}`)
  }
}

const RELIABILITY_HEADING = '## Reliability trials'

await main()
