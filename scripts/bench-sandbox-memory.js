// `npm run bench -- sandbox-memory`: the sandbox holding an outage. A sandbox process is filled with
// 1,000,000 DLQ messages shaped as EventBridge writes them (the event JSON as body, 600–900 bytes; the
// six attributes RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION,
// RETRY_ATTEMPTS) through SendMessageBatch over HTTP, then purged. Reports resident memory full and
// after the purge, and the fill time. No added latency (localhost): the figure is the sandbox's own.
import {Agent, request} from 'node:http'

import {CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SQSClient} from '@aws-sdk/client-sqs'

import {awsConfig, median, pool, rssMiB, startSandboxProcess} from './bench-lib.js'

const RULE = 'arn:aws:events:us-east-1:000000000000:rule/momento-eb/momento-eb-cacheSet'
const TARGET =
  'arn:aws:events:us-east-1:000000000000:api-destination/momento-eb-cache-set/3f0a9b1c-1111-2222-3333-444455556666'
/** The failures of an outage, as the sandbox writes them by default (`--failure-detail opaque`). */
const REASONS = [
  ['UNKNOWN', 'Unable to invoke ApiDestination endpoint: The endpoint returned an error.', 'MaximumRetryAttempts'],
  [
    'UNKNOWN',
    'Unable to invoke ApiDestination endpoint: Timeout calling endpoint for API Destination: socket closed.',
    'MaximumEventAgeInSeconds',
  ],
  [
    'SDK_CLIENT_ERROR',
    'Unable to invoke ApiDestination endpoint: API destination endpoint cannot be reached.',
    'MaximumRetryAttempts',
  ],
]
const CACHES = ['orders', 'sessions', 'inventory', 'carts', 'audit']
const TYPES = ['cacheSet', 'cacheSet', 'cacheSet', 'cacheDelete', 'topicPublish']

/** The i-th message of an outage: an EventBridge event of 600–900 bytes and its DLQ attributes. */
export function outageMessage(i, baseTime = Date.UTC(2026, 11, 6, 10)) {
  const type = TYPES[i % TYPES.length]
  const cacheName = CACHES[(i >> 3) % CACHES.length]
  const detail =
    type === 'topicPublish'
      ? {cacheName, topicName: 'order-events', message: payload(i)}
      : type === 'cacheDelete'
        ? {cacheName, key: `order-${i}`, padding: 'd'.repeat(300 + (i % 280))}
        : {cacheName, key: `order-${i}`, message: payload(i), ttl: 3600, ttl_seconds: 3600}
  const body = JSON.stringify({
    version: '0',
    id: `${hex(i * 2654435761, 8)}-${hex(i, 4)}-4${hex(i >> 4, 3)}-8${hex(i >> 8, 3)}-${hex(i * 40503, 12)}`,
    'detail-type': type,
    source: 'com.example.orders',
    account: '000000000000',
    time: new Date(baseTime + Math.floor(i / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail,
  })
  const [code, text, exhausted] = REASONS[i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2]
  const attributes = {
    RULE_ARN: {DataType: 'String', StringValue: RULE},
    TARGET_ARN: {DataType: 'String', StringValue: TARGET},
    ERROR_CODE: {DataType: 'String', StringValue: code},
    ERROR_MESSAGE: {DataType: 'String', StringValue: text},
    EXHAUSTED_RETRY_CONDITION: {DataType: 'String', StringValue: exhausted},
    RETRY_ATTEMPTS: {DataType: 'String', StringValue: exhausted === 'MaximumRetryAttempts' ? '185' : String(i % 40)},
  }
  return {body, attributes}
}

function payload(i) {
  return JSON.stringify({
    orderId: `order-${i}`,
    customer: `c-${i % 9973}`,
    lines: i % 7,
    note: 'n'.repeat(200 + (i % 280)),
  })
}

function hex(n, width) {
  return (Math.abs(Math.floor(n)) % 16 ** width).toString(16).padStart(width, '0')
}

/**
 * Fill `queueUrl` with `count` outage messages: raw SendMessageBatch (JSON 1.0) calls of 10, 32 at
 * once, with a static SigV4-shaped header (the sandbox checks the header's shape, not the signature;
 * signing a million messages with the SDK would cost the bench more CPU than the sandbox spends).
 * @returns the wall time in ms
 */
export async function fillOutage(endpoint, queueUrl, count, {concurrency = 32, first = 0} = {}) {
  const agent = new Agent({keepAlive: true, maxSockets: concurrency})
  const started = performance.now()
  try {
    await pool(Math.ceil(count / 10), concurrency, async (call) => {
      const Entries = []
      for (let j = 0; j < 10 && call * 10 + j < count; j++) {
        const {body, attributes} = outageMessage(first + call * 10 + j)
        Entries.push({Id: `m${j}`, MessageBody: body, MessageAttributes: attributes})
      }
      const out = await postJson(endpoint, agent, 'AmazonSQS.SendMessageBatch', {QueueUrl: queueUrl, Entries})
      if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}: ${out.Failed[0].Message}`)
    })
  } finally {
    agent.destroy()
  }
  return performance.now() - started
}

function postJson(endpoint, agent, target, input) {
  const body = JSON.stringify(input)
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': target,
          authorization:
            'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          if (res.statusCode !== 200) reject(new Error(`${target} answered ${res.statusCode}: ${text}`))
          else resolve(JSON.parse(text))
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Fill through the benchmark-only seed route (`POST /_sandbox/sqs/seed`): the same `outageMessage`
 * shapes as templates, `{{i}}` making each body unique; stored as SendMessage stores them.
 * @returns the wall time in ms
 */
export async function seedOutage(endpoint, queueUrl, count, {first = 0} = {}) {
  const messages = Array.from({length: 40}, (_, k) => {
    const {body, attributes} = outageMessage(k)
    // Keys, ids and payloads carry the message's index instead of the template's.
    return {MessageBody: body.replaceAll(`order-${k}`, 'order-{{i}}'), MessageAttributes: attributes}
  })
  const started = performance.now()
  const res = await fetch(`${endpoint}/_sandbox/sqs/seed`, {
    method: 'POST',
    body: JSON.stringify({queue: queueUrl, count, first, messages}),
  })
  if (res.status !== 200) throw new Error(`seed answered ${res.status}: ${await res.text()}`)
  return performance.now() - started
}

async function memory(endpoint, gc = true) {
  const res = await fetch(`${endpoint}/_sandbox/memory${gc ? '/gc' : ''}`, {method: gc ? 'POST' : 'GET'})
  if (res.status !== 200) throw new Error(`/_sandbox/memory answered ${res.status}: ${await res.text()}`)
  return res.json()
}

export async function benchSandboxMemory({runs, quick}) {
  const count = quick ? 100_000 : 1_000_000
  const viaHttp = quick ? 20_000 : 100_000
  const rows = {
    beforeGc: [],
    full: [],
    heap: [],
    purgedNatural: [],
    purged: [],
    purgedHeap: [],
    idle: [],
    http: [],
    seed: [],
  }
  let bodyBytes = 0
  for (let i = 0; i < 1000; i++) bodyBytes += Buffer.byteLength(outageMessage(i * 997).body)
  const mib = (bytes) => bytes / 2 ** 20
  for (let run = 0; run < runs; run++) {
    // --expose-gc lets the bench ask for a full GC (POST /_sandbox/memory/gc) before reading RSS.
    const saved = process.env.BENCH_SANDBOX_NODE_ARGS
    process.env.BENCH_SANDBOX_NODE_ARGS = `${saved ?? ''} --expose-gc`
    const sandbox = await startSandboxProcess()
    process.env.BENCH_SANDBOX_NODE_ARGS = saved
    if (saved === undefined) delete process.env.BENCH_SANDBOX_NODE_ARGS
    const sqs = new SQSClient(awsConfig(sandbox.endpoint))
    try {
      const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'momento-eb-dlq'}))
      rows.idle.push(mib((await memory(sandbox.endpoint)).rss))
      const httpMs = await fillOutage(sandbox.endpoint, QueueUrl, viaHttp)
      rows.http.push(viaHttp / (httpMs / 1000))
      rows.seed.push(await seedOutage(sandbox.endpoint, QueueUrl, count - viaHttp, {first: viaHttp}))
      const {Attributes} = await sqs.send(
        new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessages']}),
      )
      if (Number(Attributes?.ApproximateNumberOfMessages) !== count) {
        throw new Error(`the queue holds ${Attributes?.ApproximateNumberOfMessages} messages, not ${count}`)
      }
      await sleep(1_000)
      rows.beforeGc.push(rssMiB(sandbox.pid))
      const full = await memory(sandbox.endpoint)
      rows.full.push(Math.max(mib(full.rss), rssMiB(sandbox.pid)))
      rows.heap.push(mib(full.heapUsed))
      await sqs.send(new PurgeQueueCommand({QueueUrl}))
      await sleep(5_000)
      rows.purgedNatural.push(rssMiB(sandbox.pid))
      const purged = await memory(sandbox.endpoint)
      await sleep(1_000)
      rows.purged.push(rssMiB(sandbox.pid))
      rows.purgedHeap.push(mib(purged.heapUsed))
    } finally {
      sqs.destroy()
      await sandbox.stop()
    }
  }
  const mb = (value) => Math.round(value * 1.048576)
  const label = `${count.toLocaleString('en-US')} DLQ messages`
  const m = (key) => median(rows[key])
  return [
    {
      name: `sandbox resident memory holding ${label} (EventBridge events of ~${Math.round(bodyBytes / 1000)} bytes, 6 DLQ attributes; after a full GC)`,
      value: `${mb(m('full'))} MB, heap ${mb(m('heap'))} MB (before the GC ${mb(m('beforeGc'))} MB; idle ${mb(m('idle'))} MB)`,
      target: quick ? '(quick run)' : '< 1,500 MB',
      pass: mb(Math.max(m('full'), m('beforeGc'))) < 1500,
    },
    {
      name: `sandbox after PurgeQueue of the ${label}: resident 5 s later (no GC asked) / after a full GC`,
      value: `${mb(m('purgedNatural'))} MB / ${mb(m('purged'))} MB, heap ${mb(m('purgedHeap'))} MB`,
      target: '',
      pass: true,
    },
    {
      name: `sandbox fill over HTTP: SendMessageBatch of 10, 32 calls at once, first ${viaHttp.toLocaleString('en-US')} messages (localhost, no added latency)`,
      value: `${Math.round(m('http')).toLocaleString('en-US')} messages/s`,
      target: '',
      pass: true,
    },
    {
      name: `sandbox fill by the benchmark seed route (POST /_sandbox/sqs/seed), the other ${(count - viaHttp).toLocaleString('en-US')}`,
      value: `${(m('seed') / 1000).toFixed(1)} s`,
      target: '',
      pass: true,
    },
  ]
}
