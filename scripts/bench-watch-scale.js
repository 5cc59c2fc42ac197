// Issue 12, the DLQ view at outage scale, against a sandbox process with SQS latency (15~5 ms):
// 1. `dlq list` on a 5-message DLQ: wall time of the built CLI, this build and (when /work/wt-base or
//    BENCH_BASE_BIN names one) the previous build, side by side;
// 2. `dlq watch` on BENCH_WATCH_SIZE messages (default 1,000,000) in a pseudo-terminal: the first useful
//    frame (depth and an estimated reason mix), resident memory after 20 s of watching, and how long a
//    message sent while watching takes to show (as "+1 new");
// 3. key press → frame with the window's 5,000 records (the view never holds more).
// The big queue is filled through the benchmark-only seed route (POST /_sandbox/sqs/seed: outage-shaped
// EventBridge events with their six DLQ attributes, stored as SendMessage stores them), before the
// latency is switched on; the 5-message queue through SendMessageBatch.
// Node's bare start-up (`node -e 0`) and the CLI's (`--version`) are measured in the same run, so the
// reader can tell start-up from our work. With a previous build (BENCH_BASE_BIN, or /work/wt-base) the
// list and the watch's first frame run interleaved, this build then the previous one, medians compared.
// The SQS calls each `dlq list` makes are counted by a pass-through proxy in front of the sandbox.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {createServer, request} from 'node:http'

import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'

import {awsConfig, median, pool, rssMiB, startSandboxProcess} from './bench-lib.js'
import {seedOutage} from './bench-sandbox-memory.js'
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

/** Create `name` and fill it with `count` outage messages through the seed route; its URL. */
async function seedBig(endpoint, name, count) {
  const sqs = new SQSClient(awsConfig(endpoint))
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: name}))
  sqs.destroy()
  for (let first = 0; first < count; first += 1_000_000) {
    await seedOutage(endpoint, QueueUrl, Math.min(1_000_000, count - first), {first})
  }
  return QueueUrl
}

/**
 * A pass-through proxy in front of the sandbox that counts the AWS calls going through it (by
 * X-Amz-Target): how many round trips a command makes. The CLI is pointed at the proxy.
 */
async function countingProxy(endpoint) {
  const target = new URL(endpoint)
  const calls = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const name = req.headers['x-amz-target'] ?? `${req.method} ${req.url.split('?')[0]}`
      calls.push(String(name).replace(/^Amazon(SQS)\.|^AWSEvents\./, ''))
      const out = request(
        {host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers},
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      out.on('error', () => res.destroy())
      out.end(Buffer.concat(chunks))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    take: () => calls.splice(0),
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** Node's own start-up: `node -e 0`, median of 5. */
function bareNodeMs() {
  const times = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    spawnSync(process.execPath, ['-e', '0'])
    times.push(performance.now() - t)
  }
  return median(times)
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

function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
  } catch {
    return '?'
  }
}

/** One `dlq list` run of `bin` (a bin/run.js): wall ms, exit code, rows printed. */
async function listOnce(bin, endpoint, queueUrl) {
  // Not spawnSync: the counting proxy runs in this process and must answer meanwhile.
  const started = performance.now()
  const child = spawn(process.execPath, [bin, 'dlq', 'list', '--sandbox', '--queue-url', queueUrl], {
    env: cliEnv(endpoint),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c) => (stdout += c))
  child.stderr.on('data', (c) => (stderr += c))
  const code = await new Promise((resolve) => child.once('close', resolve))
  const ms = performance.now() - started
  return {ms, code, stderr, rows: stdout.trim() === '' ? 0 : stdout.trim().split('\n').length}
}

/** Node's own start-up plus the CLI's, without any AWS call: `--version`. */
function startupMs(bin) {
  const times = []
  for (let i = 0; i < 5; i++) {
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

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return Number.NaN
  }
}

/**
 * The watch view in a PTY on the big queue: the first useful frame (depth and an estimated reason mix:
 * the plain-text frame drawn while the view loads, or the view's own), the Ink view's first such frame,
 * the CPU the process used until the first, and with `hold`, the RSS after 20 s and a new message's delay.
 */
async function watchBig(endpoint, queueUrl, sqs, {bin = 'bin/run.js', hold = true} = {}) {
  const command = `stty cols 140 rows 30; exec ${process.execPath} ${bin} dlq watch --sandbox --queue-url ${queueUrl}`
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
    const cpu = cpuMs(childPid(child.pid))
    // The view's own frame has the key footer.
    const view = await waitFor(
      (s) => s.includes('q quit') && /[\d,]+ visible/.test(s) && s.includes('estimated from'),
      30_000,
      'the view',
    )
    const viewMs = view - started
    if (!hold) {
      child.stdin.write('q')
      await new Promise((r) => child.once('exit', r))
      return {firstFrameMs, viewMs, cpu}
    }
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
    return {firstFrameMs, viewMs, cpu, newMs, rss, peak: Math.max(peak, rss)}
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
  const ms = (v) => `${Math.round(v)} ms`
  const sandbox = await startSandboxProcess()
  const proxy = await countingProxy(sandbox.endpoint)
  try {
    const five = await seed(sandbox.endpoint, 'bench-list-five', 5)
    const seedStart = performance.now()
    const big = await seedBig(sandbox.endpoint, 'bench-watch-big', size)
    const seedS = (performance.now() - seedStart) / 1000
    const sandboxRss = rssMiB(sandbox.pid)
    await setLatency(sandbox.endpoint, LATENCY)
    // 0. Start-up alone, in the same run: Node's, and the CLI's without any AWS call.
    const bare = bareNodeMs()
    const startup = startupMs('bin/run.js')
    rows.push({
      name: `(context) start-up on this machine now (load ${loadAverage()}): node -e 0 ${ms(bare)}; momento-eb --version ${ms(startup)}`,
      value: '',
      target: '',
      pass: true,
    })
    // 1. dlq list on 5 messages, through the counting proxy; interleaved with the previous build.
    const runsList = Math.max(5, runs)
    const lists = []
    const bases = []
    let calls = []
    let baseCalls = []
    for (let i = 0; i < runsList; i++) {
      proxy.take()
      const r = await listOnce('bin/run.js', proxy.endpoint, five)
      if (r.code !== 0 || r.rows !== 5) {
        throw new Error(`dlq list: exit ${r.code}, ${r.rows} rows (want 0, 5): ${r.stderr.slice(-800)}`)
      }
      lists.push(r.ms)
      calls = proxy.take()
      if (haveBase) {
        const b = await listOnce(baseBin, proxy.endpoint, five)
        if (b.code === 0) bases.push(b.ms)
        baseCalls = proxy.take()
      }
    }
    const sqsCalls = (list) => list.filter((c) => !c.startsWith('GET ') && !c.startsWith('POST ')).join(', ')
    rows.push({
      name:
        `dlq list on a 5-message DLQ at SQS ${LATENCY.slice(4)} ms: wall of the built CLI, median of ${runsList} ` +
        `(node start-up ${ms(bare)}, CLI start-up ${ms(startup)} of it); AWS calls: ${sqsCalls(calls)}` +
        (haveBase ? `; previous build ${(median(bases) / 1000).toFixed(2)} s, AWS calls: ${sqsCalls(baseCalls)}` : ''),
      value: `${(median(lists) / 1000).toFixed(2)} s`,
      target: '< 1.2 s',
      pass: median(lists) < 1_200,
    })
    // 2. dlq watch on the big queue: first frames interleaved with the previous build, then held runs.
    const sqs = new SQSClient(awsConfig(sandbox.endpoint))
    const firsts = []
    const baseFirsts = []
    for (let i = 0; i < Math.max(5, runs); i++) {
      firsts.push(await watchBig(sandbox.endpoint, big, sqs, {hold: false}))
      if (haveBase) baseFirsts.push(await watchBig(sandbox.endpoint, big, sqs, {bin: baseBin, hold: false}))
    }
    const watched = []
    for (let i = 0; i < runs; i++) watched.push(await watchBig(sandbox.endpoint, big, sqs))
    sqs.destroy()
    const m = (k) => median(watched.map((w) => w[k]))
    const f = (list, k) => median(list.map((w) => w[k]))
    rows.push({
      name:
        `dlq watch on ${label} messages at SQS ${LATENCY.slice(4)} ms: first useful frame (depth, oldest read, estimated reason mix), ` +
        `from the command's start, median of ${firsts.length}; CPU used by then ${ms(f(firsts, 'cpu'))}; the Ink view's own frame ${ms(f(firsts, 'viewMs'))}` +
        (haveBase
          ? `; previous build ${ms(f(baseFirsts, 'firstFrameMs'))} (CPU ${ms(f(baseFirsts, 'cpu'))}), interleaved`
          : ''),
      value: ms(f(firsts, 'firstFrameMs')),
      target: '< 1 s',
      pass: f(firsts, 'firstFrameMs') < 1_000,
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
      name: `(context) sandbox filled with ${label} messages by the seed route in ${seedS.toFixed(0)} s (no latency), sandbox RSS ${Math.round(sandboxRss)} MiB`,
      value: '',
      target: '',
      pass: true,
    })
  } finally {
    await proxy.close()
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
