/**
 * `dlq redrive` stopped mid-run, end to end (the built CLI over HTTP against the sandbox's delivery
 * pipeline): Ctrl-C, SIGTERM and SIGHUP finish what is in flight and lose nothing; a journal that is a
 * symlink, on a full disk, or filling up mid-run stops the run safely. The fixture is
 * test/helpers/redrive-fixture.ts (shared with dlq-redrive.test.ts).
 */
import {execFileSync} from 'node:child_process'
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {collect, show, spawnCli, stdoutJson} from '../helpers/cli.js'
import {type Integration, inspect, until} from '../helpers/integration.js'
import {redriveFixture} from '../helpers/redrive-fixture.js'

describe('dlq redrive stopped', () => {
  const fx = redriveFixture()
  const {depth, total, items, createCache, publishSets, cli} = fx
  let sandbox: RunningSandbox
  let integration: Integration
  let env: NodeJS.ProcessEnv
  beforeAll(() => ({sandbox, integration, env} = fx))

  it('Ctrl-C mid-redrive finishes what is in flight, exits 130 and loses nothing', async () => {
    await publishSets('ctrlc', 300)
    await until('300 dead letters', async () => ((await total()) >= 300 ? true : undefined))
    await createCache('ctrlc')
    const child = spawnCli(
      ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '50'],
      {
        env,
      },
    )
    const done = collect(child, 60_000)
    await until('some items redriven', async () => ((await items('ctrlc')).length >= 20 ? true : undefined), 30_000)
    child.kill('SIGINT')
    const result = await done
    expect(result.code, show(result)).toBe(130)
    expect(result.stderr).toContain('Interrupted')
    // Nothing hidden is left behind: what wasn't redriven is visible again at once.
    await until('deliveries settle', async () => {
      const d = await depth()
      const stored = (await items('ctrlc')).length
      return d.hidden === 0 && stored + d.visible === 300 ? true : undefined
    })
    expect((await items('ctrlc')).length).toBeLessThan(300)

    const rest = await cli(['--all', '--rate', '0', '--json'])
    expect(rest.code, show(rest)).toBe(0)
    await until('all 300 items', async () => ((await items('ctrlc')).length === 300 ? true : undefined))
    expect(await total()).toBe(0)
  })

  const delivered = async () =>
    (await inspect<{counters: {delivered: number}}>(sandbox, '/_sandbox/deliveries?limit=0')).counters.delivered

  it.each([
    ['SIGTERM', 143, 200],
    ['SIGHUP', 129, 100],
  ] as const)(
    '%s mid-redrive stops like Ctrl-C: exit %i, a message, nothing left hidden, nothing lost',
    async (signal, code, count) => {
      const cache = `sig-${signal.toLowerCase()}`
      await publishSets(cache, count)
      await until(`${count} dead letters`, async () => ((await total()) >= count ? true : undefined))
      await createCache(cache)
      const child = spawnCli(
        ['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', '--all', '--rate', '40'],
        {
          env,
        },
      )
      const done = collect(child, 60_000)
      await until('some items redriven', async () => ((await items(cache)).length >= 10 ? true : undefined), 30_000)
      child.kill(signal)
      const result = await done
      expect(result.code, show(result)).toBe(code)
      expect(result.stderr).toContain(`Stopping (${signal})`)
      expect(result.stderr).toContain(`Stopped by ${signal}`)
      // Released at once: nothing is hidden right after the exit (the visibility timeout is 60 s).
      expect((await depth()).hidden).toBe(0)
      await until('deliveries settle', async () => {
        const d = await depth()
        const stored = (await items(cache)).length
        return d.hidden === 0 && stored + d.visible === count ? true : undefined
      })
      expect((await items(cache)).length).toBeLessThan(count)
      const rest = await cli(['--all', '--rate', '0', '--json'])
      expect(rest.code, show(rest)).toBe(0)
      await until(`all ${count} items`, async () => ((await items(cache)).length === count ? true : undefined))
      expect(await total()).toBe(0)
    },
  )

  it('refuses a symlinked journal (exit 2) and leaves the file it points to untouched', async () => {
    await publishSets('symlinked', 5)
    await until('5 dead letters', async () => ((await total()) >= 5 ? true : undefined))
    const dir = mkdtempSync(join(tmpdir(), 'momento-eb-state-'))
    try {
      const target = join(dir, 'precious.txt')
      writeFileSync(target, 'keep me\n')
      chmodSync(target, 0o644)
      const state = join(dir, 'state')
      mkdirSync(state, {mode: 0o700})
      symlinkSync(target, join(state, 'redrive-journal.ndjson'))
      const run = await cli(['--all'], {MOMENTO_EB_STATE_DIR: state})
      expect(run.code, show(run)).toBe(2)
      expect(run.stderr).toMatch(/redrive-journal\.ndjson is a symbolic link/)
      expect(run.stderr).toMatch(/MOMENTO_EB_STATE_DIR/)
      expect(readFileSync(target, 'utf8')).toBe('keep me\n')
      expect(statSync(target).mode & 0o777).toBe(0o644)
      expect(await depth()).toEqual({visible: 5, hidden: 0})
      // A symlinked state directory is refused the same way.
      const linkedState = join(dir, 'linked-state')
      symlinkSync(state, linkedState)
      const again = await cli(['--all'], {MOMENTO_EB_STATE_DIR: linkedState})
      expect(again.code, show(again)).toBe(2)
      expect(again.stderr).toMatch(/state directory .* is a symbolic link/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
    // Clean up for the next test: these five are redriven for real.
    await createCache('symlinked')
    const rest = await cli(['--all', '--rate', '0'])
    expect(rest.code, show(rest)).toBe(0)
  })

  /** A 64 KB tmpfs as the state directory (needs root and mount permission), filled to `leave` bytes. */
  const fullDisk = (leave: number): {dir: string; release(): void} | undefined => {
    const dir = mkdtempSync(join(tmpdir(), 'momento-eb-full-'))
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], {stdio: 'ignore'})
    } catch {
      rmSync(dir, {recursive: true, force: true})
      return undefined
    }
    const fd = openSync(join(dir, 'filler'), 'w')
    try {
      for (;;) writeSync(fd, Buffer.alloc(1024))
    } catch {
      // ENOSPC: full.
    }
    closeSync(fd)
    if (leave > 0) {
      const size = statSync(join(dir, 'filler')).size
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, size - leave)))
    }
    return {
      dir,
      release() {
        execFileSync('umount', ['-l', dir])
        rmSync(dir, {recursive: true, force: true})
      },
    }
  }

  it('a journal on a full disk stops the run before anything is published (exit 1, names the path and the fix)', async (ctx) => {
    await publishSets('fulldisk', 20)
    await until('20 dead letters', async () => ((await total()) >= 20 ? true : undefined))
    await createCache('fulldisk')
    const disk = fullDisk(0)
    if (!disk) return ctx.skip()
    try {
      const before = await delivered()
      const run = await cli(['--all', '--rate', '0'], {MOMENTO_EB_STATE_DIR: disk.dir})
      expect(run.code, show(run)).toBe(1)
      expect(run.stderr).toContain(join(disk.dir, 'redrive-journal.ndjson'))
      expect(run.stderr).toMatch(/Nothing was redriven/)
      expect(run.stderr).toMatch(/Free space/)
      expect(run.stderr).toMatch(/MOMENTO_EB_STATE_DIR/)
      expect(run.stderr).toMatch(/EB_JOURNAL_WRITE/)
      expect(await delivered()).toBe(before)
      expect(await depth()).toEqual({visible: 20, hidden: 0})
    } finally {
      disk.release()
    }
    const rest = await cli(['--all', '--rate', '0'])
    expect(rest.code, show(rest)).toBe(0)
    expect(await total()).toBe(0)
  })

  it('a journal that fills up mid-run stops publishing, deletes what was published, releases the rest at once', async (ctx) => {
    const count = 300
    await publishSets('fillsup', count)
    await until(`${count} dead letters`, async () => ((await total()) >= count ? true : undefined))
    await createCache('fillsup')
    // About 12 KB free: room for the open marker and a few dozen messages, not 300.
    const disk = fullDisk(12 * 1024)
    if (!disk) return ctx.skip()
    let published = 0
    try {
      const before = await delivered()
      // Paced, so that the journal fills up while most messages are still waiting (with no cap, every
      // batch can be in flight before the first journal write, and calls already sent can't be undone).
      const run = await cli(['--all', '--rate', '100'], {MOMENTO_EB_STATE_DIR: disk.dir})
      expect(run.code, show(run)).toBe(1)
      expect(run.stderr).toContain(join(disk.dir, 'redrive-journal.ndjson'))
      expect(run.stderr).toMatch(/could not be written/)
      const match = /(\d+) message\(s\) had been published before it stopped/.exec(run.stderr)
      expect(match, show(run)).not.toBeNull()
      published = Number(match?.[1])
      expect(published).toBeGreaterThan(0)
      expect(published).toBeLessThan(count)
      expect(run.stderr).toMatch(/none will be published twice/)
      // Nothing is left hidden, the published ones are gone from the queue, the rest is there.
      expect(await depth()).toEqual({visible: count - published, hidden: 0})
      await until('the published ones delivered', async () =>
        (await delivered()) - before === published ? true : undefined,
      )
      expect((await items('fillsup')).length).toBe(published)
    } finally {
      disk.release()
    }
    const rest = await cli(['--all', '--rate', '0', '--json'])
    expect(rest.code, show(rest)).toBe(0)
    expect(stdoutJson(rest)).toMatchObject({redriven: count - published})
    await until(`all ${count} items`, async () => ((await items('fillsup')).length === count ? true : undefined))
    expect(await total()).toBe(0)
  })
})
