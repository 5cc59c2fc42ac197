/**
 * The start-up fast path of a single `put` (bin/run.js, src/cli/put-fast.ts): it really runs from the
 * bundle with an accepted code cache, and what a person sees is what the oclif path gives.
 */
import {spawnSync} from 'node:child_process' // only for a child that needs no sandbox
import {cpSync, statSync, symlinkSync, utimesSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, oclifFilesLoaded, ROOT, runCli, show, tempHome, writeOclifProbe} from '../helpers/cli.js'
import {startTestSandbox} from '../helpers/sandbox.js'

describe('put fast path', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let probe: string

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    probe = writeOclifProbe(home.home)
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  // Async: the sandbox runs in this process, so a synchronous spawn would keep it from answering.
  const probed = async (args: string[]) => {
    const result = await runCli(args, {env: {...env, NODE_OPTIONS: `--require ${probe}`}})
    return {...result, probe: {oclif: oclifFilesLoaded(result.stderr)}}
  }

  it('runs put cacheSet, cacheDelete and topicPublish without loading oclif from node_modules', async () => {
    for (const args of [
      ['cacheSet', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'v'],
      ['cacheDelete', '--cache', 'orders', '--key', 'k'],
      ['topicPublish', '--cache', 'orders', '--topic', 't', '--message', 'hi'],
    ]) {
      const result = await probed(['put', ...args, '--sandbox'])
      expect(result.code, show(result)).toBe(0)
      expect(result.probe.oclif, args[0]).toBe(0)
    }
  })

  it('leaves help and every other command to oclif', async () => {
    const help = await probed(['put', 'cacheSet', '--help'])
    expect(help.code, show(help)).toBe(0)
    expect(help.stdout).toContain('--ttl')
    expect(help.probe.oclif).toBeGreaterThan(0)
    const version = await probed(['--version'])
    expect(version.probe.oclif).toBeGreaterThan(0)
  })

  it('runs a put through oclif when the bundle is older than the compiled code (tsc without a bundle)', async () => {
    // A copy of the built checkout (tsconfig.json marks a checkout) whose dist/ was compiled again since.
    const copy = join(home.home, 'pkg')
    for (const part of ['bin', 'dist', 'package.json', 'oclif.manifest.json', 'tsconfig.json']) {
      cpSync(join(ROOT, part), join(copy, part), {recursive: true})
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(copy, 'dist', 'cli', 'put-fast.js'), later, later)
    const result = await runCli(['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'k'], {
      env: {...env, NODE_OPTIONS: `--require ${probe}`},
      bin: join(copy, 'bin', 'run.js'),
    })
    expect(result.code, show(result)).toBe(0)
    expect(oclifFilesLoaded(result.stderr)).toBeGreaterThan(0)
  })

  it('has a code cache this Node.js accepts', () => {
    const check = spawnSync(
      process.execPath,
      [
        '-e',
        `const {bundleCache, loadBundle} = require(${JSON.stringify(BIN)});
         const {script} = loadBundle(require('node:fs').readFileSync(bundleCache));
         process.stdout.write(String(script.cachedDataRejected))`,
      ],
      {encoding: 'utf8', cwd: ROOT},
    )
    expect(check.stderr).toBe('')
    expect(check.stdout).toBe('false')
    // And the build made the bundle after the compiled code it holds, and the cache after the bundle.
    const built = (file: string) => statSync(join(ROOT, 'dist', file)).mtimeMs
    expect(built('put-fast.cjs')).toBeGreaterThanOrEqual(built('cli/put-fast.js'))
    expect(built('put-fast.cjs.cache')).toBeGreaterThanOrEqual(built('put-fast.cjs'))
  })

  it('gives the same usage errors, JSON errors and exit codes as oclif', async () => {
    const both = await runCli(
      ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'a', '--key-base64', 'YQ'],
      {
        env,
      },
    )
    expect(both.code, show(both)).toBe(2)
    expect(both.stderr).toMatch(/--key/)
    const unknown = await runCli(['put', 'cacheDelete', '--sandbox', '--kye', 'a', '--json'], {env})
    expect(unknown.code, show(unknown)).toBe(2)
    expect(JSON.parse(unknown.stdout)).toMatchObject({error: {exitCode: 2}})
    const noBus = await runCli(
      ['put', 'cacheDelete', '--sandbox', '--cache', 'orders', '--key', 'a', '--bus', 'nope', '--json'],
      {env},
    )
    expect(noBus.code, show(noBus)).toBe(1)
    expect(JSON.parse(noBus.stdout)).toMatchObject({error: {exitCode: 1}})
  })
})
