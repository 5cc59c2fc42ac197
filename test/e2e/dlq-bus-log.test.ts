/**
 * `dlq list | export | redrive` joined with the event bus's log, through the built CLI against the
 * sandbox in its opaque failure mode (a Momento 4xx/5xx reaches the DLQ with neither status nor body,
 * the worst case the public captures of AWS allow).
 *
 * 1. Runs everywhere: the log group comes from the stack's `BusLogGroupName` output; a stack without
 *    it makes no lookup; a log that can't be read (no such group, or no CloudWatch Logs at all) never
 *    fails the command: it decodes from the DLQ alone and says so once (stderr, or `busLogs.failure`
 *    in --json); `--no-logs` skips the lookup.
 * 2. Runs when the sandbox serves CloudWatch Logs (the logs piece of issue 11): records written by the
 *    test in AWS's documented shape, for the real event ids of real dead letters, decide each reason
 *    (`evidence: bus-log`) through the real FilterLogEvents path.
 * 3. The full path: records the sandbox's pipeline writes itself (deploy --logs error, the
 *    bus-log writer), for the failure mix of test/helpers/failure-mix.ts.
 */
import {CloudFormationClient, CreateStackCommand, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, type Integration, until} from '../helpers/integration.js'
import {type MixCase, publishMix, startMixSandbox} from '../helpers/failure-mix.js'
import {clientConfig, startTestSandbox, uniqueName, TEST_LONG_POLL_SCALE} from '../helpers/sandbox.js'

interface Row {
  cache?: string
  key?: string
  reason: string
  evidence: string
  httpStatus?: number
  errorCode?: string
  momentoTitle?: string
  event?: {id: string}
  busLog?: {httpStatus?: number; attempts?: number; errorMessage?: string; responseBody?: string}
  diagnosis?: unknown
}
interface ListJson {
  count: number
  records: Row[]
  busLogs?: {logGroup: string; lookups: number; decided: number; failure?: string}
}

const MISSING = 12 // more than one page of 10: the failure must still be said once

describe('dlq readers joined with the event bus log (opaque failure mode)', () => {
  let sandbox: RunningSandbox
  let main: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient
  let cfn: CloudFormationClient

  const depth = async (url: string) =>
    Number(
      (await sqs.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages']})))
        .Attributes?.ApproximateNumberOfMessages ?? 0,
    )
  const publish = (detail: Record<string, unknown>) =>
    eb.send(new PutEventsCommand({Entries: [{Source: 'test', DetailType: 'cacheSet', Detail: JSON.stringify(detail)}]}))
  const cli = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const run = await runCli([...args, '--sandbox'], {inProcess: true, env: {...env, ...extraEnv}})
    return run
  }
  /** A stack whose outputs point at the DLQ (and, when given, the bus-log group), as deploy's would. */
  const stackWith = async (outputs: Record<string, string>) => {
    const name = uniqueName('logs')
    await cfn.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify({
          Resources: {Placeholder: {Type: 'AWS::SQS::Queue'}},
          Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, {Value: v}])),
        }),
      }),
    )
    await until(`stack ${name}`, async () => {
      const stack = (await cfn.send(new DescribeStacksCommand({StackName: name}))).Stacks?.[0]
      if (stack?.StackStatus?.includes('FAILED') || stack?.StackStatus?.includes('ROLLBACK')) {
        throw new Error(`stack ${name}: ${stack.StackStatus} ${stack.StackStatusReason ?? ''}`)
      }
      return stack?.StackStatus === 'CREATE_COMPLETE' ? true : undefined
    })
    return name
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      caches: ['orders', 'broken'],
      failureDetail: 'opaque',
      longPollScale: TEST_LONG_POLL_SCALE,
    })
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    cfn = new CloudFormationClient(clientConfig(sandbox))
    main = await deployIntegrationWithSdk(sandbox, {retry: {MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600}})
    const fault = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'POST', body: '500@broken'})
    expect(fault.status).toBe(201)
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    for (let i = 0; i < MISSING; i++) await publish({cacheName: 'missing', key: `k-${i}`, message: 'v', ttl: 60})
    await publish({cacheName: 'broken', key: 'k-b', message: 'v', ttl: 60})
    await until(
      `${MISSING + 1} dead letters`,
      async () => ((await depth(main.dlqUrl)) >= MISSING + 1 ? true : undefined),
      30_000,
    )
  }, 60_000)

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    cfn?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  describe('wherever the sandbox runs', () => {
    it('a stack without BusLogGroupName: no lookup, no busLogs field, the DLQ decides as before', async () => {
      const stack = await stackWith({DlqUrl: main.dlqUrl})
      const run = await cli(['dlq', 'list', '--stack', stack, '--json', '--no-diagnose'])
      expect(run.code, show(run)).toBe(0)
      const out = JSON.parse(run.stdout) as ListJson
      expect(out.count).toBe(MISSING + 1)
      expect(out.busLogs).toBeUndefined()
      expect(new Set(out.records.map((r) => r.evidence))).toEqual(new Set(['retry-pattern']))
    })

    it('a log group that cannot be read: exit 0, decoded from the DLQ alone, the failure said once', async () => {
      const logGroup = `/aws/vendedlogs/events/${uniqueName('gone')}`
      const stack = await stackWith({DlqUrl: main.dlqUrl, BusLogGroupName: logGroup})
      const json = await cli(['dlq', 'list', '--stack', stack, '--json', '--no-diagnose'])
      expect(json.code, show(json)).toBe(0)
      const out = JSON.parse(json.stdout) as ListJson
      expect(out.count).toBe(MISSING + 1)
      expect(out.records.every((r) => r.evidence === 'retry-pattern' && r.busLog === undefined)).toBe(true)
      // Two pages, but after the failure the next page doesn't try again.
      expect(out.busLogs).toMatchObject({logGroup, lookups: 1, decided: 0})
      expect(out.busLogs?.failure).toMatch(/Can't read the event bus's logs/)
      const human = await cli(['dlq', 'list', '--stack', stack, '--no-diagnose'])
      expect(human.code, show(human)).toBe(0)
      expect(human.stderr.match(/The event bus's log couldn't be read/g), show(human)).toHaveLength(1)
      expect(human.stderr).toMatch(/--no-logs/)
      // The rows are all there (one TSV row per message off a terminal).
      expect(human.stdout.trim().split('\n')).toHaveLength(MISSING + 1)
    })

    it('--no-logs: no lookup, and dlq export / redrive --dry-run --reason go on without a readable log', async () => {
      const logGroup = `/aws/vendedlogs/events/${uniqueName('gone')}`
      const stack = await stackWith({DlqUrl: main.dlqUrl, BusLogGroupName: logGroup})
      const skipped = await cli(['dlq', 'list', '--stack', stack, '--json', '--no-diagnose', '--no-logs'])
      expect(skipped.code, show(skipped)).toBe(0)
      expect((JSON.parse(skipped.stdout) as ListJson).busLogs).toBeUndefined()

      const exported = await cli(['dlq', 'export', '--stack', stack, '--file', `${home.home}/dlq.ndjson`, '--json'])
      expect(exported.code, show(exported)).toBe(0)
      expect(JSON.parse(exported.stdout)).toMatchObject({exported: MISSING + 1, busLogs: {logGroup, lookups: 1}})

      const before = await depth(main.dlqUrl)
      const dry = await cli([
        'dlq',
        'redrive',
        '--stack',
        stack,
        '--reason',
        'refused',
        '--dry-run',
        '--no-diagnose',
        '--json',
      ])
      expect(dry.code, show(dry)).toBe(0)
      const result = JSON.parse(dry.stdout) as {redriven: number; busLogs?: {failure?: string}}
      expect(result.redriven).toBe(MISSING)
      expect(result.busLogs?.failure).toMatch(/Can't read the event bus's logs/)
      expect(await depth(main.dlqUrl)).toBe(before)
    })
  })

  /**
   * With the sandbox's CloudWatch Logs: the test writes the records EventBridge would (AWS's
   * documented schema, ERROR level) for the real event ids of the dead letters, in a real log group,
   * and the CLI reads them back with FilterLogEvents. Skipped where the sandbox has no Logs API yet.
   */
  describe('with records in the sandbox’s CloudWatch Logs', async () => {
    const probe = await startTestSandbox()
    const logsClient = new CloudWatchLogsClient(clientConfig(probe))
    const served = await logsClient
      .send(new CreateLogGroupCommand({logGroupName: 'probe'}))
      .then(() => true)
      .catch(() => false)
    logsClient.destroy()
    await probe.close()

    it.runIf(served)('each failure decodes from the log: 404, 500 after the retries (evidence bus-log)', async () => {
      const logs = new CloudWatchLogsClient(clientConfig(sandbox))
      try {
        const logGroupName = `/aws/vendedlogs/events/${uniqueName('bus')}`
        await logs.send(new CreateLogGroupCommand({logGroupName}))
        await logs.send(new CreateLogStreamCommand({logGroupName, logStreamName: 'bus'}))
        // The real event ids and rules of the dead letters.
        const seen = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: main.dlqUrl,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            VisibilityTimeout: 0,
          }),
        )
        const messages = (seen.Messages ?? []).map((m) => ({
          event: JSON.parse(m.Body ?? '{}') as {id: string; detail: {cacheName: string}},
          rule: m.MessageAttributes?.['RULE_ARN']?.StringValue ?? '',
          target: m.MessageAttributes?.['TARGET_ARN']?.StringValue ?? '',
        }))
        expect(messages.length).toBeGreaterThan(0)
        const now = Date.now()
        const events = messages.flatMap(({event, rule, target}, i) => {
          const broken = event.detail.cacheName === 'broken'
          const attempts = broken ? [1, 2, 3] : [1]
          return attempts.map((attempt) => ({
            timestamp: now - 1000 + i,
            message: JSON.stringify({
              resource_arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
              request_id: `req-${i}`,
              event_id: event.id,
              invocation_id: `inv-${i}`,
              message_timestamp_ms: String(now - 1000 + attempt),
              message_type: broken ? 'INVOCATION_ATTEMPT_RETRYABLE_FAILURE' : 'INVOCATION_ATTEMPT_PERMANENT_FAILURE',
              log_level: 'ERROR',
              details: {
                rule_arn: rule,
                target_arn: target,
                attempt_count: attempt,
                attempt_type: attempt === 1 ? 'FIRST' : 'RETRY',
                target_response_body: broken
                  ? '{"status":500,"title":"Internal Server Error"}'
                  : '{"status":404,"title":"Not Found","description":"Cache not found"}',
              },
              error: {
                http_status_code: broken ? 500 : 404,
                error_message: broken ? 'Internal Server Error' : 'Not Found',
                aws_service: 'ApiDestinations',
              },
            }),
          }))
        })
        events.sort((a, b) => a.timestamp - b.timestamp)
        await logs.send(new PutLogEventsCommand({logGroupName, logStreamName: 'bus', logEvents: events}))
        const logged = new Set(messages.map((m) => m.event.id))

        const run = await cli(['dlq', 'list', '--queue-url', main.dlqUrl, '--log-group', logGroupName, '--json'])
        expect(run.code, show(run)).toBe(0)
        const out = JSON.parse(run.stdout) as ListJson
        const decided = out.records.filter((r) => r.event && logged.has(r.event.id))
        expect(decided.length).toBe(messages.length)
        for (const r of decided) {
          if (r.cache === 'broken') {
            expect([r.reason, r.evidence, r.httpStatus, r.busLog?.attempts]).toEqual([
              'server-error',
              'bus-log',
              500,
              3,
            ])
          } else {
            expect([r.reason, r.evidence, r.httpStatus, r.momentoTitle]).toEqual([
              'cache-not-found',
              'bus-log',
              404,
              'Not Found',
            ])
          }
          // The log decided: no probe was needed for it.
          expect(r.diagnosis).toBeUndefined()
        }
        expect(out.busLogs).toMatchObject({logGroup: logGroupName, decided: messages.length})
        expect(out.busLogs?.failure).toBeUndefined()
        // One lookup per page of messages, not one per message.
        expect(out.busLogs?.lookups).toBeLessThanOrEqual(Math.ceil(out.count / 10) + 1)
      } finally {
        logs.destroy()
      }
    })
  })
})

/**
 * The full path: the sandbox's pipeline writes the records itself (deploy --logs error, the bus-log
 * writer), in opaque mode, for the failure mix of test/helpers/failure-mix.ts (one retry).
 */
describe('dlq list joined with the log the sandbox pipeline writes (deploy --logs error, opaque mode)', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let ids: Record<MixCase, string>
  let listed: ListJson
  let momentoCallsDuringList = -1
  const stack = uniqueName('logged')
  const cli = (args: string[]) => runCli([...args, '--sandbox'], {inProcess: true, env, timeoutMs: 60_000})
  const momentoCalls = async () =>
    (await (await fetch(`${sandbox.endpoint}/_sandbox/momento/requests`)).json()) as {requests: unknown[]}
  const row = (c: MixCase) => listed.records.find((r) => r.event?.id === ids[c])

  beforeAll(async () => {
    sandbox = await startMixSandbox()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_API_KEY: sandbox.apiKey})
    const deployed = await cli(['deploy', '--stack', stack, '--logs', 'error', '--max-retry-attempts', '1', '--json'])
    expect(deployed.code, show(deployed)).toBe(0)
    ids = await publishMix(sandbox)
    // With --diagnose: the log decides every record, so Momento is never probed.
    const before = (await momentoCalls()).requests.length
    const run = await cli(['dlq', 'list', '--stack', stack, '--json', '--diagnose'])
    expect(run.code, show(run)).toBe(0)
    listed = JSON.parse(run.stdout) as ListJson
    momentoCallsDuringList = (await momentoCalls()).requests.length - before
  }, 60_000)
  afterAll(async () => {
    await sandbox?.close()
    home?.cleanup()
  })

  it('missing cache → cache-not-found, evidence bus-log, httpStatus 404, busLog.attempts 1', () => {
    expect(row('missing')).toMatchObject({
      reason: 'cache-not-found',
      evidence: 'bus-log',
      httpStatus: 404,
      momentoTitle: 'Not Found',
      busLog: {httpStatus: 404, attempts: 1},
    })
  })

  it('wrong API key → key-invalid, evidence bus-log, httpStatus 401 (retried: 2 attempts)', () => {
    expect(row('wrongKey')).toMatchObject({
      reason: 'key-invalid',
      evidence: 'bus-log',
      httpStatus: 401,
      busLog: {httpStatus: 401, attempts: 2},
    })
  })

  it('Momento 500 until the retries run out → server-error, evidence bus-log, 500, attempts = retries + 1', () => {
    expect(row('serverError')).toMatchObject({
      reason: 'server-error',
      evidence: 'bus-log',
      httpStatus: 500,
      busLog: {httpStatus: 500, attempts: 2},
    })
  })

  it('Momento slower than the API destination timeout → timeout, evidence bus-log, no status', () => {
    const r = row('timeout')
    expect(r).toMatchObject({reason: 'timeout', evidence: 'bus-log', busLog: {attempts: 2}})
    expect(r?.httpStatus).toBeUndefined()
    expect(r?.busLog?.httpStatus).toBeUndefined()
    expect(r?.busLog?.errorMessage).toMatch(/timeout|timed out/i)
  })

  it('a mixed page costs one FilterLogEvents lookup, and the records the log decided cost no Momento probe', async () => {
    expect(listed.count).toBe(4)
    expect(listed.busLogs).toMatchObject({lookups: 1, decided: 4})
    expect(listed.records.every((r) => r.diagnosis === undefined)).toBe(true)
    expect(momentoCallsDuringList).toBe(0)
    // Without the log the same page is opaque: the probe has to be asked, and it calls Momento.
    const before = (await momentoCalls()).requests.length
    const run = await cli(['dlq', 'list', '--stack', stack, '--json', '--diagnose', '--no-logs'])
    expect(run.code, show(run)).toBe(0)
    const plain = JSON.parse(run.stdout) as ListJson
    expect(plain.records.some((r) => r.evidence === 'bus-log')).toBe(false)
    expect((await momentoCalls()).requests.length).toBeGreaterThan(before)
  })

  it('deploy --logs off: no BusLogGroupName output, no lookup, the DLQ decides as before', async () => {
    const off = await cli(['deploy', '--stack', stack, '--logs', 'off', '--yes', '--json'])
    expect(off.code, show(off)).toBe(0)
    expect((JSON.parse(off.stdout) as {outputs: Record<string, string>}).outputs['BusLogGroupName']).toBeUndefined()
    const run = await cli(['dlq', 'list', '--stack', stack, '--json', '--no-diagnose'])
    expect(run.code, show(run)).toBe(0)
    const out = JSON.parse(run.stdout) as ListJson
    expect(out.count).toBe(4)
    expect(out.busLogs).toBeUndefined()
    expect(out.records.some((r) => r.evidence === 'bus-log')).toBe(false)
  })
})
