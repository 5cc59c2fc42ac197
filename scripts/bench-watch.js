// Benchmarks of `momento-eb dlq watch` with 50,000 dead letters:
// 1. the real CLI in a pseudo-terminal (`script`, 100×30) against a sandbox process holding 50,000
//    messages: time until every message is read and resident memory once they are all loaded;
// 2. key press → repainted frame: the built view rendered by Ink into a fake terminal with 50,000
//    records, timing stdin key → the next write to stdout, over many presses.
import {spawn} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {readFileSync} from 'node:fs'

import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'

import {awsConfig, median, pool, rssMiB, startSandboxProcess} from './bench-lib.js'

const DIST = new URL('../dist/', import.meta.url)

export function attributes(i) {
  const status = i % 5 === 0 ? 429 : 404
  return {
    RULE_ARN: {DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:rule/momento-api-cacheSet'},
    TARGET_ARN: {DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:api-destination/set/1'},
    ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
    ERROR_MESSAGE: {
      DataType: 'String',
      StringValue: `API destination endpoint returned HTTP ${status}: {"status":${status},"title":"Not Found","description":"Cache not found"}`,
    },
    RETRY_ATTEMPTS: {DataType: 'String', StringValue: '0'},
  }
}

export function body(i) {
  return JSON.stringify({
    version: '0',
    id: `8f6c2d1e-0000-4000-8000-${String(i).padStart(12, '0')}`,
    'detail-type': 'cacheSet',
    source: 'momento-eb',
    account: '000000000000',
    time: '2026-11-26T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {cacheName: `orders-${i % 50}`, key: `order-${i}`, message: 'x'.repeat(200), ttl: 300, ttl_seconds: 300},
  })
}

async function seed(endpoint, count) {
  const sqs = new SQSClient(awsConfig(endpoint))
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'bench-watch-dlq'}))
  await pool(count / 10, 16, async (call) => {
    const Entries = Array.from({length: 10}, (_, j) => {
      const i = call * 10 + j
      return {Id: `m${j}`, MessageBody: body(i), MessageAttributes: attributes(i)}
    })
    const out = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries}))
    if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}`)
  })
  sqs.destroy()
  return QueueUrl
}

function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined
  } catch {
    return undefined
  }
}

/** The CLI's view in a PTY until all `count` messages are read; RSS then, and the time it took. */
async function watchInPty(endpoint, queueUrl, count) {
  const label = count.toLocaleString('en-US')
  const command = `stty cols 100 rows 30; exec ${process.execPath} bin/run.js dlq watch --sandbox --queue-url ${queueUrl}`
  const started = performance.now()
  const env = {
    ...process.env,
    MOMENTO_EB_SANDBOX_URL: endpoint,
    NO_COLOR: '1',
    TERM: 'xterm-256color',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  // Ink treats any CI variable (even empty) as CI and then draws only the last frame.
  delete env.CI
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let screen = ''
  let peak = 0
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  try {
    const loadedMs = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not loaded in 180 s; last output: ${screen.slice(-400)}`)),
        180_000,
      )
      const sampler = setInterval(() => {
        const pid = childPid(child.pid)
        if (pid) peak = Math.max(peak, rssMiB(pid))
      }, 100)
      child.stdout.on('data', (chunk) => {
        screen = (screen + chunk.toString('utf8')).slice(-20_000)
        if (screen.includes(`${label} messages read`)) {
          clearTimeout(timer)
          clearInterval(sampler)
          resolve(performance.now() - started)
        }
      })
      exited.then((code) => reject(new Error(`dlq watch exited ${code} early: ${screen.slice(0, 3000)}`)))
    })
    // Let a few more sweeps run, as an operator would leave it open.
    await new Promise((r) => setTimeout(r, 3_000))
    const pid = childPid(child.pid)
    const rss = pid ? rssMiB(pid) : NaN
    child.stdin.write('q')
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))])
    if (code !== 0) throw new Error(`dlq watch did not exit 0 on q (${code})`)
    return {loadedMs, rss, peak: Math.max(peak, rss)}
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

/** A terminal for Ink: a TTY-like stdout that records writes, and a stdin that delivers key presses. */
class FakeStdout extends EventEmitter {
  isTTY = true
  columns = 100
  rows = 30
  writes = 0
  onWrite = undefined
  write(data) {
    this.writes++
    const hook = this.onWrite
    this.onWrite = undefined
    hook?.(data)
    return true
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true
  queued = []
  setRawMode() {}
  setEncoding() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
  read() {
    return this.queued.shift() ?? null
  }
  press(data) {
    this.queued.push(data)
    this.emit('readable')
  }
}

/** Key → next frame, with the built WatchApp holding `count` records. */
export async function keyLatency(count, presses) {
  // As the command does: React's production build (its development build measures every render).
  process.env.NODE_ENV ??= 'production'
  const [{render}, React, {WatchApp}, {createTheme}, {decodeDlqMessage}, {compactRecord}] = await Promise.all([
    import('ink'),
    import('react'),
    import(new URL('ui/dlq/WatchApp.js', DIST).href),
    import(new URL('ui/theme.js', DIST).href),
    import(new URL('core/dlq-decode.js', DIST).href),
    import(new URL('services/dlq-watch.js', DIST).href),
  ])
  const pool = new Map()
  const heapBefore = process.memoryUsage().heapUsed
  const records = Array.from({length: count}, (_, i) =>
    compactRecord(
      decodeDlqMessage(
        {
          messageId: `msg-${i}`,
          receiptHandle: `handle-${i}`,
          body: body(i),
          attributes: Object.fromEntries(Object.entries(attributes(i)).map(([k, v]) => [k, v.StringValue])),
          systemAttributes: {SentTimestamp: String(Date.UTC(2026, 10, 26) + i * 10), ApproximateReceiveCount: '1'},
        },
        {region: 'us-east-1'},
      ),
      pool,
    ),
  )
  let loaded
  const isLoaded = new Promise((resolve) => (loaded = resolve))
  const feed = {
    async *updates(signal) {
      yield {
        added: records,
        gone: [],
        depth: {visible: count, inFlight: 0},
        arrivalsPerSecond: 0,
        goneTotal: 0,
        loaded: true,
      }
      await new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}))
    },
  }
  const stdout = new FakeStdout()
  const stdin = new FakeStdin()
  const actions = {delete: async () => [], export: async () => '', forget: () => {}}
  const app = render(
    React.createElement(WatchApp, {
      queue: 'bench',
      feed,
      actions,
      theme: createTheme(false),
      onState: (s) => s.records.length === count && loaded(),
    }),
    {stdout, stdin, stderr: new FakeStdout(), exitOnCtrlC: false, patchConsole: false, maxFps: 60},
  )
  await isLoaded
  await new Promise((r) => setTimeout(r, 200))
  const heapLoaded = process.memoryUsage().heapUsed
  const times = []
  const keys = ['\u001B[B', '\u001B[B', '\u001B[6~', '\u001B[A', 'j', 'k', 'G', 'g']
  for (let i = 0; i < presses; i++) {
    const frame = new Promise((resolve) => (stdout.onWrite = resolve))
    const start = performance.now()
    stdin.press(keys[i % keys.length])
    await Promise.race([frame, new Promise((_, reject) => setTimeout(() => reject(new Error('no frame')), 2_000))])
    times.push(performance.now() - start)
    // A person types at most every ~30 ms; Ink paints at most 60 frames/s.
    await new Promise((r) => setTimeout(r, 30))
  }
  app.unmount()
  const sorted = [...times].sort((a, b) => a - b)
  return {
    median: median(times),
    p95: sorted[Math.floor(sorted.length * 0.95)],
    heapMiB: (heapLoaded - heapBefore) / 2 ** 20,
  }
}

export async function benchWatch({runs, quick}) {
  const count = quick ? 10_000 : 50_000
  const label = count.toLocaleString('en-US')
  const rows = []
  const loads = []
  const rsses = []
  for (let run = 0; run < runs; run++) {
    const sandbox = await startSandboxProcess()
    try {
      const queueUrl = await seed(sandbox.endpoint, count)
      const result = await watchInPty(sandbox.endpoint, queueUrl, count)
      loads.push(result.loadedMs)
      rsses.push(result.rss)
    } finally {
      await sandbox.stop()
    }
  }
  rows.push({
    name: `dlq watch in a PTY (100×30): resident memory with ${label} messages loaded (real CLI, sandbox queue)`,
    value: `${Math.round(median(rsses))} MiB (${Math.round(median(rsses) * 1.048576)} MB)`,
    target: quick ? '(quick run)' : '< 300 MB',
    pass: median(rsses) * 1.048576 < 300,
  })
  rows.push({
    name: `dlq watch: time to read and decode all ${label} messages (peeking, nothing held)`,
    value: `${(median(loads) / 1000).toFixed(1)} s`,
    target: '',
    pass: true,
  })
  const latency = await keyLatency(count, quick ? 60 : 300)
  rows.push({
    name: `dlq watch: key press → repainted frame with ${label} records (Ink, fake 100×30 terminal; median, p95 ${latency.p95.toFixed(1)} ms)`,
    value: `${latency.median.toFixed(1)} ms`,
    target: '< 50 ms',
    pass: latency.median < 50,
  })
  rows.push({
    name: `dlq watch: JS heap of ${label} decoded records in the view (same run)`,
    value: `${Math.round(latency.heapMiB)} MiB`,
    target: '',
    pass: true,
  })
  return rows
}

// `node scripts/bench-watch.js` runs just this benchmark.
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.env.BENCH_QUICK === '1'
  const rows = await benchWatch({runs: Number(process.env.BENCH_RUNS ?? 1), quick})
  for (const r of rows)
    process.stdout.write(`${r.name}: ${r.value} ${r.target} ${r.target ? (r.pass ? 'yes' : 'NO') : ''}\n`)
}
