/**
 * `momento-eb top` end to end: the built CLI against an in-process sandbox with a deployed stack.
 * CloudWatch is pointed at a closed port (AWS_ENDPOINT_URL_CLOUDWATCH), so these cases hold whether or
 * not the sandbox serves CloudWatch: `top` must still show the DLQ's depth and its failure reasons,
 * say that metrics are unavailable and why, and exit 3 (partial).
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
import {clientConfig, startTestSandbox, uniqueName} from '../helpers/sandbox.js'

describe('top', () => {
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let env: NodeJS.ProcessEnv
  let sqs: SQSClient
  let dlqUrl: string
  const stack = uniqueName('momento-api')

  const cli = (args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> =>
    runCli(args, {env: {...env, ...extra}, timeoutMs: 60_000})
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
    sandbox = await startTestSandbox({caches: ['orders']})
    home = tempHome()
    // No --sandbox: the endpoint from the environment, with CloudWatch's own endpoint where nothing listens.
    env = cleanEnv(home.home, {...awsEnv(sandbox.endpoint), AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9'})
    sqs = new SQSClient(clientConfig(sandbox))
    const deployed = await runCli(['deploy', '--sandbox', '--stack', stack, '--json'], {
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
    // The stack was deployed without alarms.
    expect(snap.alarms).toMatchObject({status: 'off', items: []})
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
      await until('three snapshots', async () => (stdout.split('\n').length > 3 ? true : undefined), 30_000)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited, stderr).toBe(0)
    const lines = stdout.trim().split('\n')
    const snaps = lines.map((l) => JSON.parse(l) as TopSnapshot)
    expect(snaps.length).toBeGreaterThanOrEqual(3)
    for (const s of snaps) expect(s.dlq?.depth.visible).toBe(3)
    expect(new Set(snaps.map((s) => s.takenAt)).size).toBe(snaps.length)
  })

  it('an unknown stack exits 1 and names it; a bad --window exits 2', async () => {
    const missing = await cli(['top', '--stack', 'no-such-stack', '--json'])
    expect(missing.code, show(missing)).toBe(1)
    expect(JSON.stringify(stdoutJson(missing))).toMatch(/Stack no-such-stack doesn't exist/)
    const bad = await cli(['top', '--stack', stack, '--window', '2h'])
    expect(bad.code, show(bad)).toBe(2)
    expect(bad.stderr).toMatch(/window/i)
  })

  // Needs the sandbox's CloudWatch (issue 11, metrics piece: GetMetricData over the AWS/Events metrics the
  // pipeline publishes, DescribeAlarms with evaluation). Write them against it once it is merged.
  it.todo(
    '--json counts per rule match what the sandbox delivered (Invocations, FailedInvocations, InvocationsSentToDlq)',
  )
  it.todo('--json shows the oldest age from ApproximateAgeOfOldestMessage (oldestAgeSource: cloudwatch)')
  it.todo('a stack deployed with alarms: the DLQ alarm is ALARM with messages in the DLQ and OK after a redrive')
  it.todo('exit 0 when every source is read')

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
        until(what, async () => (predicate(screen()) ? screen() : undefined), ms).catch((error: Error) => {
          throw new Error(`${error.message}\n--- screen ---\n${screen()}`)
        })
      tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command)
      try {
        let s = await waitScreen('the dashboard with the DLQ sample', (x) => x.includes('cache-not-found'))
        expect(s).toContain('momento-eb top')
        expect(s).toMatch(/cacheSet/)
        expect(s).toMatch(/depth 3 visible/)
        expect(s).toContain('metrics unavailable')
        expect(s).toContain('no alarms')
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

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
