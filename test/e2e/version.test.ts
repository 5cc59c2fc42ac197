import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {cleanEnv, ROOT, runCli, show, tempHome} from '../helpers/cli.js'

describe('momento-eb version (built CLI)', () => {
  const home = tempHome()
  afterAll(() => home.cleanup())
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string; name: string}

  it('prints the version first on a line, and fields with --json', async () => {
    const human = await runCli(['version'], {env: cleanEnv(home.home)})
    expect(human.code, show(human)).toBe(0)
    expect(human.stdout.split(' ')[0]).toBe(pkg.version)
    const json = await runCli(['version', '--json'], {env: cleanEnv(home.home)})
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
      const r = await runCli(args, {env: cleanEnv(home.home)})
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toMatch(/makes no AWS call, so --[\w-]+ does not apply to it/)
    }
  })
})
