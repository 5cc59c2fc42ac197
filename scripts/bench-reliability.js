// `npm run bench -- reliability`: long reliability trials against the BUILT CLI and a sandbox process.
// Correctness counts are what matter here (500s, hangs, silent-endpoint exits), not speed.
// - fuzz: random requests across the sandbox's services (EventBridge, SQS, CloudFormation, STS, Secrets
//   Manager, Momento, /_sandbox): HTTP 500s and hangs (no answer in 10 s), RSS before and after. The
//   generator follows test/reliability/sandbox-fuzz.test.ts (a seeded PRNG, broken bodies, odd strings).
// - silent: every command that talks to AWS or Momento against a TCP server that accepts and never
//   answers, with --call-timeout 1s: each must end within its bound with exit 5.
// - scenarios: the DLQ data scenarios' e2e files (rule disabled/deleted, journal full, stale collapse).
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {pool, rssMiB, startSandboxProcess} from './bench-lib.js'

function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = (rand, items) => items[Math.floor(rand() * items.length)]
const FIELDS = [
  'Name',
  'EventBusName',
  'Entries',
  'QueueUrl',
  'MaxNumberOfMessages',
  'StackName',
  'SecretId',
  'Rule',
  'Targets',
  'EventPattern',
  'ConnectionArn',
  'Detail',
  'DetailType',
  'Source',
  'ReceiptHandle',
  'Limit',
]
const JSON_TARGETS = [
  ...[
    'PutEvents',
    'DescribeEventBus',
    'ListRules',
    'PutRule',
    'PutTargets',
    'DescribeRule',
    'ListTargetsByRule',
    'CreateConnection',
    'DescribeConnection',
    'CreateApiDestination',
    'DescribeApiDestination',
    'Bogus',
  ].map((o) => `AWSEvents.${o}`),
  ...[
    'SendMessage',
    'ReceiveMessage',
    'DeleteMessageBatch',
    'GetQueueAttributes',
    'CreateQueue',
    'PurgeQueue',
    'ChangeMessageVisibilityBatch',
    'GetQueueUrl',
  ].map((o) => `AmazonSQS.${o}`),
  ...['GetSecretValue', 'CreateSecret', 'PutSecretValue', 'DescribeSecret'].map((o) => `secretsmanager.${o}`),
  '',
  'Nope.Nothing',
]
const QUERY_ACTIONS = [
  ['GetCallerIdentity', '2011-06-15'],
  ['CreateQueue', '2012-11-05'],
  ['DescribeStacks', '2010-05-15'],
  ['CreateChangeSet', '2010-05-15'],
  ['DescribeStackEvents', '2010-05-15'],
  ['Bogus', '2012-11-05'],
]
const MOMENTO_PATHS = [
  '/cache/fuzz',
  '/cache/nope',
  '/topics/fuzz/t',
  '/cache/',
  '/topics/',
  '/_sandbox/momento/caches',
  '/_sandbox/momento/requests',
  '/_sandbox/momento/faults',
  '/_sandbox/deliveries',
  '/_sandbox/info',
  '/%zz',
  '/cache/fuzz?key=',
]

function randomString(rand) {
  return pick(rand, [
    () => '',
    () => 'x'.repeat(Math.floor(rand() * 300)),
    () => `arn:aws:events:us-east-1:000000000000:rule/${Math.floor(rand() * 1e6)}`,
    () => `http://127.0.0.1:1/000000000000/q${Math.floor(rand() * 10)}`,
    () => '\u0000\u0001\uFFFF\uD800',
    () => '{"detail-type":["cacheSet"]}',
    () => '%%%%',
    () => '💥'.repeat(5),
    () => String(Math.floor(rand() * 1e9)),
    () => 'default',
  ])()
}

function randomValue(rand, depth = 0) {
  const r = rand()
  if (depth > 3 || r < 0.3) return randomString(rand)
  if (r < 0.4) return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1)
  if (r < 0.45) return rand() < 0.5
  if (r < 0.5) return null
  if (r < 0.7) return Array.from({length: Math.floor(rand() * 12)}, () => randomValue(rand, depth + 1))
  return randomObject(rand, depth + 1)
}

function randomObject(rand, depth = 0) {
  const object = {}
  const count = Math.floor(rand() * 6)
  for (let i = 0; i < count; i++)
    object[rand() < 0.8 ? pick(rand, FIELDS) : randomString(rand)] = randomValue(rand, depth)
  return object
}

function randomJsonBody(rand) {
  const r = rand()
  if (r < 0.05) return ''
  if (r < 0.1) return '{'
  if (r < 0.15) return '[1,2,3]'
  if (r < 0.25) return Buffer.from([0xff, 0xfe, 0x00, 0x7b])
  if (r < 0.3) return JSON.stringify(randomObject(rand)).slice(0, -1)
  return JSON.stringify(randomObject(rand))
}

function randomQueryBody(rand) {
  const [action, version] = pick(rand, QUERY_ACTIONS)
  const params = new URLSearchParams()
  if (rand() < 0.95) params.set('Action', action)
  if (rand() < 0.9) params.set('Version', version)
  for (let i = Math.floor(rand() * 8); i > 0; i--) params.append(pick(rand, FIELDS), randomString(rand))
  return params.toString() + (rand() < 0.05 ? '&%zz=%' : '')
}

/** encodeURIComponent, with lone surrogates sent as the raw bytes of their (invalid) UTF-8 form. */
function encodeQuery(value) {
  try {
    return encodeURIComponent(value)
  } catch {
    return '%ED%A0%80'
  }
}

const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=00'

/** One random request: JSON protocol (EventBridge, SQS, Secrets Manager), query protocol (STS, SQS, CFN), or Momento/_sandbox. */
function randomRequest(rand) {
  const kind = rand()
  if (kind < 0.45) {
    const headers = {
      'content-type': `application/x-amz-json-${rand() < 0.5 ? '1.1' : '1.0'}`,
      'x-amz-target': pick(rand, JSON_TARGETS),
    }
    if (rand() < 0.9) headers.authorization = AUTH
    return {method: rand() < 0.95 ? 'POST' : 'GET', path: '/', headers, body: randomJsonBody(rand)}
  }
  if (kind < 0.7) {
    const headers = {'content-type': 'application/x-www-form-urlencoded'}
    if (rand() < 0.9) headers.authorization = AUTH
    return {method: 'POST', path: rand() < 0.8 ? '/' : '/000000000000/q', headers, body: randomQueryBody(rand)}
  }
  const headers =
    rand() < 0.7
      ? {authorization: rand() < 0.5 ? 'bench-api-key-not-secret' : randomString(rand).replace(/[^\x20-\x7e]/g, '')}
      : {}
  const path = `${pick(rand, MOMENTO_PATHS)}${rand() < 0.5 ? `?key=${encodeQuery(randomString(rand))}&ttl_seconds=${Math.floor(rand() * 1e6) - 10}` : ''}`
  return {
    method: pick(rand, ['GET', 'PUT', 'POST', 'DELETE', 'PATCH']),
    path,
    headers,
    body: rand() < 0.5 ? randomString(rand) : randomJsonBody(rand),
  }
}

async function benchFuzz(quick) {
  const total = quick ? 2000 : 20_000
  const rand = prng(20261206)
  const requests = Array.from({length: total}, () => randomRequest(rand))
  const statuses = new Map()
  let serverErrors = 0
  let hangs = 0
  let refused = 0
  const sandbox = await startSandboxProcess()
  const before = rssMiB(sandbox.pid)
  try {
    await pool(total, 16, async (i) => {
      const {method, path, headers, body} = requests[i]
      try {
        const res = await fetch(`${sandbox.endpoint}${path}`, {
          method,
          headers,
          ...(method === 'GET' || method === 'HEAD' ? {} : {body}),
          signal: AbortSignal.timeout(10_000),
        })
        await res.arrayBuffer()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status >= 500 && res.status !== 503) serverErrors++
      } catch (error) {
        if (error?.name === 'TimeoutError') hangs++
        else refused++
      }
    })
    const after = rssMiB(sandbox.pid)
    const spread = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')
    return [
      {
        name: `sandbox fuzz: ${total} random requests across EventBridge, SQS, CloudFormation, STS, Secrets Manager, Momento and /_sandbox (16 in flight; statuses ${spread})`,
        value: `${serverErrors} HTTP 5xx (other than 503), ${hangs} hangs (> 10 s), ${refused} connection errors`,
        target: '0 and 0',
        pass: serverErrors === 0 && hangs === 0 && refused === 0,
      },
      {
        name: 'sandbox resident memory before / after the fuzz',
        value: `${Math.round(before)} MiB / ${Math.round(after)} MiB`,
        target: '',
        pass: true,
      },
    ]
  } finally {
    await sandbox.stop()
  }
}

/** A TCP server that accepts connections and never answers. */
function silentServer() {
  const sockets = new Set()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy()
            server.close(() => r())
          }),
      }),
    )
  })
}

function runCli(args, env, timeoutMs) {
  return new Promise((resolve) => {
    const start = performance.now()
    const child = spawn(process.execPath, ['bin/run.js', ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    child.stdout.resume()
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr, seconds: (performance.now() - start) / 1000})
    })
  })
}

async function benchSilent() {
  const silent = await silentServer()
  const url = `http://127.0.0.1:${silent.port}`
  const home = mkdtempSync(join(tmpdir(), 'momento-eb-bench-silent-'))
  const queue = `${url}/000000000000/momento-api-dlq`
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    MOMENTO_EB_STATE_DIR: join(home, 'state'),
    MOMENTO_API_KEY: 'bench-silent-key-not-secret',
    NO_COLOR: '1',
    CI: 'true',
  }
  const common = ['--endpoint-url', url, '--call-timeout', '1s']
  const file = join(home, 'events.ndjson')
  const {writeFileSync} = await import('node:fs')
  writeFileSync(file, '{"detailType":"cacheDelete","detail":{"cacheName":"orders","key":"k"}}\n')
  const commands = [
    ['whoami'],
    ['status'],
    ['deploy', '--momento-endpoint', `https://127.0.0.1:${silent.port}`, '--yes'],
    ['destroy', '--yes'],
    ['put', 'cacheSet', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'm'],
    ['put', 'cacheDelete', '--cache', 'orders', '--key', 'k'],
    ['put', 'topicPublish', '--cache', 'orders', '--topic', 't', '--message', 'm'],
    ['put', '--file', file],
    [
      'put',
      'cacheDelete',
      '--cache',
      'orders',
      '--key',
      'k',
      '--wait',
      '--queue-url',
      queue,
      '--timeout',
      '5s',
      '--momento-endpoint',
      url,
    ],
    ['dlq', 'list', '--queue-url', queue],
    ['dlq', 'export', '--queue-url', queue, '--file', join(home, 'export.ndjson')],
    ['dlq', 'purge', '--queue-url', queue, '--yes'],
    ['dlq', 'redrive', '--queue-url', queue, '--all', '--yes'],
  ]
  // Bound: a few calls of 1 s each (with the SDK's retries) plus process start on a loaded machine.
  const boundSeconds = 30
  const failures = []
  let ok = 0
  try {
    for (const command of commands) {
      const result = await runCli([...command, ...common], env, boundSeconds * 1000 + 5000)
      if (result.code === 5 && result.seconds <= boundSeconds) ok++
      else
        failures.push(
          `${command.slice(0, 2).join(' ')}: exit ${result.code ?? result.signal} in ${result.seconds.toFixed(1)} s (${result.stderr.split('\n')[0]})`,
        )
    }
  } finally {
    await silent.close()
    rmSync(home, {recursive: true, force: true})
  }
  return [
    {
      name: `silent endpoint (accepts, never answers), --call-timeout 1s: ${commands.length} commands end with exit 5 within ${boundSeconds} s${failures.length ? ` (failed: ${failures.join('; ')})` : ''}`,
      value: `${ok} / ${commands.length}`,
      target: `${commands.length} / ${commands.length}`,
      pass: ok === commands.length,
    },
  ]
}

function benchScenarios() {
  const files = ['test/e2e/dlq-redrive-rule.test.ts', 'test/e2e/dlq-redrive.test.ts']
  const result = spawnSync('npx', ['vitest', 'run', ...files, '--reporter=json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
  })
  let report
  try {
    report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')))
  } catch {
    return [
      {
        name: `data scenarios (${files.join(', ')})`,
        value: `vitest output unreadable (exit ${result.status})`,
        target: 'all pass',
        pass: false,
      },
    ]
  }
  return [
    {
      name: `data scenarios: rule disabled/deleted, journal full, stale collapse (${files.join(', ')}, via vitest)`,
      value: `${report.numPassedTests} passed, ${report.numFailedTests} failed of ${report.numTotalTests}`,
      target: 'all pass',
      pass: report.numFailedTests === 0 && report.numTotalTests > 0,
    },
  ]
}

export async function benchReliability({quick}) {
  // BENCH_RELIABILITY_PARTS=fuzz,silent,… runs only some parts.
  const parts = {
    fuzz: () => benchFuzz(quick),
    silent: () => benchSilent(),
    scenarios: async () => benchScenarios(),
  }
  const only = process.env.BENCH_RELIABILITY_PARTS?.split(',').filter(Boolean)
  const rows = []
  for (const [name, part] of Object.entries(parts)) {
    if (only && !only.includes(name)) continue
    process.stderr.write(`bench: reliability: ${name}…\n`)
    rows.push(...(await part()))
  }
  return rows
}
