import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import type {SQSClient} from '@aws-sdk/client-sqs'
import type {STSClient} from '@aws-sdk/client-sts'

import {sdk} from './sdk.js'

/** Static credentials, as `--sandbox` uses them. Anything else comes from the SDK's default chain. */
export interface StaticCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/**
 * Where the AWS clients point. Every field is optional: what is not set is left to the SDK, so
 * AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL[_<SERVICE>], shared config and SSO all keep working.
 */
export interface AwsTarget {
  readonly region?: string | undefined
  readonly profile?: string | undefined
  readonly endpoint?: string | undefined
  readonly credentials?: StaticCredentials | undefined
  /**
   * Longest one attempt of a call may wait for its answer, in ms (--call-timeout,
   * MOMENTO_EB_CALL_TIMEOUT). Default {@link DEFAULT_CALL_TIMEOUT_MS}. Part of the target so the
   * worker threads (port-worker.ts) build their clients with the same limit.
   */
  readonly callTimeoutMs?: number | undefined
}

/** The services this CLI talks to, named as in AWS_ENDPOINT_URL_<SERVICE>. */
export type AwsServiceId = 'eventbridge' | 'sqs' | 'cloudformation' | 'sts' | 'cloudwatch' | 'logs'

/** One lazily built client per service, shared by everything a command run does. */
export interface AwsClients {
  readonly target: AwsTarget
  readonly eventBridge: EventBridgeClient
  readonly sqs: SQSClient
  readonly cloudFormation: CloudFormationClient
  readonly sts: STSClient
  /** CloudWatch (metrics and alarms), for `top` and `status`. */
  readonly cloudWatch: CloudWatchClient
  /** CloudWatch Logs (the event bus's log group), for `trace` and the DLQ decoder. */
  readonly logs: CloudWatchLogsClient
  /**
   * The endpoint (`scheme://host[:port]`) the service's client last sent a request to, or the
   * explicit endpoint when nothing was sent yet. Used in messages ("endpoint http://…").
   */
  endpointOf(service: AwsServiceId): string | undefined
  /** Close every client that was built (sockets, agents). Safe to call more than once. */
  destroy(): void
}

/**
 * How long one attempt of an AWS call may take (connect, send, answer), unless --call-timeout or
 * MOMENTO_EB_CALL_TIMEOUT says otherwise. Every call this CLI makes is small (the largest is a
 * 10-entry PutEvents or a CloudFormation template); AWS answers them in well under a second, so 10 s
 * means the endpoint is not answering.
 */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000
/** How long a TCP connection may take to open (capped by the call timeout). */
export const CONNECT_TIMEOUT_MS = 3_000

/**
 * The limit of one attempt of `input`'s call: the call timeout, plus the server's own wait for a
 * long poll (SQS ReceiveMessage's WaitTimeSeconds, 0–20 s: SQS holds the request open that long
 * before answering empty; docs/reference/aws-facts.md#sqs-dlq-operations).
 */
export function attemptTimeoutMs(callTimeoutMs: number, input: unknown): number {
  const wait = (input as {WaitTimeSeconds?: unknown} | undefined)?.WaitTimeSeconds
  return typeof wait === 'number' && wait > 0 ? callTimeoutMs + wait * 1000 : callTimeoutMs
}

/**
 * Set on an SDK error (non-enumerable) when an attempt timed out: the limits that applied, so the
 * message can say "within 10 s". translateAwsError reads it.
 */
export const TIMEOUT_PROPERTY = 'momentoEbTimeout'

/** The value of {@link TIMEOUT_PROPERTY}. */
export interface AppliedTimeout {
  readonly attemptMs: number
  readonly connectMs: number
}

interface ConfigLike {
  cacheMiddleware: boolean
  region?: string
  profile?: string
  endpoint?: string
  credentials?: StaticCredentials
  requestHandler: {
    connectionTimeout: number
    requestTimeout: number
    throwOnRequestTimeout: boolean
    socketTimeout: number
    httpAgent: {maxSockets: number}
    httpsAgent: {maxSockets: number}
  }
}

/**
 * Connections one client may hold open at once. The SDK's default is 50, and an uncapped `dlq
 * redrive` runs 64 loops (UNCAPPED_LOOPS), each with a receive or delete in flight on the SQS client:
 * at the end of a run every loop waits on an empty long poll, and with 50 sockets the last 14 polls
 * queued behind the first 50, which doubled the end of the run (a redrive of 20 messages took 2.1 s
 * instead of 1.1 s). Worker threads have a client each, so this mattered once small runs stayed on
 * the main thread.
 */
const MAX_SOCKETS = 128

interface Destroyable {
  destroy(): void
  middlewareStack: unknown
  send(command: unknown, ...rest: unknown[]): Promise<unknown>
}

/** The one `middlewareStack.add` overload used here, without the per-client generics. */
interface RecorderStack {
  add(
    middleware: (
      next: (args: {request: unknown}) => Promise<unknown>,
    ) => (args: {request: unknown}) => Promise<unknown>,
    options: {step: 'finalizeRequest'; name: string},
  ): void
}

/**
 * Build the AWS clients for one command run. Only the options that are set are passed on, so
 * the SDK's own environment and profile resolution applies to the rest. Clients are created on
 * first use and never reconfigured; call `destroy()` when the run ends.
 */
export function createAwsClients(target: AwsTarget = {}): AwsClients {
  const callTimeoutMs = target.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
  const config: ConfigLike = {
    // Resolve each command's middleware stack once per client instead of on every call: about 13%
    // less CPU per PutEvents measured here, which is what batch put and redrive spend most time in.
    cacheMiddleware: true,
    // Attempts are left to the SDK: its standard retry mode makes 3 (AWS_MAX_ATTEMPTS and a
    // profile's max_attempts change that), each bounded below, with a short jittered back-off.
    requestHandler: {
      connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, callTimeoutMs),
      // A limit on the whole attempt, from sending to the answer's headers. @smithy/node-http-handler
      // only logs a warning when it passes unless throwOnRequestTimeout is set, and then waits on:
      // that is why a silent endpoint used to hang every command. (A per-call value passed to send()
      // beats this one: long polls get their wait added, see attemptTimeoutMs.)
      requestTimeout: callTimeoutMs,
      throwOnRequestTimeout: true,
      // After the headers, the body: a socket idle for this long ends the attempt. An SQS long poll
      // is idle for its whole wait (up to 20 s) before anything comes back.
      socketTimeout: callTimeoutMs + 20_000,
      httpAgent: {maxSockets: MAX_SOCKETS},
      httpsAgent: {maxSockets: MAX_SOCKETS},
    },
  }
  if (target.region) config.region = target.region
  if (target.profile) config.profile = target.profile
  if (target.endpoint) config.endpoint = target.endpoint
  if (target.credentials) config.credentials = {...target.credentials}

  const built = new Map<AwsServiceId, Destroyable>()
  const lastEndpoint = new Map<AwsServiceId, string>()

  function lazy<T extends Destroyable>(service: AwsServiceId, make: () => T): T {
    const existing = built.get(service)
    if (existing) return existing as T
    const client = make()
    boundCalls(client, callTimeoutMs)
    // Record where requests really go (explicit endpoint, AWS_ENDPOINT_URL_*, or the AWS default),
    // without reading client.config.
    ;(client.middlewareStack as RecorderStack).add(
      (next) => async (args) => {
        const endpoint = endpointOfRequest(args.request)
        if (endpoint) lastEndpoint.set(service, endpoint)
        return next(args)
      },
      {step: 'finalizeRequest', name: `momentoEbEndpointRecorder_${service}`},
    )
    built.set(service, client)
    return client
  }

  return {
    target,
    get eventBridge() {
      return lazy('eventbridge', () => new sdk.eventBridge.EventBridgeClient({...config}))
    },
    get sqs() {
      return lazy('sqs', () => new sdk.sqs.SQSClient({...config}))
    },
    get cloudFormation() {
      return lazy('cloudformation', () => new sdk.cloudFormation.CloudFormationClient({...config}))
    },
    get sts() {
      return lazy('sts', () => new sdk.sts.STSClient({...config}))
    },
    get cloudWatch() {
      return lazy('cloudwatch', () => new sdk.cloudWatch.CloudWatchClient({...config}))
    },
    get logs() {
      return lazy('logs', () => new sdk.cloudWatchLogs.CloudWatchLogsClient({...config}))
    },
    endpointOf(service) {
      return lastEndpoint.get(service) ?? target.endpoint
    },
    destroy() {
      for (const client of built.values()) client.destroy()
      built.clear()
    },
  }
}

/**
 * Give every call of `client` its own limit per attempt ({@link attemptTimeoutMs}: the call timeout,
 * plus the wait of a long poll), and mark a timed-out call's error with the limit that applied.
 * Only the promise form of send() is used in this code base; a callback call passes through as is.
 */
function boundCalls(client: Destroyable, callTimeoutMs: number): void {
  const send = client.send.bind(client)
  // Any options at all make the SDK resolve the command's middleware stack again, and drop its cache
  // for every command of the client (cacheMiddleware above): one long poll with options made the next
  // DeleteMessageBatch resolve its stack anew too (~6% of a redrive's SDK CPU). Calls that only need a
  // longer attempt limit use handlers resolved once per command class and limit, kept here.
  const withLimit = new Map<number, WeakMap<object, (command: unknown) => Promise<{output: unknown}>>>()
  const sendWithLimit = (command: ResolvableCommand, requestTimeout: number): Promise<unknown> => {
    let handlers = withLimit.get(requestTimeout)
    if (!handlers) withLimit.set(requestTimeout, (handlers = new WeakMap()))
    let handler = handlers.get(command.constructor)
    if (!handler) {
      const config = (client as unknown as {config: unknown}).config
      handler = command.resolveMiddleware(client.middlewareStack, config, {requestTimeout})
      handlers.set(command.constructor, handler)
    }
    return handler(command).then((result) => result.output)
  }
  client.send = (command: unknown, ...rest: unknown[]) => {
    if (rest.length > 1 || typeof rest[0] === 'function') return send(command, ...rest)
    const requestTimeout = attemptTimeoutMs(callTimeoutMs, (command as {input?: unknown}).input)
    const sent =
      requestTimeout === callTimeoutMs && rest[0] === undefined
        ? send(command)
        : rest[0] === undefined && isResolvable(command)
          ? sendWithLimit(command, requestTimeout)
          : send(command, {requestTimeout, ...(rest[0] as object | undefined)})
    return sent.catch((error: unknown) => {
      if (isTimeout(error)) {
        const applied: AppliedTimeout = {
          attemptMs: requestTimeout,
          connectMs: Math.min(CONNECT_TIMEOUT_MS, callTimeoutMs),
        }
        Object.defineProperty(error, TIMEOUT_PROPERTY, {value: applied, enumerable: false})
      }
      throw error
    })
  }
}

/** An SDK command: it resolves its handler from the client's middleware stack and config. */
interface ResolvableCommand {
  readonly constructor: object
  resolveMiddleware(
    stack: unknown,
    config: unknown,
    options: {requestTimeout: number},
  ): (command: unknown) => Promise<{output: unknown}>
}

function isResolvable(command: unknown): command is ResolvableCommand {
  return typeof (command as {resolveMiddleware?: unknown} | null)?.resolveMiddleware === 'function'
}

/** A timed-out attempt: the handler's request, connection or socket timeout, or Node's ETIMEDOUT. */
export function isTimeout(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false
  const {name, code} = error as {name?: unknown; code?: unknown}
  return name === 'TimeoutError' || code === 'ETIMEDOUT'
}

function endpointOfRequest(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null) return undefined
  const {protocol, hostname, port} = request as {protocol?: unknown; hostname?: unknown; port?: unknown}
  if (typeof hostname !== 'string' || hostname === '') return undefined
  const scheme = typeof protocol === 'string' && protocol !== '' ? protocol.replace(/:?$/, ':') : 'https:'
  return `${scheme}//${hostname}${typeof port === 'number' ? `:${port}` : ''}`
}
