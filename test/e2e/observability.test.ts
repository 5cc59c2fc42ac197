/**
 * Issue 11's acceptance, end to end: the built CLI against the sandbox in its default OPAQUE failure
 * mode (a Momento error reaches the DLQ with neither status nor body). Deploy with event-bus logs
 * (INFO) and alarms; publish the mix of test/helpers/failure-mix.ts (delivered, missing cache 404,
 * wrong key 401, Momento 500 until the retries run out, a timeout); then:
 * - `trace ID --json` shows each event's real attempts and outcome (exit 0 delivered, 1 failed);
 * - `dlq list --json` decides every failure from the log (`evidence: bus-log`) with the right status;
 * - `top --json` counts per rule what the sandbox's pipeline did (`/_sandbox/deliveries`);
 * - the DLQ alarm goes to ALARM, and back to OK after the causes are fixed and `dlq redrive` ran.
 * Small numbers keep it quick: one retry (--max-retry-attempts 1), timeScale 0.001, a 400 ms API
 * destination timeout.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {TopSnapshot} from '../../src/core/top-model.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {deliveries, MIX_CASES, type MixCase, publishMix, startMixSandbox} from '../helpers/failure-mix.js'
import {inspect, until} from '../helpers/integration.js'
import {uniqueName} from '../helpers/sandbox.js'

interface Journey {
  eventId: string
  outcome: string
  final: boolean
  reason?: string
  ingest: {status: string}
  invocations: Array<{
    ruleArn: string
    outcome: string
    totalAttempts?: number
    attempts: Array<{number: number; result: string; httpStatus?: number; reason?: string; message?: string}>
  }>
}
interface Row {
  reason: string
  evidence: string
  httpStatus?: number
  event?: {id: string}
  busLog?: {httpStatus?: number; attempts?: number; errorMessage?: string}
}

/** What each case must show: outcome, HTTP status of every attempt (undefined: no answer), reason. */
const EXPECTED: Record<Exclude<MixCase, 'delivered'>, {statuses: Array<number | undefined>; reason: string}> = {
  missing: {statuses: [404], reason: 'cache-not-found'},
  wrongKey: {statuses: [401, 401], reason: 'key-invalid'},
  serverError: {statuses: [500, 500], reason: 'server-error'},
  timeout: {statuses: [undefined, undefined], reason: 'timeout'},
}

describe('observability acceptance: logs, trace, dlq join, top, alarms (opaque mode)', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let ids: Record<MixCase, string>
  let outputs: Record<string, string>
  const stack = uniqueName('observed')
  const cli = (args: string[]) => runCli([...args, '--sandbox'], {env, timeoutMs: 60_000, inProcess: true})
  const top = async () => {
    const run = await cli(['top', '--stack', stack, '--json', '--window', '5m'])
    expect(run.code, show(run)).toBe(0)
    return stdoutJson(run) as TopSnapshot
  }
  const dlqAlarm = (snap: TopSnapshot) => snap.alarms.items.find((a) => a.key === 'dlqMessages')?.state

  beforeAll(async () => {
    sandbox = await startMixSandbox()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    const deployed = await cli([
      'deploy',
      '--stack',
      stack,
      '--logs',
      'info',
      '--alarm-email',
      'ops@example.com',
      '--max-retry-attempts',
      '1',
      '--yes',
      '--json',
    ])
    expect(deployed.code, show(deployed)).toBe(0)
    outputs = (stdoutJson(deployed) as {outputs: Record<string, string>}).outputs
    expect(outputs['BusLogGroupName']).toBeDefined()
    expect(outputs['DlqMessagesAlarmName']).toBeDefined()
    ids = await publishMix(sandbox)
  }, 60_000)
  afterAll(async () => {
    await sandbox?.close()
    home?.cleanup()
  })

  it('trace shows each event’s real attempts and outcome (exit 0 delivered, 1 failed)', async () => {
    const runs = await Promise.all(
      MIX_CASES.map((c) => cli(['trace', ids[c], '--stack', stack, '--follow', '--timeout', '15s', '--json'])),
    )
    const journeys = Object.fromEntries(
      MIX_CASES.map((c, i) => {
        const run = runs[i]!
        expect(run.code, `${c}: ${show(run)}`).toBe(c === 'delivered' ? 0 : 1)
        return [c, stdoutJson(run) as Journey]
      }),
    ) as Record<MixCase, Journey>

    const delivered = journeys.delivered
    expect(delivered).toMatchObject({eventId: ids.delivered, outcome: 'delivered', final: true})
    expect(delivered.ingest.status).toBe('accepted')
    expect(delivered.invocations).toHaveLength(1)
    expect(delivered.invocations[0]).toMatchObject({ruleArn: outputs['CacheSetRuleArn'], totalAttempts: 1})

    // The pipeline's own record of the attempts: what the journey must show.
    const log = (await deliveries(sandbox)).deliveries
    for (const c of ['missing', 'wrongKey', 'serverError', 'timeout'] as const) {
      const j = journeys[c]
      const want = EXPECTED[c]
      expect(j, c).toMatchObject({eventId: ids[c], outcome: 'dead-lettered', final: true, reason: want.reason})
      expect(j.invocations, c).toHaveLength(1)
      const inv = j.invocations[0]!
      expect(inv, c).toMatchObject({ruleArn: outputs['CacheSetRuleArn'], outcome: 'dead-lettered'})
      expect(inv.totalAttempts, c).toBe(want.statuses.length)
      expect(
        inv.attempts.map((a) => [a.number, a.httpStatus]),
        c,
      ).toEqual(want.statuses.map((s, n) => [n + 1, s]))
      const real = log.filter((d) => d.eventId === ids[c]).sort((a, b) => a.attempt - b.attempt)
      expect(
        real.map((d) => d.response?.status),
        c,
      ).toEqual(want.statuses)
    }
    // Momento's own words reach the journey even though the DLQ text is opaque.
    expect(journeys.missing.invocations[0]!.attempts[0]!.message).toContain('Not Found')
    expect(journeys.wrongKey.invocations[0]!.attempts.at(-1)!.message).toContain('Unauthorized')
    // The attempts before the last were retried, the last one ended the invocation.
    expect(journeys.serverError.invocations[0]!.attempts.map((a) => a.result)).toEqual([
      'retryable-failure',
      'retryable-failure',
    ])
  })

  it('dlq list decides every failure from the bus log (evidence bus-log, the right status)', async () => {
    const run = await cli(['dlq', 'list', '--stack', stack, '--json', '--no-diagnose'])
    expect(run.code, show(run)).toBe(0)
    const out = stdoutJson(run) as {count: number; records: Row[]; busLogs?: {lookups: number; decided: number}}
    expect(out.count).toBe(4)
    const byEvent = new Map(out.records.map((r) => [r.event?.id, r]))
    for (const c of ['missing', 'wrongKey', 'serverError', 'timeout'] as const) {
      const r = byEvent.get(ids[c])
      const want = EXPECTED[c]
      expect(r, c).toBeDefined()
      expect([r?.reason, r?.evidence, r?.busLog?.attempts], c).toEqual([want.reason, 'bus-log', want.statuses.length])
      expect(r?.httpStatus, c).toBe(want.statuses.at(-1))
    }
    expect(byEvent.get(ids.timeout)?.busLog?.errorMessage).toMatch(/timeout|timed out/i)
    // One page, one FilterLogEvents lookup; the log decided all four.
    expect(out.busLogs).toMatchObject({lookups: 1, decided: 4})
  })

  it('top counts per rule what the sandbox delivered, and the DLQ alarm goes to ALARM', async () => {
    const {counters, deliveries: log} = await deliveries(sandbox)
    const setRule = outputs['CacheSetRuleArn'] as string
    const mine = log.filter((d) => d.ruleArn === setRule)
    const invocations = mine.filter((d) => d.attempt === 1).length
    const retries = mine.filter((d) => d.attempt > 1).length
    const dead = mine.filter((d) => d.outcome === 'dead-lettered').length
    // Everything the sandbox did was this rule's (its `invocations` counter counts attempts, retries included).
    expect([invocations, mine.length, retries, dead]).toEqual([
      counters.matchedEvents,
      counters.invocations,
      counters.retries,
      counters.deadLettered,
    ])
    expect([invocations, retries, dead]).toEqual([5, 3, 4])

    const snap = await until(
      'top to show the counts and the DLQ alarm in ALARM',
      async () => {
        const s = await top()
        return s.rules[0]?.invocations.total === invocations && dlqAlarm(s) === 'ALARM' ? s : undefined
      },
      20_000,
    )
    const [cacheSet, cacheDelete, topicPublish] = snap.rules
    expect(cacheSet).toMatchObject({
      detailType: 'cacheSet',
      invocations: {total: invocations},
      failures: {total: counters.failedInvocations},
      retries: {total: retries},
      dlqWrites: {total: dead},
      dlqWriteFailures: {total: 0},
      throttles: {total: 0},
    })
    expect(cacheDelete?.invocations.total).toBe(0)
    expect(topicPublish?.invocations.total).toBe(0)
    expect(snap.dlq?.depth.visible).toBe(4)
    const reasons = Object.fromEntries(snap.failures.top.map((f) => [f.reason, f.count]))
    expect(reasons).toEqual({'cache-not-found': 1, 'key-invalid': 1, 'server-error': 1, timeout: 1})
    // The alarm's notification, recorded by the sandbox's SNS instead of an e-mail.
    const sns = await inspect<{notifications: Array<{subject: string}>}>(sandbox, '/_sandbox/notifications')
    expect(sns.notifications.some((n) => n.subject.includes('ALARM'))).toBe(true)
  })

  it('after fixing the causes, dlq redrive delivers all four and the DLQ alarm returns to OK', async () => {
    const created = await cli(['sandbox', 'cache', 'create', 'missing'])
    expect(created.code, show(created)).toBe(0)
    const cleared = await cli(['sandbox', 'fault', 'clear'])
    expect(cleared.code, show(cleared)).toBe(0)
    const before = (await deliveries(sandbox)).counters.delivered

    const redrive = await cli(['dlq', 'redrive', '--stack', stack, '--all', '--yes', '--no-collapse', '--json'])
    expect(redrive.code, show(redrive)).toBe(0)
    expect(stdoutJson(redrive)).toMatchObject({redriven: 4})
    await until(
      'the four redriven events delivered',
      async () => ((await deliveries(sandbox)).counters.delivered - before >= 4 ? true : undefined),
      15_000,
    )
    const items = await inspect<{items: Array<{key: string}>}>(sandbox, '/_sandbox/momento/caches/missing/items')
    expect(items.items.map((i) => i.key)).toContain('k-missing')

    const snap = await until(
      'the DLQ alarm back to OK',
      async () => {
        const s = await top()
        return dlqAlarm(s) === 'OK' ? s : undefined
      },
      20_000,
    )
    expect(snap.dlq?.depth.visible).toBe(0)
    expect(snap.rules[0]?.invocations.total).toBe(9)
    // Nothing was lost on the way.
    expect(snap.alarms.items.find((a) => a.key === 'eventsLost')?.state).toBe('OK')
  })
})
