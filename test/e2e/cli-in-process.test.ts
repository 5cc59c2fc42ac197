/**
 * The in-process runner (test/helpers/cli.ts): each run sees its own environment, working directory
 * and stdin, gets the exit code a process would have, and leaves the test process as it found it.
 */
import {afterAll, describe, expect, it} from 'vitest'

import {cleanEnv, runCli, runCliInProcess, show, stdoutJson, tempHome} from '../helpers/cli.js'

describe('runCliInProcess', () => {
  const homes = [tempHome(), tempHome()]
  const envOf = (home: string) => cleanEnv(home, {XDG_CONFIG_HOME: `${home}/config`})
  afterAll(() => homes.forEach((h) => h.cleanup()))

  it('runs in a row see their own HOME and saved config', async () => {
    const [a, b] = homes.map((h) => envOf(h.home)) as [NodeJS.ProcessEnv, NodeJS.ProcessEnv]
    const set = await runCliInProcess(['config', 'set', 'region', 'eu-west-1'], {env: a})
    expect(set.code, show(set)).toBe(0)
    const inA = await runCliInProcess(['config', 'get', 'region', '--json'], {env: a})
    expect(inA.code, show(inA)).toBe(0)
    expect(stdoutJson(inA)).toMatchObject({value: 'eu-west-1'})
    const inB = await runCliInProcess(['config', 'get', 'region', '--json'], {env: b})
    expect(JSON.stringify(stdoutJson(inB))).not.toContain('eu-west-1')
    // The spawned CLI agrees with the in-process one.
    const spawned = await runCli(['config', 'get', 'region', '--json'], {env: a})
    expect(stdoutJson(spawned)).toEqual(stdoutJson(inA))
  })

  it('gives the exit code and output a process would, and restores env, cwd, stdio and exitCode', async () => {
    const env = envOf(homes[0]!.home)
    const before = {env: {...process.env}, cwd: process.cwd(), exitCode: process.exitCode, stdout: process.stdout}
    const [spawned, inProcess] = [
      await runCli(['whoami', '--sandbox', '--bogus'], {env}),
      await runCli(['whoami', '--sandbox', '--bogus'], {env, inProcess: true}),
    ]
    expect(inProcess.code, show(inProcess)).toBe(2)
    expect(inProcess.code).toBe(spawned.code)
    expect(inProcess.stderr).toBe(spawned.stderr)
    expect(inProcess.stdout).toBe(spawned.stdout)
    expect({env: {...process.env}, cwd: process.cwd(), exitCode: process.exitCode, stdout: process.stdout}).toEqual(
      before,
    )
    expect(process.stdout).toBe(before.stdout)
  })

  it('feeds stdin, and an empty stdin is end-of-file (as /dev/null)', async () => {
    const env = envOf(homes[1]!.home)
    const empty = await runCliInProcess(['put', '--sandbox', '--file', '-'], {env})
    expect(empty.code, show(empty)).toBe(2)
    const bad = await runCliInProcess(['put', '--sandbox', '--file', '-'], {env, stdin: '{"detailType":"nope"}\n'})
    expect(bad.code, show(bad)).toBe(2)
    expect(bad.stderr).toMatch(/line 1/)
    expect(bad.stderr).not.toBe(empty.stderr)
  })
})
