import {randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {cloudformationService} from './cloudformation/service.js'
import {eventbridgeService} from './eventbridge/service.js'
import {momentoInspection, momentoRoutes} from './momento/routes.js'
import {deliveryInspection, failureDetailRoute} from './pipeline/routes.js'
import type {AwsService, RequestContext} from './protocol/context.js'
import {ServiceError} from './protocol/errors.js'
import {jsonResponse, type RawRequest, type RawResponse, type RestHandler} from './protocol/rest.js'
import {queryError} from './protocol/xml.js'
import {secretsmanagerService} from './secretsmanager/service.js'
import {sqsService} from './sqs/service.js'
import {createSandboxState, type SandboxOptions, type SandboxState} from './state.js'
import {stsService} from './sts/service.js'

const AWS_SERVICES: readonly AwsService[] = [
  eventbridgeService,
  sqsService,
  secretsmanagerService,
  stsService,
  cloudformationService,
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
export function createSandboxServer(options: SandboxOptions = {}): SandboxServer {
  const state = createSandboxState(options)
  const restHandlers: readonly RestHandler[] = [
    infoRoute,
    momentoInspection,
    deliveryInspection,
    failureDetailRoute,
    momentoRoutes,
  ]
  const server = createServer((req, res) => {
    handle(req, res, state, restHandlers).catch((error: unknown) => {
      state.options.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      if (!res.headersSent) {
        res.writeHead(500, {'content-type': 'application/json', 'x-amzn-RequestId': randomUUID()})
        res.end(JSON.stringify({__type: 'InternalFailure', message: 'The sandbox failed to handle the request.'}))
      } else {
        res.destroy()
      }
    })
  })
  // A malformed HTTP request must never take the server down: answer 400 and drop the socket.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
    else socket.destroy()
  })
  server.headersTimeout = 30_000
  server.requestTimeout = 120_000
  server.keepAliveTimeout = 5_000
  return {
    server,
    state,
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

const infoRoute: RestHandler = (request, state) => {
  if (request.url.pathname !== '/_sandbox/info' && request.url.pathname !== '/_sandbox') return undefined
  return jsonResponse(200, {
    service: 'momento-eb sandbox',
    region: state.defaultRegion,
    accountId: state.accountId,
    apiKey: state.options.apiKey,
    persistence: 'memory',
    failureDetail: state.options.failureDetail,
    services: ['events', 'sqs', 'secretsmanager', 'sts', 'cloudformation', 'momento'],
  })
}

class BodyTooLargeError extends Error {}

/** Shared abort reasons: `abort()` without one builds a DOMException (with a stack) every time. */
const CLIENT_GONE = new Error('The client closed the connection.')
const SANDBOX_CLOSING = new Error('The sandbox is closing.')

/**
 * The whole body, up to `limit` bytes. Read with the stream's async iterator: measured against
 * 'data' listeners, it holds the sandbox to 240 MiB instead of 300+ MiB with 100,000 queued
 * messages (it paces how fast request garbage piles up between collections) at no measurable
 * cost in events per second.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLargeError()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/

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
): Promise<void> {
  const requestId = randomUUID()
  const host = req.headers.host ?? '127.0.0.1'
  const url = new URL(req.url ?? '/', `http://${host.replace(/[^\w.:[\]-]/g, '') || '127.0.0.1'}`)
  // Only AWS calls need the credential scope; Momento's routes (most requests under load) don't.
  let scopeCache: ReturnType<typeof sigV4Scope> | undefined
  const scope = (): ReturnType<typeof sigV4Scope> => (scopeCache ??= sigV4Scope(req, url))
  const target = req.headers['x-amz-target']
  const jsonService = typeof target === 'string' ? BY_TARGET.get(target.split('.')[0]) : undefined

  let body: Buffer
  try {
    body = await readBody(req, state.options.maxBodyBytes)
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    const message = `Request body is larger than the sandbox's limit of ${state.options.maxBodyBytes} bytes.`
    const tooLarge = new ServiceError('RequestEntityTooLarge', message, 413)
    if (jsonService) send(res, jsonError(jsonService, tooLarge), requestId)
    else send(res, xmlErrorResponse(GENERIC_NAMESPACE, tooLarge, requestId), requestId)
    req.resume()
    return
  }

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

  // FIRST: the JSON protocols say who they are in X-Amz-Target.
  if (typeof target === 'string') {
    if (!jsonService) {
      const error = new ServiceError('UnknownOperationException', `The target ${target} is not served by the sandbox.`)
      send(res, {status: 400, headers: jsonHeaders('1.1'), body: jsonErrorBody(error)}, requestId)
      return
    }
    send(res, await handleJson(jsonService, target.slice(target.indexOf('.') + 1), body, context('json')), requestId)
    return
  }

  // THEN: the query protocol names an Action (in the form body or, for GET, the query string).
  const contentType = String(req.headers['content-type'] ?? '')
  const params = new URLSearchParams(url.search)
  // A form-encoded POST to a Momento route is a topic message (Momento's own `curl -d` example
  // sends one), never query-protocol parameters, even when it reads like `Action=…`.
  const momentoPath = /^\/(cache|topics)(\/|$)/.test(url.pathname)
  if (req.method === 'POST' && !momentoPath && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value)
  }
  const action = params.get('Action')
  if (action !== null && !momentoPath && !url.pathname.startsWith('/_sandbox')) {
    const service =
      BY_VERSION.get(params.get('Version') ?? '') ??
      (scope().service ? BY_SIGNING_NAME.get(scope().service as string) : undefined)
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
    const response = await handler(raw, state)
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

function jsonHeaders(version: '1.0' | '1.1'): Record<string, string> {
  return {'content-type': `application/x-amz-json-${version}`}
}

function jsonErrorBody(error: ServiceError, namespace?: string): string {
  return JSON.stringify({__type: namespace ? `${namespace}#${error.code}` : error.code, message: error.message})
}

function jsonError(service: AwsService, error: ServiceError): RawResponse {
  const headers = jsonHeaders(service.jsonVersion ?? '1.1')
  if (service.queryCompatible) {
    // SQS's JSON errors carry the legacy query code too (aws-semantics G.4); always send it.
    headers['x-amzn-query-error'] = `${error.options.queryCode ?? error.code};${error.fault}`
  }
  const namespace = service.signingName === 'sqs' ? 'com.amazonaws.sqs' : undefined
  return {status: error.status, headers, body: jsonErrorBody(error, namespace)}
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
