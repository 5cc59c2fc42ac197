// Issue 12, the DLQ view at outage scale, against a sandbox process with SQS latency (15~5 ms):
// 1. `dlq list` on a 5-message DLQ: wall time of the built CLI, this build and (when /work/wt-base or
//    BENCH_BASE_BIN names one) the previous build, side by side;
// 2. `dlq watch` on BENCH_WATCH_SIZE messages (default 1,000,000) in a pseudo-terminal: the first useful
//    frame (depth and an estimated reason mix), resident memory after 20 s of watching, and how long a
//    message sent while watching takes to show (as "+1 new");
// 3. key press → frame with the window's 5,000 records (the view never holds more).
// The queue is filled before the latency is switched on (SendMessageBatch, 32 in flight).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'

import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'

import {awsConfig, median, pool, rssMiB, startSandboxProcess} from './bench-lib.js'
import {attributes, body, keyLatency} from './bench-watch.js'

const LATENCY = 'sqs=15~5'

async function seed(endpoint, name, count) {
  const sqs = new SQSClient(awsConfig(endpoint))
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: name}))
  await pool(Math.ceil(count / 10), 32, async (call) => {
    const Entries = Array.from({length: Math.min(10, count - call * 10)}, (_, j) => {
      const i = call * 10 + j
      return {Id: `m${j}`, MessageBody: body(i), MessageAttributes: attributes(i)}
    })
    const out = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries}))
    if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}`)
  })
  sqs.destroy()
  return QueueUrl
}

async function setLatency(endpoint, spec) {
  const res = await fetch(`${endpoint}/_sandbox/latency`, {method: 'PUT', body: spec})
  if (!res.ok) throw new Error(`latency ${spec}: ${res.status} ${await res.text()}`)
}

function cliEnv(endpoint) {
  const env = {
    ...process.env,
    MOMENTO_EB_SANDBOX_URL: endpoint,
    NO_COLOR: '1',
    TERM: 'xterm-256color',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  delete env.CI
  return env
}

/** One `dlq list` run of `bin` (a bin/run.js): wall ms, exit code, rows printed. */
function listOnce(bin, endpoint, queueUrl) {
  const started = performance.now()
  const out = spawnSync(process.execPath, [bin, 'dlq', 'list', '--sandbox', '--queue-url', queueUrl], {
    env: cliEnv(endpoint),
    encoding: 'utf8',
  })
  const ms = performance.now() - started
  return {ms, code: out.status, rows: out.stdout.trim() === '' ? 0 : out.stdout.trim().split('\n').length}
}

/** Node's own start-up plus the CLI's, without any AWS call: `--version`. */
function startupMs(bin) {
  const times = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    spawnSync(process.execPath, [bin, '--version'], {env: cliEnv('http://127.0.0.1:9')})
    times.push(performance.now() - t)
  }
  return median(times)
}

function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined
  } catch {
    return undefined
  }
}

/** The watch view in a PTY on the big queue: first useful frame, RSS, a new message's delay. */
async function watchBig(endpoint, queueUrl, sqs) {
  const command = `stty cols 140 rows 30; exec ${process.execPath} bin/run.js dlq watch --sandbox --queue-url ${queueUrl}`
  const started = performance.now()
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: cliEnv(endpoint),
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let screen = ''
  // What the terminal got since the message was sent (the header is redrawn with every frame).
  let fresh = ''
  let peak = 0
  const waiters = []
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString('utf8')
    screen = (screen + text).slice(-30_000)
    fresh = (fresh + text).slice(-60_000)
    for (const w of [...waiters]) if (w.test(screen)) w.done()
  })
  const waitFor = (test, ms, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} in ${ms} ms: ${screen.slice(-600)}`)), ms)
      const w = {
        test,
        done: () => {
          clearTimeout(timer)
          waiters.splice(waiters.indexOf(w), 1)
          resolve(performance.now())
        },
      }
      waiters.push(w)
      if (test(screen)) w.done()
    })
  const sampler = setInterval(() => {
    const pid = childPid(child.pid)
    if (pid) peak = Math.max(peak, rssMiB(pid))
  }, 200)
  try {
    const first = await waitFor((s) => /[\d,]+ visible/.test(s) && s.includes('estimated from'), 30_000, 'first frame')
    const firstFrameMs = first - started
    // Watch as an operator would for 20 s, then send one message and time it to the screen.
    await new Promise((r) => setTimeout(r, 20_000))
    const sent = performance.now()
    fresh = ''
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{Id: 'n0', MessageBody: body(9_999_999), MessageAttributes: attributes(9_999_999)}],
      }),
    )
    const shown = await waitFor(() => fresh.includes('+1 new'), 15_000, '+1 new')
    const newMs = shown - sent
    const pid = childPid(child.pid)
    const rss = pid ? rssMiB(pid) : Number.NaN
    child.stdin.write('q')
    await new Promise((r) => setTimeout(r, 2_000))
    return {firstFrameMs, newMs, rss, peak: Math.max(peak, rss)}
  } finally {
    clearInterval(sampler)
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

export async function benchWatchScale({runs, quick}) {
  const size = Number(process.env.BENCH_WATCH_SIZE ?? (quick ? 20_000 : 1_000_000))
  const label = size.toLocaleString('en-US')
  const baseBin = process.env.BENCH_BASE_BIN ?? '/work/wt-base/bin/run.js'
  const haveBase = existsSync(baseBin)
  const rows = []
  const sandbox = await startSandboxProcess()
  try {
    const five = await seed(sandbox.endpoint, 'bench-list-five', 5)
    const seedStart = performance.now()
    const big = await seed(sandbox.endpoint, 'bench-watch-big', size)
    const seedS = (performance.now() - seedStart) / 1000
    const sandboxRss = rssMiB(sandbox.pid)
    await setLatency(sandbox.endpoint, LATENCY)
    // 1. dlq list on 5 messages.
    const runsList = Math.max(3, runs)
    const lists = []
    const bases = []
    for (let i = 0; i < runsList; i++) {
      const r = listOnce('bin/run.js', sandbox.endpoint, five)
      if (r.code !== 0 || r.rows !== 5) throw new Error(`dlq list: exit ${r.code}, ${r.rows} rows (want 0, 5)`)
      lists.push(r.ms)
      if (haveBase) {
        const b = listOnce(baseBin, sandbox.endpoint, five)
        if (b.code === 0) bases.push(b.ms)
      }
    }
    const startup = startupMs('bin/run.js')
    rows.push({
      name:
        `dlq list on a 5-message DLQ at SQS ${LATENCY.slice(4)} ms: wall of the built CLI (node start-up ${Math.round(startup)} ms of it)` +
        (haveBase ? `; previous build ${(median(bases) / 1000).toFixed(2)} s` : ''),
      value: `${(median(lists) / 1000).toFixed(2)} s`,
      target: '< 1.2 s',
      pass: median(lists) < 1_200,
    })
    // 2. dlq watch on the big queue.
    const sqs = new SQSClient(awsConfig(sandbox.endpoint))
    const watched = []
    for (let i = 0; i < runs; i++) watched.push(await watchBig(sandbox.endpoint, big, sqs))
    sqs.destroy()
    const m = (k) => median(watched.map((w) => w[k]))
    rows.push({
      name: `dlq watch on ${label} messages at SQS ${LATENCY.slice(4)} ms: first useful frame (depth, oldest read, estimated reason mix), from the command's start`,
      value: `${Math.round(m('firstFrameMs'))} ms`,
      target: '< 1 s',
      pass: m('firstFrameMs') < 1_000,
    })
    rows.push({
      name: `dlq watch on ${label} messages: resident memory after 20 s of watching (peak ${Math.round(m('peak'))} MiB)`,
      value: `${Math.round(m('rss'))} MiB`,
      target: '< 300 MB',
      pass: m('peak') * 1.048576 < 300,
    })
    rows.push({
      name: `dlq watch on ${label} messages: a message sent while watching shows as "+1 new" (GetQueueAttributes each poll)`,
      value: `${Math.round(m('newMs'))} ms`,
      target: '< 2 s',
      pass: m('newMs') < 2_000,
    })
    rows.push({
      name: `(context) sandbox filled with ${label} messages in ${seedS.toFixed(0)} s (no latency), sandbox RSS ${Math.round(sandboxRss)} MiB`,
      value: '',
      target: '',
      pass: true,
    })
  } finally {
    await sandbox.stop()
  }
  // 3. key → frame with the window the view holds at most.
  const latency = await keyLatency(5_000, quick ? 60 : 300)
  rows.push({
    name: `dlq watch: key press → frame with the window's 5,000 records (Ink, fake terminal; p95 ${latency.p95.toFixed(1)} ms)`,
    value: `${latency.median.toFixed(1)} ms`,
    target: '< 50 ms',
    pass: latency.median < 50,
  })
  return rows
}

// `node scripts/bench-watch-scale.js` runs just this benchmark.
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.env.BENCH_QUICK === '1'
  const rows = await benchWatchScale({runs: Number(process.env.BENCH_RUNS ?? 1), quick})
  for (const r of rows)
    process.stdout.write(`${r.name}: ${r.value} ${r.target} ${r.target ? (r.pass ? 'yes' : 'NO') : ''}\n`)
}
