// Helpers shared by the benchmark scripts: medians, a sandbox child process, RSS, SDK config.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Agent} from 'node:http'

import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge'
import {NodeHttpHandler} from '@smithy/node-http-handler'

export const BENCH_API_KEY = 'bench-api-key-not-secret'
const API_KEY = BENCH_API_KEY

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Start `momento-eb sandbox` as a child process; resolves with its ready line and pid. `dir`: the
 * checkout to run it from; `nodeArgs`: node flags (default BENCH_SANDBOX_NODE_ARGS).
 */
export function startSandboxProcess(
  extraArgs = [],
  {dir = process.cwd(), nodeArgs = process.env.BENCH_SANDBOX_NODE_ARGS} = {},
) {
  const child = spawn(
    process.execPath,
    [
      ...(nodeArgs?.split(' ').filter(Boolean) ?? []),
      join(dir, 'bin/run.js'),
      'sandbox',
      '--port',
      '0',
      '--json',
      '--cache',
      'bench',
      '--api-key',
      API_KEY,
      ...extraArgs,
    ],
    {cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, MOMENTO_EB_SANDBOX_API_KEY: ''}},
  )
  return new Promise((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        const ready = JSON.parse(buffer.slice(0, newline))
        resolve({...ready, pid: child.pid, stop: () => stopChild(child)})
      }
    })
    child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)))
  })
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

export function awsConfig(endpoint) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
    requestHandler: new NodeHttpHandler({httpAgent: new Agent({keepAlive: true, maxSockets: 64})}),
  }
}

export async function pool(total, concurrency, task) {
  let next = 0
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (next < total) await task(next++)
    }),
  )
}

/**
 * The benchmarks' delivery pipeline on a sandbox: a connection, an API destination for cacheSet (with no
 * practical rate limit: the AWS default of 300/s would cap the pipeline, and the benchmarks measure the
 * sandbox itself), a rule and its target shaped as the stack's. Returns the rule's and the target's ARNs
 * (what a dead letter's RULE_ARN and TARGET_ARN name).
 */
export async function createCacheSetPipeline(eb, endpoint, apiKey, {name = 'bench', rule = 'bench-set'} = {}) {
  const connection = await eb.send(
    new CreateConnectionCommand({
      Name: name,
      AuthorizationType: 'API_KEY',
      AuthParameters: {ApiKeyAuthParameters: {ApiKeyName: 'Authorization', ApiKeyValue: apiKey}},
    }),
  )
  const destination = await eb.send(
    new CreateApiDestinationCommand({
      Name: `${name}-set`,
      ConnectionArn: connection.ConnectionArn,
      InvocationEndpoint: `${endpoint}/cache/*`,
      HttpMethod: 'PUT',
      InvocationRateLimitPerSecond: 1_000_000,
    }),
  )
  const created = await eb.send(new PutRuleCommand({Name: rule, EventPattern: '{"detail-type":["cacheSet"]}'}))
  await eb.send(
    new PutTargetsCommand({
      Rule: rule,
      Targets: [
        {
          Id: 'set',
          Arn: destination.ApiDestinationArn,
          RoleArn: 'arn:aws:iam::000000000000:role/bench',
          HttpParameters: {
            PathParameterValues: ['$.detail.cacheName'],
            QueryStringParameters: {
              key: '$.detail.key',
              key_base64: '$.detail.key_base64',
              ttl_seconds: '$.detail.ttl',
            },
          },
          InputTransformer: {InputPathsMap: {message: '$.detail.message'}, InputTemplate: '"<message>"'},
          RetryPolicy: {MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60},
        },
      ],
    }),
  )
  return {ruleArn: created.RuleArn, targetArn: destination.ApiDestinationArn}
}
