/**
 * Prompts on a real terminal (tmux), against the sandbox: Ctrl-C at a prompt is exit 130 with one
 * calm line, and declining is "Cancelled: nothing changed." with exit 0, and nothing changed.
 */
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {awsEnv, cleanEnv, runCli, show, tempHome} from '../helpers/cli.js'
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'
import {hasTmux, openTerminal, type Terminal} from '../helpers/terminal.js'

/** A JWT-shaped (v2, global) Momento key: the shape the prompt accepts; the sandbox takes any key. */
const JWT_KEY = ['{"alg":"none"}', '{"t":"g"}', 'signature'].map((p) => Buffer.from(p).toString('base64url')).join('.')

describe.skipIf(!hasTmux)('prompts on a terminal', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  const stack = uniqueName('prompted')
  const open: Terminal[] = []
  const terminal = (args: string[], extra: Record<string, string | undefined> = {}): Terminal => {
    const t = openTerminal(args, {env: {...env, ...extra}, cwd: home.home})
    open.push(t)
    return t
  }
  const stackExists = async (): Promise<boolean> => {
    const cfn = new CloudFormationClient(clientConfig(sandbox))
    try {
      const out = await cfn.send(new DescribeStacksCommand({StackName: stack}))
      return out.Stacks?.[0]?.StackStatus !== 'DELETE_COMPLETE'
    } catch {
      return false
    } finally {
      cfn.destroy()
    }
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    // A terminal: CI must be unset, or nothing prompts.
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, CI: undefined})
    const deployed = await runCli(['deploy', '--sandbox', '--stack', stack, '--yes'], {
      env: cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
      timeoutMs: 60_000,
    })
    expect(deployed.code, show(deployed)).toBe(0)
  }, 90_000)
  afterAll(async () => {
    for (const t of open) t.close()
    await sandbox.close()
    home.cleanup()
  })

  it('destroy: Ctrl-C at "type the stack name" exits 130 with a calm line, and the stack stays', async () => {
    const t = terminal(['destroy', '--sandbox', '--stack', stack])
    await t.waitFor('the question', (s) => s.includes('to delete it:'))
    t.keys('momen', 'C-c')
    const code = await t.exitCode()
    const screen = t.screen()
    expect(code, screen).toBe(130)
    expect(screen).toContain('Interrupted: nothing changed.')
    expect(screen).not.toMatch(/Unexpected failure|EB_INTERNAL|Error:/)
    expect(await stackExists()).toBe(true)
  })

  it('destroy: a name that does not match cancels with exit 0, and the stack stays', async () => {
    const t = terminal(['destroy', '--sandbox', '--stack', stack])
    await t.waitFor('the question', (s) => s.includes('to delete it:'))
    t.keys('no', 'Enter')
    const code = await t.exitCode()
    const screen = t.screen()
    expect(code, screen).toBe(0)
    expect(screen).toContain('Cancelled: nothing changed')
    expect(screen).not.toMatch(/Error:|EB_CANCELLED/)
    expect(await stackExists()).toBe(true)
  })

  it('destroy: Ctrl-D at the question cancels with exit 0', async () => {
    const t = terminal(['destroy', '--sandbox', '--stack', stack])
    await t.waitFor('the question', (s) => s.includes('to delete it:'))
    t.keys('C-d')
    const code = await t.exitCode()
    expect(code, t.screen()).toBe(0)
    expect(t.screen()).toContain('Cancelled: nothing changed')
    expect(await stackExists()).toBe(true)
  })

  it('dlq purge: Ctrl-C at "type the queue name" exits 130; a wrong name cancels with exit 0', async () => {
    const interrupted = terminal(['dlq', 'purge', '--sandbox', '--stack', stack])
    await interrupted.waitFor('the question', (s) => s.includes('to purge it:'))
    interrupted.keys('C-c')
    expect(await interrupted.exitCode(), interrupted.screen()).toBe(130)
    expect(interrupted.screen()).toContain('Interrupted: nothing changed.')
    expect(interrupted.screen()).not.toMatch(/Unexpected failure|EB_INTERNAL/)

    const declined = terminal(['dlq', 'purge', '--sandbox', '--stack', stack])
    await declined.waitFor('the question', (s) => s.includes('to purge it:'))
    declined.keys('wrong-name', 'Enter')
    expect(await declined.exitCode(), declined.screen()).toBe(0)
    expect(declined.screen()).toContain("Cancelled: nothing changed (the name didn't match).")
    expect(declined.screen()).not.toMatch(/Error:|Purged/)
  })

  it('destroy without a terminal and without --yes: EB_CONFIRM_NEEDED, exit 2, like every other confirmation', async () => {
    const result = await runCli(['destroy', '--sandbox', '--stack', stack, '--json'], {
      env: cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
      timeoutMs: 30_000,
    })
    expect(result.code, show(result)).toBe(2)
    const {error} = JSON.parse(result.stdout) as {error: {code: string; hints: string[]}}
    expect(error.code).toBe('EB_CONFIRM_NEEDED')
    expect(error.hints.join(' ')).toContain('--yes')
    expect(await stackExists()).toBe(true)
  })

  it('a mistyped command asks whether to run the suggestion: Enter (no) exits 2, Ctrl-C 130, y runs it', async () => {
    const declined = terminal(['exit-code'])
    await declined.waitFor('the question', (s) => s.includes('Run `momento-eb exit-codes` instead? [y/N]'))
    declined.keys('Enter')
    expect(await declined.exitCode(), declined.screen()).toBe(2)

    const interrupted = terminal(['exit-code'])
    await interrupted.waitFor('the question', (s) => s.includes('instead? [y/N]'))
    interrupted.keys('C-c')
    expect(await interrupted.exitCode(), interrupted.screen()).toBe(130)
    expect(interrupted.screen()).toContain('Interrupted: nothing changed.')

    const accepted = terminal(['exit-code'])
    await accepted.waitFor('the question', (s) => s.includes('instead? [y/N]'))
    accepted.keys('y', 'Enter')
    expect(await accepted.exitCode(), accepted.screen()).toBe(0)
    expect(accepted.screen()).toContain('interrupted (Ctrl-C)')
  })

  it('deploy: Ctrl-C at the hidden API-key prompt exits 130, and echoes nothing typed', async () => {
    // Not --sandbox (which has its own key): an AWS endpoint and no MOMENTO_API_KEY, so deploy asks.
    const t = terminal(['deploy', '--stack', uniqueName('keyless')], awsEnv(sandbox.endpoint))
    await t.waitFor('the key prompt', (s) => s.includes('Momento API key (hidden):'))
    t.keys('secret-typed-key', 'C-c')
    const code = await t.exitCode()
    const screen = t.screen()
    expect(code, screen).toBe(130)
    expect(screen).toContain('Interrupted: nothing changed.')
    expect(screen).not.toContain('secret-typed-key')
    expect(screen).not.toMatch(/Unexpected failure|EB_INTERNAL/)
  })

  it('deploy: a key typed at the hidden prompt is used and never shown', async () => {
    const name = uniqueName('keyed')
    const t = terminal(['deploy', '--stack', name, '--json'], awsEnv(sandbox.endpoint))
    await t.waitFor('the key prompt', (s) => s.includes('Momento API key (hidden):'))
    // Against AWS the key must look like a Momento key: a JWT (a v2 key carries no endpoint).
    t.keys(JWT_KEY, 'Enter')
    const code = await t.exitCode(60_000)
    expect(code, t.screen()).toBe(0)
    expect(t.screen()).not.toContain(JWT_KEY)
  })

  it('deploy: "abc" at the API-key prompt is refused and asked again; three bad keys exit 2, nothing deployed', async () => {
    const name = uniqueName('badkey')
    const t = terminal(['deploy', '--stack', name], awsEnv(sandbox.endpoint))
    await t.waitFor('the key prompt', (s) => s.includes('Momento API key (hidden):'))
    t.keys('abc', 'Enter')
    await t.waitFor('the refusal', (s) => s.includes("doesn't look like a Momento API key") && s.includes('Try again'))
    t.keys('abc', 'Enter')
    await t.waitFor('the second prompt', (s) => s.split('Try again').length === 3)
    t.keys('not a key', 'Enter')
    expect(await t.exitCode()).toBe(2)
    // (Wrapped at words to the terminal's width.)
    expect(t.screen()).toMatch(/Nothing\s+was\s+deployed/)
    expect(t.screen()).not.toMatch(/\babc\b|not a key/)
  })
})
