// `npm run bench -- reliability`: long reliability trials against the BUILT CLI and a sandbox process.
// Correctness counts are what matter here (500s, hangs, silent-endpoint exits), not speed.
// - fuzz: random requests across the sandbox's services (EventBridge, SQS, CloudFormation, STS, Secrets
//   Manager, Momento, /_sandbox): HTTP 500s and hangs (no answer in 10 s), RSS before and after. The
//   generator follows test/reliability/sandbox-fuzz.test.ts (a seeded PRNG, broken bodies, odd strings).
// - silent: every command that talks to AWS or Momento against a TCP server that accepts and never
//   answers, with --call-timeout 1s: each must end within its bound with exit 5.
// - scenarios: the DLQ data scenarios' e2e files (rule disabled/deleted, journal full, stale collapse).
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DescribeConnectionCommand, EventBridgeClient, ListConnectionsCommand} from '@aws-sdk/client-eventbridge'
import {GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient} from '@aws-sdk/client-secrets-manager'
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'

import {awsConfig, BENCH_API_KEY, createCacheSetPipeline, pool, rssMiB, startSandboxProcess} from './bench-lib.js'

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

const BIN = join(process.cwd(), 'bin', 'run.js')

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
    const child = spawn(process.execPath, [BIN, ...args], {env, cwd: env.HOME, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (c) => (stderr += c))
    child.stdout.on('data', (c) => (stdout += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr, seconds: (performance.now() - start) / 1000})
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

/** Every file under `dir`, recursively (the state dir, the exported files). */
function filesUnder(dir) {
  const out = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path))
    else if (entry.isFile()) out.push(path)
  }
  return out
}

/**
 * With a real-looking MOMENTO_API_KEY exported (a v1-style base64 key), run the commands that could
 * leak it, then search every output, every file they wrote, and the sandbox's state for the key.
 */
async function benchSecrets() {
  const secret = `eyJ${Buffer.from(
    JSON.stringify({
      endpoint: 'cell-4-us-west-2-1.prod.a.momentohq.com',
      api_key: randomBytes(48).toString('base64url'),
    }),
  )
    .toString('base64')
    .slice(3)}`
  const home = mkdtempSync(join(tmpdir(), 'momento-eb-bench-secrets-'))
  const saved = process.env.MOMENTO_API_KEY
  process.env.MOMENTO_API_KEY = secret
  const sandbox = await startSandboxProcess()
  if (saved === undefined) delete process.env.MOMENTO_API_KEY
  else process.env.MOMENTO_API_KEY = saved
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
    MOMENTO_EB_STATE_DIR: join(home, 'state'),
    XDG_CONFIG_HOME: join(home, 'config'),
    MOMENTO_API_KEY: secret,
    NO_COLOR: '1',
    CI: 'true',
  }
  const texts = [JSON.stringify(sandbox)]
  const clientConfig = awsConfig(sandbox.endpoint)
  const sqs = new SQSClient(clientConfig)
  const eb = new EventBridgeClient(clientConfig)
  const sm = new SecretsManagerClient(clientConfig)
  let commands = 0
  let succeeded = 0
  try {
    const run = async (args) => {
      const result = await runCli(args, env, 120_000)
      commands++
      if (result.code === 0) succeeded++
      texts.push(result.stdout, result.stderr)
      return result
    }
    const deployed = await run(['deploy', '--sandbox', '--json'])
    if (deployed.code !== 0) throw new Error(`deploy --sandbox failed: ${deployed.stderr}`)
    const dlqUrl = JSON.parse(deployed.stdout).outputs?.DlqUrl
    if (!dlqUrl) throw new Error(`deploy --sandbox --json printed no DlqUrl: ${deployed.stdout}`)
    await run(['put', 'cacheSet', '--sandbox', '--cache', 'bench', '--key', 'k', '--ttl', '60', '--message', 'm'])
    await run(['put', 'cacheDelete', '--sandbox', '--cache', 'bench', '--key', 'k'])
    await run(['put', 'topicPublish', '--sandbox', '--cache', 'bench', '--topic', 't', '--message', 'm'])
    // Events that fail (a cache that doesn't exist) and one written straight into the DLQ.
    await run(['put', 'cacheSet', '--sandbox', '--cache', 'missing', '--key', 'k', '--ttl', '60', '--message', 'm'])
    {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: JSON.stringify({
            version: '0',
            id: 'secret-sweep',
            'detail-type': 'cacheSet',
            source: 'momento-eb',
            account: '000000000000',
            time: new Date().toISOString(),
            region: 'us-east-1',
            resources: [],
            detail: {cacheName: 'bench', key: 'k2', message: 'm', ttl: 60},
          }),
        }),
      )
    }
    await run(['whoami', '--sandbox', '--json'])
    await run(['status', '--sandbox', '--json'])
    await run(['dlq', 'list', '--sandbox', '--json'])
    await run(['dlq', 'list', '--sandbox', '--diagnose'])
    await run(['dlq', 'export', '--sandbox', '--file', join(home, 'export.ndjson')])
    await run(['dlq', 'redrive', '--sandbox', '--all', '--yes', '--json'])
    await run(['environment', '--json'])
    await run(['config', 'list', '--json'])
    for (const file of filesUnder(home)) texts.push(readFileSync(file, 'latin1'))
    // The sandbox's state: its inspection routes, every secret's value, every connection.
    const routes = [
      '/_sandbox/info',
      '/_sandbox/deliveries',
      '/_sandbox/pipeline/failure-detail',
      '/_sandbox/momento/caches',
      '/_sandbox/momento/caches/bench/items',
      '/_sandbox/momento/topics',
      '/_sandbox/momento/topics/bench/t',
      '/_sandbox/momento/faults',
      '/_sandbox/momento/rate-limit',
      '/_sandbox/momento/requests',
    ]
    for (const route of routes) texts.push(await (await fetch(`${sandbox.endpoint}${route}`)).text())
    const {SecretList = []} = await sm.send(new ListSecretsCommand({}))
    for (const {ARN} of SecretList)
      texts.push(JSON.stringify(await sm.send(new GetSecretValueCommand({SecretId: ARN}))))
    const {Connections = []} = await eb.send(new ListConnectionsCommand({}))
    for (const {Name} of Connections) texts.push(JSON.stringify(await eb.send(new DescribeConnectionCommand({Name}))))
    texts.push(JSON.stringify(await sqs.send(new ListQueuesCommand({}))))
    const occurrences = texts.reduce((n, text) => n + text.split(secret).length - 1, 0)
    return [
      {
        name:
          `secret sweep: a v1-style MOMENTO_API_KEY exported; ${commands} command runs (${succeeded} exit 0) (deploy, put ×4, whoami, status, dlq list/export/redrive, …), ` +
          `the sandbox's output, ${filesUnder(home).length} files written, ${routes.length} /_sandbox routes, ` +
          `${SecretList.length} secret value(s), ${Connections.length} connection(s) searched`,
        value: `${occurrences} occurrences of the key`,
        target: '0',
        pass: occurrences === 0,
      },
    ]
  } finally {
    sqs.destroy()
    eb.destroy()
    sm.destroy()
    await sandbox.stop()
    rmSync(home, {recursive: true, force: true})
  }
}

const KILL_CACHE = 'bench'
const KILL_RULE = 'rel-set'

/** A rule on the default bus sending cacheSet events to the sandbox's Momento route (as AWS would). */
async function deployCacheSetRule(endpoint) {
  const eb = new EventBridgeClient(awsConfig(endpoint))
  try {
    return await createCacheSetPipeline(eb, endpoint, BENCH_API_KEY, {name: 'rel', rule: KILL_RULE})
  } finally {
    eb.destroy()
  }
}

async function sandboxJson(endpoint, path, init) {
  const res = await fetch(`${endpoint}${path}`, init)
  const text = await res.text()
  return text ? JSON.parse(text) : undefined
}

/** Wait until the delivery pipeline has settled (no change in its counters for 1 s); return them. */
async function settledCounters(endpoint) {
  let last = ''
  for (let i = 0; i < 600; i++) {
    const {counters} = await sandboxJson(endpoint, '/_sandbox/deliveries?limit=0')
    const now = JSON.stringify(counters)
    if (now === last) return counters
    last = now
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new Error('the delivery pipeline never settled')
}

/** Distinct keys with `prefix` in the bench cache (each key delivered at least once). */
async function deliveredKeys(endpoint, prefix) {
  const {items} = await sandboxJson(endpoint, `/_sandbox/momento/caches/${KILL_CACHE}/items`)
  return new Set(items.map((i) => i.key).filter((k) => k?.startsWith(prefix))).size
}

async function queueDepth(sqs, queueUrl) {
  const {Attributes = {}} = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
}

/** Spawn the CLI, SIGKILL it after `killAfterMs` (if still running); resolve with how it ended. */
function runAndKill(args, env, killAfterMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, cwd: env.HOME, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr})
    })
  })
}

/**
 * SIGKILL trials: `dlq redrive --rate 0` of a DLQ and `put --file` of an NDJSON file, each killed at a
 * random point, then run again (redrive: until the DLQ is empty; put: with --resume). Counted from the
 * sandbox: distinct keys that reached the cache (delivered), deliveries beyond one per key
 * (duplicated), and keys neither delivered nor still in the DLQ (lost).
 */
async function benchKill(quick) {
  const trials = quick ? 3 : 20
  const redriveSize = quick ? 1000 : 5000
  const putSize = quick ? 4000 : 20_000
  const rand = prng(7)
  const sandbox = await startSandboxProcess()
  const home = mkdtempSync(join(tmpdir(), 'momento-eb-bench-kill-'))
  const sqs = new SQSClient(awsConfig(sandbox.endpoint))
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
    MOMENTO_EB_STATE_DIR: join(home, 'state'),
    XDG_CONFIG_HOME: join(home, 'config'),
    NO_COLOR: '1',
    CI: 'true',
  }
  const totals = {
    redrive: {lost: 0, duplicated: 0, maxDuplicated: 0, killed: 0, leftInDlq: 0, failed: 0},
    put: {lost: 0, duplicated: 0, maxDuplicated: 0, killed: 0, fresh: 0, failed: 0},
  }
  const problems = []
  try {
    const {ruleArn, targetArn} = await deployCacheSetRule(sandbox.endpoint)
    for (let t = 0; t < trials; t++) {
      // --- dlq redrive --rate 0, killed, then run again until the DLQ is empty.
      const prefix = `r${t}-`
      const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: `rel-dlq-${t}`}))
      const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
      await pool(redriveSize / 10, 16, async (b) => {
        const Entries = Array.from({length: 10}, (_, j) => {
          const i = b * 10 + j
          return {
            Id: `m${j}`,
            MessageBody: JSON.stringify({
              version: '0',
              id: `kill-${t}-${i}`,
              'detail-type': 'cacheSet',
              source: 'bench',
              account: '000000000000',
              time,
              region: 'us-east-1',
              resources: [],
              detail: {cacheName: KILL_CACHE, key: `${prefix}${i}`, message: 'v', ttl: 3600},
            }),
            MessageAttributes: {
              RULE_ARN: {DataType: 'String', StringValue: ruleArn},
              TARGET_ARN: {DataType: 'String', StringValue: targetArn},
              ERROR_CODE: {DataType: 'String', StringValue: 'ERROR_FROM_TARGET'},
              ERROR_MESSAGE: {
                DataType: 'String',
                StringValue: 'API destination endpoint returned HTTP 404 (Not Found)',
              },
              RETRY_ATTEMPTS: {DataType: 'String', StringValue: '0'},
            },
          }
        })
        const out = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries}))
        if (out.Failed?.length) throw new Error(`SendMessageBatch failed ${out.Failed.length}`)
      })
      let before = await settledCounters(sandbox.endpoint)
      const redriveArgs = ['dlq', 'redrive', '--sandbox', '--queue-url', QueueUrl, '--all', '--yes', '--rate', '0']
      const killAt = 300 + Math.floor(rand() * (quick ? 1500 : 3000))
      const first = await runAndKill([...redriveArgs, '--visibility-timeout', '5'], env, killAt)
      if (first.signal === 'SIGKILL') totals.redrive.killed++
      for (let run = 0; run < 6 && (await queueDepth(sqs, QueueUrl)) > 0; run++) {
        if (run > 0) await new Promise((r) => setTimeout(r, 6000))
        const again = await runAndKill(redriveArgs, env, 300_000)
        if (again.code !== 0)
          problems.push(`redrive trial ${t}: rerun exit ${again.code}: ${again.stderr.split('\n')[0]}`)
      }
      let after = await settledCounters(sandbox.endpoint)
      const left = await queueDepth(sqs, QueueUrl)
      let unique = await deliveredKeys(sandbox.endpoint, prefix)
      totals.redrive.leftInDlq += left
      totals.redrive.lost += Math.max(0, redriveSize - unique - left)
      const redriveDuplicates = Math.max(0, after.delivered - before.delivered - unique)
      totals.redrive.duplicated += redriveDuplicates
      totals.redrive.maxDuplicated = Math.max(totals.redrive.maxDuplicated, redriveDuplicates)
      totals.redrive.failed += after.failedInvocations - before.failedInvocations

      // --- put --file, killed, then put --file --resume.
      const putPrefix = `p${t}-`
      const file = join(home, `put-${t}.ndjson`)
      writeFileSync(
        file,
        Array.from({length: putSize}, (_, i) =>
          JSON.stringify({
            detailType: 'cacheSet',
            detail: {cacheName: KILL_CACHE, key: `${putPrefix}${i}`, message: 'v', ttl: 3600},
          }),
        ).join('\n') + '\n',
      )
      before = await settledCounters(sandbox.endpoint)
      const putKillAt = 300 + Math.floor(rand() * (quick ? 1500 : 4000))
      const put = await runAndKill(['put', '--sandbox', '--file', file], env, putKillAt)
      if (put.signal === 'SIGKILL') {
        totals.put.killed++
        let resumed = await runAndKill(['put', '--sandbox', '--file', file, '--resume'], env, 300_000)
        if (resumed.code === 2 && /No progress is recorded/.test(resumed.stderr)) {
          // Killed before its first progress record: what the message says to do is to run it again.
          totals.put.fresh++
          resumed = await runAndKill(['put', '--sandbox', '--file', file], env, 300_000)
        }
        if (resumed.code !== 0)
          problems.push(`put trial ${t}: rerun exit ${resumed.code}: ${resumed.stderr.split('\n')[0]}`)
      } else if (put.code !== 0) {
        problems.push(`put trial ${t}: exit ${put.code}: ${put.stderr.split('\n')[0]}`)
      }
      after = await settledCounters(sandbox.endpoint)
      unique = await deliveredKeys(sandbox.endpoint, putPrefix)
      totals.put.lost += putSize - unique
      const putDuplicates = Math.max(0, after.delivered - before.delivered - unique)
      totals.put.duplicated += putDuplicates
      totals.put.maxDuplicated = Math.max(totals.put.maxDuplicated, putDuplicates)
      totals.put.failed += after.failedInvocations - before.failedInvocations
      // Keep the sandbox small: empty the cache between trials.
      await sandboxJson(sandbox.endpoint, `/_sandbox/momento/caches/${KILL_CACHE}`, {method: 'DELETE'})
      await sandboxJson(sandbox.endpoint, '/_sandbox/momento/caches', {
        method: 'POST',
        headers: {'content-type': 'application/json'},
        body: JSON.stringify({name: KILL_CACHE}),
      })
      rmSync(file, {force: true})
      process.stderr.write(`bench: reliability: kill trial ${t + 1}/${trials}: ${JSON.stringify(totals)}\n`)
    }
  } finally {
    sqs.destroy()
    await sandbox.stop()
    rmSync(home, {recursive: true, force: true})
  }
  const r = totals.redrive
  const p = totals.put
  const note = problems.length
    ? ` (problems: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ' …' : ''})`
    : ''
  return [
    {
      name:
        `SIGKILL: dlq redrive --rate 0, ${trials} trials of ${redriveSize} messages, killed at a random point ` +
        `(${r.killed} killed mid-run) then run again until the DLQ is empty${note}`,
      value:
        `${r.lost} lost, ${r.duplicated} duplicated (at most ${r.maxDuplicated} in one trial; ` +
        `${r.leftInDlq} left in the DLQ, ${r.failed} failed deliveries)`,
      // README: "at most the messages in flight are published twice": 64 loops × 10 with --rate 0.
      target: '0 lost; duplicates ≤ 640 a trial (in flight)',
      pass: r.lost === 0 && r.maxDuplicated <= 640 && problems.length === 0,
    },
    {
      name:
        `SIGKILL: put --file, ${trials} trials of ${putSize} lines, killed at a random point ` +
        `(${p.killed} killed mid-run) then put --file --resume (${p.fresh} killed before any progress was ` +
        'recorded: run again without --resume, as the message says)',
      value: `${p.lost} lost, ${p.duplicated} duplicated (at most ${p.maxDuplicated} in one trial; ${p.failed} failed deliveries)`,
      // README: "after a SIGKILL it re-sends at most --concurrency × 10 events" (default 8 × 10).
      target: '0 lost; duplicates ≤ 80 a trial',
      pass: p.lost === 0 && p.maxDuplicated <= 80,
    },
  ]
}

export async function benchReliability({quick}) {
  // BENCH_RELIABILITY_PARTS=fuzz,silent,… runs only some parts.
  const parts = {
    kill: () => benchKill(quick),
    fuzz: () => benchFuzz(quick),
    silent: () => benchSilent(),
    secrets: () => benchSecrets(),
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
