/**
 * Why one target invocation failed, whether EventBridge retries it, and how the failure is written
 * to the dead-letter queue (aws-semantics B.2, C.2).
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
 * `ERROR_CODE` written to the DLQ for each failure category: one table so the sandbox's choices are
 * easy to revisit. AWS's exact code for an API destination's HTTP error is unconfirmed
 * (aws-semantics C.2); the sandbox follows the emulators that use `ERROR_FROM_TARGET` for every
 * answer of the endpoint, 429 included, so the status in `ERROR_MESSAGE` tells them apart.
 * `THROTTLING` is kept for events that aged out while queued behind the destination's own
 * `InvocationRateLimitPerSecond`.
 */
export const DLQ_ERROR_CODES: Readonly<Record<FailureKind, string>> = {
  http: 'ERROR_FROM_TARGET',
  timeout: 'TIMEOUT',
  network: 'CONNECTION_FAILURE',
  'no-resource': 'NO_RESOURCE',
  'no-permissions': 'NO_PERMISSIONS',
  'invalid-parameter': 'INVALID_PARAMETER',
  throttled: 'THROTTLING',
}

/** Longest response body quoted in `ERROR_MESSAGE` and in the delivery log. */
export const MAX_QUOTED_BODY = 1024

/**
 * Whether EventBridge retries after this failure: 429, 5xx, timeouts and connection errors are
 * retried; 1xx, 3xx and other 4xx answers, missing resources and permissions are not (B.2, C.2).
 */
export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return failure.status === 429 || failure.status >= 500
    case 'timeout':
    case 'network':
      return true
    default:
      return false
  }
}

/** The DLQ `ERROR_CODE` of a failure. */
export function errorCode(failure: AttemptFailure): string {
  return DLQ_ERROR_CODES[failure.kind]
}

/** The DLQ `ERROR_MESSAGE` of a failure (the sandbox's own wording; AWS's text is unpublished). */
export function errorMessage(failure: AttemptFailure): string {
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
