import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {cleanEnv, ROOT, runCli, show, tempHome} from '../helpers/cli.js'

// Every run here is in the test process (`inProcess`): none needs a process of its own, and a spawn
// costs about a second of CPU. `node bin/run.js` itself is spawned by cli.test.ts and package.test.ts.

describe('momento-eb version (built CLI)', () => {
  const home = tempHome()
  afterAll(() => home.cleanup())
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string; name: string}

  it('prints the version first on a line, and fields with --json', async () => {
    const human = await runCli(['version'], {env: cleanEnv(home.home), inProcess: true})
    expect(human.code, show(human)).toBe(0)
    expect(human.stdout.split(' ')[0]).toBe(pkg.version)
    const json = await runCli(['version', '--json'], {env: cleanEnv(home.home), inProcess: true})
    expect(json.code, show(json)).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({name: pkg.name, version: pkg.version, node: process.versions.node})
  })

  it('commands that make no AWS call refuse an AWS flag and say why (exit 2)', async () => {
    for (const args of [
      ['template', '--region', 'us-east-1'],
      ['config', 'list', '--sandbox'],
      ['exit-codes', '--profile', 'dev'],
      ['version', '--endpoint-url', 'http://127.0.0.1:1'],
    ]) {
      const r = await runCli(args, {env: cleanEnv(home.home), inProcess: true})
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toMatch(/makes no AWS call, so --[\w-]+ does not apply to it/)
    }
  })
})

describe('help --json and autocomplete --json (built CLI)', () => {
  const home = tempHome()
  afterAll(() => home.cleanup())

  it('help --json lists every visible command with its summary; help COMMAND --json gives its flags', async () => {
    const all = await runCli(['help', '--json'], {env: cleanEnv(home.home), inProcess: true})
    expect(all.code, show(all)).toBe(0)
    const list = JSON.parse(all.stdout) as {commands: {id: string; summary?: string}[]}
    const ids = list.commands.map((c) => c.id)
    for (const id of ['dlq list', 'put cacheSet', 'version', 'autocomplete']) expect(ids).toContain(id)
    for (const command of list.commands) expect(command.summary, command.id).toBeTruthy()

    const one = await runCli(['help', 'dlq', 'list', '--json'], {env: cleanEnv(home.home), inProcess: true})
    expect(one.code, show(one)).toBe(0)
    const doc = JSON.parse(one.stdout) as {id: string; flags: {name: string}[]; examples: string[]}
    expect(doc.id).toBe('dlq list')
    expect(doc.flags.map((f) => f.name)).toEqual(expect.arrayContaining(['queue-url', 'reason', 'json', 'region']))
    expect(doc.examples[0]).toMatch(/^momento-eb dlq list/)

    const unknown = await runCli(['help', 'nope', '--json'], {env: cleanEnv(home.home), inProcess: true})
    expect(unknown.code).toBe(2)
    expect(JSON.parse(unknown.stdout)).toMatchObject({error: {code: 'EB_UNKNOWN_COMMAND', exitCode: 2}})
  })

  it('autocomplete --json says, as JSON, that a shell script has no JSON form (exit 2)', async () => {
    const r = await runCli(['autocomplete', '--json'], {env: cleanEnv(home.home), inProcess: true})
    expect(r.code, show(r)).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: {code: 'EB_USAGE', message: expect.stringMatching(/shell script/)},
    })
  })
})

describe('config list (built CLI)', () => {
  const home = tempHome()
  afterAll(() => home.cleanup())

  it('shows the built-in defaults, not empty columns, and what an unset key means', async () => {
    const env = cleanEnv(home.home, {XDG_CONFIG_HOME: join(home.home, 'config'), MOMENTO_EB_STACK: 'mine'})
    const tsv = await runCli(['config', 'list'], {env, inProcess: true})
    expect(tsv.code, show(tsv)).toBe(0)
    const rows = Object.fromEntries(
      tsv.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split('\t')[0], line.split('\t')]),
    )
    expect(rows['bus']).toEqual(['bus', 'default', 'default'])
    expect(rows['source']).toEqual(['source', 'momento-eb', 'default'])
    expect(rows['stack']).toEqual(['stack', 'mine', 'env'])
    const json = await runCli(['config', 'list', '--json'], {env, inProcess: true})
    const settings = (JSON.parse(json.stdout) as {settings: {key: string; unset?: string; origin: string | null}[]})
      .settings
    expect(settings.find((s) => s.key === 'cache')).toMatchObject({origin: null, unset: 'none: put needs --cache'})
    expect(settings.find((s) => s.key === 'region')?.unset).toMatch(/profile/)
  })
})
