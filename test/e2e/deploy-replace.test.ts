/**
 * A deploy that replaces the rules (a new --bus: EventBusName is create-only), against the sandbox:
 * CloudFormation cleans up the old rules with DELETE_COMPLETE events under the same logical ids. The
 * plain lines and the live view (tmux, 80×24) say that the old copy went and the rule stays, not that
 * the rule was deleted; and the new rules are the ones on the new bus.
 */
import {CreateEventBusCommand, EventBridgeClient, ListRulesCommand} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
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
    // --logs off: the log group's name holds the bus's, and its custom-named delivery destination
    // can't be replaced in place (a failed update, a separate matter from the view tested here).
    const result = await runCli(['deploy', '--sandbox', '--stack', stack, '--bus', bus, '--logs', 'off', '--yes'], {
      env,
      timeoutMs: 60_000,
    })
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
  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    const client = new EventBridgeClient(clientConfig(sandbox))
    try {
      await client.send(new CreateEventBusCommand({Name: 'orders-bus'}))
    } finally {
      client.destroy()
    }
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it('fails on the log delivery (named, so not replaceable), and says the two deploys that move it', async () => {
    const stack = uniqueName('moved')
    const deploy = (...flags: string[]) =>
      runCli(['deploy', '--sandbox', '--stack', stack, '--yes', ...flags], {env, timeoutMs: 60_000})
    expect((await deploy('--logs', 'error')).code).toBe(0)
    const moved = await deploy('--bus', 'orders-bus')
    expect(moved.code, show(moved)).toBe(1)
    expect(moved.stderr).toMatch(/BusLogDeliveryDestination .*custom-named resource requires replacing/)
    expect(moved.stderr).toContain('deploy with `--logs off` and the new --bus first, then again with `--logs error`')
    // The way the hint says works.
    const off = await deploy('--bus', 'orders-bus', '--logs', 'off')
    expect(off.code, show(off)).toBe(0)
    const on = await deploy('--logs', 'error')
    expect(on.code, show(on)).toBe(0)
    expect(on.stderr).toContain('Event-bus logs: ERROR on bus orders-bus')
  }, 180_000)
})
