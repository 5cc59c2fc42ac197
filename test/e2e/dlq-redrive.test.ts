/**
 * `dlq redrive` end to end: real failures from the sandbox's delivery pipeline (a cache that doesn't
 * exist yet, both keys set), redriven through the built CLI over HTTP: dry run, the selection it
 * needs, and edit-then-redrive with a scripted $EDITOR. Stopping a run (signals, a journal that can't
 * be written) is dlq-redrive-stop.test.ts; the fixture is test/helpers/redrive-fixture.ts.
 */
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {show, stdoutJson} from '../helpers/cli.js'
import {inspect, until} from '../helpers/integration.js'
import {redriveFixture, type RedriveSummary} from '../helpers/redrive-fixture.js'
import {TEST_API_KEY} from '../helpers/sandbox.js'

describe('dlq redrive', () => {
  const fx = redriveFixture()
  const {depth, total, items, createCache, publishSets, cli} = fx
  let sandbox: RunningSandbox
  let stateDir: string
  let eb: EventBridgeClient
  beforeAll(() => ({sandbox, stateDir, eb} = fx))

  it('dry run prints the exact entries and sends nothing; then the real run delivers them and empties the DLQ', async () => {
    await publishSets('late', 25)
    await until('25 dead letters', async () => ((await total()) >= 25 ? true : undefined))
    const deliveriesBefore = (await inspect<{counters: {delivered: number}}>(sandbox, '/_sandbox/deliveries?limit=0'))
      .counters.delivered

    const dry = await cli(['--all', '--dry-run', '--json'])
    expect(dry.code, show(dry)).toBe(0)
    const plan = stdoutJson(dry) as RedriveSummary
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
      const result = stdoutJson(good) as RedriveSummary
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
})
