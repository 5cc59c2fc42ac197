/**
 * Event-bus logs through the built CLI against the sandbox (opaque DLQ failure detail, the default):
 * `deploy --logs …` creates the log group and deliveries and sets the default bus's LogConfig
 * (keeping its other settings), a delivered and a refused event (missing cache → 404) leave the
 * right records (found with fetchBusLogRecords), `status` says what is configured where, the flags
 * refuse bad input, and `destroy` puts the bus's setting back.
 */
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {fetchBusLogRecords} from '../../src/adapters/aws/logs.js'
import {createAwsClients} from '../../src/adapters/aws/clients.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import type {DeployResult} from '../../src/services/deploy.js'
import type {StackStatusReport} from '../../src/services/stack-status.js'
import {cleanEnv, type CliResult, runCliInProcess, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

describe('deploy --logs, status, destroy', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let events: EventBridgeClient
  const stack = uniqueName('momento-logs')

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders'], failureDetail: 'opaque'})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    events = new EventBridgeClient(clientConfig(sandbox))
    // The operator's own bus settings, which deploy must keep.
    await events.send(
      new UpdateEventBusCommand({Name: 'default', Description: 'orders bus', LogConfig: {Level: 'OFF'}}),
    )
  })
  afterAll(async () => {
    events.destroy()
    await sandbox.close()
    home.cleanup()
  })

  const cli = (args: string[]): Promise<CliResult> => runCliInProcess(args, {env, timeoutMs: 60_000})
  const bus = () => events.send(new DescribeEventBusCommand({Name: 'default'}))

  it('refuses a retention CloudWatch Logs does not offer, and full detail without --yes off a terminal', async () => {
    const retention = await cli(['deploy', '--sandbox', '--stack', stack, '--log-retention', '2', '--json'])
    expect(retention.code, show(retention)).toBe(2)
    expect(retention.stdout + retention.stderr).toContain("--log-retention 2 isn't a retention CloudWatch Logs offers")
    const full = await cli(['deploy', '--sandbox', '--stack', stack, '--log-detail', 'full', '--json'])
    expect(full.code, show(full)).toBe(2)
    expect(full.stdout + full.stderr).toContain('cache values')
    const bad = await cli(['deploy', '--sandbox', '--stack', stack, '--logs', 'debug'])
    expect(bad.code, show(bad)).toBe(2)
  })

  it('deploys with logs at error: log group, deliveries, and the bus level (other settings kept)', async () => {
    const result = await cli(['deploy', '--sandbox', '--stack', stack, '--log-retention', '7', '--json'])
    expect(result.code, show(result)).toBe(0)
    const deployed = stdoutJson(result) as DeployResult
    expect(deployed.logs).toMatchObject({bus: 'default', level: 'ERROR', detail: 'NONE', busChanged: true})
    expect(deployed.outputs['BusLogGroupName']).toMatch(/^\/aws\/vendedlogs\/events\/event-bus\/default\//)
    expect(deployed.outputs['BusLogPreviousConfig']).toBe('OFF/NONE')
    const described = await bus()
    expect(described.LogConfig).toEqual({Level: 'ERROR', IncludeDetail: 'NONE'})
    expect(described.Description).toBe('orders bus')
  })

  it('logs the refused event with its 404 and Momento’s text, and nothing for the delivered one (opaque mode)', async () => {
    const put = async (cacheName: string) =>
      (
        await events.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: 'test',
                DetailType: 'cacheSet',
                Detail: JSON.stringify({cacheName, key: 'k', message: 'v', ttl: 60}),
              },
            ],
          }),
        )
      ).Entries![0]!.EventId!
    const delivered = await put('orders')
    const refused = await put('no-such-cache')
    const {report} = await statusOf()
    const logGroupName = report.logs!.logGroup!
    const clients = createAwsClients({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
    })
    const found = await until('the refused event’s records', async () => {
      const m = await fetchBusLogRecords(clients, {logGroupName, eventIds: [delivered, refused]})
      return m.get(refused)?.some((r) => r.message_type === 'INVOCATION_DLQ') ? m : undefined
    })
    expect(found.get(delivered)).toBeUndefined()
    const failure = found.get(refused)!.find((r) => r.message_type === 'INVOCATION_ATTEMPT_PERMANENT_FAILURE')!
    expect(failure.error?.http_status_code).toBe(404)
    expect(failure.error?.error_message).toMatch(/cache/i)
    expect(JSON.stringify(found.get(refused))).not.toContain(sandbox.apiKey)
  })

  async function statusOf() {
    const result = await cli(['status', '--sandbox', '--stack', stack, '--json'])
    return {result, report: stdoutJson(result) as StackStatusReport}
  }

  it('status says what is set on the bus and what the stack delivers, and warns when the bus was changed', async () => {
    const {result, report} = await statusOf()
    expect(result.code, show(result)).toBe(0)
    expect(report.logs).toMatchObject({
      bus: 'default',
      busLevel: 'ERROR',
      stackLevel: 'ERROR',
      retentionDays: 7,
      logGroupExists: true,
      deliveredLogTypes: ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS'],
    })
    const text = await cli(['status', '--sandbox', '--stack', stack])
    expect(text.code, show(text)).toBe(0)
    expect(text.stdout).toMatch(/bus logs +ERROR on bus default/)
    await events.send(
      new UpdateEventBusCommand({Name: 'default', Description: 'orders bus', LogConfig: {Level: 'OFF'}}),
    )
    const changed = await statusOf()
    expect(changed.report.problems.map((p) => p.problem).join('\n')).toContain(
      'logs at OFF, but the stack was deployed for ERROR',
    )
  })

  it('deploy --logs trace --log-detail full --yes sets the bus again; --logs off puts the old setting back', async () => {
    const trace = await cli([
      'deploy',
      '--sandbox',
      '--stack',
      stack,
      '--logs',
      'trace',
      '--log-detail',
      'full',
      '--yes',
      '--json',
    ])
    expect(trace.code, show(trace)).toBe(0)
    expect((await bus()).LogConfig).toEqual({Level: 'TRACE', IncludeDetail: 'FULL'})
    const off = await cli(['deploy', '--sandbox', '--stack', stack, '--logs', 'off', '--yes', '--json'])
    expect(off.code, show(off)).toBe(0)
    const result = stdoutJson(off) as DeployResult
    expect(result.outputs['BusLogGroupName']).toBeUndefined()
    expect((await bus()).LogConfig).toEqual({Level: 'OFF', IncludeDetail: 'NONE'})
    const {report} = await statusOf()
    expect(report.problems.map((p) => p.problem).join('\n')).toContain('Event-bus logs are off')
  })

  it('destroy puts the bus’s setting back as it was before the stack', async () => {
    const on = await cli(['deploy', '--sandbox', '--stack', stack, '--logs', 'info', '--log-detail', 'none', '--json'])
    expect(on.code, show(on)).toBe(0)
    expect((await bus()).LogConfig).toEqual({Level: 'INFO', IncludeDetail: 'NONE'})
    const destroyed = await cli(['destroy', '--sandbox', '--stack', stack, '--yes', '--json'])
    expect(destroyed.code, show(destroyed)).toBe(0)
    expect(stdoutJson(destroyed)).toMatchObject({busLogConfig: 'restored'})
    const described = await bus()
    expect(described.LogConfig).toEqual({Level: 'OFF', IncludeDetail: 'NONE'})
    expect(described.Description).toBe('orders bus')
  })
})
