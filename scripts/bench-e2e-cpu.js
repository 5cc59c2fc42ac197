#!/usr/bin/env node
// Side-by-side sandbox CPU per delivered event, for a shared, noisy machine where events/s swing
// by 2x between runs: `node scripts/bench-e2e-cpu.js [events] [rounds] <checkout> <checkout>...`,
// e.g. `node scripts/bench-e2e-cpu.js 20000 5 /work/wt-base .` (each checkout built). Runs the same
// load as `npm run bench -- e2e` (PutEvents of 10, 16 in flight → rule → API destination → the
// sandbox's Momento) against each checkout's sandbox in turn, round after round, and reports the
// sandbox process's CPU time (utime + stime from /proc) per event after a 5,000-event warm-up,
// and the wall rate. Linux only. SB_NODE_ARGS passes node flags to the sandbox (e.g. --cpu-prof).
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {Agent, request} from 'node:http'

import {EventBridgeClient} from '@aws-sdk/client-eventbridge'

import {createCacheSetPipeline} from './bench-lib.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const KEY = 'bench-api-key-not-secret'
const WARM_UP = 5_000

function start(dir) {
  const nodeArgs = process.env.SB_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const args = [...nodeArgs, 'bin/run.js', 'sandbox', '--port', '0', '--json', '--cache', 'bench', '--api-key', KEY]
  const child = spawn(process.execPath, args, {cwd: dir, stdio: ['ignore', 'pipe', 'inherit']})
  return new Promise((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      const newline = buffer.indexOf('\n')
      if (newline >= 0) resolve({...JSON.parse(buffer.slice(0, newline)), pid: child.pid, child})
    })
    child.once('exit', (code) => reject(new Error(`sandbox in ${dir} exited with ${code}`)))
  })
}

/** CPU ms (user + system) the process has used, from /proc (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function putEvents(endpoint, agent, body) {
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
        res.resume()
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PutEvents ${res.statusCode}`))))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function once(dir, events) {
  const sandbox = await start(dir)
  const eb = new EventBridgeClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
  })
  const agent = new Agent({keepAlive: true, maxSockets: 16})
  try {
    await createCacheSetPipeline(eb, sandbox.endpoint, KEY)
    const bodies = Array.from({length: events / 10}, (_, call) =>
      JSON.stringify({
        Entries: Array.from({length: 10}, (_, i) => ({
          Source: 'bench',
          DetailType: 'cacheSet',
          Detail: JSON.stringify({cacheName: 'bench', key: `k${call * 10 + i}`, message: 'v'.repeat(100), ttl: 600}),
        })),
      }),
    )
    let next = 0
    const load = async (from, to) => {
      next = from
      await Promise.all(
        Array.from({length: 16}, async () => {
          while (next < to) await putEvents(sandbox.endpoint, agent, bodies[next++])
        }),
      )
    }
    const delivered = async () => {
      const res = await fetch(`${sandbox.endpoint}/_sandbox/deliveries?limit=0`)
      const {counters} = await res.json()
      if (counters.failedInvocations > 0) throw new Error(`${counters.failedInvocations} deliveries failed`)
      return counters.delivered
    }
    const until = async (count) => {
      while ((await delivered()) < count) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await load(0, WARM_UP / 10)
    await until(WARM_UP)
    const cpu0 = cpuMs(sandbox.pid)
    const started = performance.now()
    await load(WARM_UP / 10, events / 10)
    await until(events)
    const cpu = cpuMs(sandbox.pid) - cpu0
    const wall = performance.now() - started
    return {usPerEvent: (cpu * 1000) / (events - WARM_UP), rate: (events - WARM_UP) / (wall / 1000)}
  } finally {
    eb.destroy()
    agent.destroy()
    sandbox.child.removeAllListeners('exit')
    sandbox.child.kill('SIGTERM')
    await new Promise((resolve) => sandbox.child.once('exit', resolve))
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const [events = '20000', rounds = '5', ...dirs] = process.argv.slice(2)
if (dirs.length === 0) {
  process.stderr.write('usage: node scripts/bench-e2e-cpu.js [events] [rounds] <checkout> [<checkout>...]\n')
  process.exit(2)
}
const results = new Map(dirs.map((dir) => [dir, []]))
for (let round = 0; round < Number(rounds); round++) {
  for (const dir of dirs) {
    const result = await once(dir, Number(events))
    results.get(dir).push(result)
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
    process.stderr.write(
      `round ${round + 1} ${dir}: ${result.usPerEvent.toFixed(1)} µs CPU/event, ${Math.round(result.rate)} events/s (load ${load})\n`,
    )
  }
}
for (const [dir, list] of results) {
  const cpu = median(list.map((r) => r.usPerEvent)).toFixed(1)
  const rate = Math.round(median(list.map((r) => r.rate)))
  process.stdout.write(
    `${dir}: median ${cpu} µs sandbox CPU per event, ${rate} events/s wall (${list.length} runs of ${events})\n`,
  )
}
