/**
 * `momento-eb sandbox --latency` and `sandbox latency show|set|clear` (the built CLI): the grammar's
 * errors, and changing a running sandbox's AWS latency.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, collect, runCli, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {startTestSandbox} from '../helpers/sandbox.js'

interface ErrorEnvelope {
  error: {message: string; hints: string[]}
}

describe('sandbox latency', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    sandbox = await startTestSandbox()
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  /**
   * In the test process: `sandbox latency` is a client of the running sandbox, and a `sandbox --latency`
   * refused at its flags never listens. Spawned: the sandbox servers, which run until a signal.
   */
  const cli = (...args: string[]) => runCli(['sandbox', 'latency', ...args], {env, inProcess: true})

  it('set, show and clear change the running sandbox', async () => {
    const none = await cli('show')
    expect(none.code, show(none)).toBe(0)
    expect(none.stdout).toContain('No added latency')

    const set = await cli('set', 'sqs=15~5,events=20')
    expect(set.code, show(set)).toBe(0)
    expect(set.stdout).toContain('sqs             15 ms ± 5 ms')
    expect(set.stdout).toContain('events          20 ms')
    expect(await inspect(sandbox, '/_sandbox/latency')).toEqual({
      latency: {sqs: {meanMs: 15, jitterMs: 5}, events: {meanMs: 20, jitterMs: 0}},
      spec: 'sqs=15~5,events=20',
    })

    const json = await cli('show', '--json')
    expect(json.code, show(json)).toBe(0)
    expect(stdoutJson(json)).toMatchObject({spec: 'sqs=15~5,events=20'})

    const preset = await cli('set', 'aws,cloudformation=200', '--json')
    expect(preset.code, show(preset)).toBe(0)
    expect(stdoutJson(preset)).toMatchObject({latency: {sqs: {meanMs: 15, jitterMs: 5}, cloudformation: {meanMs: 200}}})

    const cleared = await cli('clear')
    expect(cleared.code, show(cleared)).toBe(0)
    expect(await inspect(sandbox, '/_sandbox/latency')).toEqual({latency: {}, spec: 'off'})
  })

  it('set with a misspelt service is a usage error (exit 2) with a did-you-mean, and changes nothing', async () => {
    await cli('set', 'sqs=30')
    const bad = await cli('set', 'sqs=15,evnts=20', '--json')
    expect(bad.code, show(bad)).toBe(2)
    const body = stdoutJson(bad) as ErrorEnvelope
    expect(body.error.message).toContain('"evnts" is not a service the sandbox delays. Did you mean "events"?')
    expect(body.error.hints.join('\n')).toContain('sqs=15~5,events=20')
    expect(await inspect(sandbox, '/_sandbox/latency')).toMatchObject({spec: 'sqs=30'})
  })

  it('sandbox --latency with a bad spec exits 2 naming the service it guesses', async () => {
    const r = await runCli(['sandbox', '--port', '0', '--latency', 'sqs=15,cloudformaton=60'], {env, inProcess: true})
    expect(r.code, show(r)).toBe(2)
    expect(r.stderr).toContain('Did you mean "cloudformation"?')
    const malformed = await runCli(['sandbox', '--port', '0', '--latency', 'sqs:15'], {env, inProcess: true})
    expect(malformed.code, show(malformed)).toBe(2)
    expect(malformed.stderr).toContain('<service>=<ms>[~<jitter>]')
  })

  it('sandbox --latency aws starts a sandbox with the preset', {timeout: 60_000}, async () => {
    const child = spawnCli(['sandbox', '--port', '0', '--json', '--latency', 'aws', '--sqs-max-in-flight', '50'], {
      env: cleanEnv(home.home),
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    const done = collect(child, 30_000)
    try {
      const line = await until(
        'the ready line',
        async () => (out.includes('\n') ? out.split('\n')[0] : undefined),
        15_000,
      )
      const {endpoint} = JSON.parse(line ?? '') as {endpoint: string}
      const res = await fetch(`${endpoint}/_sandbox/latency`)
      const body = (await res.json()) as {latency: Record<string, unknown>; spec: string}
      expect(body.latency['sqs']).toEqual({meanMs: 15, jitterMs: 5})
      expect(body.latency['cloudformation']).toEqual({meanMs: 60, jitterMs: 20})
      expect(Object.keys(body.latency)).toHaveLength(8)
    } finally {
      child.kill('SIGTERM')
    }
    expect((await done).code).toBe(0)
  })

  it('the banner says which latency the sandbox adds, within 80 columns', {timeout: 60_000}, async () => {
    for (const [args, expected] of [
      [['--latency', 'aws'], /^ {2}latency {4}ms added to each AWS call: sqs=15~5,events=20~5,/m],
      [[], undefined],
    ] as const) {
      const child = spawnCli(['sandbox', '--port', '0', ...args], {env: cleanEnv(home.home)})
      let out = ''
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
      const done = collect(child, 30_000)
      try {
        await until('the banner', async () => (out.includes('--sandbox to momento-eb') ? true : undefined), 15_000)
      } finally {
        child.kill('SIGTERM')
      }
      expect((await done).code).toBe(0)
      if (expected) {
        expect(out).toMatch(expected)
        expect(out).toContain('sns=20~5')
        expect(out).toContain('momento-eb sandbox latency set|clear')
      } else {
        expect(out).not.toContain('latency')
      }
      for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80)
    }
  })
})
