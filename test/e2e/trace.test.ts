/**
 * `momento-eb trace` end to end: the built CLI against the sandbox. The "no logs" paths run
 * everywhere. The full path (records written by the sandbox's bus-log writer into its CloudWatch
 * Logs) needs the logs piece of issue 11 (sandbox CloudWatch Logs + the bus-log writer + deploy
 * --logs): those cases probe the sandbox for CloudWatch Logs and skip, saying so, when it has none.
 */
import {CloudFormationClient, CreateStackCommand, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {CloudWatchLogsClient, DescribeLogGroupsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {type CliResult, cleanEnv, runCli, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

const EVENT_ID = '6f1c2b9e-3d4a-4c1e-9b8a-2f7e5d4c3b2a'

/** Whether the sandbox serves CloudWatch Logs (the logs piece of issue 11). */
async function sandboxHasLogs(sandbox: RunningSandbox): Promise<boolean> {
  const logs = new CloudWatchLogsClient(clientConfig(sandbox))
  try {
    await logs.send(new DescribeLogGroupsCommand({limit: 1}))
    return true
  } catch {
    return false
  } finally {
    logs.destroy()
  }
}

describe('trace', () => {
  let sandbox: RunningSandbox
  let cfn: CloudFormationClient
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let hasLogs = false
  const noLogsStack = uniqueName('no-logs')

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    cfn = new CloudFormationClient(clientConfig(sandbox))
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    hasLogs = await sandboxHasLogs(sandbox)
    // A stack as an older momento-eb (or the launch button) deploys it: no BusLogGroupName output.
    await cfn.send(
      new CreateStackCommand({
        StackName: noLogsStack,
        TemplateBody: JSON.stringify({
          Resources: {Dlq: {Type: 'AWS::SQS::Queue'}},
          Outputs: {DlqUrl: {Value: {Ref: 'Dlq'}}},
        }),
      }),
    )
    await until(`stack ${noLogsStack}`, async () => {
      const s = (await cfn.send(new DescribeStacksCommand({StackName: noLogsStack}))).Stacks?.[0]
      return s?.StackStatus === 'CREATE_COMPLETE' ? s : undefined
    })
  }, 30_000)
  afterAll(async () => {
    cfn?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  const cli = (args: string[]): Promise<CliResult> => runCli(['trace', ...args, '--sandbox'], {env, timeoutMs: 60_000})

  it('refuses an event id that is not a UUID (exit 2), saying where ids come from', async () => {
    const run = await cli(['order-42', '--stack', noLogsStack])
    expect(run.code, show(run)).toBe(2)
    expect(run.stderr).toContain(`"order-42" isn't an EventBridge event id.`)
    expect(run.stderr).toContain('dlq list --json')
  })

  it('says the stack has no event-bus logs and how to turn them on (exit 4), in text and JSON', async () => {
    const run = await cli([EVENT_ID, '--stack', noLogsStack])
    expect(run.code, show(run)).toBe(4)
    expect(run.stderr).toContain(`Stack ${noLogsStack} has no event-bus logs (no BusLogGroupName output)`)
    expect(run.stderr).toContain('momento-eb deploy --logs error')
    expect(run.stderr).toContain('only failures are logged')
    expect(run.stderr).toContain('--logs info')
    expect(run.stdout).toBe('')

    const json = await cli([EVENT_ID, '--stack', noLogsStack, '--json', '--follow'])
    expect(json.code, show(json)).toBe(4)
    expect(stdoutJson(json)).toMatchObject({error: {code: 'EB_NO_BUS_LOGS', exitCode: 4}})
  })

  it('reports a missing stack as not found (exit 1)', async () => {
    const run = await cli([EVENT_ID, '--stack', uniqueName('nope')])
    expect(run.code, show(run)).toBe(1)
    expect(run.stderr).toMatch(/Stack nope-\S+ doesn't exist/)
  })

  it('with --log-group naming a missing log group: no logs (exit 4)', async (ctx) => {
    if (!hasLogs) ctx.skip('needs the sandbox CloudWatch Logs service (issue 11, logs piece: branch i11-logs)')
    const run = await cli([EVENT_ID, '--log-group', uniqueName('/aws/vendedlogs/events/missing')])
    expect(run.code, show(run)).toBe(4)
    expect(run.stderr).toMatch(/Log group \S+ doesn't exist/)
    expect(run.stderr).toContain('momento-eb deploy --logs error')
  })

  it('put --wait --trace on a stack without logs: delivered (exit 0), with a note on how to turn logs on', async () => {
    await deployIntegrationWithSdk(sandbox)
    const args = ['cacheSet', '--cache', 'orders', '--key', 'pt-1', '--message', 'v', '--ttl', '60', '--sandbox']
    const run = await runCli(['put', ...args, '--wait', '--trace', '--stack', noLogsStack, '--json'], {
      env,
      timeoutMs: 30_000,
    })
    expect(run.code, show(run)).toBe(0)
    const out = stdoutJson(run) as {outcome: string; notes: string[]; trace?: unknown}
    expect(out.outcome).toBe('delivered')
    expect(out.trace).toBeUndefined()
    expect(out.notes.join(' ')).toContain(`--trace: Stack ${noLogsStack} has no event-bus logs`)
    expect(out.notes.join(' ')).toContain('momento-eb deploy --logs error')

    const alone = await runCli(['put', ...args, '--trace', '--stack', noLogsStack], {env})
    expect(alone.code, show(alone)).toBe(2)
    expect(alone.stderr).toContain('--wait')
  }, 40_000)

  describe('against a stack deployed with logs', () => {
    const stack = uniqueName('traced')
    const deployed = {ok: false}
    const skipReason =
      'needs the sandbox CloudWatch Logs service, the bus-log writer and `deploy --logs` (issue 11, logs piece: branch i11-logs)'

    const put = async (args: string[]) => {
      const run = await runCli(['put', ...args, '--sandbox', '--json'], {env, timeoutMs: 30_000})
      expect(run.code, show(run)).toBe(0)
      return (stdoutJson(run) as {eventId: string}).eventId
    }

    it('deploys with --logs info', async (ctx) => {
      if (!hasLogs) ctx.skip(skipReason)
      const run = await runCli(['deploy', '--sandbox', '--stack', stack, '--logs', 'info', '--json'], {
        env,
        timeoutMs: 60_000,
      })
      expect(run.code, show(run)).toBe(0)
      deployed.ok = true
    })

    it('traces a delivered event: accepted, matched, one attempt, delivered (exit 0)', async (ctx) => {
      if (!hasLogs || !deployed.ok) ctx.skip(skipReason)
      const id = await put([
        'cacheSet',
        '--stack',
        stack,
        '--cache',
        'orders',
        '--key',
        'k1',
        '--message',
        'v',
        '--ttl',
        '60',
      ])
      const run = await cli([id, '--stack', stack, '--follow', '--timeout', '20s', '--json'])
      expect(run.code, show(run)).toBe(0)
      const journey = stdoutJson(run) as {outcome: string; ingest: {status: string}; invocations: unknown[]}
      expect(journey).toMatchObject({outcome: 'delivered', final: true, ingest: {status: 'accepted'}})
      expect(journey.invocations).toHaveLength(1)
    })

    it('traces a missing cache: one 404 attempt, dead-lettered with cache-not-found (exit 1)', async (ctx) => {
      if (!hasLogs || !deployed.ok) ctx.skip(skipReason)
      const id = await put([
        'cacheSet',
        '--stack',
        stack,
        '--cache',
        'missing',
        '--key',
        'k',
        '--message',
        'v',
        '--ttl',
        '60',
      ])
      const run = await cli([id, '--stack', stack, '--follow', '--timeout', '20s', '--json'])
      expect(run.code, show(run)).toBe(1)
      expect(stdoutJson(run)).toMatchObject({
        outcome: 'dead-lettered',
        reason: 'cache-not-found',
        invocations: [{attempts: [{number: 1, httpStatus: 404, reason: 'cache-not-found'}]}],
      })
      // Plain text off a terminal: one line per step.
      const text = await cli([id, '--stack', stack])
      expect(text.code, show(text)).toBe(1)
      expect(text.stdout).toContain('DEAD-LETTERED')
      expect(text.stdout).toMatch(/Attempt 1 .*HTTP 404/)
    })

    it('an unknown event id has no record: not final (exit 8) and says why absence proves nothing', async (ctx) => {
      if (!hasLogs || !deployed.ok) ctx.skip(skipReason)
      const run = await cli(['00000000-0000-4000-8000-000000000000', '--stack', stack, '--json'])
      expect(run.code, show(run)).toBe(8)
      expect(stdoutJson(run)).toMatchObject({outcome: 'unknown', final: false, recordCount: 0})
    })

    it.todo('put --wait --trace prints the journey of the event it published (needs the logs piece, as above)')
  })
})
