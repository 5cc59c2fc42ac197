// Benchmarks of `momento-eb dlq redrive` against a sandbox process: throughput with no rate cap
// (PutEvents + journal + DeleteMessageBatch + the rule checks; the bus's one rule matches none of the
// events, so the figure is redrive itself, not the delivery pipeline), and how closely `--rate 200` holds
// its pace over more than 10 s.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand} from '@aws-sdk/client-eventbridge'
import {CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'

import {awsConfig, median, pool, startSandboxProcess} from './bench-lib.js'

const BUS = 'bench-redrive'

/** Dead letter i (a number, or `{{i}}` for the sandbox's seed route) as EventBridge writes it. */
function deadLetter(time, i) {
  return {
    MessageBody: JSON.stringify({
      version: '0',
      id: `bench-${i}`,
      'detail-type': 'cacheSet',
      source: 'bench',
      account: '000000000000',
      time,
      region: 'us-east-1',
      resources: [],
      detail: {cacheName: 'bench', key: `k-${i}`, message: 'v'.repeat(100), ttl: 3600, ttl_seconds: 3600},
    }),
    MessageAttributes: {
      RULE_ARN: {DataType: 'String', StringValue: `arn:aws:events:us-east-1:000000000000:rule/${BUS}/bench`},
      ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
      ERROR_MESSAGE: {DataType: 'String', StringValue: 'API destination endpoint returned HTTP 404 (Not Found)'},
      RETRY_ATTEMPTS: {DataType: 'String', StringValue: '0'},
    },
  }
}

const eventTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

async function fill(sqs, queueUrl, count) {
  const time = eventTime()
  await pool(count / 10, 16, async (b) => {
    const Entries = Array.from({length: 10}, (_, j) => ({Id: `m${j}`, ...deadLetter(time, b * 10 + j)}))
    const out = await sqs.send(new SendMessageBatchCommand({QueueUrl: queueUrl, Entries}))
    if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}`)
  })
}

/** The same dead letters through the sandbox's benchmark seed route: a million in seconds, not minutes. */
async function seed(endpoint, queueUrl, count) {
  const res = await fetch(`${endpoint}/_sandbox/sqs/seed`, {
    method: 'POST',
    body: JSON.stringify({queue: queueUrl, count, messages: [deadLetter(eventTime(), '{{i}}')]}),
  })
  if (res.status !== 200) throw new Error(`seed answered ${res.status}: ${await res.text()}`)
}

/**
 * The bus and rule the dead letters' RULE_ARN names: redrive checks the rule exists, is enabled and has a
 * target, or stops (and keeps the messages). It matches no redriven event, so nothing is delivered.
 */
async function createRedriveBus(eb, sqs, sinkName) {
  await eb.send(new CreateEventBusCommand({Name: BUS}))
  await eb.send(
    new PutRuleCommand({Name: 'bench', EventBusName: BUS, EventPattern: JSON.stringify({source: ['bench-never']})}),
  )
  const {QueueUrl: sink} = await sqs.send(new CreateQueueCommand({QueueName: sinkName}))
  const sinkArn = (await sqs.send(new GetQueueAttributesCommand({QueueUrl: sink, AttributeNames: ['QueueArn']})))
    .Attributes.QueueArn
  await eb.send(new PutTargetsCommand({Rule: 'bench', EventBusName: BUS, Targets: [{Id: 'sink', Arn: sinkArn}]}))
}

function redrive(sandbox, stateDir, queueUrl, rate) {
  const env = {
    ...process.env,
    MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
    MOMENTO_EB_STATE_DIR: stateDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CI: 'true',
  }
  const args = ['bin/run.js', 'dlq', 'redrive', '--sandbox', '--queue-url', queueUrl, '--all', '--rate', String(rate)]
  const start = performance.now()
  const result = spawnSync(process.execPath, [...args, '--json'], {env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20})
  const wallMs = performance.now() - start
  if (result.status !== 0) throw new Error(`dlq redrive failed (${result.status}): ${result.stderr}`)
  return {summary: JSON.parse(result.stdout), wallMs}
}

export async function benchRedrive({runs, quick}) {
  const sizes = quick ? [5000] : [20_000, 50_000]
  const paced = quick ? 1000 : 2400
  const sandbox = await startSandboxProcess()
  const stateDir = mkdtempSync(join(tmpdir(), 'momento-eb-bench-state-'))
  const eb = new EventBridgeClient(awsConfig(sandbox.endpoint))
  const sqs = new SQSClient(awsConfig(sandbox.endpoint))
  try {
    await createRedriveBus(eb, sqs, 'bench-redrive-sink')
    const bySize = new Map(sizes.map((n) => [n, {whole: [], publish: [], wall: []}]))
    const rates = []
    for (let run = 0; run < runs; run++) {
      for (const count of sizes) {
        const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: `bench-redrive-${count}-${run}`}))
        await fill(sqs, QueueUrl, count)
        const {summary, wallMs} = redrive(sandbox, stateDir, QueueUrl, 0)
        if (summary.redriven !== count) throw new Error(`redrove ${summary.redriven} of ${count}`)
        const figures = bySize.get(count)
        figures.whole.push(count / (summary.durationMs / 1000))
        figures.publish.push(count / (summary.publishMs / 1000))
        figures.wall.push(count / (wallMs / 1000))
      }

      const paced200 = (await sqs.send(new CreateQueueCommand({QueueName: `bench-redrive-paced-${run}`}))).QueueUrl
      await fill(sqs, paced200, paced)
      const pacedRun = redrive(sandbox, stateDir, paced200, 200)
      if (pacedRun.summary.redriven !== paced) throw new Error(`redrove ${pacedRun.summary.redriven} of ${paced}`)
      // Over the paced part only: the first batch goes at once, the rest one slot apart.
      rates.push((paced - 10) / (pacedRun.summary.publishMs / 1000))
    }
    const rate = median(rates)
    const error = Math.abs(rate - 200) / 200
    const largest = sizes[sizes.length - 1]
    const rows = sizes.map((count) => {
      const f = bySize.get(count)
      const judged = count === largest
      return {
        name:
          `dlq redrive --rate 0: ${count} messages, PutEvents + journal + DeleteMessageBatch (bus with one rule, matching none), ` +
          'one process; whole run, including start-up and the final 1 s long poll that finds the queue empty',
        value:
          `${Math.round(median(f.whole))} messages/s (first to last PutEvents: ${Math.round(median(f.publish))}/s; ` +
          `with process start: ${Math.round(median(f.wall))}/s)`,
        target: judged ? '≥ 5,000 messages/s' : '',
        pass: judged ? median(f.whole) >= 5000 : true,
      }
    })
    rows.push({
      name: `dlq redrive --rate 200: achieved pace over ${paced} messages (${Math.round(paced / 200)} s)`,
      value: `${rate.toFixed(1)} messages/s (${(error * 100).toFixed(1)} % off)`,
      target: '200/s ± 10 %',
      pass: error <= 0.1,
    })
    return rows
  } finally {
    eb.destroy()
    sqs.destroy()
    rmSync(stateDir, {recursive: true, force: true})
    await sandbox.stop()
  }
}

// ---------------------------------------------------------------------------------------------------
// Outage scale (issue 12): `dlq redrive --rate 0` at SQS 15 ms / EventBridge 20 ms and at localhost
// latency, side by side with earlier builds; peak RSS across queue sizes (flat = bounded); `--rate 100`
// at that latency; `dlq export` throughput and peak RSS. Each CLI run is a child process: its peak resident
// memory is the kernel's VmHWM (main thread and AWS worker threads together), with each thread's peak V8
// heap (scripts/bench-thread-memory.cjs) and the load averages beside it. Queues are filled through the
// sandbox's seed route (a million messages in seconds).
//
// BENCH_OUTAGE_SIZES (default 50000,200000; quick 5000) sets the queue sizes; BENCH_OUTAGE_PARTS which
// parts run (default latency,local,paced,export); BENCH_OUTAGE_EXPORT_LATENCY the export's latency (default
// sqs=15~5,events=20~5; empty for localhost); BENCH_OUTAGE_BASELINES a comma-separated list of other built
// checkouts to compare at the first size (default /work/wt-base when it exists); BENCH_CLI_NODE_ARGS node
// options for the CLI runs (e.g. V8 heap flags, to try them). Progress goes to stderr.

const AWS_LATENCY = 'sqs=15~5,events=20~5'

const THREAD_PROBE = join(import.meta.dirname, 'bench-thread-memory.cjs')
const mib = (bytes) => bytes / 2 ** 20

/** VmRSS and VmHWM (the kernel's peak) of a process, in MiB; every thread of it included. */
function residentMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return {rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024}
}

/**
 * Run a built CLI (`dir`/bin/run.js) with `args`; resolve with its exit code, stdout, wall time and
 * memory: `peakMiB` is the process's peak resident memory (VmHWM, read every 200 ms until it exits:
 * main thread and AWS worker threads together, as the kernel counts them), `heaps` each thread's
 * peak V8 heap (from scripts/bench-thread-memory.cjs, preloaded into every thread), `load` the load
 * averages at the start and the end (the machine may be shared).
 */
function runSampled(dir, args, env) {
  const probeDir = mkdtempSync(join(tmpdir(), 'momento-eb-bench-threads-'))
  return new Promise((resolve) => {
    const load = [loadavg()]
    const nodeArgs = process.env.BENCH_CLI_NODE_ARGS?.split(' ').filter(Boolean) ?? []
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--require', THREAD_PROBE, join(dir, 'bin', 'run.js'), ...args],
      {
        env: {...env, BENCH_THREAD_MEMORY_DIR: probeDir},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    let peak = 0
    let peakSampled = 0
    const started = performance.now()
    const timer = setInterval(() => {
      try {
        const {rss, hwm} = residentMiB(child.pid)
        peak = Math.max(peak, hwm)
        peakSampled = Math.max(peakSampled, rss)
      } catch {
        // Exited between samples.
      }
    }, 200)
    child.on('exit', (code) => {
      clearInterval(timer)
      const wallMs = performance.now() - started
      load.push(loadavg())
      const heaps = []
      for (const name of readdirSync(probeDir)) {
        try {
          heaps.push(JSON.parse(readFileSync(join(probeDir, name), 'utf8')))
        } catch {
          // A thread was writing as the process ended.
        }
      }
      rmSync(probeDir, {recursive: true, force: true})
      heaps.sort((a, b) => a.thread - b.thread)
      resolve({code, stdout, stderr, peakMiB: Math.max(peak, peakSampled), heaps, load, wallMs})
    })
  })
}

/** "main 120/45 MiB, w1 40/20, w2 41/21" (peak heapTotal/heapUsed per thread) and the load averages. */
function memoryNote(out) {
  const heaps = out.heaps
    .map(
      (h) =>
        `${h.thread === 0 ? 'main' : `w${h.thread}`} ${Math.round(mib(h.heapTotal))}/${Math.round(mib(h.heapUsed))}`,
    )
    .join(', ')
  const arrays = out.heaps.reduce((sum, h) => sum + h.arrayBuffers, 0)
  const load = out.load.map((l) => l.map((x) => x.toFixed(1)).join(' ')).join(' → ')
  return `heap total/used MiB: ${heaps}; array buffers ${Math.round(mib(arrays))} MiB; load ${load}`
}

async function setLatency(endpoint, spec) {
  const res = await fetch(`${endpoint}/_sandbox/latency`, {method: spec ? 'PUT' : 'DELETE', body: spec || undefined})
  if (!res.ok) throw new Error(`latency ${spec}: ${res.status} ${await res.text()}`)
}

function outageEnv(endpoint, stateDir) {
  return {
    ...process.env,
    MOMENTO_EB_SANDBOX_URL: endpoint,
    MOMENTO_EB_STATE_DIR: stateDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CI: 'true',
  }
}

export async function benchOutage({runs, quick}) {
  const sizes = (process.env.BENCH_OUTAGE_SIZES ?? (quick ? '5000' : '50000,200000')).split(',').map(Number)
  const parts = new Set((process.env.BENCH_OUTAGE_PARTS ?? 'latency,local,paced,export').split(','))
  const baselines = (process.env.BENCH_OUTAGE_BASELINES ?? (existsSync('/work/wt-base/dist') ? '/work/wt-base' : ''))
    .split(',')
    .filter(Boolean)
  const builds = [{label: 'this build', dir: process.cwd()}, ...baselines.map((dir) => ({label: dir, dir}))]
  const version = (dir) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
    } catch {
      return '?'
    }
  }
  const sandbox = await startSandboxProcess()
  const stateDir = mkdtempSync(join(tmpdir(), 'momento-eb-bench-outage-'))
  const env = outageEnv(sandbox.endpoint, stateDir)
  const eb = new EventBridgeClient(awsConfig(sandbox.endpoint))
  const sqs = new SQSClient(awsConfig(sandbox.endpoint))
  const rows = []
  let queues = 0
  const newQueue = async (count) => {
    await setLatency(sandbox.endpoint, '')
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: `bench-outage-${queues++}`}))
    await seed(sandbox.endpoint, QueueUrl, count)
    return QueueUrl
  }
  const redriveRun = async (dir, queueUrl, rate, latency) => {
    await setLatency(sandbox.endpoint, latency)
    const args = ['dlq', 'redrive', '--sandbox', '--queue-url', queueUrl, '--all', '--rate', String(rate), '--json']
    const out = await runSampled(dir, args, env)
    if (out.code !== 0) throw new Error(`dlq redrive (${dir}) exited ${out.code}: ${out.stderr.slice(-2000)}`)
    return {...out, summary: JSON.parse(out.stdout)}
  }
  const log = (line) => process.stderr.write(`  outage: ${line}\n`)
  try {
    await createRedriveBus(eb, sqs, 'bench-outage-sink')

    // Throughput and memory of --rate 0, per build, per latency, per size (medians over runs).
    const latencies = [
      ['SQS 15~5 ms, EventBridge 20~5 ms', AWS_LATENCY, 'latency'],
      ['localhost (no added latency)', '', 'local'],
    ].filter(([, , part]) => parts.has(part))
    for (const [latencyLabel, latency] of latencies) {
      for (const count of sizes) {
        // The larger sizes only for this build (the point is its memory staying flat).
        const here = count === sizes[0] ? builds : builds.slice(0, 1)
        const cells = []
        for (const build of here) {
          const figures = []
          for (let run = 0; run < runs; run++) {
            const queueUrl = await newQueue(count)
            const out = await redriveRun(build.dir, queueUrl, 0, latency)
            if (out.summary.redriven !== count) {
              throw new Error(`${build.label} redrove ${out.summary.redriven} of ${count}`)
            }
            const rate = count / (out.summary.durationMs / 1000)
            log(
              `redrive ${count} ${latency || 'localhost'} ${build.label}: ${Math.round(rate)}/s, wall ${(out.wallMs / 1000).toFixed(1)} s, peak ${Math.round(out.peakMiB)} MiB; ${memoryNote(out)}`,
            )
            figures.push({rate, peak: out.peakMiB, wall: out.wallMs, note: memoryNote(out)})
          }
          const mid = figures.sort((x, y) => x.rate - y.rate)[Math.floor(figures.length / 2)]
          cells.push({build, rate: mid.rate, wall: mid.wall, note: mid.note, peak: median(figures.map((f) => f.peak))})
        }
        const mine = cells[0]
        const others = cells
          .slice(1)
          .map((c) => `${c.build.label} (v${version(c.build.dir)}): ${Math.round(c.rate)}/s, ${Math.round(c.peak)} MiB`)
        const fast = latency ? 2000 : 5000
        rows.push({
          name:
            `dlq redrive --rate 0 of ${count} messages at ${latencyLabel}: messages/s over the whole run, wall time, ` +
            'and peak resident memory of the CLI process (VmHWM: main + AWS worker threads)',
          value:
            `${Math.round(mine.rate)}/s, ${(mine.wall / 1000).toFixed(0)} s wall, ${Math.round(mine.peak)} MiB ` +
            `(${mine.note})${others.length ? ` [${others.join('; ')}]` : ''}`,
          target:
            count === sizes[0] ? `≥ ${fast.toLocaleString('en-US')}/s; < 300 MiB` : '< 300 MiB, flat across sizes',
          pass: (count !== sizes[0] || mine.rate >= fast) && mine.peak < 300,
        })
      }
    }

    // --rate 100 at AWS-like latency: the pace over the paced part.
    if (parts.has('paced')) {
      const paced = quick ? 500 : 1500
      const paces = []
      for (let run = 0; run < runs; run++) {
        const queueUrl = await newQueue(paced)
        const {summary} = await redriveRun(process.cwd(), queueUrl, 100, AWS_LATENCY)
        paces.push((paced - 10) / (summary.publishMs / 1000))
      }
      const pace = median(paces)
      rows.push({
        name: `dlq redrive --rate 100 of ${paced} messages at SQS 15~5 ms / EventBridge 20~5 ms: achieved pace`,
        value: `${pace.toFixed(1)} messages/s (${((Math.abs(pace - 100) / 100) * 100).toFixed(1)} % off)`,
        target: '100/s ± 10 %',
        pass: Math.abs(pace - 100) <= 10,
      })
    }

    // dlq export: throughput and peak RSS per size (nothing deleted, so each size is one queue).
    const exportLatency = process.env.BENCH_OUTAGE_EXPORT_LATENCY ?? AWS_LATENCY
    for (const count of parts.has('export') ? sizes : []) {
      const queueUrl = await newQueue(count)
      await setLatency(sandbox.endpoint, exportLatency)
      const file = join(stateDir, `export-${count}.ndjson`)
      const figures = []
      for (let run = 0; run < runs; run++) {
        rmSync(file, {force: true})
        const out = await runSampled(
          process.cwd(),
          ['dlq', 'export', '--sandbox', '--queue-url', queueUrl, '--file', file, '--json'],
          env,
        )
        if (out.code !== 0) throw new Error(`dlq export exited ${out.code}: ${out.stderr.slice(-2000)}`)
        const summary = JSON.parse(out.stdout)
        if (summary.exported !== count) throw new Error(`exported ${summary.exported} of ${count}`)
        log(
          `export ${count} ${exportLatency || 'localhost'}: ${Math.round(summary.perSecond)}/s, wall ${(out.wallMs / 1000).toFixed(1)} s, peak ${Math.round(out.peakMiB)} MiB; ${memoryNote(out)}`,
        )
        figures.push({rate: summary.perSecond, peak: out.peakMiB, wall: out.wallMs, note: memoryNote(out)})
      }
      rmSync(file, {force: true})
      const mid = figures.sort((x, y) => x.rate - y.rate)[Math.floor(figures.length / 2)]
      const peak = median(figures.map((f) => f.peak))
      rows.push({
        name: `dlq export of ${count} messages at ${exportLatency ? `SQS ${exportLatency}` : 'localhost'}: messages/s, wall time and peak resident memory (VmHWM)`,
        value: `${Math.round(mid.rate)}/s, ${(mid.wall / 1000).toFixed(0)} s wall, ${Math.round(peak)} MiB (${mid.note})`,
        target: '< 150 MiB, flat across sizes',
        pass: peak < 150,
      })
    }
    return rows
  } finally {
    eb.destroy()
    sqs.destroy()
    rmSync(stateDir, {recursive: true, force: true})
    await sandbox.stop()
  }
}
