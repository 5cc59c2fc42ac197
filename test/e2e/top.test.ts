/**
 * `momento-eb top` end to end: the built CLI against an in-process sandbox with a deployed stack.
 * First with CloudWatch pointed at a closed port (AWS_ENDPOINT_URL_CLOUDWATCH): `top` must still show
 * the DLQ's depth and its failure reasons, say that metrics and alarms are unavailable and why, and
 * exit 3 (partial). Then with the sandbox's CloudWatch: counts that match what the sandbox did, the
 * DLQ alarm going to ALARM and back to OK.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'
import {GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {TopSnapshot} from '../../src/core/top-model.js'
import type {RunningSandbox} from '../../src/sandbox/server.js'
import {awsEnv, BIN, cleanEnv, type CliResult, runCli, show, spawnCli, stdoutJson, tempHome} from '../helpers/cli.js'
import {until} from '../helpers/integration.js'
import {clientConfig, startTestSandbox, uniqueName, TEST_LONG_POLL_SCALE} from '../helpers/sandbox.js'
import {waitForScreen} from '../helpers/terminal.js'

describe('top', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient
  let dlqUrl: string
  const stack = uniqueName('momento-api')

  const cli = (args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> =>
    runCli(args, {inProcess: true, env: {...env, ...extra}, timeoutMs: 60_000})
  const depth = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
    }
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders'], longPollScale: TEST_LONG_POLL_SCALE})
    home = tempHome()
    // No --sandbox: the endpoint from the environment, with CloudWatch's own endpoint where nothing listens.
    env = cleanEnv(home.home, {...awsEnv(sandbox.endpoint), AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9'})
    sqs = new SQSClient(clientConfig(sandbox))
    const deployed = await runCli(['deploy', '--sandbox', '--stack', stack, '--json'], {
      inProcess: true,
      env: cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint}),
      timeoutMs: 60_000,
    })
    expect(deployed.code, show(deployed)).toBe(0)
    dlqUrl = (stdoutJson(deployed) as {outputs: Record<string, string>}).outputs['DlqUrl'] as string
    // Three events for a cache that doesn't exist (404: dead-lettered at once), one delivered.
    const eb = new EventBridgeClient(clientConfig(sandbox))
    try {
      const entry = (cache: string, key: string) => ({
        Source: 'top.test',
        DetailType: 'cacheSet',
        Detail: JSON.stringify({cacheName: cache, key, message: 'v', ttl: 60}),
      })
      const out = await eb.send(
        new PutEventsCommand({
          Entries: [entry('missing', 'a'), entry('missing', 'b'), entry('missing', 'c'), entry('orders', 'ok')],
        }),
      )
      expect(out.FailedEntryCount).toBe(0)
    } finally {
      eb.destroy()
    }
    await until('3 messages in the DLQ', async () => ((await depth()).visible === 3 ? true : undefined), 30_000)
  }, 120_000)
  afterAll(async () => {
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('--json without CloudWatch: DLQ depth and reasons, metrics unavailable with the reason, exit 3', async () => {
    const result = await cli(['top', '--stack', stack, '--json', '--window', '5m'])
    expect(result.code, show(result)).toBe(3)
    const snap = stdoutJson(result) as TopSnapshot
    expect(snap).toMatchObject({stack, bus: 'default', rateUnit: 'per-minute', window: {key: '5m', points: 5}})
    expect(snap.rules.map((r) => r.detailType)).toEqual(['cacheSet', 'cacheDelete', 'topicPublish'])
    expect(snap.rules[0]?.ruleName).toMatch(/CacheSet/i)
    expect(snap.metrics.status).toBe('error')
    expect(snap.metrics.error).toMatch(/^Can't read CloudWatch metrics: can't reach the endpoint .*127\.0\.0\.1:9/)
    // Unread is not zero.
    expect(snap.rules[0]?.invocations).toEqual({total: null, perMinute: null, points: []})
    expect(snap.dlq).toMatchObject({
      queueUrl: dlqUrl,
      depth: {status: 'ok', visible: 3, inFlight: 0},
      // No CloudWatch: the age comes from the sample, as a lower bound.
      oldestAgeSource: 'sample',
    })
    expect(snap.failures).toMatchObject({status: 'ok', sampled: 3, limit: 50, truncated: false})
    expect(snap.failures.top).toEqual([expect.objectContaining({reason: 'cache-not-found', count: 3})])
    // The stack's four alarms, unreadable with CloudWatch down: named, state unknown.
    expect(snap.alarms.status).toBe('error')
    expect(snap.alarms.items.map((a) => [a.key, a.state])).toEqual([
      ['dlqMessages', 'MISSING'],
      ['eventsLost', 'MISSING'],
      ['throttled', 'MISSING'],
      ['failureRatio', 'MISSING'],
    ])
    expect(result.stderr).toMatch(/Alarms: Can't read the stack's alarms: can't reach the endpoint/)
    expect(result.stderr).toMatch(
      /Metrics unavailable: Can't read CloudWatch metrics: .+ Rates, sparklines and latency are left empty\./,
    )
    // Peeking deleted nothing: the three messages are back once released.
    await until('the sample released', async () => {
      const d = await depth()
      return d.visible === 3 && d.inFlight === 0 ? true : undefined
    })
  })

  it('off a terminal without --json prints the same JSON; --sample 0 reads no message', async () => {
    const result = await cli(['top', '--stack', stack, '--sample', '0'])
    expect(result.code, show(result)).toBe(3)
    const snap = stdoutJson(result) as TopSnapshot
    expect(snap.failures).toMatchObject({status: 'off', sampled: 0, top: []})
    expect(snap.dlq?.depth.visible).toBe(3)
    expect(snap.window.key).toBe('1h')
  })

  it('--json --follow prints NDJSON every interval until SIGTERM (exit 0)', async () => {
    const child = spawnCli(['top', '--stack', stack, '--json', '--follow', '--interval', '1'], {env})
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
    try {
      // One line per refresh (every second) and one when the DLQ sample ends; while the sample (≥ 2 s of
      // long polls) holds the messages the depth isn't read again, so wait for a few refreshes after it.
      await until('six snapshots', async () => (stdout.split('\n').length > 6 ? true : undefined), 30_000)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited, stderr).toBe(0)
    const lines = stdout.trim().split('\n')
    const snaps = lines.map((l) => JSON.parse(l) as TopSnapshot)
    expect(snaps.length).toBeGreaterThanOrEqual(3)
    // The queue holds 3 throughout (visible, or in flight for the moment a read holds them).
    const depths = snaps.map((s) => [s.dlq?.depth.visible, s.dlq?.depth.inFlight, s.dlq?.depth.readAt, s.takenAt])
    for (const s of snaps) {
      expect((s.dlq?.depth.visible ?? 0) + (s.dlq?.depth.inFlight ?? 0), JSON.stringify(depths)).toBe(3)
    }
    // Refreshed, not repeated: the depth was read more than once.
    expect(new Set(snaps.map((s) => s.dlq?.depth.readAt)).size).toBeGreaterThanOrEqual(2)
  })

  it('an unknown stack exits 1 and names it; a bad --window, --interval or --sample exits 2', async () => {
    const missing = await cli(['top', '--stack', 'no-such-stack', '--json'])
    expect(missing.code, show(missing)).toBe(1)
    expect(JSON.stringify(stdoutJson(missing))).toMatch(/Stack no-such-stack doesn't exist/)
    const bad = await cli(['top', '--stack', stack, '--window', '2h'])
    expect(bad.code, show(bad)).toBe(2)
    expect(bad.stderr).toMatch(/window/i)
    for (const args of [
      ['--interval', '0'],
      ['--interval', '301'],
      ['--interval', 'soon'],
      ['--sample', '-1'],
    ]) {
      const run = await cli(['top', '--stack', stack, ...args])
      expect(run.code, show(run)).toBe(2)
      expect(run.stderr, show(run)).toContain(args[0] as string)
    }
  })

  const hasTmux = spawnSync('tmux', ['-V']).status === 0
  it.skipIf(!hasTmux)(
    'on a terminal (80×24): the dashboard, window keys, d hands off to dlq watch, q there ends with exit 0',
    async () => {
      // A tmux server of its own: nothing else's sessions can take this one down.
      const socket = `top-test-${process.pid}`
      const session = 'top'
      const status = join(home.home, 'top-exit')
      const vars = Object.entries({...env, CI: undefined, TERM: 'xterm-256color'})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${shellQuote(String(v))}`)
        .join(' ')
      const command = `cd ${shellQuote(home.home)} && env -i ${vars} ${shellQuote(process.execPath)} ${shellQuote(BIN)} top --stack ${shellQuote(stack)} --interval 1; echo $? > ${shellQuote(status)}; sleep 30`
      const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})
      const screen = () => tmux('capture-pane', '-p', '-t', session)
      const waitScreen = (what: string, predicate: (s: string) => boolean, ms = 30_000) =>
        waitForScreen(what, screen, predicate, ms)
      tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command)
      try {
        let s = await waitScreen('the dashboard with the DLQ sample', (x) => x.includes('cache-not-found'))
        expect(s).toContain('momento-eb top')
        expect(s).toMatch(/cacheSet/)
        expect(s).toMatch(/depth 3 visible/)
        expect(s).toContain('metrics unavailable')
        expect(s).toContain('ALARMS UNAVAILABLE')
        expect(s).toContain('q quit')
        for (const line of s.split('\n')) expect([...line].length).toBeLessThanOrEqual(80)
        tmux('send-keys', '-t', session, '3')
        s = await waitScreen('the 24-hour window', (x) => x.includes('24 hours'))
        tmux('send-keys', '-t', session, '1')
        s = await waitScreen('the 5-minute window', (x) => x.includes('5 min'))
        // d: the dashboard ends and `dlq watch` takes the terminal, on the same queue; q there ends both.
        tmux('send-keys', '-t', session, 'd')
        s = await waitScreen('dlq watch', (x) => x.includes('/s new') && x.includes('cache-not-found'))
        expect(s).toContain('cache-not-found')
        tmux('send-keys', '-t', session, 'q')
        await until('top to end', async () => (existsSync(status) ? true : undefined), 15_000).catch((error: Error) => {
          throw new Error(`${error.message}\n--- screen ---\n${screen()}`)
        })
        expect(readFileSync(status, 'utf8').trim(), screen()).toBe('0')
      } finally {
        spawnSync('tmux', ['-L', socket, 'kill-server'])
      }
    },
    90_000,
  )
})

describe('top with the sandbox CloudWatch', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient
  let dlqUrl: string
  const stack = uniqueName('momento-api')
  const top = async (...args: string[]) => {
    const result = await runCli(['top', '--sandbox', '--stack', stack, '--json', ...args], {
      inProcess: true,
      env,
      timeoutMs: 60_000,
    })
    return {result, snap: stdoutJson(result) as TopSnapshot}
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({caches: ['orders'], longPollScale: TEST_LONG_POLL_SCALE})
    home = tempHome()
    env = cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint})
    sqs = new SQSClient(clientConfig(sandbox))
    const deployed = await runCli(['deploy', '--sandbox', '--stack', stack, '--json'], {
      inProcess: true,
      env,
      timeoutMs: 60_000,
    })
    expect(deployed.code, show(deployed)).toBe(0)
    dlqUrl = (stdoutJson(deployed) as {outputs: Record<string, string>}).outputs['DlqUrl'] as string
  }, 120_000)
  afterAll(async () => {
    sqs?.destroy()
    await sandbox?.close()
    home?.cleanup()
  })

  it('an idle stack: every source read, zero counts, the DLQ empty, exit 0', async () => {
    const {result, snap} = await top('--window', '5m')
    expect(result.code, show(result)).toBe(0)
    expect(snap.metrics).toMatchObject({status: 'ok', error: null, partial: false})
    expect(snap.rules.map((r) => r.invocations.total)).toEqual([0, 0, 0])
    expect(snap.rules[0]?.invocations.points).toHaveLength(5)
    expect(snap.dlq).toMatchObject({depth: {status: 'ok', visible: 0}, oldestAgeSeconds: null, oldestAgeSource: 'none'})
    expect(snap.alarms.status).toBe('ok')
    expect(snap.alarms.items.map((a) => a.key)).toEqual(['dlqMessages', 'eventsLost', 'throttled', 'failureRatio'])
    expect(snap.alarms.items.every((a) => a.state !== 'MISSING')).toBe(true)
    expect(result.stderr).toBe('')
  })

  it('counts per rule match what the sandbox delivered and dead-lettered; the DLQ alarm fires', async () => {
    const eb = new EventBridgeClient(clientConfig(sandbox))
    try {
      const set = (cache: string, key: string) => ({
        Source: 'top.test',
        DetailType: 'cacheSet',
        Detail: JSON.stringify({cacheName: cache, key, message: 'v', ttl: 60}),
      })
      const del = (key: string) => ({
        Source: 'top.test',
        DetailType: 'cacheDelete',
        Detail: JSON.stringify({cacheName: 'orders', key}),
      })
      const out = await eb.send(
        new PutEventsCommand({
          Entries: [set('orders', 'a'), set('orders', 'b'), set('missing', 'x'), set('missing', 'y'), del('a')],
        }),
      )
      expect(out.FailedEntryCount).toBe(0)
    } finally {
      eb.destroy()
    }
    // Wait until the sandbox has done its work: two dead letters, and the DLQ alarm evaluated.
    const {result, snap} = await until(
      'the counts and the DLQ alarm',
      async () => {
        const got = await top('--window', '5m')
        const [s, d] = got.snap.rules
        const alarm = got.snap.alarms.items.find((a) => a.key === 'dlqMessages')
        return s?.invocations.total === 4 && d?.invocations.total === 1 && alarm?.state === 'ALARM' ? got : undefined
      },
      30_000,
    )
    expect(result.code, show(result)).toBe(0)
    const [cacheSet, cacheDelete, topicPublish] = snap.rules
    expect(cacheSet).toMatchObject({
      invocations: {total: 4},
      failures: {total: 2},
      dlqWrites: {total: 2},
      dlqWriteFailures: {total: 0},
      throttles: {total: 0},
    })
    expect(cacheSet?.latencyMs.average).not.toBeNull()
    expect(cacheDelete).toMatchObject({invocations: {total: 1}, failures: {total: 0}, dlqWrites: {total: 0}})
    expect(topicPublish?.invocations.total).toBe(0)
    // 5 minutes' window: the per-minute rate is the total over the elapsed minutes.
    expect(cacheSet?.invocations.perMinute).toBeGreaterThan(0)
    expect(snap.dlq?.depth.visible).toBe(2)
    expect(snap.failures.top).toEqual([expect.objectContaining({reason: 'cache-not-found', count: 2})])
    expect(snap.alarms.items.find((a) => a.key === 'eventsLost')?.state).toBe('OK')
    // The oldest age, once the sandbox has sampled the queue, comes from CloudWatch.
    const aged = await until(
      'ApproximateAgeOfOldestMessage',
      async () => {
        const got = await top('--window', '5m', '--sample', '0')
        return got.snap.dlq?.oldestAgeSource === 'cloudwatch' ? got.snap : undefined
      },
      30_000,
    )
    expect(aged.dlq?.oldestAgeSeconds).toBeGreaterThanOrEqual(0)
    // And what is in the queue is still there: `top` reads, never deletes.
    expect(
      await until('messages released', async () => {
        const a = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: dlqUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
        return a.Attributes?.ApproximateNumberOfMessagesNotVisible === '0' ? a.Attributes : undefined
      }),
    ).toMatchObject({ApproximateNumberOfMessages: '2'})
  })

  it('after the DLQ is purged, the DLQ alarm goes back to OK', async () => {
    const purge = await runCli(['dlq', 'purge', '--sandbox', '--stack', stack, '--yes'], {
      inProcess: true,
      env,
      timeoutMs: 30_000,
    })
    expect(purge.code, show(purge)).toBe(0)
    const snap = await until(
      'the DLQ alarm OK',
      async () => {
        const got = await top('--window', '5m', '--sample', '0')
        return got.snap.alarms.items.find((a) => a.key === 'dlqMessages')?.state === 'OK' ? got.snap : undefined
      },
      30_000,
    )
    expect(snap.dlq).toMatchObject({depth: {visible: 0}, oldestAgeSeconds: null})
  })
})

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
