import {
  AuthError,
  ConfigError,
  MomentoEbError,
  NotFoundError,
  RemoteError,
  sandboxNotRunning,
  UnreachableError,
} from '../../core/errors.js'
import {isTimeout, TIMEOUT_PROPERTY, type AppliedTimeout, type AwsClients, type AwsServiceId} from './clients.js'

/** Options the error translation needs to name the target in messages. */
export interface CallOptions {
  readonly sandboxUrl?: string | undefined
}

/** What was being attempted when an SDK call failed, for the message and the hints. */
export interface AwsErrorContext {
  /** What failed, in the present tense, without a trailing period: "Can't describe event bus `orders`". */
  readonly action: string
  /** Endpoint the call went to (`scheme://host:port`), when known. */
  readonly endpoint?: string | undefined
  readonly region?: string | undefined
  readonly profile?: string | undefined
  /** The sandbox URL `--sandbox` would use; when the dead endpoint is this one, suggest starting it. */
  readonly sandboxUrl?: string | undefined
  /** Hints for a missing resource ("Create it with …"). */
  readonly notFoundHints?: readonly string[] | undefined
}

/** The context of a failed call to `service`: the action, where the call went, region, profile and sandbox. */
export function callContext(
  clients: AwsClients,
  service: AwsServiceId,
  options: CallOptions,
  action: string,
): AwsErrorContext {
  return {
    action,
    endpoint: clients.endpointOf(service),
    region: clients.target.region,
    profile: clients.target.profile,
    sandboxUrl: options.sandboxUrl,
  }
}

/** How a failed call is reported: what was being done, and which errors the caller answers itself. */
export interface CallFailure<R = never> {
  /** What failed, in the present tense, without a trailing period: "Can't describe stack orders". */
  readonly action: string
  /** Hints for a missing resource ("Create it with …"). */
  readonly notFoundHints?: readonly string[] | undefined
  /**
   * Errors the caller answers itself, looked at before translation: `{value}` answers the call with
   * it, undefined translates the error as usual; it may also throw an error of its own.
   */
  readonly recover?: ((error: unknown) => {value: R} | undefined) | undefined
}

/**
 * Run `call` (one or more SDK calls to `service`, e.g. every page of a listing); a failure is thrown
 * translated ({@link translateAwsError}) with the action, the endpoint the call went to, the region,
 * profile and sandbox. The one place the adapters turn SDK errors into domain errors.
 */
export async function sendAndTranslate<T, R = never>(
  clients: AwsClients,
  service: AwsServiceId,
  options: CallOptions,
  failure: CallFailure<R> | string,
  call: () => Promise<T>,
): Promise<T | R> {
  try {
    return await call()
  } catch (error) {
    const how = typeof failure === 'string' ? {action: failure} : failure
    const recovered = how.recover?.(error)
    if (recovered) return recovered.value
    const context = callContext(clients, service, options, how.action)
    throw translateAwsError(error, how.notFoundHints ? {...context, notFoundHints: how.notFoundHints} : context)
  }
}

const AUTH_ERROR_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'AuthFailure',
])

const NOT_FOUND_ERROR_NAMES = new Set([
  'ResourceNotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NotFoundException',
])

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
])

interface SdkErrorShape {
  name?: unknown
  message?: unknown
  code?: unknown
  errors?: unknown
  $metadata?: {httpStatusCode?: number; requestId?: string; attempts?: number}
}

/**
 * Translate an error thrown by an AWS SDK v3 call (or the network under it) into a core error:
 * missing region or credentials → ConfigError (exit 4); rejected credentials → AuthError (4);
 * network failure or timeout → UnreachableError (5); missing resource → NotFoundError (1); any
 * other service error → RemoteError (1). Core errors pass through unchanged, and anything
 * unrecognised is returned as is (BaseCommand treats it as an internal failure, exit 1).
 */
export function translateAwsError(error: unknown, context: AwsErrorContext): unknown {
  if (error instanceof MomentoEbError) return error
  if (typeof error !== 'object' || error === null) return error
  const e = error as SdkErrorShape
  const name = typeof e.name === 'string' ? e.name : ''
  const message = typeof e.message === 'string' ? e.message : ''
  const requestId = e.$metadata?.requestId
  const where = describeWhere(context)
  const options = (hints: readonly string[]) => ({cause: error, hints, ...(requestId ? {requestId} : {})})

  if (/region is missing/i.test(message)) {
    return new ConfigError(`${context.action}: no AWS region is set.`, {
      cause: error,
      code: 'EB_CONFIG_REGION',
      hints: [
        'Pass --region us-east-1 (or the region you use).',
        'Or export AWS_REGION=us-east-1.',
        `Or set \`region\` for profile ${context.profile ?? 'default'} in ~/.aws/config.`,
      ],
    })
  }

  if (name === 'CredentialsProviderError' || /could not load credentials|credential is missing/i.test(message)) {
    return new ConfigError(`${context.action}: no AWS credentials were found${where}.`, {
      cause: error,
      code: 'EB_CONFIG_CREDENTIALS',
      hints: [
        context.profile
          ? `Check profile ${context.profile} in ~/.aws/config, or run \`aws sso login --profile ${context.profile}\`.`
          : 'Pass --profile NAME, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
        'Or run against the local sandbox with --sandbox (start it with `momento-eb sandbox`).',
      ],
    })
  }

  if (isTimeout(error)) return timeoutError(error, e, context)

  const networkCode = networkCodeOf(e)
  if (networkCode || name === 'TimeoutError' || name === 'RequestTimeout' || name === 'AbortError') {
    const isSandbox = context.sandboxUrl !== undefined && sameEndpoint(context.endpoint, context.sandboxUrl)
    // Nothing listens at the sandbox's address: the sandbox isn't running (one error for it everywhere).
    if (isSandbox && networkCode === 'ECONNREFUSED') {
      return sandboxNotRunning(context.sandboxUrl as string, {doing: context.action, cause: error})
    }
    const hints = isSandbox
      ? [
          'Start the sandbox in another terminal with `momento-eb sandbox`.',
          'Or point --sandbox elsewhere with MOMENTO_EB_SANDBOX_URL.',
        ]
      : [
          'Check the endpoint (--endpoint-url, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) and your network.',
          'For local work, start `momento-eb sandbox` and pass --sandbox.',
        ]
    const reason =
      networkCode === 'ENOTFOUND' || networkCode === 'EAI_AGAIN' ? "can't resolve the host" : "can't reach the endpoint"
    return new UnreachableError(`${context.action}: ${reason}${where}.`, {
      cause: error,
      code: 'EB_UNREACHABLE',
      hints,
    })
  }

  if (AUTH_ERROR_NAMES.has(name) || e.$metadata?.httpStatusCode === 403) {
    return new AuthError(`${context.action}: the credentials were rejected${where}.`, {
      ...options([
        context.profile
          ? `Check that profile ${context.profile} is allowed to do this, or refresh it (\`aws sso login --profile ${context.profile}\`).`
          : 'Check the credentials and their permissions, or pass --profile NAME.',
        'Run `momento-eb whoami` to see which identity is in use.',
      ]),
      code: 'EB_AUTH',
    })
  }

  if (NOT_FOUND_ERROR_NAMES.has(name)) {
    return new NotFoundError(`${context.action}: it doesn't exist${where}.`, {
      ...options(context.notFoundHints ?? []),
      code: 'EB_NOT_FOUND',
    })
  }

  if (e.$metadata !== undefined) {
    return new RemoteError(`${context.action}: the service rejected the call${where}.`, {
      ...options([]),
      code: 'EB_REMOTE',
    })
  }

  return error
}

/** The flag and variable that raise the limit of one attempt, for messages. */
export const CALL_TIMEOUT_SETTING = '--call-timeout (or MOMENTO_EB_CALL_TIMEOUT)'

/**
 * An attempt that got no answer in time, after the SDK's retries: "No answer from <endpoint> within
 * 10 s (3 attempts)", with how to check the endpoint and how to raise the limit.
 */
function timeoutError(error: Error, e: SdkErrorShape, context: AwsErrorContext): UnreachableError {
  const applied = (error as unknown as Record<string, unknown>)[TIMEOUT_PROPERTY] as AppliedTimeout | undefined
  const attempts = e.$metadata?.attempts
  const tries = attempts ? ` (${attempts} attempt${attempts === 1 ? '' : 's'})` : ''
  const endpoint = context.endpoint ?? 'the endpoint'
  const connecting = /establish a connection/i.test(typeof e.message === 'string' ? e.message : '')
  const limitMs = connecting ? applied?.connectMs : applied?.attemptMs
  const within = limitMs === undefined ? '' : ` within ${formatSeconds(limitMs)}`
  const what = connecting ? `No connection to ${endpoint}${within}` : `No answer from ${endpoint}${within}`
  const isSandbox = context.sandboxUrl !== undefined && sameEndpoint(context.endpoint, context.sandboxUrl)
  const where = context.region ? ` in ${context.region}` : ''
  return new UnreachableError(`${context.action}${where}: ${what}${tries}.`, {
    cause: error,
    code: 'EB_UNREACHABLE',
    hints: [
      isSandbox
        ? 'Check that `momento-eb sandbox` is running and answering (MOMENTO_EB_SANDBOX_URL says where).'
        : 'Check the endpoint (--endpoint-url, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) and your network.',
      `If it is only slow, raise the limit per attempt with ${CALL_TIMEOUT_SETTING}, e.g. --call-timeout 30s.`,
    ],
  })
}

/** "10 s", "1.5 s", "250 ms". */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`
}

function describeWhere(context: AwsErrorContext): string {
  const parts: string[] = []
  if (context.region) parts.push(`in ${context.region}`)
  if (context.endpoint) parts.push(`(endpoint ${context.endpoint})`)
  return parts.length > 0 ? ` ${parts.join(' ')}` : ''
}

function networkCodeOf(e: SdkErrorShape): string | undefined {
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code
  // Node reports a refused dual-stack connection (localhost → ::1 and 127.0.0.1) as an AggregateError.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors as SdkErrorShape[]) {
      if (inner && typeof inner.code === 'string' && NETWORK_CODES.has(inner.code)) return inner.code
    }
  }
  return undefined
}

function sameEndpoint(a: string | undefined, b: string): boolean {
  if (!a) return false
  try {
    const x = new URL(a)
    const y = new URL(b)
    return x.protocol === y.protocol && x.hostname === y.hostname && x.port === y.port
  } catch {
    return false
  }
}
