/**
 * `dlq watch` end to end with the built CLI: real failures from the sandbox's delivery pipeline,
 * streamed as NDJSON when stdout isn't a terminal, and the Ink view driven in a real pseudo-terminal
 * (tmux, fixed 100×30) with keys.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, collect, spawnCli, tempHome} from '../helpers/cli.js'
import {deployIntegrationWithSdk, type Integration, until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox} from '../helpers/sandbox.js'
import {openTerminal, waitForScreen} from '../helpers/terminal.js'

describe('dlq watch', () => {
  let sandbox: RunningSandbox
  let integration: Integration
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let eb: EventBridgeClient

  const publish = (cacheName: string, key: string) =>
    eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'test',
            DetailType: 'cacheSet',
            Detail: JSON.stringify({cacheName, key, message: 'v', ttl: 60, ttl_seconds: 60}),
          },
        ],
      }),
    )

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders']})
    eb = new EventBridgeClient(clientConfig(sandbox))
    integration = await deployIntegrationWithSdk(sandbox, {
      retry: {MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60},
    })
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    // Two events for a cache that doesn't exist: 404, straight to the DLQ.
    await publish('missing', 'order-1')
    await publish('missing', 'order-2')
    await until('two DLQ messages', async () => {
      const res = await fetch(`${sandbox.endpoint}/_sandbox/deliveries?limit=0`)
      const {counters} = (await res.json()) as {counters: {deadLettered?: number; failedInvocations: number}}
      return (counters.deadLettered ?? counters.failedInvocations) >= 2 ? true : undefined
    })
  })

  afterAll(async () => {
    eb?.destroy()
    home?.cleanup()
    await sandbox?.close()
  })

  /** Start the CLI and collect stdout lines as they come. */
  function start(args: string[]) {
    const child = spawnCli(['dlq', 'watch', '--sandbox', '--queue-url', integration.dlqUrl, ...args], {env})
    const lines: string[] = []
    let buffer = ''
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      const parts = buffer.split('\n')
      buffer = parts.pop() ?? ''
      lines.push(...parts)
    })
    const done = collect(child, 30_000)
    return {child, lines, done, stderr: () => stderr}
  }

  it('streams decoded messages as NDJSON as they arrive, and exits 0 on SIGINT', async () => {
    const {child, lines, done} = start([])
    await until('the backlog', async () => (lines.length >= 2 ? true : undefined), 15_000)
    const first = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(first.map((r) => r['reason'])).toEqual(['cache-not-found', 'cache-not-found'])
    expect(first.map((r) => r['key']).sort()).toEqual(['order-1', 'order-2'])
    expect(first[0]).toMatchObject({cache: 'missing', detailType: 'cacheSet', httpStatus: 404, redrivable: true})
    expect(first[0]).not.toHaveProperty('receiptHandle')
    // A new failure while watching shows up as one more line, and nothing is repeated.
    await publish('missing', 'order-3')
    await until('the new message', async () => (lines.length >= 3 ? true : undefined), 15_000)
    expect(JSON.parse(lines[2] ?? '{}')).toMatchObject({key: 'order-3', reason: 'cache-not-found'})
    child.kill('SIGINT')
    const result = await done
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(3)
    expect(result.stderr).not.toContain(sandbox.apiKey)
  })

  it('--json streams the same lines and stops on SIGTERM with exit 0; --reason filters', async () => {
    const filteredRun = start(['--json', '--reason', 'timeout', '--verbose'])
    const {child, lines, done} = filteredRun
    const all = start(['--json'])
    await until('the backlog', async () => (all.lines.length >= 3 ? true : undefined), 15_000)
    await until('the filtered watch running', async () =>
      filteredRun.stderr().includes('Watching ') ? true : undefined,
    )
    all.child.kill('SIGTERM')
    child.kill('SIGTERM')
    const [filtered, unfiltered] = await Promise.all([done, all.done])
    expect(unfiltered.code, unfiltered.stderr).toBe(0)
    expect(filtered.code, filtered.stderr).toBe(0)
    expect(lines).toEqual([])
    expect(
      unfiltered.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as {reason: string}).reason),
    ).toEqual(['cache-not-found', 'cache-not-found', 'cache-not-found'])
  })

  it('exits 1 with a clear error when the queue does not exist', async () => {
    const child = spawnCli(
      ['dlq', 'watch', '--sandbox', '--queue-url', `${sandbox.endpoint}/000000000000/no-such-queue`],
      {env},
    )
    const result = await collect(child, 20_000)
    expect(result.code, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/no-such-queue/)
  })

  const hasTmux = spawnSync('tmux', ['-V']).status === 0
  it.skipIf(!hasTmux)('drives the terminal view in a pseudo-terminal: header, reason, keys, exit 0', async () => {
    const session = `eb-watch-${process.pid}-${Date.now()}`
    const status = join(home.home, 'watch-exit')
    const vars = Object.entries({...env, CI: undefined, TERM: 'xterm-256color'})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${shellQuote(String(v))}`)
      .join(' ')
    const command = `cd ${shellQuote(home.home)} && env -i ${vars} ${shellQuote(process.execPath)} ${shellQuote(BIN)} dlq watch --sandbox --queue-url ${shellQuote(integration.dlqUrl)}; echo $? > ${shellQuote(status)}`
    const tmux = (...args: string[]) => execFileSync('tmux', args, {encoding: 'utf8'})
    const screen = () => tmux('capture-pane', '-p', '-t', session)
    const waitScreen = (what: string, predicate: (s: string) => boolean) =>
      waitForScreen(what, screen, predicate, 15_000)
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command)
    try {
      // The first frame may be the plain-text one drawn while the view loads (no list yet): wait for the list.
      const list = await waitScreen(
        'the list',
        (s) => s.includes('cache-not-found') && s.includes('3 total') && s.includes('SENT UTC'),
      )
      expect(list).toMatch(/DLQ momento-dlq-\w+ · 3 visible · 0 in flight/)
      expect(list).toMatch(/^> \d\d:\d\d:\d\d cache-not-found +cacheSet +missing +order-\d +404/m)
      for (const line of list.split('\n')) expect(line.length).toBeLessThanOrEqual(100)

      tmux('send-keys', '-t', session, 'Down')
      await waitScreen('the second row selected', (s) =>
        /^ {2}\d\d:\d\d:\d\d cache-not-found/m.test(s.split('\n')[4] ?? ''),
      )
      tmux('send-keys', '-t', session, 'Enter')
      const detail = await waitScreen('the detail', (s) => s.includes('Reason   cache-not-found'))
      expect(detail).toMatch(/Why {6}Cache missing doesn't exist/)
      tmux('send-keys', '-t', session, '?')
      await waitScreen('help', (s) => s.includes('Keys') && s.includes('edit in $EDITOR, then redrive'))
      tmux('send-keys', '-t', session, 'Escape')
      await waitScreen('back to the detail', (s) => s.includes('Reason   cache-not-found'))
      tmux('send-keys', '-t', session, 'Escape')
      await waitScreen('back to the list', (s) => s.includes('SENT UTC'))
      tmux('send-keys', '-t', session, 'x')
      await waitScreen('the export prompt', (s) => s.includes('export 3 messages to:'))
      tmux('send-keys', '-t', session, 'Enter')
      const exported = await waitScreen('the export', (s) => /exported 3 messages to dlq-watch-\S+\.ndjson/.test(s))
      const file = join(home.home, /(dlq-watch-\S+\.ndjson)/.exec(exported)?.[1] ?? 'missing')
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const exportedLines = readFileSync(file, 'utf8').trim().split('\n')
      expect(exportedLines.map((l) => (JSON.parse(l) as {reason: string}).reason)).toEqual(
        Array(3).fill('cache-not-found'),
      )
      tmux('send-keys', '-t', session, 'q')
      await until('the exit status', async () => (existsSync(status) ? true : undefined), 15_000)
      expect(readFileSync(status, 'utf8').trim()).toBe('0')
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  })

  it.skipIf(!hasTmux)('draws on the alternate screen: after q the shell screen has no frame left in it', async () => {
    const terminal = openTerminal(['dlq', 'watch', '--sandbox', '--queue-url', integration.dlqUrl], {
      env: {...env, CI: undefined},
      cwd: home.home,
      columns: 80,
      rows: 24,
    })
    try {
      await terminal.waitFor('the list', (s) => s.includes('SENT UTC') && s.includes('cache-not-found'), 15_000)
      terminal.keys('q')
      expect(await terminal.exitCode(15_000)).toBe(0)
      const after = terminal.screen()
      expect(after).not.toContain('SENT UTC')
      expect(after).not.toContain('cache-not-found')
    } finally {
      terminal.close()
    }
  })

  it.skipIf(!hasTmux)('R redrives every message once when the cause is not fixed, and the redrive ends', async () => {
    const session = `eb-watch-r-${process.pid}-${Date.now()}`
    const status = join(home.home, 'watch-r-exit')
    const vars = Object.entries({...env, CI: undefined, TERM: 'xterm-256color'})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${shellQuote(String(v))}`)
      .join(' ')
    const command = `cd ${shellQuote(home.home)} && env -i ${vars} ${shellQuote(process.execPath)} ${shellQuote(BIN)} dlq watch --sandbox --queue-url ${shellQuote(integration.dlqUrl)}; echo $? > ${shellQuote(status)}`
    const tmux = (...args: string[]) => execFileSync('tmux', args, {encoding: 'utf8'})
    const screen = () => tmux('capture-pane', '-p', '-t', session)
    const waitScreen = (what: string, predicate: (s: string) => boolean) =>
      waitForScreen(what, screen, predicate, 15_000)
    const before = await settledCounters(sandbox.endpoint)
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command)
    try {
      // Whatever the earlier tests left: two or three messages for the missing cache.
      const list = await waitScreen('the list', (s) => s.includes('cache-not-found') && /\d+ total/.test(s))
      const n = Number(/(\d+) total/.exec(list)?.[1])
      expect(n).toBeGreaterThanOrEqual(2)
      tmux('send-keys', '-t', session, 'R')
      await waitScreen('the question', (s) => s.includes(`Redrive ${n} messages`))
      tmux('send-keys', '-t', session, 'y')
      // The redrive ends (its outcome is shown) instead of republishing what comes back.
      await waitScreen('the outcome', (s) => s.includes(`redrove ${n} messages`))
      // Each was published once, failed again and is back in the queue: n messages in the list.
      const after = await settledCounters(sandbox.endpoint)
      expect(after.invocations - before.invocations).toBe(n)
      expect(after.deadLettered - before.deadLettered).toBe(n)
      await waitScreen(
        'the returns listed',
        (s) => s.includes(`${n} visible · 0 in flight`) && s.includes(`${n} total`),
      )
      tmux('send-keys', '-t', session, 'q')
      await until('the exit status', async () => (existsSync(status) ? true : undefined), 15_000)
      expect(readFileSync(status, 'utf8').trim()).toBe('0')
      // Nothing was published after the view's redrive ended.
      expect((await settledCounters(sandbox.endpoint)).invocations - before.invocations).toBe(n)
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  })
})

/** The sandbox's Momento invocations and dead-lettered events, once deliveries have settled. */
async function settledCounters(endpoint: string): Promise<{invocations: number; deadLettered: number}> {
  return until('deliveries settle', async () => {
    const read = async () => {
      const res = await fetch(`${endpoint}/_sandbox/deliveries?limit=0`)
      const {counters} = (await res.json()) as {counters: {invocations: number; deadLettered: number}}
      return {invocations: counters.invocations, deadLettered: counters.deadLettered}
    }
    const a = await read()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const b = await read()
    return a.invocations === b.invocations && a.deadLettered === b.deadLettered ? b : undefined
  })
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
