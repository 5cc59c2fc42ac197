/**
 * The npm package: `npm pack` holds the built code, the manifest and the bundled runtime
 * dependencies (so it installs with no network) and nothing else; installed globally it runs.
 *
 * The install is what `npm install -g` does with a package whose dependencies are all bundled: the
 * tarball unpacked into `<prefix>/lib/node_modules/momento-eb` and the bin linked from
 * `<prefix>/bin/momento-eb`. npm itself spent about 35 s of CPU on it (its dependency tree walk over
 * 11,000 files), a tenth of the whole suite's CPU; what npm would need beyond the tarball is checked
 * from the lock file instead: every production package in it is bundled, and nothing else is.
 * MOMENTO_EB_TEST_PACKAGE_INSTALL=npm runs the real `npm install -g --offline` instead.
 *
 * Packing (npm walks every bundled dependency: about 25 s of CPU here) and installing are done once per
 * content: the tarball's file list and the installed prefix are kept in the temporary directory under a
 * hash of everything the package is made of (see `packageKey`), and a run with the same content reuses
 * them. Any change to the built code, the manifest, package.json, the lock files or the npm and Node
 * versions is a new key: packed and installed again. MOMENTO_EB_TEST_PACKAGE_CACHE=0 packs and installs
 * every time.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cleanEnv, oclifFilesLoaded, reconcilerFilesLoaded, ROOT, runCli, show, writeOclifProbe} from '../helpers/cli.js'
import {hasTmux, openTerminal} from '../helpers/terminal.js'

interface PackedFile {
  path: string
}

/**
 * The V8 code cache the build writes beside the put bundle: it differs from build to build (it is
 * made from the bundle, which is in the key), so it is left out of the key and copied into a reused
 * install instead.
 */
const CODE_CACHE = 'dist/put-fast.cjs.cache'

/** Files under `dir`, relative to ROOT, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (path: string) => {
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else out.push(relative(ROOT, full))
    }
  }
  walk(join(ROOT, dir))
  return out.sort()
}

/** A hash of what `npm pack` and `npm install` make the package from. */
function packageKey(): string {
  const hash = createHash('sha256')
  hash.update(`node ${process.version}\n`)
  hash.update(`npm ${execFileSync('npm', ['--version'], {encoding: 'utf8'}).trim()}\n`)
  hash.update(`install ${process.env['MOMENTO_EB_TEST_PACKAGE_INSTALL'] ?? 'unpack'}\n`)
  const files = [
    'package.json',
    'package-lock.json',
    'node_modules/.package-lock.json',
    'README.md',
    'oclif.manifest.json',
    ...filesUnder('bin'),
    ...filesUnder('dist').filter((file) => file !== CODE_CACHE),
  ]
  for (const file of files) {
    const path = join(ROOT, file)
    hash.update(`${file}\0`)
    hash.update(existsSync(path) ? readFileSync(path) : '(missing)')
    hash.update('\0')
  }
  return hash.digest('hex').slice(0, 32)
}

/** What the tests need from a pack and an install: the tarball's files and the install's prefix. */
interface Packed {
  files: string[]
  prefix: string
}

/** `npm pack`, then `npm install -g` of the tarball with no network, into `dir`. */
function packAndInstall(dir: string): Packed {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const [info] = JSON.parse(out) as Array<{filename: string; files: PackedFile[]}>
  const files = (info?.files ?? []).map((f) => f.path)
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) as string)
  const prefix = join(dir, 'global')
  if (process.env['MOMENTO_EB_TEST_PACKAGE_INSTALL'] === 'npm') {
    execFileSync('npm', ['install', '-g', tarball, '--prefix', prefix, '--offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      env: {...process.env, npm_config_cache: join(dir, 'empty-cache')},
    })
    rmSync(join(dir, 'empty-cache'), {recursive: true, force: true})
  } else {
    // npm's global layout: the package under lib/node_modules, its bin a relative link, made executable.
    const installed = join(prefix, 'lib', 'node_modules', 'momento-eb')
    mkdirSync(installed, {recursive: true})
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1', '--no-same-owner'])
    mkdirSync(join(prefix, 'bin'))
    symlinkSync('../lib/node_modules/momento-eb/bin/run.js', join(prefix, 'bin', 'momento-eb'))
    chmodSync(join(installed, 'bin', 'run.js'), 0o755)
  }
  rmSync(tarball)
  writeFileSync(join(dir, 'files.json'), JSON.stringify(files))
  return {files, prefix}
}

/**
 * The package for this content: from the cache when an earlier run packed the same content, else
 * packed and installed now (and kept, under its key, for the next run). Entries unused for a day go.
 */
function packageFor(scratch: string): Packed {
  if (process.env['MOMENTO_EB_TEST_PACKAGE_CACHE'] === '0') return packAndInstall(scratch)
  const cache = join(tmpdir(), 'momento-eb-package-test')
  mkdirSync(cache, {recursive: true})
  const entry = join(cache, packageKey())
  if (!existsSync(join(entry, 'files.json'))) {
    const building = mkdtempSync(`${entry}.building-`)
    packAndInstall(building)
    try {
      renameSync(building, entry)
    } catch {
      // Another run stored the same content first: use its copy.
      rmSync(building, {recursive: true, force: true})
    }
  }
  const now = new Date()
  utimesSync(entry, now, now)
  for (const other of readdirSync(cache)) {
    const path = join(cache, other)
    if (path !== entry && now.getTime() - statSync(path).mtimeMs > 86_400_000) {
      rmSync(path, {recursive: true, force: true})
    }
  }
  const prefix = join(entry, 'global')
  // This build's code cache (see CODE_CACHE), as a fresh install would have it.
  copyFileSync(join(ROOT, CODE_CACHE), join(prefix, 'lib', 'node_modules', 'momento-eb', CODE_CACHE))
  return {files: JSON.parse(readFileSync(join(entry, 'files.json'), 'utf8')) as string[], prefix}
}

describe('npm package', () => {
  let dir: string
  let files: string[]
  let prefix: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'momento-eb-pack-'))
    ;({files, prefix} = packageFor(dir))
    // Packing the bundled dependencies took over 120 s in a CI run with three test files at a time on 2 cores.
  }, 300_000)
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('holds the built code, the manifest and bundled dependencies, and nothing else of ours', () => {
    const own = files.filter((f) => !f.startsWith('node_modules/'))
    expect(own).toContain('bin/run.js')
    expect(own).toContain('bin/package.json')
    expect(own).toContain('dist/put-fast.cjs')
    expect(own).toContain('dist/put-fast.cjs.cache')
    expect(own).toContain('dist/commands-fast.cjs')
    expect(own).toContain('dist/commands-fast.cjs.cache')
    expect(own).toContain('dist/ink-fast.mjs')
    expect(own).toContain('oclif.manifest.json')
    expect(own).toContain('dist/commands/put/cacheSet.js')
    expect(own).toContain('dist/sandbox/server.js')
    const unexpected = own.filter(
      (f) =>
        !/^(bin\/run\.js|bin\/package\.json|oclif\.manifest\.json|package\.json|README\.md|dist\/.+\.js|dist\/(?:put|commands)-fast\.cjs(\.cache)?|dist\/ink-fast\.mjs)$/.test(
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

  it('bundles every production package of the lock file, and no other', () => {
    // What `npm install --offline` would otherwise have to fetch: a package the lock file installs for
    // production that the tarball lacks. Optional packages (platform builds, type packages) may be absent.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, {dev?: boolean; optional?: boolean; devOptional?: boolean}>
    }
    const production = Object.entries(lock.packages)
      .filter(([path, pkg]) => path.startsWith('node_modules/') && !pkg.dev && !pkg.optional && !pkg.devOptional)
      .map(([path]) => path)
    expect(production.length).toBeGreaterThan(50)
    const packed = new Set(files)
    expect(production.filter((path) => !packed.has(`${path}/package.json`))).toEqual([])
    const bundled = files
      .filter((f) => /^node_modules\/(@[^/]+\/)?[^/]+(\/node_modules\/(@[^/]+\/)?[^/]+)*\/package\.json$/.test(f))
      .map((f) => f.slice(0, -'/package.json'.length))
    expect(bundled.filter((path) => !(path in lock.packages) || lock.packages[path]?.dev)).toEqual([])
  })

  it('installed globally as npm lays it out, runs --help, a put and status from the bundles, and demo', async () => {
    const bin = join(prefix, 'bin', 'momento-eb')
    const help = execFileSync(bin, ['--help'], {encoding: 'utf8', env: cleanEnv(dir)})
    expect(help).toContain('put')
    expect(help).toContain('dlq')
    // A single put runs from the bundle in the installed package (whatever file times npm gave it):
    // here against no sandbox (exit 5), loading no oclif file.
    const probe = writeOclifProbe(dir)
    const put = await runCli(['put', 'cacheDelete', '--sandbox', '--cache', 'c', '--key', 'k', '--json'], {
      env: cleanEnv(dir, {MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:9', NODE_OPTIONS: `--require ${probe}`}),
      bin,
    })
    expect(put.code, show(put)).toBe(5)
    expect(JSON.parse(put.stdout)).toMatchObject({error: {code: 'EB_SANDBOX_NOT_RUNNING', exitCode: 5}})
    expect(oclifFilesLoaded(put.stderr)).toBe(0)
    // So does any other short command without a terminal (the commands bundle): status, the same way.
    const status = await runCli(['status', '--sandbox', '--json'], {
      env: cleanEnv(dir, {MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:9', NODE_OPTIONS: `--require ${probe}`}),
      bin,
    })
    expect(status.code, show(status)).toBe(5)
    expect(JSON.parse(status.stdout)).toMatchObject({error: {code: 'EB_SANDBOX_NOT_RUNNING', exitCode: 5}})
    expect(oclifFilesLoaded(status.stderr)).toBe(0)
    // On a terminal, a command that draws with Ink loads Ink's bundle from the package first (none of
    // Ink's renderer from node_modules), then fails as it should: no sandbox (exit 5).
    if (hasTmux) {
      const t = openTerminal(['top', '--sandbox'], {
        env: cleanEnv(dir, {MOMENTO_EB_SANDBOX_URL: 'http://127.0.0.1:9', NODE_OPTIONS: `--require ${probe}`}),
        cwd: dir,
        bin,
      })
      try {
        expect(await t.exitCode(60_000), t.screen()).toBe(5)
        const screen = await t.waitFor('the probe line', (s) => /REACT_DEV_FILES \d+/.test(s))
        const probeLine = screen.replace(/^.*(OCLIF_FILES \d+ RECONCILER_FILES \d+ REACT_DEV_FILES \d+).*$/m, '$1')
        expect(oclifFilesLoaded(probeLine), screen).toBe(0)
        expect(reconcilerFilesLoaded(probeLine), screen).toBe(0)
        expect(screen).toContain('sandbox')
      } finally {
        t.close()
      }
    }
    const demo = await runCli(['demo'], {env: cleanEnv(dir), timeoutMs: 90_000, bin})
    expect(demo.code, show(demo)).toBe(0)
    expect(demo.stdout).toContain('The dead-letter queue is empty')
  }, 180_000)
})
