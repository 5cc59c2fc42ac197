/**
 * Why one target invocation failed, whether EventBridge retries it, and how the failure is written
 * to the dead-letter queue (docs/reference/aws-facts.md#eb-api-destination, #dlq-attributes).
 */
import {STATUS_CODES} from 'node:http'

/** One failed invocation attempt. */
export type AttemptFailure =
  | {kind: 'http'; status: number; body: string}
  | {kind: 'timeout'; timeoutMs: number}
  | {kind: 'network'; detail: string}
  | {kind: 'no-resource'; message: string}
  | {kind: 'no-permissions'; message: string}
  | {kind: 'invalid-parameter'; message: string}
  | {kind: 'throttled'; message: string}

/** The failure categories of {@link AttemptFailure}. */
export type FailureKind = AttemptFailure['kind']

/**
 * How much an HTTP error answer's DLQ message says (the `failureDetail` sandbox option):
 * - `opaque` (default): no status and no body, as the public captures of real AWS DLQ messages
 *   suggest (docs/reference/aws-facts.md#dlq-attributes): tools built for the sandbox then work against AWS
 *   too.
 * - `detailed`: the status and the (truncated) response body in `ERROR_MESSAGE`, as emulators do.
 */
export type FailureDetail = 'opaque' | 'detailed'

/** The values {@link FailureDetail} may take, for validation and help texts. */
export const FAILURE_DETAILS: readonly FailureDetail[] = ['opaque', 'detailed']

/**
 * `ERROR_CODE` written to the DLQ for each failure category: one table so the sandbox's choices are
 * easy to revisit.
 * - `timeout` and `network`: the codes of public captures of real AWS DLQ messages from API
 *   destinations (docs/reference/aws-facts.md#dlq-attributes): a timeout is `UNKNOWN` (not `TIMEOUT`), an
 *   unreachable endpoint (refused, DNS, TLS) is `SDK_CLIENT_ERROR`.
 * - `http`: AWS's code for an endpoint's error answer is unconfirmed. This is the `detailed` code,
 *   the one emulators use for every answer of the endpoint (429 included); `opaque` mode writes
 *   {@link OPAQUE_HTTP_ERROR_CODE} instead.
 * - `THROTTLING` is kept for events that aged out while queued behind the destination's own
 *   `InvocationRateLimitPerSecond`.
 */
export const DLQ_ERROR_CODES: Readonly<Record<FailureKind, string>> = {
  http: 'ERROR_FROM_TARGET',
  timeout: 'UNKNOWN',
  network: 'SDK_CLIENT_ERROR',
  'no-resource': 'NO_RESOURCE',
  'no-permissions': 'NO_PERMISSIONS',
  'invalid-parameter': 'INVALID_PARAMETER',
  throttled: 'THROTTLING',
}

/**
 * `ERROR_CODE` of an HTTP error answer in `opaque` mode. The real code is unknown: the captures show
 * AWS writing generic codes (`UNKNOWN`, `SDK_CLIENT_ERROR`) and texts for API destinations, so the
 * sandbox assumes the worst case, a code that says nothing about the answer.
 */
export const OPAQUE_HTTP_ERROR_CODE = 'UNKNOWN'

/**
 * Prefix of every `ERROR_MESSAGE` AWS writes for an API destination call that failed
 * (docs/reference/aws-facts.md#dlq-attributes).
 */
export const API_DESTINATION_ERROR_PREFIX = 'Unable to invoke ApiDestination endpoint: '

/**
 * `ERROR_MESSAGE` of a timeout, word for word from real AWS DLQ messages
 * (docs/reference/aws-facts.md#dlq-attributes).
 */
export const TIMEOUT_MESSAGE = `${API_DESTINATION_ERROR_PREFIX}Timeout calling endpoint for API Destination: socket closed.`

/**
 * `ERROR_MESSAGE` of an unreachable endpoint (refused, DNS, TLS), word for word from real AWS DLQ messages
 * (docs/reference/aws-facts.md#dlq-attributes).
 */
export const UNREACHABLE_MESSAGE = `${API_DESTINATION_ERROR_PREFIX}API destination endpoint cannot be reached.`

/**
 * `ERROR_MESSAGE` of an HTTP error answer in `opaque` mode: AWS's real wording is unpublished; this
 * one follows the captured texts' form and, like them, names no status and quotes no body.
 */
export const OPAQUE_HTTP_MESSAGE = `${API_DESTINATION_ERROR_PREFIX}The endpoint returned an error.`

/** Longest response body quoted in `ERROR_MESSAGE` and in the delivery log. */
export const MAX_QUOTED_BODY = 1024

/**
 * HTTP statuses below 500 that EventBridge retries (docs/reference/aws-facts.md#eb-api-destination: "401,
 * 407, 409, 429, and 5xx").
 */
const RETRIED_STATUSES: ReadonlySet<number> = new Set([401, 407, 409, 429])

/**
 * Whether EventBridge retries after this failure: 401, 407, 409, 429, 5xx, timeouts and connection
 * errors are retried; 1xx, 3xx and other 4xx answers (400, 403, 404, 413, …), missing resources and
 * permissions are not (current eb-api-destinations.html, "API destination error codes";
 * docs/reference/aws-facts.md#eb-api-destination, #dlq-attributes).
 */
export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return RETRIED_STATUSES.has(failure.status) || (failure.status >= 500 && failure.status <= 599)
    case 'timeout':
    case 'network':
      return true
    default:
      return false
  }
}

/** The DLQ `ERROR_CODE` of a failure. */
export function errorCode(failure: AttemptFailure, detail: FailureDetail = 'opaque'): string {
  if (failure.kind === 'http' && detail === 'opaque') return OPAQUE_HTTP_ERROR_CODE
  return DLQ_ERROR_CODES[failure.kind]
}

/**
 * The DLQ `ERROR_MESSAGE` of a failure. Timeouts and unreachable endpoints use AWS's captured texts
 * in both modes; HTTP answers depend on `detail`; the sandbox's own failures (no resource, no
 * permission, invalid parameter, throttled) carry the sandbox's explanation.
 */
export function errorMessage(failure: AttemptFailure, detail: FailureDetail = 'opaque'): string {
  switch (failure.kind) {
    case 'http':
      return detail === 'opaque' ? OPAQUE_HTTP_MESSAGE : describeFailure(failure)
    case 'timeout':
      return TIMEOUT_MESSAGE
    case 'network':
      return UNREACHABLE_MESSAGE
    default:
      return failure.message
  }
}

/**
 * What really happened, for the sandbox's own delivery log (never the DLQ in `opaque` mode): the
 * status, reason and body of an answer, the timeout, or the socket error.
 */
export function describeFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'http': {
      const reason = STATUS_CODES[failure.status] ?? 'Unknown'
      const body = truncate(failure.body, MAX_QUOTED_BODY)
      return `API destination endpoint returned HTTP ${failure.status} (${reason})${body ? `: ${body}` : ''}`
    }
    case 'timeout':
      return `Request to API destination timed out after ${formatSeconds(failure.timeoutMs)} seconds`
    case 'network':
      return `Request to API destination failed: ${failure.detail}`
    default:
      return failure.message
  }
}

/** Cut `text` to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[truncated ${text.length - max} chars]`
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000)
}
