/**
 * A deploy that replaces the rules (a new --bus: EventBusName is create-only), against the sandbox:
 * CloudFormation cleans up the old rules with DELETE_COMPLETE events under the same logical ids. The
 * plain lines and the live view (tmux, 80×24) say that the old copy went and the rule stays, not that
 * the rule was deleted; and the new rules are the ones on the new bus.
 *
 * With the event-bus logs on, one `deploy --bus NEW` moves the logs too (the log delivery objects get
 * new names, so CloudFormation replaces them); each bus's LogConfig afterwards (DescribeEventBus):
 * the old bus gets back the setting recorded for it, the new bus the level asked for (or, with
 * `--logs off`, is not touched), and destroy restores the new bus.
 */
import {
  CloudWatchLogsClient,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import type {DeployResult} from '../../src/services/deploy.js'
import {cleanEnv, runCliInProcess, show, stdoutJson, tempHome} from '../helpers/cli.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'
import {hasTmux, openTerminal, overwideLines, type Terminal} from '../helpers/terminal.js'

const RULES = ['CacheSetRule', 'CacheDeleteRule', 'TopicPublishRule']

describe('deploy that replaces the rules', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  const open: Terminal[] = []
  const eb = () => new EventBridgeClient(clientConfig(sandbox))

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    const client = eb()
    try {
      for (const bus of ['blue', 'green']) await client.send(new CreateEventBusCommand({Name: bus}))
    } finally {
      client.destroy()
    }
  })
  afterAll(async () => {
    for (const t of open) t.close()
    await sandbox.close()
    home.cleanup()
  })

  const deploy = async (stack: string, bus: string) => {
    // --logs off: this view is about the rules (the logs' move is tested below).
    const result = await runCliInProcess(
      ['deploy', '--sandbox', '--stack', stack, '--bus', bus, '--logs', 'off', '--yes'],
      {
        env,
        timeoutMs: 60_000,
      },
    )
    expect(result.code, show(result)).toBe(0)
    return result
  }
  const rulesOn = async (bus: string, stack: string): Promise<string[]> => {
    const client = eb()
    try {
      const out = await client.send(new ListRulesCommand({EventBusName: bus, NamePrefix: stack}))
      return (out.Rules ?? []).map((r) => r.Name ?? '')
    } finally {
      client.destroy()
    }
  }

  it('plain lines: the old rules are cleaned up, the rules stay', async () => {
    const stack = uniqueName('replaced')
    await deploy(stack, 'default')
    const result = await deploy(stack, 'blue')
    expect(result.stderr).toContain('3 replaced')
    for (const rule of RULES) {
      const line = result.stderr.split('\n').find((l) => l.includes('DELETE_COMPLETE') && l.includes(` ${rule} `))
      expect(line, show(result)).toBeDefined()
      expect(line).toMatch(new RegExp(`old copy \\S+ deleted \\(replaced\\); ${rule} stays$`))
    }
    expect(result.stderr).toContain('UPDATE_COMPLETE')
    expect(await rulesOn('blue', stack)).toHaveLength(3)
    expect(await rulesOn('default', stack)).toHaveLength(0)
  }, 120_000)

  it.skipIf(!hasTmux)(
    'live view at 80×24: one row per rule, UPDATE_COMPLETE, its old copy deleted',
    async () => {
      const stack = uniqueName('replaced')
      await deploy(stack, 'default')
      const t = openTerminal(['deploy', '--sandbox', '--stack', stack, '--bus', 'green', '--logs', 'off', '--yes'], {
        env: {...env, CI: undefined},
        cwd: home.home,
        columns: 80,
        rows: 24,
      })
      open.push(t)
      const code = await t.exitCode(60_000)
      const screen = t.screen()
      expect(code, screen).toBe(0)
      expect(screen).toMatch(/Stack \S+ updated \(UPDATE_COMPLETE\)/)
      // The last frame of the view: each rule once, with its status and what became of the old copy.
      const frame = screen.slice(screen.lastIndexOf(`Updating stack ${stack}`))
      for (const rule of RULES) {
        const rows = frame.split('\n').filter((l) => l.includes(` ${rule} `))
        expect(rows, frame).toHaveLength(1)
        expect(rows[0]).toMatch(/UPDATE_COMPLETE/)
        expect(frame).toMatch(new RegExp(`${rule} +UPDATE_COMPLETE[^\\n]*\\n +└ old copy \\S+ deleted \\(replaced\\)`))
      }
      expect(frame).not.toMatch(/DELETE_COMPLETE/)
      expect(overwideLines(screen, 80)).toEqual([])
      expect(await rulesOn('green', stack)).toHaveLength(3)
    },
    120_000,
  )
})

describe('deploy to another bus with the event-bus logs on', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let events: EventBridgeClient
  let logs: CloudWatchLogsClient
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    events = new EventBridgeClient(clientConfig(sandbox))
    logs = new CloudWatchLogsClient(clientConfig(sandbox))
    // Each bus starts with a setting of its own, so a restore to the wrong bus shows.
    for (const [bus, level] of [
      ['old-a', 'INFO'],
      ['new-a', 'OFF'],
      ['old-b', 'OFF'],
      ['new-b', 'TRACE'],
    ] as const) {
      await events.send(new CreateEventBusCommand({Name: bus}))
      await events.send(new UpdateEventBusCommand({Name: bus, LogConfig: {Level: level, IncludeDetail: 'NONE'}}))
    }
  })
  afterAll(async () => {
    events.destroy()
    logs.destroy()
    await sandbox.close()
    home.cleanup()
  })

  const levelOf = async (bus: string) =>
    (await events.send(new DescribeEventBusCommand({Name: bus}))).LogConfig?.Level ?? 'OFF'
  /** The log types delivered from `bus`'s delivery sources (the sandbox's CloudWatch Logs). */
  const deliveredFrom = async (bus: string): Promise<string[]> => {
    const arn = (await events.send(new DescribeEventBusCommand({Name: bus}))).Arn ?? ''
    const sources = (await logs.send(new DescribeDeliverySourcesCommand({}))).deliverySources ?? []
    const mine = new Map(sources.filter((s) => s.resourceArns?.includes(arn)).map((s) => [s.name, s.logType]))
    const deliveries = (await logs.send(new DescribeDeliveriesCommand({}))).deliveries ?? []
    return deliveries
      .filter((d) => mine.has(d.deliverySourceName))
      .map((d) => mine.get(d.deliverySourceName) ?? '')
      .sort()
  }

  const stackId = (r: DeployResult) => r.stackId.split('/')[2] ?? ''
  /** The stack's delivery sources and destinations (named after its stack id's UUID) left in Logs. */
  const objectsOf = async (uuid: string) => {
    const sources = (await logs.send(new DescribeDeliverySourcesCommand({}))).deliverySources ?? []
    const destinations = (await logs.send(new DescribeDeliveryDestinationsCommand({}))).deliveryDestinations ?? []
    return {
      sources: sources.filter((s) => s.name?.includes(uuid)).length,
      destinations: destinations.filter((d) => d.name?.includes(uuid)).length,
    }
  }

  it('one deploy moves it: the old bus gets its setting back, the new one the level, destroy restores both', async () => {
    const stack = uniqueName('moved')
    const cli = (...args: string[]) =>
      runCliInProcess([...args, '--sandbox', '--stack', stack, '--yes'], {env, timeoutMs: 60_000})
    const first = await cli('deploy', '--bus', 'old-a', '--logs', 'error')
    expect(first.code, show(first)).toBe(0)
    expect(await levelOf('old-a')).toBe('ERROR')

    const moved = await cli('deploy', '--bus', 'new-a', '--json')
    expect(moved.code, show(moved)).toBe(0)
    const result = stdoutJson(moved) as DeployResult
    expect(result.logs).toMatchObject({bus: 'new-a', level: 'ERROR', busChanged: true})
    expect(result.outputs['BusLogGroupName']).toMatch(/^\/aws\/vendedlogs\/events\/event-bus\/new-a\//)
    expect(result.outputs['BusLogPreviousConfig']).toBe('OFF/NONE')
    expect(moved.stderr).toContain('Event bus old-a logs at INFO again, as before the stack.')
    expect(await levelOf('old-a')).toBe('INFO')
    expect(await levelOf('new-a')).toBe('ERROR')
    expect(await deliveredFrom('new-a')).toEqual(['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS'])
    expect(await deliveredFrom('old-a')).toEqual([])
    expect(await objectsOf(stackId(result))).toEqual({sources: 3, destinations: 1})

    const destroyed = await cli('destroy')
    expect(destroyed.code, show(destroyed)).toBe(0)
    expect(await levelOf('new-a')).toBe('OFF')
    expect(await levelOf('old-a')).toBe('INFO')
    expect(await deliveredFrom('new-a')).toEqual([])
    expect(await objectsOf(stackId(result))).toEqual({sources: 0, destinations: 0})
  }, 180_000)

  it('--logs off with a new --bus: the old bus gets its own setting back, the new bus is not touched', async () => {
    const stack = uniqueName('moved-off')
    const cli = (...args: string[]) =>
      runCliInProcess([...args, '--sandbox', '--stack', stack, '--yes'], {env, timeoutMs: 60_000})
    const first = await cli('deploy', '--bus', 'old-b', '--logs', 'info')
    expect(first.code, show(first)).toBe(0)
    expect(await levelOf('old-b')).toBe('INFO')

    const moved = await cli('deploy', '--bus', 'new-b', '--logs', 'off')
    expect(moved.code, show(moved)).toBe(0)
    expect(moved.stderr).not.toMatch(/Event bus new-b now logs/)
    expect(await levelOf('old-b')).toBe('OFF')
    expect(await levelOf('new-b')).toBe('TRACE')

    // Logs on again on the new bus, then destroy: the new bus gets back what it had, TRACE.
    const on = await cli('deploy', '--logs', 'error')
    expect(on.code, show(on)).toBe(0)
    expect(await levelOf('new-b')).toBe('ERROR')
    const destroyed = await cli('destroy')
    expect(destroyed.code, show(destroyed)).toBe(0)
    expect(await levelOf('new-b')).toBe('TRACE')
    expect(await levelOf('old-b')).toBe('OFF')
  }, 180_000)
})
