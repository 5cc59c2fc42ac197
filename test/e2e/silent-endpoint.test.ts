/**
 * A silent endpoint: it accepts TCP connections and never answers a byte. Every command must end on
 * its own (call timeout × the SDK's attempts), with exit 5 and a message naming the endpoint and the
 * setting that raises the limit — not hang on a socket forever.
 */
import {createServer, type Server, type Socket} from 'node:net'

import {CreateQueueCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {awsEnv, cleanEnv, runCli, show, tempHome, type CliResult} from '../helpers/cli.js'
import {clientConfig, startTestSandbox, TEST_API_KEY} from '../helpers/sandbox.js'

/** A TCP server that accepts every connection and never writes (nor closes). */
async function startSilentServer(): Promise<{url: string; accepted: () => number; close(): Promise<void>}> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server: Server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    accepted: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

// One second per attempt keeps the file fast; the harness kills a run that outlives its bound.
const CALL_TIMEOUT_S = 1
/** The longest a run may take: its attempts, the SDK's back-off between them, and process start-up. */
const boundMs = (attempts: number, extraS = 0) => (attempts * (CALL_TIMEOUT_S + extraS) + 6) * 1000

describe.concurrent('a silent endpoint', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>
  let sandbox: RunningSandbox
  let home: {home: string; cleanup(): void}
  let sandboxDlqUrl: string

  beforeAll(async () => {
    silent = await startSilentServer()
    sandbox = await startTestSandbox({caches: ['orders']})
    const sqs = new SQSClient(clientConfig(sandbox))
    sandboxDlqUrl = (await sqs.send(new CreateQueueCommand({QueueName: 'silent-momento-dlq'}))).QueueUrl ?? ''
    sqs.destroy()
    home = tempHome()
  })
  afterAll(async () => {
    await silent?.close()
    await sandbox?.close()
    home?.cleanup()
  })

  /**
   * Run with every AWS call sent to the silent server (AWS_ENDPOINT_URL; plus --endpoint-url unless told
   * not to). Spawned: whether the process ends (no socket or timer left to keep it alive) is the point.
   * `inProcess` for a run whose subject is its output, once a spawned run of the same command shows it ends.
   */
  const run = async (
    args: string[],
    options: {flag?: boolean; env?: Record<string, string | undefined>; boundMs?: number; inProcess?: boolean} = {},
  ): Promise<CliResult & {ms: number}> => {
    const started = Date.now()
    const withFlags = options.flag === false ? args : [...args, '--endpoint-url', silent.url, '--call-timeout', '1s']
    const result = await runCli(withFlags, {
      env: cleanEnv(home.home, {...awsEnv(silent.url), ...options.env}),
      timeoutMs: options.boundMs ?? boundMs(3),
      inProcess: options.inProcess ?? false,
    })
    return {...result, ms: Date.now() - started}
  }

  /** Exit 5, a message naming the endpoint and the way to raise the limit, within the bound. */
  const expectUnreachable = (result: CliResult & {ms: number}, endpoint: string) => {
    expect(result.timedOut, show(result)).toBe(false)
    expect(result.code, show(result)).toBe(5)
    expect(result.stderr, show(result)).toContain(endpoint)
    expect(result.stderr, show(result)).toMatch(/no answer from .* within 1 s/i)
    expect(result.stderr, show(result)).toMatch(/--call-timeout|MOMENTO_EB_CALL_TIMEOUT/)
    expect(result.stderr, show(result)).not.toContain('[WARN]')
  }

  it('whoami ends with exit 5 after the SDK’s standard attempts (timeout from MOMENTO_EB_CALL_TIMEOUT)', async () => {
    const result = await run(['whoami'], {flag: false, env: {MOMENTO_EB_CALL_TIMEOUT: '1s'}})
    expectUnreachable(result, silent.url)
    expect(result.stderr).toContain('(3 attempts)')
    expect(result.ms).toBeGreaterThanOrEqual(3 * CALL_TIMEOUT_S * 1000)
  })

  it('whoami --json: the error envelope says so too', async () => {
    const result = await run(['whoami', '--json'], {env: {AWS_MAX_ATTEMPTS: '1'}, inProcess: true})
    expect(result.timedOut, show(result)).toBe(false)
    expect(result.code, show(result)).toBe(5)
    const out = JSON.parse(result.stdout) as {error: {code: string; message: string; hints: string[]}}
    expect(out.error.code).toBe('EB_UNREACHABLE')
    expect(out.error.message).toContain(`No answer from ${silent.url} within 1 s (1 attempt)`)
  })

  it('put cacheSet (the start-up fast path) ends with exit 5', async () => {
    const result = await run(['put', 'cacheSet', '--cache', 'orders', '--key', 'k', '--ttl', '60', '--message', 'm'])
    expectUnreachable(result, silent.url)
  })

  it('put cacheDelete with only AWS_ENDPOINT_URL and MOMENTO_EB_CALL_TIMEOUT ends with exit 5', async () => {
    const result = await run(['put', 'cacheDelete', '--cache', 'orders', '--key', 'k'], {
      flag: false,
      env: {MOMENTO_EB_CALL_TIMEOUT: '1s', AWS_MAX_ATTEMPTS: '2'},
    })
    expectUnreachable(result, silent.url)
    expect(result.stderr).toContain('(2 attempts)')
  })

  it('status ends with exit 5', async () => {
    expectUnreachable(await run(['status']), silent.url)
  })

  it('dlq list ends with exit 5', async () => {
    const queueUrl = `${silent.url}/000000000000/momento-dlq`
    // The receive is a long poll: its bound is its wait plus the call timeout.
    expectUnreachable(await run(['dlq', 'list', '--queue-url', queueUrl, '--no-diagnose']), silent.url)
  })

  it('dlq redrive --all --yes ends with exit 5', async () => {
    const queueUrl = `${silent.url}/000000000000/momento-dlq`
    const result = await run(['dlq', 'redrive', '--all', '--yes', '--queue-url', queueUrl, '--rate', '0'], {
      boundMs: boundMs(3, 1),
    })
    expectUnreachable(result, silent.url)
  })

  it('deploy ends with exit 5', async () => {
    const result = await run(['deploy', '--yes', '--momento-endpoint', 'https://api.cache.example.com'], {
      env: {MOMENTO_API_KEY: TEST_API_KEY},
    })
    expectUnreachable(result, silent.url)
    expect(result.stderr + result.stdout).not.toContain(TEST_API_KEY)
  })

  it('put --wait ends with exit 5 when Momento is silent (AWS answers)', async () => {
    const queueUrl = sandboxDlqUrl
    const started = Date.now()
    const result = await runCli(
      [
        'put',
        'cacheSet',
        '--cache',
        'orders',
        '--key',
        'k',
        '--ttl',
        '60',
        '--message',
        'm',
        '--wait',
        '--queue-url',
        queueUrl,
        '--momento-endpoint',
        silent.url,
        '--call-timeout',
        '1s',
      ],
      {env: cleanEnv(home.home, {...awsEnv(sandbox.endpoint), MOMENTO_API_KEY: TEST_API_KEY}), timeoutMs: boundMs(1)},
    )
    expectUnreachable({...result, ms: Date.now() - started}, silent.url)
    expect(result.stderr).toContain('--momento-endpoint')
    expect(result.stderr + result.stdout).not.toContain(TEST_API_KEY)
  })

  it('put --wait with --sandbox honours --momento-endpoint (here a silent one: exit 5)', async () => {
    const started = Date.now()
    const result = await runCli(
      [
        'put',
        'cacheSet',
        '--sandbox',
        '--cache',
        'orders',
        '--key',
        'k',
        '--ttl',
        '60',
        '--message',
        'm',
        '--wait',
        '--queue-url',
        sandboxDlqUrl,
        '--momento-endpoint',
        silent.url,
        '--call-timeout',
        '1s',
      ],
      {
        env: cleanEnv(home.home, {MOMENTO_EB_SANDBOX_URL: sandbox.endpoint, MOMENTO_API_KEY: TEST_API_KEY}),
        timeoutMs: boundMs(1),
        // The spawned `put --wait` above shows the process ends; this one is about --sandbox and the flag.
        inProcess: true,
      },
    )
    expectUnreachable({...result, ms: Date.now() - started}, silent.url)
  })

  it('a bad --call-timeout is a usage error (exit 2)', async () => {
    const result = await run(['whoami', '--call-timeout', 'soon'], {flag: false, inProcess: true})
    expect(result.code, show(result)).toBe(2)
    expect(result.stderr).toMatch(/--call-timeout/)
  })
})
