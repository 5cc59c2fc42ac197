/**
 * Call timeouts against endpoints that stall: the real SDK clients as createAwsClients builds them
 * (main thread and worker threads) and the Momento HTTP reader. A stalled attempt fails with the limit
 * in the message; a long poll gets its wait on top of the limit, so a slow empty poll is not cut short.
 */
import {createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer, type Socket} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createAwsClients, type AwsTarget} from '../../dist/adapters/aws/clients.js'
import {createDlqQueue} from '../../dist/adapters/aws/sqs.js'
import {PortPool} from '../../dist/adapters/aws/port-pool.js'
import {createMomentoHttpClient} from '../../dist/adapters/momento/http.js'
import {UnreachableError} from '../../dist/core/errors.js'
import {UNCAPPED_LOOPS} from '../../dist/services/redrive.js'

/** Accepts TCP connections and never answers. */
async function silentServer() {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Answers every request as `answer` says, after `delayMs` (an SQS JSON-protocol endpoint, roughly). */
async function slowServer(answer: (req: IncomingMessage, body: string) => {delayMs: number; json: unknown}) {
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      const {delayMs, json} = answer(req, body)
      const timer = setTimeout(() => {
        res.writeHead(200, {'content-type': 'application/x-amz-json-1.0'})
        res.end(JSON.stringify(json))
      }, delayMs)
      res.on('close', () => clearTimeout(timer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const target = (endpoint: string, callTimeoutMs: number): AwsTarget => ({
  endpoint,
  region: 'us-east-1',
  credentials: {accessKeyId: 't', secretAccessKey: 't'},
  callTimeoutMs,
})

async function timed<T>(work: () => Promise<T>): Promise<{ms: number; error: unknown}> {
  const started = Date.now()
  try {
    await work()
    return {ms: Date.now() - started, error: undefined}
  } catch (error) {
    return {ms: Date.now() - started, error}
  }
}

describe('call timeouts', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>
  let slow: Awaited<ReturnType<typeof slowServer>>

  beforeAll(async () => {
    silent = await silentServer()
    // ReceiveMessage answers empty after 1.2 s (a long poll of WaitTimeSeconds 2 with nothing in it);
    // any other call answers after 1.2 s too, too late for a 400 ms limit.
    slow = await slowServer(() => ({delayMs: 1_200, json: {}}))
  })
  afterAll(async () => {
    await silent?.close()
    await slow?.close()
  })

  it('a silent endpoint: the queue call fails within attempts × the limit, saying so', async () => {
    const clients = createAwsClients(target(silent.url, 300))
    const queue = createDlqQueue(clients, `${silent.url}/000000000000/q`)
    const {ms, error} = await timed(() => queue.depth())
    clients.destroy()
    expect(error).toBeInstanceOf(UnreachableError)
    expect((error as Error).message).toMatch(/No answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms \(3 attempts\)\./)
    expect((error as UnreachableError).exitCode).toBe(5)
    expect((error as UnreachableError).hints.join(' ')).toContain('--call-timeout')
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(ms).toBeLessThan(5_000)
  })

  it('a slow answer to an ordinary call is cut at the limit', async () => {
    const clients = createAwsClients(target(slow.url, 400))
    const queue = createDlqQueue(clients, `${slow.url}/000000000000/q`)
    const {error} = await timed(() => queue.depth())
    clients.destroy()
    expect(error).toBeInstanceOf(UnreachableError)
    expect((error as Error).message).toContain('within 400 ms')
  })

  it("an uncapped redrive's 64 loops can all wait on a long poll at once on one client (not 50, the SDK's default)", async () => {
    // What reached the endpoint: how many requests it held at the same time.
    let open = 0
    let most = 0
    const server = await slowServer(() => {
      open++
      most = Math.max(most, open)
      setTimeout(() => open--, 600)
      return {delayMs: 600, json: {}}
    })
    const clients = createAwsClients(target(server.url, 2_000))
    const queue = createDlqQueue(clients, `${server.url}/000000000000/q`)
    try {
      await Promise.all(
        Array.from({length: UNCAPPED_LOOPS}, () =>
          queue.receive({max: 10, visibilityTimeoutSeconds: 5, waitSeconds: 1}),
        ),
      )
    } finally {
      clients.destroy()
      await server.close()
    }
    expect(most).toBe(UNCAPPED_LOOPS)
  })

  it('a long poll gets its wait on top of the limit: an empty 2 s poll answering after 1.2 s succeeds', async () => {
    const clients = createAwsClients(target(slow.url, 400))
    const queue = createDlqQueue(clients, `${slow.url}/000000000000/q`)
    const {error} = await timed(() => queue.receive({max: 10, visibilityTimeoutSeconds: 5, waitSeconds: 2}))
    clients.destroy()
    expect(error).toBeUndefined()
  })

  it('worker-thread clients (PortPool) are bounded too', async () => {
    const clients = createAwsClients(target(silent.url, 300))
    const pool = new PortPool(clients, 1, {queueUrl: `${silent.url}/000000000000/q`})
    try {
      const {ms, error} = await timed(() => pool.eventsPort().describeEventBus('default'))
      expect(error).toBeInstanceOf(UnreachableError)
      expect((error as Error).message).toContain('within 300 ms')
      expect(ms).toBeLessThan(5_000)
    } finally {
      await pool.close()
      clients.destroy()
    }
  })

  it('Momento reads: a silent endpoint fails the read at the limit; subscribe gets the server wait on top', async () => {
    const momento = createMomentoHttpClient(silent.url, 'key-abcdef-123', {
      callTimeoutMs: 300,
      subscribeServerWaitMs: 500,
    })
    const get = await timed(() => momento.getItem('orders', {key: 'k'}))
    expect(get.error).toBeInstanceOf(UnreachableError)
    expect((get.error as Error).message).toBe(`No answer from the Momento endpoint ${silent.url} within 300 ms.`)
    expect(get.ms).toBeLessThan(2_000)
    const poll = await timed(() => momento.subscribe('orders', 'news', 0))
    expect(poll.error).toBeInstanceOf(UnreachableError)
    expect((poll.error as Error).message).toContain('within 800 ms')
    expect(poll.ms).toBeGreaterThanOrEqual(750)
    expect(JSON.stringify(poll.error)).not.toContain('key-abcdef-123')
  })

  it('Momento subscribe: the caller’s abort is still an abort, not a timeout', async () => {
    const momento = createMomentoHttpClient(silent.url, 'k', {callTimeoutMs: 5_000})
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const {error, ms} = await timed(() => momento.subscribe('orders', 'news', 0, controller.signal))
    expect((error as Error).name).toBe('AbortError')
    expect(ms).toBeLessThan(2_000)
  })
})
