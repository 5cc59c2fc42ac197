/**
 * One resolution of the bus for every command (issue 13): `config set bus` (and MOMENTO_EB_BUS) is
 * honoured by deploy, whoami and status as it is by put; and when no rule on the bus an event goes
 * to matches it, `put --wait` and `status` say so instead of blaming retries or finding nothing.
 */
import {CreateEventBusCommand, EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

describe('the bus from `config set bus`, for every command', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  const stack = uniqueName('bus')
  // In the test process: nothing here needs a process of its own (a spawn costs ~1 s of CPU).
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runCli(args, {env: {...env, ...extra}, timeoutMs: 60_000, inProcess: true})
  const put = (extra: Record<string, string | undefined> = {}) =>
    cli(
      [
        'put',
        'cacheSet',
        '--sandbox',
        '--stack',
        stack,
        '--cache',
        'orders',
        '--key',
        'k',
        '--ttl',
        '60',
        '--message',
        'v',
        '--wait',
        '--timeout',
        '20s',
        '--json',
      ],
      extra,
    )

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    const eb = new EventBridgeClient(clientConfig(sandbox))
    await eb.send(new CreateEventBusCommand({Name: 'orders-bus'}))
    await eb.send(new CreateEventBusCommand({Name: 'elsewhere'}))
    eb.destroy()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    const set = await cli(['config', 'set', 'bus', 'orders-bus'])
    expect(set.code, show(set)).toBe(0)
  }, 30_000)

  afterAll(async () => {
    await sandbox?.close()
    home?.cleanup()
  })

  it('deploy puts the rules on the configured bus, whoami checks it, put --wait is delivered there', async () => {
    const deployed = await cli(['deploy', '--sandbox', '--stack', stack, '--yes', '--json'])
    expect(deployed.code, show(deployed)).toBe(0)
    const status = await cli(['status', '--sandbox', '--stack', stack, '--json'])
    expect(status.code, show(status)).toBe(0)
    const report = JSON.parse(status.stdout) as {rules: {bus: string}[]; problems: {problem: string}[]}
    expect(report.rules.map((r) => r.bus)).toEqual(['orders-bus', 'orders-bus', 'orders-bus'])
    expect(report.problems.filter((p) => /No rule on bus/.test(p.problem))).toEqual([])

    const whoami = await cli(['whoami', '--sandbox', '--json'])
    expect(whoami.code, show(whoami)).toBe(0)
    expect(JSON.parse(whoami.stdout)).toMatchObject({eventBus: {name: 'orders-bus'}})
    // Flag > MOMENTO_EB_BUS > config.
    const viaEnv = await cli(['whoami', '--sandbox', '--json'], {MOMENTO_EB_BUS: 'elsewhere'})
    expect(viaEnv.code, show(viaEnv)).toBe(0)
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({eventBus: {name: 'elsewhere'}})
    const viaFlag = await cli(['whoami', '--sandbox', '--event-bus', 'default', '--json'], {
      MOMENTO_EB_BUS: 'elsewhere',
    })
    expect(viaFlag.code, show(viaFlag)).toBe(0)
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({eventBus: {name: 'default'}})

    const delivered = await put()
    expect(delivered.code, show(delivered)).toBe(0)
    expect(JSON.parse(delivered.stdout)).toMatchObject({outcome: 'delivered'})
  }, 90_000)

  it('a bus where no rule matches: put --wait says so at once (exit 1), status reports it (exit 1)', async () => {
    const started = Date.now()
    const lost = await put({MOMENTO_EB_BUS: 'elsewhere'})
    expect(lost.code, show(lost)).toBe(1)
    const out = JSON.parse(lost.stdout) as {outcome: string; notes: string[]}
    expect(out.outcome).toBe('unmatched')
    expect(out.notes.join(' ')).toContain('Bus elsewhere has no rules at all.')
    // Not the 20 s timeout: nothing can arrive, so nothing is waited for.
    expect(Date.now() - started).toBeLessThan(15_000)
    const human = await cli(
      ['put', 'cacheSet', '--sandbox', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'v', '--wait'],
      {MOMENTO_EB_BUS: 'elsewhere'},
    )
    expect(human.code, show(human)).toBe(1)
    expect(human.stderr).toContain('No rule on bus elsewhere matches this event (detail type cacheSet')
    expect(human.stderr).not.toMatch(/retrying/)

    await cli(['config', 'set', 'bus', 'elsewhere'])
    const status = await cli(['status', '--sandbox', '--stack', stack])
    expect(status.code, show(status)).toBe(1)
    expect(status.stderr).not.toContain('No problems found')
    expect(status.stderr).toContain(
      "Problem: No rule on bus elsewhere (the saved `bus` setting, where `put` publishes) matches cacheSet, cacheDelete, topicPublish; the stack's rules listen on orders-bus",
    )
    expect(status.stderr).toContain(`\`momento-eb config set bus orders-bus\``)
    expect(status.stderr).toContain(`\`momento-eb deploy --bus elsewhere --sandbox --stack ${stack}\``)
    await cli(['config', 'set', 'bus', 'orders-bus'])
  }, 60_000)
})
