/**
 * `momento-eb trace` end to end: the built CLI against the sandbox. The "no logs" paths run
 * everywhere. The full path (records written by the sandbox's bus-log writer into its CloudWatch
 * Logs) needs the logs piece of issue 11 (sandbox CloudWatch Logs + the bus-log writer + deploy
 * --logs): those cases probe the sandbox for CloudWatch Logs and skip, saying so, when it has none.
 */
import {CloudFormationClient, CreateStackCommand, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {CreateEventBusCommand, EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BusLogRecord} from '../../src/core/bus-log.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {type CliResult, cleanEnv, collect, ROOT, runCli, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'
import {cacheNotFoundStory, deliveredStory, EVENT_ID, serverErrorStory} from '../unit/bus-log-fixtures.js'

const OTHER_ID = '0a0a0a0a-0000-4000-8000-000000000000'

/** Whether the built `deploy` has `--logs` (the logs piece of issue 11). */
function deployHasLogsFlag(): boolean {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {flags: Record<string, unknown>}>
  }
  return manifest.commands['deploy']?.flags['logs'] !== undefined
}

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

  const cli = (args: string[]): Promise<CliResult> =>
    runCli(['trace', ...args, '--sandbox'], {inProcess: true, env, timeoutMs: 60_000})

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
    // Its own bus: rules on the default bus would also match the events of the stack deployed with
    // logs below, and (as on AWS) every matching rule is an invocation of its own in the journey.
    const bus = uniqueName('no-logs-bus')
    const eb = new EventBridgeClient(clientConfig(sandbox))
    await eb.send(new CreateEventBusCommand({Name: bus})).finally(() => eb.destroy())
    await deployIntegrationWithSdk(sandbox, {bus})
    const args = ['cacheSet', '--cache', 'orders', '--key', 'pt-1', '--message', 'v', '--ttl', '60', '--sandbox']
    args.push('--bus', bus)
    const run = await runCli(['put', ...args, '--wait', '--trace', '--stack', noLogsStack, '--json'], {
      inProcess: true,
      env,
      timeoutMs: 30_000,
    })
    expect(run.code, show(run)).toBe(0)
    const out = stdoutJson(run) as {outcome: string; notes: string[]; trace?: unknown}
    expect(out.outcome).toBe('delivered')
    expect(out.trace).toBeUndefined()
    expect(out.notes.join(' ')).toContain(`--trace: Stack ${noLogsStack} has no event-bus logs`)
    // The suggested command keeps the run's context (issue 13).
    expect(out.notes.join(' ')).toContain(`momento-eb deploy --logs error --sandbox --stack ${noLogsStack}`)

    const alone = await runCli(['put', ...args, '--trace', '--stack', noLogsStack], {inProcess: true, env})
    expect(alone.code, show(alone)).toBe(2)
    expect(alone.stderr).toContain('--wait')
  }, 40_000)

  describe('records in a log group (hand-written, AWS shape), read through the sandbox FilterLogEvents', () => {
    const group = uniqueName('/aws/vendedlogs/events/trace-test')
    const skipReason = 'needs the sandbox CloudWatch Logs service (issue 11, logs piece: branch i11-logs)'
    const now = Date.now()
    let logs: CloudWatchLogsClient
    const write = async (records: BusLogRecord[], stream = 'bus') => {
      await logs.send(new CreateLogStreamCommand({logGroupName: group, logStreamName: stream})).catch(() => undefined)
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: records.map((r) => ({timestamp: r.message_timestamp_ms, message: JSON.stringify(r)})),
        }),
      )
    }

    beforeAll(async () => {
      if (!hasLogs) return
      logs = new CloudWatchLogsClient(clientConfig(sandbox))
      await logs.send(new CreateLogGroupCommand({logGroupName: group}))
    })
    afterAll(() => logs?.destroy())

    it('a 404: one attempt, dead-lettered with cache-not-found (exit 1), in JSON and plain text', async (ctx) => {
      if (!hasLogs) ctx.skip(skipReason)
      // Another event's records in the same group must not leak in.
      await write([
        ...cacheNotFoundStory(now - 5000),
        ...deliveredStory(now - 4000).map((r) => ({...r, event_id: OTHER_ID})),
      ])
      const run = await cli([EVENT_ID, '--log-group', group, '--json'])
      expect(run.code, show(run)).toBe(1)
      expect(stdoutJson(run)).toMatchObject({
        eventId: EVENT_ID,
        outcome: 'dead-lettered',
        reason: 'cache-not-found',
        logGroupName: group,
        end: 'looked-up',
        recordCount: 9,
        invocations: [{attempts: [{number: 1, httpStatus: 404, reason: 'cache-not-found'}]}],
      })
      const text = await cli([EVENT_ID, '--log-group', group])
      expect(text.code, show(text)).toBe(1)
      expect(text.stdout).toContain(`Event ${EVENT_ID}: DEAD-LETTERED`)
      expect(text.stdout).toMatch(
        /Attempt 1 \(FIRST\) failed \(not retried\): HTTP 404 Not Found — Cache momento-missing/,
      )
      const other = await cli([OTHER_ID, '--log-group', group, '--json'])
      expect(other.code, show(other)).toBe(0)
      expect(stdoutJson(other)).toMatchObject({outcome: 'delivered', recordCount: 8})
    })

    it('each record written three times (one stream per delivery source) is read once', async (ctx) => {
      if (!hasLogs) ctx.skip(skipReason)
      const id = '22222222-2222-4333-8444-555555555555'
      const story = cacheNotFoundStory(now - 2000).map((r) => ({...r, event_id: id}))
      for (const stream of ['error-logs', 'info-logs', 'trace-logs']) await write(story, stream)
      const run = await cli([id, '--log-group', group, '--json'])
      expect(run.code, show(run)).toBe(1)
      const out = stdoutJson(run) as {recordCount: number; invocations: Array<{attempts: unknown[]}>}
      expect(out).toMatchObject({outcome: 'dead-lettered', reason: 'cache-not-found', recordCount: story.length})
      expect(out.invocations).toHaveLength(1)
      expect(out.invocations[0]?.attempts).toHaveLength(1)
    })

    it('--follow waits for late records: in flight, then dead-lettered (exit 1)', async (ctx) => {
      if (!hasLogs) ctx.skip(skipReason)
      const id = '11111111-2222-4333-8444-555555555555'
      const story = serverErrorStory(now - 3000).map((r) => ({...r, event_id: id}))
      await write(story.slice(0, 8), 'late')
      const child = spawnCli(
        ['trace', id, '--sandbox', '--log-group', group, '--follow', '--timeout', '30s', '--json', '--verbose'],
        {env},
      )
      // The rest is written 1.5 s after the CLI says where it reads (its first poll starts then), not
      // after the spawn: under load the CLI took longer than 1.5 s to start, its first poll then saw
      // every record, and `polls` was 1.
      let stderr = ''
      const reading = new Promise<void>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (stderr.includes('Bus logs:')) resolve()
        })
      })
      const result = collect(child, 40_000)
      // (If the CLI ends without saying it, the assertions below say why.)
      await Promise.race([reading, result])
      await new Promise((resolve) => setTimeout(resolve, 1500))
      await write(story.slice(8), 'late')
      const run = await result
      expect(run.code, show(run)).toBe(1)
      const out = stdoutJson(run) as {
        outcome: string
        end: string
        polls: number
        invocations: Array<{attempts: unknown[]}>
      }
      expect(out).toMatchObject({outcome: 'dead-lettered', end: 'final', reason: 'server-error'})
      expect(out.polls).toBeGreaterThan(1)
      expect(out.invocations[0]?.attempts).toHaveLength(3)
    }, 45_000)

    it('no record for the event: not final (exit 8), without --follow and at --timeout', async (ctx) => {
      if (!hasLogs) ctx.skip(skipReason)
      const id = '99999999-2222-4333-8444-555555555555'
      const once = await cli([id, '--log-group', group, '--json'])
      expect(once.code, show(once)).toBe(8)
      expect(stdoutJson(once)).toMatchObject({outcome: 'unknown', final: false, end: 'looked-up'})
      const followed = await cli([id, '--log-group', group, '--follow', '--timeout', '2s'])
      expect(followed.code, show(followed)).toBe(8)
      expect(followed.stdout).toContain('No failure logged; at ERROR level a delivered event leaves no record.')
      expect(followed.stderr).toContain('Not final after --timeout 2s')
    }, 20_000)
  })

  describe('against a stack deployed with logs', () => {
    const stack = uniqueName('traced')
    const deployed = {ok: false}
    const skipReason =
      'needs the bus-log writer and `deploy --logs` (issue 11, logs piece: branch i11-logs, not there yet when written)'

    const put = async (args: string[]) => {
      const run = await runCli(['put', ...args, '--sandbox', '--json'], {inProcess: true, env, timeoutMs: 30_000})
      expect(run.code, show(run)).toBe(0)
      return (stdoutJson(run) as {eventId: string}).eventId
    }

    it('deploys with --logs info', async (ctx) => {
      if (!hasLogs || !deployHasLogsFlag()) ctx.skip(skipReason)
      const run = await runCli(['deploy', '--sandbox', '--stack', stack, '--logs', 'info', '--json'], {
        inProcess: true,
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

    it('put --wait --trace prints the journey of the event it published: delivered (exit 0), then a 404 (exit 1)', async (ctx) => {
      if (!hasLogs || !deployed.ok) ctx.skip(skipReason)
      const common = [
        '--stack',
        stack,
        '--key',
        'pwt',
        '--message',
        'v',
        '--ttl',
        '60',
        '--sandbox',
        '--wait',
        '--trace',
      ]
      const ok = await runCli(['put', 'cacheSet', '--cache', 'orders', ...common, '--json'], {
        inProcess: true,
        env,
        timeoutMs: 40_000,
      })
      expect(ok.code, show(ok)).toBe(0)
      const delivered = stdoutJson(ok) as {eventId: string; outcome: string; trace?: Record<string, unknown>}
      expect(delivered.outcome).toBe('delivered')
      // INFO level logs the invocation's success (not each attempt: TRACE does): final, one attempt in all.
      expect(delivered.trace).toMatchObject({
        eventId: delivered.eventId,
        outcome: 'delivered',
        final: true,
        ingest: {status: 'accepted'},
        invocations: [{outcome: 'delivered', totalAttempts: 1}],
      })
      expect(delivered.trace?.['invocations']).toHaveLength(1)

      // Plain text: the put's lines on stdout, the journey on stderr.
      const failed = await runCli(['put', 'cacheSet', '--cache', 'missing', ...common], {
        inProcess: true,
        env,
        timeoutMs: 40_000,
      })
      expect(failed.code, show(failed)).toBe(1)
      expect(failed.stderr).toContain('DEAD-LETTERED')
      expect(failed.stderr).toMatch(/Attempt 1 .*HTTP 404/)
    }, 90_000)
  })
})
