// Benchmark of `momento-eb top` (issue 11: "with all series refreshing every 5 s, under 2% of one core
// and under 150 MB"): the real CLI in a pseudo-terminal (`script`, 80×24) against a sandbox process
// with a deployed stack, traffic on its rules and messages in its DLQ. After a warm-up, the CPU time
// (utime + stime from /proc) the `top` process uses over a measured stretch, and its resident memory.
import {execFileSync, spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'

import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'

import {awsConfig, median, rssMiB, startSandboxProcess} from './bench-lib.js'

const TICKS_PER_SECOND = 100

function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined
  } catch {
    return undefined
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

function cliEnv(endpoint) {
  const env = {
    ...process.env,
    MOMENTO_EB_SANDBOX_URL: endpoint,
    NO_COLOR: '1',
    TERM: 'xterm-256color',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  // Ink treats any CI variable (even empty) as CI and then draws only the last frame.
  delete env.CI
  return env
}

async function traffic(endpoint) {
  const eb = new EventBridgeClient(awsConfig(endpoint))
  const entry = (type, cache, i) => ({
    Source: 'bench',
    DetailType: type,
    Detail: JSON.stringify({cacheName: cache, key: `k${i}`, message: 'v', ttl: 60}),
  })
  for (let batch = 0; batch < 20; batch++) {
    const Entries = Array.from({length: 10}, (_, i) =>
      i % 4 === 0 ? entry('cacheSet', 'missing', i) : entry(i % 2 ? 'cacheSet' : 'cacheDelete', 'bench', i),
    )
    await eb.send(new PutEventsCommand({Entries}))
  }
  eb.destroy()
}

/** `top` in a PTY: CPU share over `measureMs` after `warmupMs`, and RSS at the end. */
async function topInPty(endpoint, stack, {warmupMs, measureMs}) {
  const command = `stty cols 80 rows 24; exec ${process.execPath} bin/run.js top --sandbox --stack ${stack} --interval 5`
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: cliEnv(endpoint),
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let screen = ''
  child.stdout.on('data', (chunk) => (screen = (screen + chunk.toString('utf8')).slice(-20_000)))
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  try {
    await new Promise((r) => setTimeout(r, warmupMs))
    if (!screen.includes('q quit')) throw new Error(`top didn't draw its dashboard: ${screen.slice(-2000)}`)
    const pid = childPid(child.pid)
    if (!pid) throw new Error('no top process under script')
    const before = cpuSeconds(pid)
    const started = performance.now()
    let peak = rssMiB(pid)
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 500)
    await new Promise((r) => setTimeout(r, measureMs))
    clearInterval(sampler)
    const share = (cpuSeconds(pid) - before) / ((performance.now() - started) / 1000)
    const rss = rssMiB(pid)
    child.stdin.write('q')
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))])
    if (code !== 0) throw new Error(`top did not exit 0 on q (${code})`)
    return {share, rss, peak: Math.max(peak, rss)}
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

export async function benchTop({runs, quick}) {
  const shares = []
  const peaks = []
  const measureMs = quick ? 15_000 : 60_000
  for (let run = 0; run < runs; run++) {
    const sandbox = await startSandboxProcess()
    try {
      const env = cliEnv(sandbox.endpoint)
      execFileSync(process.execPath, ['bin/run.js', 'deploy', '--sandbox', '--stack', 'bench-top'], {
        env,
        stdio: 'ignore',
      })
      await traffic(sandbox.endpoint)
      const result = await topInPty(sandbox.endpoint, 'bench-top', {warmupMs: 8_000, measureMs})
      shares.push(result.share)
      peaks.push(result.peak)
    } finally {
      await sandbox.stop()
    }
  }
  const share = median(shares)
  const peak = median(peaks)
  return [
    {
      name: `top in a PTY (80×24), --interval 5 (27 series in one GetMetricData, alarms, DLQ depth; DLQ sample every 30 s): CPU over ${measureMs / 1000} s`,
      value: `${(share * 100).toFixed(2)}% of one core`,
      target: quick ? '(quick run)' : '< 2% of one core',
      pass: share < 0.02,
    },
    {
      name: 'top in a PTY: peak resident memory',
      value: `${Math.round(peak)} MiB (${Math.round(peak * 1.048576)} MB)`,
      target: quick ? '(quick run)' : '< 150 MB',
      pass: peak * 1.048576 < 150,
    },
  ]
}
