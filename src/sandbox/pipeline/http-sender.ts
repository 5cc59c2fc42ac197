/**
 * Sends API destination requests for the delivery pipeline: a real HTTP(S) request with a timeout,
 * answered with the status, `Retry-After` and (truncated) body, or a network/timeout failure.
 *
 * Requests go out from a worker thread: the sandbox's own thread then only serves requests
 * (PutEvents, and the Momento routes the destinations usually point at), which takes about a third
 * of its work per event away on a multi-core machine. Never throws: every outcome is a value.
 */
import {Worker} from 'node:worker_threads'

import type {RequestTarget} from './http-target.js'

/** One request to send. */
export interface SendRequest {
  readonly target: RequestTarget
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string
  readonly timeoutMs: number
}

/** What came back: an HTTP answer, or why there was none. */
export type SendResult =
  | {readonly kind: 'response'; readonly status: number; readonly retryAfter?: string; readonly body: string}
  | {readonly kind: 'timeout'}
  | {readonly kind: 'network'; readonly detail: string}
  /** The request could not be built (invalid path or header characters). */
  | {readonly kind: 'invalid'; readonly detail: string}
  /** The sender was closed before an answer came. */
  | {readonly kind: 'closed'}

export interface HttpSender {
  send(request: SendRequest): Promise<SendResult>
  /** Abort everything in flight (answered `closed`) and release sockets and threads. */
  close(): Promise<void>
}

/** Most response bytes read from an endpoint (enough for the quoted error text). */
export const MAX_RESPONSE_BYTES = 64 * 1024
/** Sockets kept per origin; the pipeline bounds calls in flight below this. */
const MAX_SOCKETS = 128

// The worker's code. Plain JavaScript run from a string (`eval: true`), so it works the same whether
// the sandbox runs from dist/ or from TypeScript sources under a test runner.
const SENDER_SOURCE = `
// EventBridge asks for \`Accept-Encoding: gzip,deflate\`, so an endpoint may compress its answer; the
// body is decoded for the delivery log and the DLQ text. A body that does not decode (or was cut at
// maxBytes beyond repair) is kept as it came.
const decodeBody = (zlib, encoding, raw, maxBytes) => {
  const kind = String(encoding || '').trim().toLowerCase()
  if (kind !== 'gzip' && kind !== 'x-gzip' && kind !== 'deflate') return raw
  const options = {finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: maxBytes}
  try {
    return kind === 'deflate' ? zlib.inflateSync(raw, options) : zlib.gunzipSync(raw, options)
  } catch {
    if (kind !== 'deflate') return raw
    try { return zlib.inflateRawSync(raw, options) } catch { return raw }
  }
}
const sendRequest = (http, https, zlib, agents, inFlight, request, maxBytes, done) => {
  const t = request.target
  const isHttps = t.protocol === 'https:'
  const headers = Object.assign({}, request.headers, {'Content-Length': String(Buffer.byteLength(request.body))})
  let settled = false
  let timedOut = false
  let req
  const finish = (result) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    inFlight.delete(req)
    done(result)
  }
  try {
    req = (isHttps ? https : http).request({
      protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path,
      method: request.method, headers, agent: isHttps ? agents.https : agents.http,
    })
  } catch (error) {
    done({kind: 'invalid', detail: String(error && error.message ? error.message : error)})
    return
  }
  inFlight.set(req, finish)
  const timer = setTimeout(() => { timedOut = true; req.destroy() }, request.timeoutMs)
  req.on('response', (res) => {
    const chunks = []
    let size = 0
    res.on('data', (chunk) => { if (size < maxBytes) chunks.push(chunk); size += chunk.length })
    res.on('error', () => {})
    res.on('end', () => {
      const retryAfter = res.headers['retry-after']
      const body = decodeBody(zlib, res.headers['content-encoding'], Buffer.concat(chunks), maxBytes)
      const result = {kind: 'response', status: res.statusCode || 0, body: body.toString('utf8')}
      if (typeof retryAfter === 'string') result.retryAfter = retryAfter
      finish(result)
    })
  })
  req.on('error', (error) => {
    finish(timedOut ? {kind: 'timeout'} : {kind: 'network', detail: error.code ? error.code + ' ' + error.message : error.message})
  })
  req.end(request.body)
}
`

const WORKER_SOURCE = `
const http = require('node:http')
const https = require('node:https')
const zlib = require('node:zlib')
const {parentPort, workerData} = require('node:worker_threads')
${SENDER_SOURCE}
const agents = {
  http: new http.Agent({keepAlive: true, maxSockets: workerData.maxSockets, maxFreeSockets: workerData.maxSockets}),
  https: new https.Agent({keepAlive: true, maxSockets: workerData.maxSockets, maxFreeSockets: workerData.maxSockets}),
}
const inFlight = new Map()
let outbox = []
const flush = () => { const batch = outbox; outbox = []; parentPort.postMessage(batch) }
parentPort.on('message', (message) => {
  if (message === 'close') {
    for (const [req, finish] of inFlight) { finish({kind: 'closed'}); req.destroy() }
    agents.http.destroy(); agents.https.destroy()
    parentPort.close()
    return
  }
  for (const [id, request] of message) {
    sendRequest(http, https, zlib, agents, inFlight, request, workerData.maxBytes, (result) => {
      // Answers are batched per turn of the event loop: one postMessage carries many.
      if (outbox.length === 0) setImmediate(flush)
      outbox.push([id, result])
    })
  }
})
`

/** Sends from a worker thread; requests and answers cross in batches, one message per event-loop turn. */
export function createWorkerSender(): HttpSender {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {maxSockets: MAX_SOCKETS, maxBytes: MAX_RESPONSE_BYTES},
  })
  // The sandbox must not stay alive just because the worker exists.
  worker.unref()
  const pending = new Map<number, (result: SendResult) => void>()
  let nextId = 1
  let outbox: [number, SendRequest][] = []
  let closed = false
  const flush = (): void => {
    const batch = outbox
    outbox = []
    if (!closed) worker.postMessage(batch)
  }
  const failAll = (result: SendResult): void => {
    for (const resolve of pending.values()) resolve(result)
    pending.clear()
  }
  worker.on('message', (batch: [number, SendResult][]) => {
    for (const [id, result] of batch) {
      const resolve = pending.get(id)
      pending.delete(id)
      resolve?.(result)
    }
  })
  worker.on('error', (error) => failAll({kind: 'network', detail: `delivery thread failed: ${error.message}`}))
  worker.on('exit', () => failAll({kind: 'closed'}))
  return {
    send(request) {
      if (closed) return Promise.resolve({kind: 'closed'})
      return new Promise((resolve) => {
        const id = nextId++
        pending.set(id, resolve)
        if (outbox.length === 0) setImmediate(flush)
        outbox.push([id, request])
      })
    },
    async close() {
      if (closed) return
      closed = true
      failAll({kind: 'closed'})
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
      worker.postMessage('close')
      // The worker ends once its port closes; terminate() is the backstop.
      const timer = setTimeout(() => void worker.terminate(), 1000)
      await exited
      clearTimeout(timer)
    },
  }
}
