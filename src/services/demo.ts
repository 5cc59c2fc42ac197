/**
 * `momento-eb demo`: the whole story on an in-process sandbox, with no AWS account. Deploy the stack
 * into the sandbox, publish a realistic mix of events (some fail for different reasons), read the
 * decoded dead-letter queue, fix the causes, redrive, and end with the DLQ empty. The same services
 * the other commands use do the work; this module only composes and narrates, over `DemoWorld` (the
 * sandbox and the adapters, wired by src/wiring/demo.ts).
 */
import type {DlqQueuePort, DlqRecord} from '../core/dlq.js'
import {DEFAULT_STACK} from '../core/config.js'
import {summarize} from '../core/dlq-filter.js'
import {buildJourney, journeyLines} from '../core/event-journey.js'
import {memoryJournal} from '../core/journal.js'
import {validateDetail, type MomentoEvent} from '../core/momento-events.js'
import {toPutEntry, type EventsPort} from '../core/put-entries.js'
import type {RuleStatus} from '../core/redrive-plan.js'
import {summarizePlan} from '../core/stack-plan.js'
import {OUTPUT} from '../core/stack-template.js'
import {renderStackTemplate} from '../core/stack-template-text.js'
import {buildSnapshot, metricSpecs, targetFromOutputs, TOP_WINDOWS, windowRange} from '../core/top-model.js'
import {deployStack, type DeployPorts} from './deploy.js'
import {busLogDecoder, type BusLogLookup} from './dlq-bus-logs.js'
import {diagnosingDecoder, type DiagnosisPorts} from './dlq-diagnose.js'
import {peekDlq, type PeekResult} from './dlq-list.js'
import {redriveQueue} from './redrive.js'
import type {TopSources} from './top.js'

/** The running sandbox and the adapters pointed at it. */
export interface DemoWorld extends DiagnosisPorts {
  readonly endpoint: string
  readonly region: string
  /** The sandbox's Momento key (it accepts any; the stack's secret holds this one). */
  readonly apiKey: string
  readonly stack: DeployPorts
  readonly events: EventsPort
  queue(queueUrl: string): DlqQueuePort
  describeRule(ruleArn: string): Promise<RuleStatus>
  /** The event bus's log records of these events (FilterLogEvents). */
  busLogs(logGroupName: string): BusLogLookup
  metrics(
    specs: Parameters<TopSources['metrics']>[0],
    range: Parameters<TopSources['metrics']>[1],
  ): ReturnType<TopSources['metrics']>
  alarms(names: readonly string[]): ReturnType<TopSources['alarms']>
  /** A sandbox admin route (`/_sandbox/...`): faults, caches, delivery counters. */
  admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>
}

/** How the story is told: plain lines, with a heading per step. */
export interface DemoNarrator {
  step(title: string): void
  line(text: string): void
}

/** Hooks for an interactive run: look at the DLQ, and say yes or no to a fix. */
export interface DemoInteraction {
  /** Called once the sandbox listens. */
  onSandbox?(endpoint: string): void
  /** Show the dead-letter queue (the watch view); resolves when the user is done looking. */
  browse?(queue: DlqQueuePort): Promise<void>
  /** Ask before applying a fix; without it every fix is applied. */
  confirm?(question: string): Promise<boolean>
}

/** What `demo --json` returns. */
export interface DemoResult {
  endpoint: string
  stack: string
  published: number
  delivered: number
  deadLettered: number
  reasons: Record<string, number>
  redriven: number
  dlqEmpty: boolean
  /** Fixes the user declined (their events are expected to stay in the DLQ). */
  declinedFixes: string[]
  durationMs: number
}

const STACK = DEFAULT_STACK
const GOOD_CACHE = 'orders'
const MISSING_CACHE = 'inventory'
const FLAKY_CACHE = 'payments'
const SLOW_CACHE = 'sessions'
/** The demo's sandbox waits 1/50 of AWS's retry backoff and times calls out after 0.5 s (AWS: 5 s). */
const TIME_SCALE = 0.02
const TIMEOUT_MS = 500

/** The sandbox the demo needs: its caches (not the missing one), and time running faster. */
export const DEMO_SANDBOX = {
  caches: [GOOD_CACHE, FLAKY_CACHE, SLOW_CACHE],
  timeScale: TIME_SCALE,
  apiDestinationTimeoutMs: TIMEOUT_MS,
} as const

/** Tell the story in the world given (the sandbox already runs; the caller closes it). */
export async function story(
  sandbox: DemoWorld,
  narrator: DemoNarrator,
  interaction: DemoInteraction,
  started: number,
): Promise<DemoResult> {
  const {step, line} = {step: narrator.step.bind(narrator), line: narrator.line.bind(narrator)}

  step('1. A sandbox instead of an AWS account')
  line(`EventBridge, SQS, CloudFormation, Secrets Manager, STS and the Momento HTTP API run at ${sandbox.endpoint}.`)
  line(`Momento caches: ${GOOD_CACHE}, ${FLAKY_CACHE}, ${SLOW_CACHE}. (No cache "${MISSING_CACHE}": that comes later.)`)
  line(
    `Time runs faster here: retries wait 1/${Math.round(1 / TIME_SCALE)} as long, calls time out after ${TIMEOUT_MS} ms.`,
  )

  step(`2. Deploy the integration stack (${STACK})`)
  const ports = sandbox.stack
  let events = 0
  const deployed = await deployStack(
    {
      stackName: STACK,
      templateBody: JSON.stringify(JSON.parse(renderStackTemplate('json'))),
      apiKey: sandbox.apiKey,
      momentoEndpoint: sandbox.endpoint,
      sandbox: true,
      maxRetryAttempts: 2,
      maxEventAgeSeconds: 120,
      invocationRateLimit: 300,
      region: sandbox.region,
      poll: {minMs: 50, maxMs: 200},
    },
    ports,
    {
      requestApiKey: async () => sandbox.apiKey,
      confirmRecreate: async () => true,
      confirmDestructivePlan: async () => true,
      onPlan: (plan) => line(`Plan: ${summarizePlan(plan)}: ${plan.map((row) => row.logicalId).join(', ')}.`),
      onEvent: () => void events++,
    },
  )
  line(`Stack ${deployed.stack}: ${deployed.status} after ${events} stack events.`)
  const dlqUrl = deployed.outputs['DlqUrl']
  if (!dlqUrl) throw new Error('The stack has no DlqUrl output.')
  const queue = sandbox.queue(dlqUrl)

  step('3. Publish a realistic mix of events')
  const sent = await publishMix(sandbox)
  for (const [what, count] of sent.lines) line(`${String(count).padStart(2)} × ${what}`)

  step('4. Wait for EventBridge to deliver, retry and dead-letter')
  const settled = await waitForSettle(sandbox, queue, sent.expectedFailures)
  line(`Delivered to Momento: ${settled.delivered}. In the dead-letter queue: ${settled.dlqDepth}.`)

  step('5. Why did they fail? (`momento-eb dlq list`)')
  // First what the DLQ messages alone say: AWS may word a Momento error with neither status nor body.
  const bare = await peekDlq(queue, {limit: 100, decode: {region: sandbox.region}})
  line('What the DLQ messages alone say (AWS may not say which status Momento answered):')
  describeFailures(bare.records, line)
  // Then with the key: one read-only probe per cache settles what the retry pattern left open.
  const decoder = diagnosingDecoder(
    {region: sandbox.region},
    {
      endpointOfTarget: (arn) => sandbox.endpointOfTarget(arn),
      probe: (endpoint, cache) => sandbox.probe(endpoint, cache),
    },
    {fallbackEndpoint: sandbox.endpoint},
  )
  const logGroup = deployed.outputs[OUTPUT.logGroupName]
  const probed = logGroup ? undefined : await peekDlq(queue, {limit: 100, decoder})
  if (
    probed &&
    probed.records.some((r) => r.reason !== bare.records.find((b) => b.messageId === r.messageId)?.reason)
  ) {
    line('With your Momento key, one read-only look per cache settles them (`--diagnose`, the default with a key):')
    describeFailures(probed.records, line)
  }
  // Best of all, the event bus's own log of each attempt (deploy turns on error-level logs by default):
  // one FilterLogEvents lookup per page of messages.
  const withLogs = logGroup ? busLogDecoder(decoder, sandbox.busLogs(logGroup)) : undefined
  const peeked = withLogs ? await peekDlq(queue, {limit: 100, decoder: withLogs}) : (probed as PeekResult)
  if (withLogs) {
    line(`The event bus's log (${logGroup}) says what Momento answered at each attempt [evidence: bus-log]:`)
    describeFailures(peeked.records, line)
    line('(Without logs, `--diagnose` settles the open ones with a read-only look at Momento using your key.)')
  }
  const reasons = Object.fromEntries(summarize(peeked.records).groups.map((g) => [g.reason, g.count]))
  const retried = peeked.records.find((r) => (r.busLog?.attempts ?? 0) > 1) ?? peeked.records.find((r) => r.busLog)
  if (logGroup && retried?.event) {
    const id = retried.event.id
    step(`5b. One event's journey (\`momento-eb trace ${id}\`)`)
    const records = (await sandbox.busLogs(logGroup)({eventIds: [id], startTimeMs: undefined})).get(id)
    for (const text of journeyLines(buildJourney(id, records ?? [], {level: 'ERROR'}))) line(text)
  }
  if (interaction.browse) {
    line('Opening `momento-eb dlq watch` on the queue. Press q when you have looked around.')
    await interaction.browse(queue)
  }

  step('6. Fix the causes')
  const ask = interaction.confirm ?? (async () => true)
  if (interaction.confirm) {
    // Say what each answer leads to before asking: "N" (the default) must not look like a dead end.
    const missing = peeked.records.filter((r) => r.event?.detail['cacheName'] === MISSING_CACHE).length
    line(
      `Cache "${MISSING_CACHE}" doesn't exist. y creates it, and its ${missing} events are delivered when they are ` +
        `redriven. N (the default) leaves it missing: the demo redrives them anyway, they fail again and come back ` +
        'to the DLQ, and the demo ends there.',
    )
  }
  const created = await ask(`Cache "${MISSING_CACHE}" doesn't exist. Create it in the sandbox?`)
  if (created) {
    await sandboxCall(sandbox, 'POST', '/_sandbox/momento/caches', {name: MISSING_CACHE})
    line(`Created cache ${MISSING_CACHE}.`)
  } else {
    line(`Left cache ${MISSING_CACHE} missing: those events will fail again.`)
  }
  await sandboxCall(sandbox, 'DELETE', '/_sandbox/momento/faults')
  line(`Momento recovered: ${FLAKY_CACHE} stops answering 500 and ${SLOW_CACHE} answers in time again.`)
  const edits = new Map<string, Record<string, unknown>>()
  for (const record of peeked.records) {
    if (record.reason !== 'both-keys' || !record.event) continue
    const detail = Object.fromEntries(Object.entries(record.event.detail).filter(([k]) => k !== 'key_base64'))
    if (validateDetail(record.detailType, detail).ok) edits.set(record.messageId, detail)
  }
  if (edits.size > 0) line(`Edited ${edits.size} event that had both key and key_base64: kept key, dropped key_base64.`)

  step('7. Redrive (`momento-eb dlq redrive --all`)')
  if (!created) {
    line(
      `The events for cache ${MISSING_CACHE} are redriven anyway: each is published once, fails again and comes ` +
        'back to the DLQ. A run never redrives its own returns, so it ends and says how many came back.',
    )
  }
  const before = await deliveryCounters(sandbox)
  const summary = await redriveQueue(
    {
      queue,
      events: sandbox.events,
      journal: memoryJournal(),
      describeRule: (ruleArn) => sandbox.describeRule(ruleArn),
    },
    {rate: 0, edits, region: sandbox.region, waitSeconds: 1},
  )
  line(`Redriven ${summary.redriven}, failed ${summary.failed}, skipped ${summary.skipped}.`)
  // Every redriven event ends delivered or dead-lettered again; wait for all of them, not for an empty queue.
  const settledAgain = await waitForOutcomes(sandbox, before, summary.redriven)
  const final = await waitForEmpty(sandbox, queue, settledAgain.deadLettered === 0 ? 30_000 : 0)
  if (final.empty) {
    line(`The dead-letter queue is empty; Momento now has ${final.items} items across the caches.`)
  } else {
    const back = await peekDlq(queue, {limit: 100, decoder})
    const reasons = summarize(back.records)
      .groups.map((g) => `${g.reason}: ${g.count}`)
      .join(', ')
    line(
      `${settledAgain.deadLettered} came back to the DLQ (${reasons}) because their cause was not fixed; ` +
        `the queue still holds ${final.depth}. Fix it, then redrive again.`,
    )
    if (!created) line('The demo ends here; its sandbox closes with it.')
  }

  step('8. A glance at the integration (`momento-eb top`)')
  await glanceAtTop(sandbox, deployed.outputs, line)

  step('Next')
  line('Run it for real: `momento-eb sandbox` in one terminal, then in another')
  line('`momento-eb sandbox cache create orders` (the sandbox starts with no caches), `momento-eb deploy --sandbox`,')
  line(
    '`momento-eb put cacheSet --sandbox --cache orders --key k --ttl 60 --message hi --wait`, `momento-eb dlq watch --sandbox`.',
  )
  return {
    endpoint: sandbox.endpoint,
    stack: STACK,
    published: sent.total,
    delivered: settled.delivered,
    deadLettered: peeked.records.length,
    reasons,
    redriven: summary.redriven,
    dlqEmpty: final.empty,
    declinedFixes: created ? [] : [`create cache ${MISSING_CACHE}`],
    durationMs: Date.now() - started,
  }
}

function event(detailType: string, detail: Record<string, unknown>): MomentoEvent {
  const result = validateDetail(detailType, detail)
  if (!result.ok) throw new Error(`demo event invalid: ${result.issues.map((i) => i.message).join(' ')}`)
  return result.event
}

async function publishMix(sandbox: DemoWorld) {
  // Faults first, so the events below meet them: a 500 outlasting the retries, and slow answers.
  await sandboxCall(sandbox, 'POST', '/_sandbox/momento/faults', {spec: `500@${FLAKY_CACHE}`})
  await sandboxCall(sandbox, 'POST', '/_sandbox/momento/faults', {spec: `latency=${TIMEOUT_MS * 3}@${SLOW_CACHE}`})
  const good: MomentoEvent[] = [
    ...['order-1001', 'order-1002', 'order-1003', 'order-1004', 'order-1005'].map((key, i) =>
      event('cacheSet', {
        cacheName: GOOD_CACHE,
        key,
        message: JSON.stringify({total: 20 + i, status: 'paid'}),
        ttl: 600,
      }),
    ),
    event('cacheDelete', {cacheName: GOOD_CACHE, key: 'order-1001'}),
    event('cacheDelete', {cacheName: GOOD_CACHE, key: 'order-0999'}),
    event('topicPublish', {cacheName: GOOD_CACHE, topicName: 'shipped', message: 'order-1002'}),
    event('topicPublish', {cacheName: GOOD_CACHE, topicName: 'shipped', message: 'order-1003'}),
  ]
  const bad: MomentoEvent[] = [
    event('cacheSet', {cacheName: MISSING_CACHE, key: 'sku-1', message: '12', ttl: 3600}),
    event('cacheSet', {cacheName: MISSING_CACHE, key: 'sku-2', message: '7', ttl: 3600}),
    event('cacheSet', {cacheName: FLAKY_CACHE, key: 'pay-1', message: 'captured', ttl: 600}),
    event('cacheSet', {cacheName: SLOW_CACHE, key: 'session-1', message: 'active', ttl: 600}),
  ]
  const entries = [...good, ...bad].map((e) => toPutEntry(e, {source: 'momento-eb.demo', bus: 'default'}))
  // A producer that skips momento-eb's validation sends both key and key_base64.
  entries.push({
    Source: 'legacy-producer',
    DetailType: 'cacheSet',
    Detail: JSON.stringify({
      cacheName: GOOD_CACHE,
      key: 'order-1006',
      key_base64: 'b3JkZXItMTAwNg',
      message: 'x',
      ttl: 60,
    }),
    EventBusName: 'default',
  })
  const port = sandbox.events
  for (let i = 0; i < entries.length; i += 10) {
    const results = await port.putEvents(entries.slice(i, i + 10))
    const refused = results.filter((r) => !('eventId' in r)).length
    if (refused > 0) throw new Error(`PutEvents refused ${refused} demo events`)
  }
  return {
    total: entries.length,
    expectedFailures: bad.length + 1,
    lines: [
      [`cacheSet to cache ${GOOD_CACHE}`, 5],
      [`cacheDelete from cache ${GOOD_CACHE}`, 2],
      [`topicPublish to ${GOOD_CACHE}/shipped`, 2],
      [`cacheSet to cache ${MISSING_CACHE}, which doesn't exist`, 2],
      [`cacheSet to cache ${FLAKY_CACHE}, where Momento answers 500 (more often than the retries allow)`, 1],
      [`cacheSet to cache ${SLOW_CACHE}, where Momento answers after ${TIMEOUT_MS * 3} ms (a timeout)`, 1],
      ['cacheSet with both key and key_base64, from a producer that skips validation', 1],
    ] as Array<[string, number]>,
  }
}

async function waitForSettle(sandbox: DemoWorld, queue: DlqQueuePort, expected: number) {
  const deadline = Date.now() + 60_000
  for (;;) {
    const counters = (await sandboxCall(sandbox, 'GET', '/_sandbox/deliveries?limit=0')) as {
      counters: {delivered: number; deadLettered: number}
    }
    const depth = await queue.depth()
    const dlqDepth = depth.visible + depth.inFlight
    if (dlqDepth >= expected || Date.now() > deadline) return {delivered: counters.counters.delivered, dlqDepth}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

interface DeliveryCounters {
  delivered: number
  deadLettered: number
}

async function deliveryCounters(sandbox: DemoWorld): Promise<DeliveryCounters> {
  const out = (await sandboxCall(sandbox, 'GET', '/_sandbox/deliveries?limit=0')) as {counters: DeliveryCounters}
  return {delivered: out.counters.delivered, deadLettered: out.counters.deadLettered}
}

/** Wait until `count` more events were delivered or dead-lettered than `before` (at most 30 s). */
async function waitForOutcomes(sandbox: DemoWorld, before: DeliveryCounters, count: number) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const now = await deliveryCounters(sandbox)
    const outcome = {delivered: now.delivered - before.delivered, deadLettered: now.deadLettered - before.deadLettered}
    if (outcome.delivered + outcome.deadLettered >= count || Date.now() > deadline) return outcome
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function waitForEmpty(sandbox: DemoWorld, queue: DlqQueuePort, waitMs = 30_000) {
  const deadline = Date.now() + waitMs
  for (;;) {
    const depth = await queue.depth()
    const remaining = depth.visible + depth.inFlight
    const caches = (await sandboxCall(sandbox, 'GET', '/_sandbox/momento/caches')) as {
      caches: Array<{itemCount: number}>
    }
    const items = caches.caches.reduce((sum, c) => sum + c.itemCount, 0)
    if (remaining === 0 || Date.now() > deadline) return {empty: remaining === 0, depth: remaining, items}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** What `momento-eb top --json` would show, in a few lines: the rules' counts, the DLQ and the alarms. */
async function glanceAtTop(
  sandbox: DemoWorld,
  outputs: Readonly<Record<string, string>>,
  line: (text: string) => void,
): Promise<void> {
  const target = targetFromOutputs(STACK, outputs)
  const nowMs = Date.now()
  const range = windowRange(TOP_WINDOWS['5m'], nowMs)
  const [series, alarms] = await Promise.all([
    sandbox.metrics(metricSpecs(target), range),
    sandbox.alarms(target.alarms.map((a) => a.name)),
  ])
  const snapshot = buildSnapshot({
    target,
    window: '5m',
    nowMs,
    metrics: {status: 'ok', value: {range, series}, at: nowMs},
    depth: {status: 'off'},
    alarms: {status: target.alarms.length > 0 ? 'ok' : 'off', value: alarms, at: nowMs},
    sample: {status: 'off'},
  })
  line('Per rule over the last 5 minutes (CloudWatch AWS/Events metrics):')
  for (const rule of snapshot.rules) {
    line(
      `  ${rule.detailType.padEnd(12)} invocations ${rule.invocations.total ?? '-'}, failed ${rule.failures.total ?? '-'}, ` +
        `retries ${rule.retries.total ?? '-'}, to the DLQ ${rule.dlqWrites.total ?? '-'}, lost ${rule.dlqWriteFailures.total ?? '-'}`,
    )
  }
  for (const alarm of snapshot.alarms.items) line(`  alarm ${alarm.name}: ${alarm.state}`)
  line('`momento-eb top` shows this live, with sparklines; `momento-eb status` lists each alarm and what to do.')
}

function describeFailures(records: readonly DlqRecord[], line: (text: string) => void): void {
  const byReason = new Map<string, DlqRecord[]>()
  for (const record of records) byReason.set(record.reason, [...(byReason.get(record.reason) ?? []), record])
  for (const [reason, group] of byReason) {
    const first = group[0] as DlqRecord
    line(`${reason} × ${group.length} [evidence: ${first.evidence}]: ${first.explanation}`)
    line(`  fix: ${first.fix}${first.fixCommand ? ` (${first.fixCommand})` : ''}`)
  }
}

function sandboxCall(sandbox: DemoWorld, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  return sandbox.admin(method, path, body)
}
