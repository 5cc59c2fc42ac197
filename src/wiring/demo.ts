/**
 * The world of `momento-eb demo`: start the sandbox in-process, point the adapters at it, and let
 * services/demo.ts tell the story (commands/demo.ts is its oclif edge). Always closes the sandbox,
 * also when `signal` aborts (Ctrl-C) or a step fails.
 */
import {fetchBusLogRecords} from '../adapters/aws/logs.js'
import {createAwsClients} from '../adapters/aws/clients.js'
import {createDlqQueue} from '../adapters/aws/sqs.js'
import {apiDestinationEndpoint, createEventsPort, describeRuleStatus} from '../adapters/aws/eventbridge.js'
import {describeAlarms, getMetricSeries} from '../adapters/aws/cloudwatch.js'
import {createStackPorts} from '../adapters/aws/stack-resources.js'
import {probeMomentoCache} from '../adapters/momento/http.js'
import type {FailureDetail} from '../sandbox/pipeline/failures.js'
import {startSandbox} from '../sandbox/server.js'
import {
  DEMO_SANDBOX,
  story,
  type DemoInteraction,
  type DemoNarrator,
  type DemoResult,
  type DemoWorld,
} from '../services/demo.js'
import {SANDBOX_CREDENTIALS} from './sandbox.js'

export type {DemoInteraction, DemoNarrator, DemoResult} from '../services/demo.js'

/** Run the demo on a sandbox of its own. */
export async function runDemo(
  narrator: DemoNarrator,
  interaction: DemoInteraction = {},
  signal?: AbortSignal,
  options: {failureDetail?: FailureDetail} = {},
): Promise<DemoResult> {
  const started = Date.now()
  const sandbox = await startSandbox({
    port: 0,
    caches: [...DEMO_SANDBOX.caches],
    timeScale: DEMO_SANDBOX.timeScale,
    apiDestinationTimeoutMs: DEMO_SANDBOX.apiDestinationTimeoutMs,
    ...(options.failureDetail ? {failureDetail: options.failureDetail} : {}),
  })
  const clients = createAwsClients({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: {...SANDBOX_CREDENTIALS},
  })
  interaction.onSandbox?.(sandbox.endpoint)
  const abort = (): void => void sandbox.close()
  signal?.addEventListener('abort', abort, {once: true})
  const at = {sandboxUrl: sandbox.endpoint}
  const world: DemoWorld = {
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    apiKey: sandbox.apiKey,
    stack: createStackPorts(clients, at),
    events: createEventsPort(clients, at),
    queue: (queueUrl) => createDlqQueue(clients, queueUrl),
    describeRule: (ruleArn) => describeRuleStatus(clients, ruleArn, at),
    endpointOfTarget: (arn) => apiDestinationEndpoint(clients, arn, at),
    probe: (endpoint, cache) => probeMomentoCache(endpoint, sandbox.apiKey, cache),
    busLogs: (logGroupName) => (q) =>
      fetchBusLogRecords(clients, {logGroupName, eventIds: q.eventIds, startTimeMs: q.startTimeMs}, at),
    metrics: (specs, range) => getMetricSeries(clients, specs, range, at),
    alarms: (names) => describeAlarms(clients, names, at),
    admin: (method, path, body) => sandboxCall(sandbox.endpoint, method, path, body),
  }
  try {
    return await story(world, narrator, interaction, started)
  } finally {
    signal?.removeEventListener('abort', abort)
    clients.destroy()
    await sandbox.close()
  }
}

async function sandboxCall(endpoint: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${endpoint}${path}`, {
    method,
    ...(body === undefined ? {} : {body: JSON.stringify(body), headers: {'content-type': 'application/json'}}),
  })
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`)
  const text = await response.text()
  return text === '' ? undefined : JSON.parse(text)
}
