import {randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {memoryRoute, seedRoute} from './bench-routes.js'
import {cloudformationService} from './cloudformation/service.js'
import {startCloudWatch} from './cloudwatch/runtime.js'
import {cloudwatchService} from './cloudwatch/service.js'
import {eventbridgeService} from './eventbridge/service.js'
import {latencyFor, latencyRoute, sleep} from './latency.js'
import {busLogObserver} from './logs/bus-log-writer.js'
import {logsService} from './logs/service.js'
import {momentoRoutes} from './momento/api/service.js'
import {momentoInspection} from './momento/inspection.js'
import {momentoError} from './momento/wire.js'
import {pipelineOf} from './pipeline/pipeline.js'
import {deliveryInspection, failureDetailRoute} from './pipeline/routes.js'
import type {AwsService, RequestContext} from './protocol/context.js'
import {ServiceError} from './protocol/errors.js'
import {browserRefusal, browserRequestReason, createHostPolicy, hostRefusal, type HostPolicy} from './protocol/guard.js'
import {awsBodyLimit, INSPECTION_BODY_LIMIT, momentoBodyLimit} from './protocol/limits.js'
import {jsonResponse, type RawRequest, type RawResponse, type RestHandler} from './protocol/rest.js'
import {handleRpcV2Cbor, RPC_V2_PATH} from './protocol/rpcv2-cbor.js'
import {queryError} from './protocol/xml.js'
import {secretsmanagerService} from './secretsmanager/service.js'
import {notificationsInspection} from './sns/routes.js'
import {sqsService} from './sqs/service.js'
import {createSandboxState, type SandboxOptions, type SandboxState} from './state.js'
import {stsService} from './sts/service.js'

const AWS_SERVICES: readonly AwsService[] = [
  eventbridgeService,
  sqsService,
  secretsmanagerService,
  stsService,
  cloudformationService,
  logsService,
  cloudwatchService,
]

/** Query-protocol services by the `Version` they send. */
const BY_VERSION = new Map(AWS_SERVICES.filter((s) => s.queryVersion).map((s) => [s.queryVersion, s]))
/** JSON-protocol services by their `X-Amz-Target` prefix. */
const BY_TARGET = new Map(AWS_SERVICES.filter((s) => s.targetPrefix).map((s) => [s.targetPrefix, s]))
const BY_SIGNING_NAME = new Map(AWS_SERVICES.map((s) => [s.signingName, s]))

const GENERIC_NAMESPACE = 'https://sandbox.momento-eb.local/doc/'

/** A sandbox server that is built but not yet listening, with its state. */
export interface SandboxServer {
  readonly server: Server
  readonly state: SandboxState
  /** Bytes of request bodies being received right now (bounded by `maxBufferedBodyBytes`). */
  bufferedBodyBytes(): number
  /** Stop background work and close the server (and its open connections). */
  close(): Promise<void>
}

/** A listening sandbox, as `startSandbox` returns it. */
export interface RunningSandbox extends SandboxServer {
  /** `http://host:port`, the one endpoint for every emulated service. */
  readonly endpoint: string
  readonly host: string
  readonly port: number
  readonly region: string
  readonly accountId: string
  /** The Momento API key the emulated Momento HTTP API accepts. */
  readonly apiKey: string
}

/**
 * Build a sandbox server without listening (kinesalite's factory shape): tests and the
 * `sandbox` command decide where it listens.
 */
export function createSandboxServer(options: SandboxOptions & {host?: string} = {}): SandboxServer {
  const state = createSandboxState(options)
  startCloudWatch(state)
  pipelineOf(state).observe(busLogObserver(state))
  const restHandlers: readonly RestHandler[] = [
    infoRoute,
    momentoInspection,
    deliveryInspection,
    failureDetailRoute,
    latencyRoute,
    seedRoute,
    memoryRoute,
    notificationsInspection,
    momentoRoutes,
  ]
  const hosts = createHostPolicy(state.options.allowHosts)
  if (options.host !== undefined) hosts.addBound(options.host)
  const guard: Guard = {hosts, buffered: 0}
  const requestTimeout = state.options.requestTimeoutMs
  const server = createServer(
    {
      // A client that is slow to send its headers or body is cut off (408) instead of holding memory.
      requestTimeout,
      headersTimeout: Math.min(30_000, requestTimeout),
      // How often Node checks those timeouts (default 30 s, which would let a stall last up to 60 s).
      connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(requestTimeout / 4))),
    },
    (req, res) => {
      handle(req, res, state, restHandlers, guard).catch((error: unknown) => {
        state.options.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
        if (!res.headersSent) {
          res.writeHead(500, {'content-type': 'application/json', 'x-amzn-RequestId': randomUUID()})
          res.end(JSON.stringify({__type: 'InternalFailure', message: 'The sandbox failed to handle the request.'}))
        } else {
          res.destroy()
        }
      })
    },
  )
  server.on('listening', () => {
    const address = server.address()
    if (address && typeof address === 'object') hosts.addBound(address.address)
  })
  // A malformed HTTP request must never take the server down: answer 400 and drop the socket.
  // A request that took longer than the request timeout gets 408, like Node's own handler.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
    else socket.destroy()
  })
  // Idle keep-alive connections stay open 65 s. The SDK's agent keeps idle sockets with no limit of
  // its own and reuses them; a server that closes them sooner (Node's default is 5 s) races with a
  // request just written on one, which fails with ECONNRESET (seen in tests under load). AWS doesn't
  // document its endpoints' idle timeout; 60 s is the usual load-balancer default, so a client here
  // meets no close AWS wouldn't give it. (Node 20 applies the headers timeout only to a request in
  // progress, not to an idle kept-alive connection.)
  server.keepAliveTimeout = 65_000
  return {
    server,
    state,
    bufferedBodyBytes: () => guard.buffered,
    async close() {
      await state.shutdown()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

/** Start a sandbox listening on `host:port` (port 0 takes a free port). */
export async function startSandbox(
  options: SandboxOptions & {port?: number; host?: string} = {},
): Promise<RunningSandbox> {
  const sandbox = createSandboxServer(options)
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    sandbox.server.once('error', reject)
    sandbox.server.listen(options.port ?? 4566, host, () => {
      sandbox.server.off('error', reject)
      resolve()
    })
  })
  const {port} = sandbox.server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    ...sandbox,
    endpoint: `http://${urlHost}:${port}`,
    host,
    port,
    region: sandbox.state.defaultRegion,
    accountId: sandbox.state.accountId,
    apiKey: sandbox.state.options.apiKey,
  }
}

/**
 * `GET /_sandbox/info`: what the sandbox is. The Momento API key only when asked for by name
 * (`?include=apiKey`), so nothing that merely probes the sandbox gets it; like every route, only for
 * accepted Host names and never for a browser (protocol/guard.ts).
 */
const infoRoute: RestHandler = (request, state) => {
  if (request.url.pathname !== '/_sandbox/info' && request.url.pathname !== '/_sandbox') return undefined
  const include = request.url.searchParams.getAll('include').flatMap((value) => value.split(','))
  return jsonResponse(200, {
    service: 'momento-eb sandbox',
    region: state.defaultRegion,
    accountId: state.accountId,
    ...(include.includes('apiKey') ? {apiKey: state.options.apiKey} : {}),
    persistence: 'memory',
    failureDetail: state.options.failureDetail,
    services: [...AWS_SERVICES.map((s) => s.signingName), 'momento'],
  })
}

/** Per server: who may call, and how many bytes of unfinished request bodies it holds now. */
interface Guard {
  readonly hosts: HostPolicy
  buffered: number
}

/** Shared abort reasons: `abort()` without one builds a DOMException (with a stack) every time. */
const CLIENT_GONE = new Error('The client closed the connection.')
const SANDBOX_CLOSING = new Error('The sandbox is closing.')

/**
 * A request declared at most this much over its limit is drained (read and thrown away, which holds
 * no memory) after the 413, so the client reads the answer on a healthy connection. Past it the
 * connection is closed after the answer: a client still sending may see a reset instead.
 */
const DRAIN_ALLOWANCE = 4 * 1024 * 1024

type BodyOutcome =
  | {kind: 'body'; body: Buffer}
  | {kind: 'too-large'; close: boolean}
  | {kind: 'busy'}
  /** The client went away (or the server cut it off) before the body was complete. */
  | {kind: 'gone'}

/**
 * The whole body, up to `limit` bytes, counted against the server's budget of unfinished bodies
 * while it is read. Read with the stream's async iterator: measured against 'data' listeners, it
 * holds the sandbox to 240 MiB instead of 300+ MiB with 100,000 queued messages (it paces how fast
 * request garbage piles up between collections) at no measurable cost in events per second.
 * `destroyOnReturn: false`: stopping early must not destroy the socket before the 413 is sent.
 */
async function readBody(req: IncomingMessage, limit: number, guard: Guard, budget: number): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    return {kind: 'too-large', close: declared - limit > DRAIN_ALLOWANCE}
  }
  if (Number.isFinite(declared) && declared > 0 && guard.buffered + declared > budget) return {kind: 'busy'}
  let chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of req.iterator({destroyOnReturn: false}) as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limit) return {kind: 'too-large', close: false}
      if (guard.buffered + chunk.length > budget) return {kind: 'busy'}
      guard.buffered += chunk.length
      chunks.push(chunk)
    }
  } catch (error) {
    // Node destroys an unfinished request when its socket closes (client gone, request timeout).
    if (req.destroyed) return {kind: 'gone'}
    throw error
  } finally {
    guard.buffered -= chunks.reduce((sum, chunk) => sum + chunk.length, 0)
  }
  const body = Buffer.concat(chunks)
  chunks = []
  return {kind: 'body', body}
}

/** AWS region names: us-east-1, us-gov-west-1, eusc-de-east-1 (the sandbox serves any of them). */
const REGION_PATTERN = /^[a-z]{2,}(-[a-z]+)+-\d+$/

function regionOf(scoped: string | undefined, fallback: string): string {
  return scoped && REGION_PATTERN.test(scoped) ? scoped : fallback
}

/** The 3rd and 4th parts of a SigV4 credential scope: region and signing name. */
function sigV4Scope(req: IncomingMessage, url: URL): {region?: string | undefined; service?: string | undefined} {
  const auth = req.headers.authorization ?? ''
  const credential = /Credential=([^,\s]+)/.exec(auth)?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? ''
  const parts = credential.split('/')
  if (parts.length < 5) return {}
  return {region: parts[2], service: parts[3]}
}

/** The request's URL; a Host no URL can hold (`a@b`, `x.1`) falls back to 127.0.0.1 instead of throwing. */
function requestUrl(path: string, host: string): URL {
  try {
    return new URL(path, `http://${host.replace(/[^\w.:[\]-]/g, '') || '127.0.0.1'}`)
  } catch {
    // Also a request target such as `//x:99999`, which a base URL would read as a host and port.
    return new URL(`http://127.0.0.1${path.startsWith('/') ? '' : '/'}${path}`)
  }
}

function send(res: ServerResponse, response: RawResponse, requestId: string): void {
  const body = response.body ?? ''
  res.writeHead(response.status, {
    'x-amzn-RequestId': requestId,
    'content-length': String(Buffer.byteLength(body)),
    ...response.headers,
  })
  res.end(body)
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: SandboxState,
  restHandlers: readonly RestHandler[],
  guard: Guard,
): Promise<void> {
  const requestId = randomUUID()
  const hostHeader = req.headers.host
  const host = hostHeader ?? '127.0.0.1'
  const url = requestUrl(req.url ?? '/', host)
  // Only AWS calls need the credential scope; Momento's routes (most requests under load) don't.
  let scopeCache: ReturnType<typeof sigV4Scope> | undefined
  const scope = (): ReturnType<typeof sigV4Scope> => (scopeCache ??= sigV4Scope(req, url))
  const target = req.headers['x-amz-target']
  const jsonService = typeof target === 'string' ? BY_TARGET.get(target.split('.')[0]) : undefined
  const refuse = (error: ServiceError, close: boolean): void => {
    const response = refusalResponse(req, url, jsonService, scope().service, error, requestId)
    if (close) response.headers = {...response.headers, connection: 'close'}
    send(res, response, requestId)
  }

  // Before anything is read: only accepted Host names (DNS rebinding), and no web browser's page.
  if (!guard.hosts.accepts(hostHeader)) {
    refuse(accessDenied(hostRefusal(hostHeader ?? '', guard.hosts)), true)
    return
  }
  const browser = browserRequestReason(req.headers)
  if (browser !== undefined) {
    refuse(accessDenied(browserRefusal(browser)), true)
    return
  }
  const momentoPath = MOMENTO_PATH.test(url.pathname)
  const scopeRegion = momentoPath ? undefined : scope().region
  if (scopeRegion !== undefined && !REGION_PATTERN.test(scopeRegion)) {
    // AWS's answer to a signature scoped to a region it doesn't know; the sandbox takes any valid name.
    const message =
      `Credential should be scoped to a valid region, not '${scopeRegion.replace(/[^\x20-\x7e]/g, '?').slice(0, 64)}'. ` +
      'The sandbox accepts any AWS region name, like us-east-1 or eu-west-1.'
    refuse(new ServiceError('InvalidSignatureException', message, 403, {queryCode: 'SignatureDoesNotMatch'}), false)
    req.resume()
    return
  }

  const limit = Math.min(state.options.maxBodyBytes, bodyLimit(url.pathname, jsonService, scope, state))
  const read = await readBody(req, limit, guard, state.options.maxBufferedBodyBytes)
  if (read.kind === 'gone') return
  if (read.kind === 'too-large') {
    const message = `The request body is larger than the sandbox's limit of ${limit} bytes for this request.`
    refuse(new ServiceError('RequestEntityTooLarge', message, 413), read.close)
    // The rest of the body is read and dropped (no memory held); a slow sender is cut off by the request timeout.
    if (!read.close) req.resume()
    return
  }
  if (read.kind === 'busy') {
    const message =
      `The sandbox is holding ${state.options.maxBufferedBodyBytes} bytes of unfinished request bodies, its limit. ` +
      'Try again shortly.'
    refuse(new ServiceError('ServiceUnavailable', message, 503), true)
    return
  }
  const body = read.body

  // Aborted when the client goes away or the sandbox closes, so long polls stop waiting. Built on
  // first use: most requests never look at it, and a controller per request is measurable under load.
  let abort: AbortController | undefined
  let closed = false
  res.once('close', () => {
    closed = true
    abort?.abort(CLIENT_GONE)
  })
  const signal = (): AbortSignal => {
    if (!abort) {
      const controller = new AbortController()
      abort = controller
      if (closed || state.closing.aborted) controller.abort(CLIENT_GONE)
      const onClosing = (): void => controller.abort(SANDBOX_CLOSING)
      state.closing.addEventListener('abort', onClosing, {once: true})
      controller.signal.addEventListener('abort', () => state.closing.removeEventListener('abort', onClosing), {
        once: true,
      })
      res.once('close', () => state.closing.removeEventListener('abort', onClosing))
    }
    return abort.signal
  }

  const context = (protocol: 'json' | 'query'): RequestContext => ({
    state,
    region: regionOf(scope().region, state.defaultRegion),
    accountId: state.accountId,
    host,
    requestId,
    protocol,
    headers: req.headers,
    get signal() {
      return signal()
    },
    path: url.pathname,
  })

  // Smithy RPC v2 CBOR (botocore's choice for CloudWatch) names the service and operation in the path.
  const rpcV2 = req.headers['smithy-protocol'] === 'rpc-v2-cbor' ? RPC_V2_PATH.exec(url.pathname) : null
  if (rpcV2) {
    const service = BY_TARGET.get(rpcV2[1] ?? '')
    if (service) await addedLatency(state, service)
    send(res, await handleRpcV2Cbor(service, rpcV2[2] ?? '', body, context('json')), requestId)
    return
  }

  // FIRST: the JSON protocols say who they are in X-Amz-Target.
  if (typeof target === 'string') {
    if (!jsonService) {
      const error = new ServiceError('UnknownOperationException', `The target ${target} is not served by the sandbox.`)
      send(res, {status: 400, headers: jsonHeaders('1.1'), body: jsonErrorBody(error)}, requestId)
      return
    }
    const latency = addedLatency(state, jsonService)
    if (latency) await latency
    send(res, await handleJson(jsonService, target.slice(target.indexOf('.') + 1), body, context('json')), requestId)
    return
  }

  // THEN: the query protocol names an Action (in the form body or, for GET, the query string).
  const contentType = String(req.headers['content-type'] ?? '')
  const params = new URLSearchParams(url.search)
  // A form-encoded POST to a Momento route is a topic message (Momento's own `curl -d` example
  // sends one), never query-protocol parameters, even when it reads like `Action=…` (momentoPath, above).
  if (req.method === 'POST' && !momentoPath && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value)
  }
  const action = params.get('Action')
  if (action !== null && !momentoPath && !url.pathname.startsWith('/_sandbox')) {
    const service =
      BY_VERSION.get(params.get('Version') ?? '') ??
      (scope().service ? BY_SIGNING_NAME.get(scope().service as string) : undefined)
    if (service) await addedLatency(state, service)
    send(res, await handleQuery(service, action, params, context('query')), requestId)
    return
  }

  // LAST: REST routes (inspection, then Momento's HTTP API).
  const raw: RawRequest = {
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    body,
    get signal() {
      return signal()
    },
  }
  for (const handler of restHandlers) {
    // Awaited only when it is a promise: every Momento call passes the inspection routes first, and
    // an await per route that isn't it cost a microtask turn each.
    const answer = handler(raw, state)
    const response = answer instanceof Promise ? await answer : answer
    if (response) {
      if (!res.destroyed) send(res, response, requestId)
      return
    }
  }
  send(
    res,
    jsonResponse(404, {
      __type: 'UnknownOperationException',
      message: `No sandbox route for ${req.method ?? 'GET'} ${url.pathname}: AWS calls need X-Amz-Target or Action.`,
    }),
    requestId,
  )
}

/**
 * The configured latency of this AWS service (`SandboxOptions.latency`), on a timer so other requests
 * go on; no timer at all when the service has none (the common case).
 */
function addedLatency(state: SandboxState, service: AwsService): Promise<void> | undefined {
  const ms = latencyFor(state.options.latency, service.signingName)
  return ms > 0 ? sleep(ms) : undefined
}

function jsonHeaders(version: '1.0' | '1.1'): Record<string, string> {
  return {'content-type': `application/x-amz-json-${version}`}
}

function jsonErrorBody(error: ServiceError, namespace?: string): string {
  return JSON.stringify({__type: namespace ? `${namespace}#${error.code}` : error.code, message: error.message})
}

function jsonError(service: AwsService, error: ServiceError): RawResponse {
  const headers = jsonHeaders(service.jsonVersion ?? '1.1')
  if (service.queryCompatible) {
    // SQS's JSON errors carry the legacy query code too (docs/reference/aws-facts.md#wire-errors); always
    // send it.
    headers['x-amzn-query-error'] = `${error.options.queryCode ?? error.code};${error.fault}`
  }
  const namespace = service.signingName === 'sqs' ? 'com.amazonaws.sqs' : undefined
  return {status: error.status, headers, body: jsonErrorBody(error, namespace)}
}

function accessDenied(message: string): ServiceError {
  return new ServiceError('AccessDeniedException', message, 403, {queryCode: 'AccessDenied'})
}

/** The body limit of this request, from what its headers and path say it is (protocol/limits.ts). */
function bodyLimit(
  pathname: string,
  jsonService: AwsService | undefined,
  scope: () => {service?: string | undefined},
  state: SandboxState,
): number {
  if (jsonService) return awsBodyLimit(jsonService.signingName, state.options.maxPutEventsBytes)
  if (MOMENTO_PATH.test(pathname)) return momentoBodyLimit(pathname, state.momento.options.maxItemBytes)
  if (pathname.startsWith('/_sandbox')) return INSPECTION_BODY_LIMIT
  return awsBodyLimit(scope().service, state.options.maxPutEventsBytes)
}

const MOMENTO_PATH = /^\/(cache|topics)(\/|$)/

/**
 * A refusal made before the body is read, in the shape the caller expects: the JSON service's
 * errors, Momento's `{status, title, description}`, inspection JSON, or the query protocol's XML.
 */
function refusalResponse(
  req: IncomingMessage,
  url: URL,
  jsonService: AwsService | undefined,
  signingName: string | undefined,
  error: ServiceError,
  requestId: string,
): RawResponse {
  if (jsonService) return jsonError(jsonService, error)
  if (MOMENTO_PATH.test(url.pathname) || url.pathname.startsWith('/_sandbox/momento')) {
    const titles: Record<number, string> = {403: 'Forbidden', 413: 'Payload Too Large', 503: 'Service Unavailable'}
    return momentoError(error.status, titles[error.status] ?? 'Bad Request', error.message)
  }
  const contentType = String(req.headers['content-type'] ?? '')
  const queryService = signingName ? BY_SIGNING_NAME.get(signingName) : undefined
  if (
    contentType.startsWith('application/x-www-form-urlencoded') ||
    url.searchParams.has('Action') ||
    queryService?.xmlNamespace
  ) {
    return xmlErrorResponse(queryService?.xmlNamespace ?? GENERIC_NAMESPACE, error, requestId)
  }
  return jsonResponse(error.status, {__type: error.code, message: error.message})
}

async function handleJson(
  service: AwsService,
  operation: string,
  body: Buffer,
  ctx: RequestContext,
): Promise<RawResponse> {
  const handler = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined
  if (!handler) {
    return jsonError(service, new ServiceError('UnknownOperationException', `Unknown operation ${operation}.`))
  }
  let input: unknown
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
  } catch {
    return jsonError(service, new ServiceError('SerializationException', 'The request body is not valid JSON.'))
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return jsonError(service, new ServiceError('SerializationException', 'The request body must be a JSON object.'))
  }
  try {
    const output = await handler(input as Record<string, unknown>, ctx)
    return {status: 200, headers: jsonHeaders(service.jsonVersion ?? '1.1'), body: JSON.stringify(output ?? {})}
  } catch (error) {
    if (error instanceof ServiceError) return jsonError(service, error)
    throw error
  }
}

function xmlErrorResponse(namespace: string, error: ServiceError, requestId: string): RawResponse {
  return {
    status: error.status,
    headers: {'content-type': 'text/xml'},
    body: queryError(namespace, error.fault, error.options.queryCode ?? error.code, error.message, requestId),
  }
}

async function handleQuery(
  service: AwsService | undefined,
  action: string,
  params: URLSearchParams,
  ctx: RequestContext,
): Promise<RawResponse> {
  if (!service?.queryInput || !service.queryOutput) {
    const error = new ServiceError('InvalidAction', `The action ${action} is not valid for this endpoint.`)
    return xmlErrorResponse(service?.xmlNamespace ?? GENERIC_NAMESPACE, error, ctx.requestId)
  }
  const namespace = service.xmlNamespace ?? GENERIC_NAMESPACE
  const handler = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined
  if (!handler) {
    const error = new ServiceError('InvalidAction', `The action or operation requested is invalid: ${action}.`)
    return xmlErrorResponse(namespace, error, ctx.requestId)
  }
  try {
    const output = await handler(service.queryInput(action, params), ctx)
    return {
      status: 200,
      headers: {'content-type': 'text/xml'},
      body: service.queryOutput(action, output, ctx.requestId),
    }
  } catch (error) {
    if (error instanceof ServiceError) return xmlErrorResponse(namespace, error, ctx.requestId)
    throw error
  }
}
