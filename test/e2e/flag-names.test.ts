/**
 * One name per meaning (issue 13): `--rate-limit` meant three things (deploy: the API destinations'
 * invocation rate; sandbox: a throttle on the sandbox's Momento; dlq redrive: pacing on/off), and
 * `--bus`/`--event-bus` named the same thing. The help shows the unambiguous names; the old
 * spellings still work as hidden aliases.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListApiDestinationsCommand,
  ListRulesCommand,
} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {
  cleanEnv,
  collect,
  firstStdoutLine,
  runCliInProcess,
  show,
  spawnCli,
  stdoutJson,
  tempHome,
} from '../helpers/cli.js'
import {inspect} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

/** The flag lines of a command's help at 80 columns (`  -y, --yes  …`, `      --stack=<value>  …`, `  --port=<value>`). */
async function flagLines(env: NodeJS.ProcessEnv, ...command: string[]): Promise<{text: string; flags: string[]}> {
  const result = await runCliInProcess([...command, '--help'], {env: {...env, COLUMNS: '80', NO_COLOR: '1'}})
  expect(result.code, show(result)).toBe(0)
  const flags = [...result.stdout.matchAll(/^ {2}(?:-\w, | {4})?(--[\w-]+)(?:=<|\.\.\.| {2}|$)/gm)].map(
    (m) => m[1] as string,
  )
  // The help is wrapped to the width: compare its words, not its line breaks.
  return {text: result.stdout.replace(/\s+/g, ' '), flags}
}

describe('flag names', () => {
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  beforeAll(() => {
    home = tempHome()
    env = cleanEnv(home.home)
  })
  afterAll(() => home.cleanup())

  it('--rate-limit is gone from the help: deploy --invocation-rate, sandbox --momento-rate-limit, dlq redrive --rate', async () => {
    const deploy = await flagLines(env, 'deploy')
    expect(deploy.flags).toContain('--invocation-rate')
    expect(deploy.flags).not.toContain('--rate-limit')
    expect(deploy.text).toContain('Formerly --rate-limit, still accepted.')

    const sandbox = await flagLines(env, 'sandbox')
    expect(sandbox.flags).toContain('--momento-rate-limit')
    expect(sandbox.flags).not.toContain('--rate-limit')
    expect(sandbox.text).toContain('Formerly --rate-limit, still accepted.')

    const redrive = await flagLines(env, 'dlq', 'redrive')
    expect(redrive.flags).toContain('--rate')
    expect(redrive.flags).not.toContain('--rate-limit')
    expect(redrive.text).toContain('--no-rate-limit (still accepted) is --rate 0')
  })

  it('--bus is the one name of the event bus: deploy and whoami show --bus, not --event-bus', async () => {
    for (const command of ['deploy', 'whoami']) {
      const help = await flagLines(env, command)
      expect(help.flags, command).toContain('--bus')
      expect(help.flags, command).not.toContain('--event-bus')
      expect(help.text, command).toContain('--event-bus, the former name, is still accepted.')
    }
    for (const command of ['put cacheSet', 'dlq redrive']) {
      expect((await flagLines(env, ...command.split(' '))).flags, command).toContain('--bus')
    }
  })

  it('sandbox --rate-limit still sets the Momento throttle', async () => {
    const child = spawnCli(['sandbox', '--port', '0', '--json', '--rate-limit', '10:burst=20'], {env})
    try {
      const ready = JSON.parse(await firstStdoutLine(child)) as {endpoint: string}
      const faults = await inspect<{rateLimit: unknown}>(ready, '/_sandbox/momento/faults')
      expect(faults.rateLimit).toMatchObject({perSecond: 10, burst: 20})
    } finally {
      child.kill('SIGTERM')
      await collect(child, 10_000)
    }
  })
})

describe('flag names against a sandbox', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  const cli = (args: string[]) => runCliInProcess([...args, '--sandbox'], {env, timeoutMs: 60_000})

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  it('deploy --rate-limit still sets the API destinations’ invocation rate', async () => {
    const stack = uniqueName('ratelimit')
    const result = await cli(['deploy', '--stack', stack, '--rate-limit', '7', '--json'])
    expect(result.code, show(result)).toBe(0)
    const eb = new EventBridgeClient(clientConfig(sandbox))
    try {
      const listed = await eb.send(new ListApiDestinationsCommand({}))
      const rates = (listed.ApiDestinations ?? []).map((d) => d.InvocationRateLimitPerSecond)
      expect(rates).toEqual([7, 7, 7])
    } finally {
      eb.destroy()
    }
  })

  it('deploy and whoami take the bus as --bus and as --event-bus', async () => {
    const eb = new EventBridgeClient(clientConfig(sandbox))
    try {
      const buses = [uniqueName('bus'), uniqueName('old-bus')]
      for (const name of buses) await eb.send(new CreateEventBusCommand({Name: name}))
      for (const [flag, bus] of [
        ['--bus', buses[0]],
        ['--event-bus', buses[1]],
      ] as Array<[string, string]>) {
        const who = await cli(['whoami', flag, bus, '--json'])
        expect(who.code, show(who)).toBe(0)
        expect((stdoutJson(who) as {eventBus: {name: string}}).eventBus.name).toBe(bus)

        const deployed = await cli(['deploy', '--stack', uniqueName('bus'), flag, bus, '--json'])
        expect(deployed.code, show(deployed)).toBe(0)
        const rules = await eb.send(new ListRulesCommand({EventBusName: bus}))
        expect((rules.Rules ?? []).length, `${flag} ${bus}`).toBe(3)
      }
    } finally {
      eb.destroy()
    }
  })
})
