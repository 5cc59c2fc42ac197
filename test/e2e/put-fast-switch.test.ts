/**
 * The put fast path's switch and its cache's keys (bin/run.js, scripts/bundle-put.js):
 * MOMENTO_EB_NO_FAST_PATH sends a put through oclif; the list of fast commands is put-fast.ts's, read
 * from the bundle's header; the code cache works at any path, names no build path, and is never used
 * with a bundle it was not made from.
 */
import {spawnSync} from 'node:child_process' // only for children that need no sandbox
import {cpSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, oclifFilesLoaded, ROOT, runCli, show, tempHome, writeOclifProbe} from '../helpers/cli.js'
import {startTestSandbox} from '../helpers/sandbox.js'

const nodeEval = (code: string) => spawnSync(process.execPath, ['-e', code], {encoding: 'utf8', cwd: ROOT})

describe('put fast path: switch and cache keys', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let probe: string
  let moved: string

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    probe = writeOclifProbe(home.home)
    // The built package at another path, as an install or a moved checkout has it (no tsconfig.json).
    moved = join(home.home, 'elsewhere', 'momento-eb')
    for (const part of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) {
      cpSync(join(ROOT, part), join(moved, part), {recursive: true})
    }
    symlinkSync(join(ROOT, 'node_modules'), join(moved, 'node_modules'))
  })
  afterAll(async () => {
    await sandbox.close()
    home.cleanup()
  })

  const put = ['put', 'cacheSet', '--sandbox', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'v']
  /** Run a put; how many oclif files it loaded from node_modules (0 on the fast path). */
  const probed = async (extra: NodeJS.ProcessEnv, bin?: string) => {
    const result = await runCli(put, {
      env: {...env, ...extra, NODE_OPTIONS: `--require ${probe}`},
      ...(bin ? {bin} : {}),
    })
    return {...result, oclif: oclifFilesLoaded(result.stderr)}
  }

  it('MOMENTO_EB_NO_FAST_PATH=1 runs the put through oclif, with the same result', async () => {
    const fast = await probed({})
    expect(fast.code, show(fast)).toBe(0)
    expect(fast.oclif).toBe(0)
    const slow = await probed({MOMENTO_EB_NO_FAST_PATH: '1'})
    expect(slow.code, show(slow)).toBe(0)
    expect(slow.oclif).toBeGreaterThan(0)
    expect(slow.stdout.replace(/[0-9a-f-]{36}/g, 'ID')).toBe(fast.stdout.replace(/[0-9a-f-]{36}/g, 'ID'))
    // 0 and the empty string leave the fast path on.
    for (const value of ['0', '']) expect((await probed({MOMENTO_EB_NO_FAST_PATH: value})).oclif, value).toBe(0)
  })

  it("serves the commands put-fast.ts lists, read from the bundle's header (bin/run.js names none)", async () => {
    const {FAST_COMMANDS} = (await import(join(ROOT, 'dist', 'cli', 'put-fast.js'))) as {FAST_COMMANDS: string[]}
    expect(FAST_COMMANDS).toEqual(['cacheSet', 'cacheDelete', 'topicPublish'])
    const firstLine = readFileSync(join(ROOT, 'dist', 'put-fast.cjs'), 'utf8').split('\n')[0] as string
    expect(firstLine).toMatch(/^\/\/momento-eb-put-fast \{/)
    expect(JSON.parse(firstLine.slice(firstLine.indexOf('{'))).commands).toEqual(FAST_COMMANDS)
    const bin = readFileSync(BIN, 'utf8')
    for (const id of FAST_COMMANDS) expect(bin).not.toContain(`'${id}'`)
  })

  it('uses the cache at another path, and names no build path in it or in stack traces', async () => {
    const cache = readFileSync(join(ROOT, 'dist', 'put-fast.cjs.cache'))
    expect(cache.includes(ROOT)).toBe(false)
    const check = nodeEval(
      `const {bundleCache, loadBundle} = require(${JSON.stringify(join(moved, 'bin', 'run.js'))});
       const {exports, script} = loadBundle(require('node:fs').readFileSync(bundleCache));
       exports.runFast(['put', 'nope'], '/').catch((e) => {
         process.stdout.write(JSON.stringify({rejected: script.cachedDataRejected, stack: e.stack}))
       })`,
    )
    expect(check.stderr).toBe('')
    const {rejected, stack} = JSON.parse(check.stdout) as {rejected: boolean; stack: string}
    expect(rejected).toBe(false)
    expect(stack).toContain('momento-eb/dist/put-fast.cjs:')
    expect(stack).not.toContain(ROOT)
    const result = await probed({}, join(moved, 'bin', 'run.js'))
    expect(result.code, show(result)).toBe(0)
    expect(result.oclif).toBe(0)
  })

  it('never uses a cache made for another bundle (V8 checks only the length)', async () => {
    const copy = join(home.home, 'other-build')
    cpSync(moved, copy, {recursive: true, dereference: false})
    const cacheFile = join(copy, 'dist', 'put-fast.cjs.cache')
    const cache = readFileSync(cacheFile)
    // Another build's cache: the same header but for its id (a UUID of the same length).
    const other = cache
      .toString('latin1')
      .replace(/"id":"[0-9a-f-]{36}"/, `"id":"${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}"`)
    writeFileSync(cacheFile, Buffer.from(other, 'latin1'))
    const check = nodeEval(
      `const {bundleCache, loadBundle} = require(${JSON.stringify(join(copy, 'bin', 'run.js'))});
       const {script} = loadBundle(require('node:fs').readFileSync(bundleCache));
       process.stdout.write(String(script.cachedDataRejected))`,
    )
    expect(check.stderr).toBe('')
    expect(check.stdout).toBe('undefined') // compiled without the cache: V8 was never offered it
    const result = await probed({}, join(copy, 'bin', 'run.js'))
    expect(result.code, show(result)).toBe(0)
    expect(result.oclif).toBe(0)
  })
})
