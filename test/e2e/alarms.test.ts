/**
 * Metrics and alarms end to end: deploy with --alarm-email on the sandbox through the built CLI,
 * publish events that are delivered and events that dead-letter, read the AWS/Events and AWS/SQS
 * metrics with the real adapter (one GetMetricData), see the DLQ alarm go to ALARM (and the SNS
 * notification the sandbox records instead of sending), `status` show it with what to do, redrive
 * the DLQ and see the alarm return to OK; then remove the e-mail and refuse a bad address.
 */
import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createAwsClients, type AwsClients} from '../../src/adapters/aws/clients.js'
import {describeAlarms, getMetricSeries} from '../../src/adapters/aws/cloudwatch.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

interface Notifications {
  topics: {topicArn: string; subscriptions: {protocol: string; endpoint: string; status: string}[]}[]
  notifications: {topicArn: string; subject: string; message: string}[]
}

describe('metrics and alarms', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let clients: AwsClients
  const stack = uniqueName('momento-alarms')
  /**
   * In the test process (a spawn costs ~1 s of CPU), but `dlq redrive`: it sets V8's heap flags for the
   * whole process (cli/lean-heap.ts), which must not happen to the test worker other files share.
   */
  const cli = (args: string[]) =>
    runCli(args, {env, timeoutMs: 60_000, inProcess: !(args[0] === 'dlq' && args[1] === 'redrive')})
  let outputs: Record<string, string>

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    eb = new EventBridgeClient(clientConfig(sandbox))
    clients = createAwsClients({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
    })
  })
  afterAll(async () => {
    eb?.destroy()
    clients?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('refuses an address that is not one before any AWS call (exit 2)', async () => {
    const bad = await cli(['deploy', '--sandbox', '--stack', stack, '--alarm-email', 'ops at example', '--json'])
    expect(bad.code, show(bad)).toBe(2)
    expect(bad.stdout + bad.stderr).toContain('is not an e-mail address')
    const status = await cli(['status', '--sandbox', '--stack', stack, '--json'])
    expect(status.code).toBe(1) // the stack was never created
  })

  it('deploys the alarms and the e-mail topic (subscription pending confirmation)', async () => {
    const result = await cli(['deploy', '--sandbox', '--stack', stack, '--alarm-email', 'ops@example.com', '--json'])
    expect(result.code, show(result)).toBe(0)
    outputs = (stdoutJson(result) as {outputs: Record<string, string>}).outputs
    expect(outputs['DlqMessagesAlarmName']).toBe(`${stack}-dlq-holds-messages`)
    expect(outputs['EventsLostAlarmName']).toBe(`${stack}-events-lost`)
    expect(outputs['AlarmTopicArn']).toMatch(/^arn:aws:sns:us-east-1:\d{12}:/)
    const sns = await inspect<Notifications>(sandbox, '/_sandbox/notifications')
    expect(sns.topics).toEqual([
      {
        topicArn: outputs['AlarmTopicArn'],
        name: expect.any(String),
        subscriptions: [
          {
            subscriptionArn: expect.any(String),
            protocol: 'email',
            endpoint: 'ops@example.com',
            status: 'PendingConfirmation',
          },
        ],
      },
    ])
    const alarms = await describeAlarms(clients, [
      outputs['DlqMessagesAlarmName'] as string,
      outputs['FailureRatioAlarmName'] as string,
    ])
    expect(alarms.map((a) => a.name).sort()).toEqual([`${stack}-dlq-holds-messages`, `${stack}-failure-ratio`])
  })

  it('publishes AWS/Events metrics that match the deliveries, and the DLQ alarm goes to ALARM and notifies', async () => {
    const started = Date.now()
    const entries = [
      ...Array.from({length: 3}, (_, i) => ({cacheName: 'orders', key: `ok-${i}`, message: 'v', ttl: 60})),
      ...Array.from({length: 4}, (_, i) => ({cacheName: 'not-yet', key: `dead-${i}`, message: 'v', ttl: 60})),
    ]
    const put = await eb.send(
      new PutEventsCommand({
        Entries: entries.map((d) => ({Source: 'test', DetailType: 'cacheSet', Detail: JSON.stringify(d)})),
      }),
    )
    expect(put.FailedEntryCount ?? 0).toBe(0)
    const counters = await until('7 invocations ended', async () => {
      const c = (
        await inspect<{counters: {delivered: number; deadLettered: number}}>(sandbox, '/_sandbox/deliveries?limit=0')
      ).counters
      return c.delivered + c.deadLettered >= 7 ? c : undefined
    })
    expect(counters).toMatchObject({delivered: 3, deadLettered: 4})

    const ruleName = (outputs['CacheSetRuleArn'] as string).split('/').pop() as string
    const dims = {RuleName: ruleName}
    const queueName = (outputs['DlqUrl'] as string).split('/').pop() as string
    const spec = (
      id: string,
      metricName: string,
      stat = 'Sum',
      namespace = 'AWS/Events',
      d: Record<string, string> = dims,
    ) => ({
      id,
      namespace,
      metricName,
      dimensions: d,
      stat,
    })
    const window = {startMs: started - 120_000, endMs: Date.now() + 60_000, periodSeconds: 60}
    const total = (values: readonly number[] | undefined) => (values ?? []).reduce((s, v) => s + v, 0)
    const series = await until('the DLQ depth metric', async () => {
      const s = await getMetricSeries(
        clients,
        [
          spec('inv', 'Invocations'),
          spec('failed', 'FailedInvocations'),
          spec('sent', 'InvocationsSentToDlq'),
          spec('attempts', 'InvocationAttempts'),
          spec('ok', 'SuccessfulInvocationAttempts'),
          spec('lost', 'InvocationsFailedToBeSentToDlq'),
          spec('latency', 'IngestiontoInvocationStartLatency', 'Maximum'),
          spec('depth', 'ApproximateNumberOfMessagesVisible', 'Maximum', 'AWS/SQS', {QueueName: queueName}),
        ],
        window,
      )
      return (s.get('depth')?.values ?? []).some((v) => v >= 4) ? s : undefined
    })
    expect(total(series.get('inv')?.values)).toBe(7)
    expect(total(series.get('failed')?.values)).toBe(4)
    expect(total(series.get('sent')?.values)).toBe(4)
    expect(total(series.get('ok')?.values)).toBe(3)
    expect(total(series.get('attempts')?.values)).toBe(7) // a 404 is not retried
    // Nothing failed to reach the DLQ: no datapoint at all (AWS publishes no zeros for it).
    expect(series.get('lost')?.values).toEqual([])
    expect(series.get('latency')?.values.length).toBeGreaterThan(0)
    // Oldest first, as the adapter asks (ScanBy TimestampAscending).
    const times = series.get('inv')?.timestamps ?? []
    expect([...times].sort((a, b) => a - b)).toEqual(times)

    const alarmName = outputs['DlqMessagesAlarmName'] as string
    const alarmed = await until('the DLQ alarm in ALARM', async () => {
      const [view] = await describeAlarms(clients, [alarmName])
      return view?.state === 'ALARM' ? view : undefined
    })
    // The alarm fires at the first evaluation that sees a dead letter: on a loaded machine the four
    // arrive over more than one tick, so the datapoint that crossed can be 1 to 4.
    expect(alarmed.reason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[[1-4]\.0 /)
    const sns = await inspect<Notifications>(sandbox, '/_sandbox/notifications')
    const sent = sns.notifications.filter((n) => n.topicArn === outputs['AlarmTopicArn'])
    expect(sent.map((n) => n.subject)).toContain(`ALARM: "${alarmName}" in US East (N. Virginia)`)
    expect(JSON.parse(sent.find((n) => n.subject.startsWith('ALARM'))?.message ?? '{}')).toMatchObject({
      AlarmName: alarmName,
      NewStateValue: 'ALARM',
      Trigger: {MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS'},
    })
    // 4 of 7 failed is over 5 %: the metric-math ratio alarm fired too.
    const ratioName = outputs['FailureRatioAlarmName'] as string
    const subjects = async () =>
      (await inspect<Notifications>(sandbox, '/_sandbox/notifications')).notifications.map((n) => n.subject)
    // The ratio alarm's evaluation comes on the sandbox's timer (every 250 ms here), and every
    // evaluation's period reaches back to the previous one, so the burst is seen by the next tick.
    await until('the failure-ratio notification', async () =>
      (await subjects()).includes(`ALARM: "${ratioName}" in US East (N. Virginia)`) ? true : undefined,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; sent: ${JSON.stringify(await subjects())}`)
    })
    // Nothing was lost or throttled.
    const views = await describeAlarms(clients, [
      outputs['EventsLostAlarmName'] as string,
      outputs['ThrottledRulesAlarmName'] as string,
    ])
    expect(views.map((v) => v.state)).not.toContain('ALARM')
  }, 120_000)

  it('status shows each alarm state, and what to do for the one in ALARM', async () => {
    const status = await cli(['status', '--sandbox', '--stack', stack, '--json'])
    const report = stdoutJson(status) as {
      alarms: {key: string; name: string; state: string; action: string | null}[]
      problems: {severity: string; problem: string; fix: string}[]
    }
    expect(report.alarms.map((a) => a.key)).toEqual(['dlqMessages', 'eventsLost', 'throttled', 'failureRatio'])
    const dlq = report.alarms.find((a) => a.key === 'dlqMessages')
    expect(dlq?.state).toBe('ALARM')
    expect(dlq?.action).toContain(`momento-eb dlq list --sandbox --stack ${stack}`)
    // Nothing lost, nothing throttled. (The failure ratio, 4 of 7, may still be in ALARM: its
    // 5-minute period lasts 1 s in the sandbox at timeScale 0.001.)
    expect(report.alarms.filter((a) => a.key === 'eventsLost' || a.key === 'throttled').map((a) => a.action)).toEqual([
      null,
      null,
    ])
    // The DLQ depth is reported once (the DLQ check's warning), not again for its alarm; warnings only.
    expect(report.problems.filter((p) => /DLQ holds/.test(p.problem))).toHaveLength(1)
    expect(report.problems.every((p) => p.severity === 'warning')).toBe(true)
    expect(status.code).toBe(0)
    const human = await cli(['status', '--sandbox', '--stack', stack])
    expect(human.code, show(human)).toBe(0)
    expect(human.stdout).toMatch(new RegExp(`alarm +ALARM +${stack}-dlq-holds-messages`))
    // The command carries the run's context (issue 13: suggested commands keep --sandbox and --stack).
    expect(human.stdout).toContain(`→ Look at them with \`momento-eb dlq list --sandbox --stack ${stack}\``)
  })

  it('after a redrive empties the DLQ the alarm returns to OK', async () => {
    const created = await fetch(`${sandbox.endpoint}/_sandbox/momento/caches`, {
      method: 'POST',
      body: JSON.stringify({name: 'not-yet'}),
    })
    expect(created.status).toBeLessThan(300)
    const redrive = await cli(['dlq', 'redrive', '--sandbox', '--stack', stack, '--all', '--json'])
    expect(redrive.code, show(redrive)).toBe(0)
    const alarmName = outputs['DlqMessagesAlarmName'] as string
    const ok = await until('the DLQ alarm back to OK', async () => {
      const [view] = await describeAlarms(clients, [alarmName])
      return view?.state === 'OK' ? view : undefined
    })
    expect(ok.state).toBe('OK')
    const sns = await inspect<Notifications>(sandbox, '/_sandbox/notifications')
    expect(sns.notifications.map((n) => n.subject)).toContain(`OK: "${alarmName}" in US East (N. Virginia)`)
    const status = await cli(['status', '--sandbox', '--stack', stack, '--json'])
    expect(status.code, show(status)).toBe(0)
    const report = stdoutJson(status) as {alarms: {key: string; state: string}[]}
    expect(report.alarms.find((a) => a.key === 'dlqMessages')?.state).toBe('OK')
  })

  it('--alarm-email none removes the topic and the alarm actions', async () => {
    const result = await cli(['deploy', '--sandbox', '--stack', stack, '--alarm-email', 'none', '--yes', '--json'])
    expect(result.code, show(result)).toBe(0)
    const out = (stdoutJson(result) as {outputs: Record<string, string>}).outputs
    expect(out['AlarmTopicArn']).toBeUndefined()
    const sns = await inspect<Notifications>(sandbox, '/_sandbox/notifications')
    expect(sns.topics).toEqual([])
    const res = await clients.cloudWatch.send(
      new (await import('@aws-sdk/client-cloudwatch')).DescribeAlarmsCommand({
        AlarmNames: [out['DlqMessagesAlarmName'] as string],
      }),
    )
    expect(res.MetricAlarms?.[0]?.AlarmActions).toEqual([])
  })
})
