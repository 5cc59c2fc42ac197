// In-process CPU of the delivery pipeline, without HTTP: PutEvents-shaped batches of 10 handed to
// `ingest` -> route -> deliver, the API destination call stubbed (204). Measures what observers cost.
// `node scripts/bench-pipeline-cpu.js <checkout> [events] [obs|noobs|metrics|buslog|empty]` (built
// checkout; `empty` = one observer with no hooks: the pipeline's own cost of observing).
import {resolve} from 'node:path'

import {EventBridgeClient} from '@aws-sdk/client-eventbridge'
const [dir, eventsArg = '200000', mode = 'obs'] = process.argv.slice(2)
const {startSandbox} = await import(`${resolve(dir)}/dist/sandbox/server.js`)
const {pipelineOf} = await import(`${resolve(dir)}/dist/sandbox/pipeline/pipeline.js`)
const {createCacheSetPipeline} = await import('./bench-lib.js')
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const KEY = 'bench-api-key-not-secret'
const sb = await startSandbox({port: 0, host: '127.0.0.1', apiKey: KEY, caches: ['bench']})
const eb = new EventBridgeClient({
  endpoint: sb.endpoint,
  region: 'us-east-1',
  credentials: {accessKeyId: 't', secretAccessKey: 't'},
})
await createCacheSetPipeline(eb, sb.endpoint, KEY)
const state = sb.state
const p = pipelineOf(state)
if (mode === 'noobs') p.observers.length = 0
if (mode === 'metrics') p.observers.splice(1, 1)
if (mode === 'buslog') p.observers.splice(0, 1)
if (mode === 'empty') p.observers.splice(0, 2, {})
p.senderInstance = {send: async () => ({kind: 'response', status: 204, body: ''}), close: async () => {}}
const N = Number(eventsArg)
let idn = 0
function batch() {
  const nowMs = state.now()
  const ingestionTime = new Date(nowMs).toISOString()
  const ingestedAt = performance.now()
  const evs = []
  for (let i = 0; i < 10; i++) {
    const id = state.newId()
    const detail = JSON.parse(
      JSON.stringify({cacheName: 'bench', key: `k${idn++}`, message: 'v'.repeat(100), ttl: 600}),
    )
    const event = {
      version: '0',
      id,
      'detail-type': 'cacheSet',
      source: 'bench',
      account: state.accountId,
      time: ingestionTime.replace(/\.\d+Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail,
    }
    evs.push({event, json: JSON.stringify(event), id, ingestionTime, ingestedAt, ingestionTimeMs: nowMs})
  }
  return evs
}
async function run(n) {
  const start = p.log.counters.delivered
  for (let i = 0; i < n / 10; i++) {
    p.ingest('us-east-1', 'default', batch())
    if (i % 16 === 15) await new Promise((r) => setImmediate(r))
  }
  while (p.log.counters.delivered < start + n) await new Promise((r) => setImmediate(r))
}
await run(20000)
const c0 = process.cpuUsage()
const t0 = performance.now()
await run(N)
const c = process.cpuUsage(c0)
const t = performance.now() - t0
console.log(
  `${dir} ${mode}: ${((c.user + c.system) / N).toFixed(2)} us CPU/event, ${((t * 1000) / N).toFixed(2)} us wall/event`,
)
eb.destroy()
await sb.close()
