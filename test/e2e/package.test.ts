/**
 * The npm package: `npm pack` holds the built code, the manifest and the bundled runtime
 * dependencies (so it installs with no network) and nothing else; installed globally it runs.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cleanEnv, ROOT, runCli, show} from '../helpers/cli.js'

interface PackedFile {
  path: string
}

describe('npm package', () => {
  let dir: string
  let files: string[]
  let tarball: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'momento-eb-pack-'))
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    const [info] = JSON.parse(out) as Array<{filename: string; files: PackedFile[]}>
    files = (info?.files ?? []).map((f) => f.path)
    tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) as string)
    // Packing the bundled dependencies took over 120 s in a CI run with three test files at a time on 2 cores.
  }, 300_000)
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('holds the built code, the manifest and bundled dependencies, and nothing else of ours', () => {
    const own = files.filter((f) => !f.startsWith('node_modules/'))
    expect(own).toContain('bin/run.js')
    expect(own).toContain('bin/package.json')
    expect(own).toContain('dist/put-fast.cjs')
    expect(own).toContain('dist/put-fast.cjs.cache')
    expect(own).toContain('oclif.manifest.json')
    expect(own).toContain('dist/commands/put/cacheSet.js')
    expect(own).toContain('dist/sandbox/server.js')
    const unexpected = own.filter(
      (f) =>
        !/^(bin\/run\.js|bin\/package\.json|oclif\.manifest\.json|package\.json|README\.md|dist\/.+\.js|dist\/put-fast\.cjs(\.cache)?)$/.test(
          f,
        ),
    )
    expect(unexpected).toEqual([])
    // Runtime dependencies travel with it; development tools do not.
    expect(files.some((f) => f.startsWith('node_modules/@oclif/core/'))).toBe(true)
    expect(files.some((f) => f.startsWith('node_modules/@aws-sdk/client-eventbridge/'))).toBe(true)
    for (const dev of ['vitest', 'typescript', 'eslint', 'prettier', 'oclif', 'tsx']) {
      expect(
        files.some((f) => f.startsWith(`node_modules/${dev}/`)),
        dev,
      ).toBe(false)
    }
  })

  it('installs globally with no network and runs --help and demo', async () => {
    const prefix = join(dir, 'global')
    execFileSync('npm', ['install', '-g', tarball, '--prefix', prefix, '--offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      env: {...process.env, npm_config_cache: join(dir, 'empty-cache')},
    })
    const bin = join(prefix, 'bin', 'momento-eb')
    const help = execFileSync(bin, ['--help'], {encoding: 'utf8', env: cleanEnv(dir)})
    expect(help).toContain('put')
    expect(help).toContain('dlq')
    // A single put runs from the bundle in the installed package (whatever file times npm gave it):
    // here against no sandbox (exit 5), loading no oclif file.
    const probe = join(dir, 'probe.cjs')
    writeFileSync(
      probe,
      `process.on('exit', () => process.stderr.write('OCLIF_FILES ' +
        Object.keys(require.cache).filter((f) => f.includes('/node_modules/@oclif/core/')).length + '\\n'))`,
    )
    const put = await runCli(['put', 'cacheDelete', '--sandbox', '--cache', 'c', '--key', 'k', '--json'], {
      env: cleanEnv(dir, {MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:9', NODE_OPTIONS: `--require ${probe}`}),
      bin,
    })
    expect(put.code, show(put)).toBe(5)
    expect(JSON.parse(put.stdout)).toMatchObject({error: {code: 'EB_SANDBOX_NOT_RUNNING', exitCode: 5}})
    expect(put.stderr).toContain('OCLIF_FILES 0')
    const demo = await runCli(['demo'], {env: cleanEnv(dir), timeoutMs: 90_000, bin})
    expect(demo.code, show(demo)).toBe(0)
    expect(demo.stdout).toContain('The dead-letter queue is empty')
  }, 180_000)
})
