/**
 * `dlq redrive` end to end: real failures from the sandbox's delivery pipeline (a cache that doesn't
 * exist yet, both keys set), redriven through the built CLI over HTTP; dry run, edit-then-redrive
 * with a scripted $EDITOR, and Ctrl-C mid-redrive.
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

import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, collect, runCli, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, type Integration, inspect, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

interface Summary {
  redriven: number
  failed: number
  skipped: number
  received: number
  dryRun: boolean
  entries: Array<{messageId: string; entry: {Source: string; DetailType: string; Detail: string; EventBusName: string}}>
  interrupted: boolean
  recovered: number
  edits: Array<{messageId: string; changes: Array<{field: string; before: unknown; after: unknown}>}>
}

describe('dlq redrive', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let stateDir: string
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient
  let sqs: SQSClient

  const depth = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: integration.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
      hidden: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    }
  }
  const total = async () => {
    const d = await depth()
    return d.visible + d.hidden
  }
  const items = async (cache: string) =>
    (
      await inspect<{items?: Array<{key: string | null; value?: string}>}>(
        sandbox,
        `/_sandbox/momento/caches/${cache}/items`,
      )
    ).items ?? []
  const createCache = async (name: string) => {
    const res = await fetch(`${sandbox.endpoint}/_sandbox/momento/caches`, {
      method: 'POST',
      body: JSON.stringify({name}),
    })
    expect(res.status).toBeLessThan(300)
  }
  const publishSets = async (cache: string, count: number, extra: Record<string, unknown> = {}) => {
    for (let i = 0; i < count; i += 10) {
      const Entries = Array.from({length: Math.min(10, count - i)}, (_, j) => ({
        Source: 'test',
        DetailType: 'cacheSet',
        Detail: JSON.stringify({
          cacheName: cache,
          key: `k-${i + j}`,
          message: `v-${i + j}`,
          ttl: 3600,
          ttl_seconds: 3600,
          ...extra,
        }),
      }))
      const out = await eb.send(new PutEventsCommand({Entries}))
      expect(out.FailedEntryCount ?? 0).toBe(0)
    }
  }
  const cli = (args: string[], extra: Record<string, string> = {}, timeoutMs = 60_000) =>
    runCli(['dlq', 'redrive', '--queue-url', integration.dlqUrl, '--sandbox', ...args], {
      // In the test process, but for --edit: $EDITOR inherits the CLI's stdio, which must be the CLI's own.
      inProcess: !args.includes('--edit'),
      env: {...env, ...extra},
      timeoutMs,
    })

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: []})
    eb = new EventBridgeClient(clientConfig(sandbox))
    sqs = new SQSClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox)
    home = tempHome()
    stateDir = join(home.home, 'state')
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_EB_STATE_DIR: stateDir})
  })

  afterAll(async () => {
    eb?.destroy()
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('dry run prints the exact entries and sends nothing; then the real run delivers them and empties the DLQ', async () => {
    await publishSets('late', 25)
    await until('25 dead letters', async () => ((await total()) >= 25 ? true : undefined))
    const deliveriesBefore = (await inspect<{counters: {delivered: number}}>(sandbox, '/_sandbox/deliveries?limit=0'))
      .counters.delivered

    const dry = await cli(['--all', '--dry-run', '--json'])
    expect(dry.code, show(dry)).toBe(0)
    const plan = stdoutJson(dry) as Summary
    expect(plan).toMatchObject({dryRun: true, redriven: 25, failed: 0})
    expect(plan.entries).toHaveLength(25)
    expect(plan.entries[0]?.entry).toMatchObject({Source: 'test', DetailType: 'cacheSet', EventBusName: 'default'})
    expect(JSON.parse(plan.entries[0]?.entry.Detail ?? '{}')).toMatchObject({cacheName: 'late', ttl: 3600})
    expect(await depth()).toEqual({visible: 25, hidden: 0})

    // Human dry run: the entries as JSON lines on stdout, the summary on stderr.
    const human = await cli(['--all', '--dry-run'])
    expect(human.code, show(human)).toBe(0)
    expect(human.stdout.trim().split('\n')).toHaveLength(25)
    expect(JSON.parse(human.stdout.split('\n')[0] ?? '')).toHaveProperty('DetailType', 'cacheSet')
    expect(human.stderr).toContain('would redrive 25')
    expect(
      (await inspect<{counters: {delivered: number}}>(sandbox, '/_sandbox/deliveries?limit=0')).counters.delivered,
    ).toBe(deliveriesBefore)

    await createCache('late')
    const run = await cli(['--all', '--json'])
    expect(run.code, show(run)).toBe(0)
    expect(stdoutJson(run)).toMatchObject({redriven: 25, failed: 0, skipped: 0})
    const stored = await until('25 items', async () => {
      const list = await items('late')
      return list.length === 25 ? list : undefined
    })
    expect(stored.map((i) => i.key).sort()).toEqual(Array.from({length: 25}, (_, i) => `k-${i}`).sort())
    expect(await total()).toBe(0)

    // The journal: private, ids only.
    const journal = join(stateDir, 'redrive-journal.ndjson')
    expect(statSync(journal).mode & 0o777).toBe(0o600)
    const text = readFileSync(journal, 'utf8')
    // One published and one deleted line per message (plus the run's open/close markers).
    expect(
      text
        .trim()
        .split('\n')
        .filter((l) => /"phase":"(published|deleted)"/.test(l)),
    ).toHaveLength(50)
    expect(text).not.toContain('v-1')
    expect(text).not.toContain(TEST_API_KEY)
  })

  it('refuses to run without a selection', async () => {
    const result = await cli([])
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toContain('--all')
  })

  it('--edit says before the editor opens that an event TTL already ran out, and again if the edit did not fix it', async () => {
    await createCache('short')
    // A 1-second TTL and both keys: dead-lettered at once (400). Its time is 5 s ago, so its TTL is gone
    // already (the CLI counts the TTL from the event's time), without waiting for it.
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Time: new Date(Date.now() - 5_000),
            Source: 'test',
            DetailType: 'cacheSet',
            Detail: JSON.stringify({cacheName: 'short', key: 'k', key_base64: 'Yg', message: 'm', ttl: 1}),
          },
        ],
      }),
    )
    const eventId = out.Entries?.[0]?.EventId as string
    await until('the short-lived event in the DLQ', async () => ((await total()) >= 1 ? true : undefined))
    const dir = mkdtempSync(join(tmpdir(), 'momento-eb-editor-'))
    try {
      // The editor only says it opened (on stderr, in order with the CLI's own lines) and fixes the keys.
      const editor = join(dir, 'edit.mjs')
      writeFileSync(
        editor,
        `import {readFileSync, writeFileSync} from 'node:fs'
process.stderr.write('EDITOR OPENED\\n')
const file = process.argv[2]
const events = JSON.parse(readFileSync(file, 'utf8'))
for (const e of events) delete e.detail.key_base64
writeFileSync(file, JSON.stringify(events))
`,
      )
      const run = await cli(['--id', eventId, '--edit', '--yes'], {EDITOR: `node ${editor}`})
      const warning = run.stderr.indexOf('already ran out')
      expect(warning, show(run)).toBeGreaterThanOrEqual(0)
      expect(warning).toBeLessThan(run.stderr.indexOf('EDITOR OPENED'))
      expect(run.stderr).toMatch(/1 edited event still past its TTL: it will be skipped/)
      expect(await items('short')).toEqual([])
      // With --include-expired it is sent (and the queue is left empty for the tests after this one).
      const sent = await cli(['--id', eventId, '--edit', '--yes', '--include-expired'], {EDITOR: `node ${editor}`})
      expect(sent.code, show(sent)).toBe(0)
      expect(sent.stderr).not.toContain('already ran out')
      await until('the queue empty again', async () => ((await total()) === 0 ? true : undefined))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('--edit with a scripted $EDITOR fixes a bad key and redrives it; an invalid edit sends nothing (exit 2)', async () => {
    await createCache('edits')
    // Both key and key_base64: Momento answers 400, EventBridge dead-letters it without retrying.
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'test',
            DetailType: 'cacheSet',
            Detail: JSON.stringify({cacheName: 'edits', key: 'fixed-key', key_base64: 'Yg', message: 'm', ttl: 600}),
          },
        ],
      }),
    )
    const eventId = out.Entries?.[0]?.EventId as string
    await until('the bad event in the DLQ', async () => ((await total()) === 1 ? true : undefined))

    const dir = mkdtempSync(join(tmpdir(), 'momento-eb-editor-'))
    try {
      const breakTtl = join(dir, 'break.mjs')
      writeFileSync(
        breakTtl,
        `import {readFileSync, writeFileSync} from 'node:fs'
const file = process.argv[2]
const events = JSON.parse(readFileSync(file, 'utf8'))
for (const e of events) e.detail.ttl = 999999
writeFileSync(file, JSON.stringify(events))
`,
      )
      const bad = await cli(['--id', eventId, '--edit', '--yes'], {EDITOR: `node ${breakTtl}`})
      expect(bad.code, show(bad)).toBe(2)
      expect(bad.stderr).toContain('ttl')
      expect(bad.stderr).toMatch(/nothing was sent/)
      expect(await items('edits')).toEqual([])
      expect(await depth()).toEqual({visible: 1, hidden: 0})

      // Without a terminal, --edit needs --yes.
      const noYes = await cli(['--id', eventId, '--edit'], {EDITOR: `node ${breakTtl}`})
      expect(noYes.code, show(noYes)).toBe(2)
      expect(noYes.stderr).toContain('--yes')

      const fix = join(dir, 'fix.mjs')
      writeFileSync(
        fix,
        `import {readFileSync, statSync, writeFileSync} from 'node:fs'
const file = process.argv[2]
if ((statSync(file).mode & 0o777) !== 0o600) process.exit(9)
const events = JSON.parse(readFileSync(file, 'utf8'))
for (const e of events) delete e.detail.key_base64
writeFileSync(file, JSON.stringify(events, null, 2))
`,
      )
      const good = await cli(['--id', eventId, '--edit', '--yes', '--json'], {EDITOR: `node ${fix}`})
      expect(good.code, show(good)).toBe(0)
      const result = stdoutJson(good) as Summary
      expect(result.redriven).toBe(1)
      // The diff shows what is sent: the removed key_base64, and ttl_seconds added as `put` sends it.
      expect(result.edits[0]?.changes).toEqual([
        {field: 'key_base64', before: 'Yg'},
        {field: 'ttl_seconds', after: 600},
      ])
      const stored = await until('the fixed item', async () => {
        const list = await items('edits')
        return list.length > 0 ? list : undefined
      })
      expect(stored.map((i) => i.key)).toEqual(['fixed-key'])
      expect(await total()).toBe(0)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

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
