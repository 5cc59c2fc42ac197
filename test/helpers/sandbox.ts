import {startSandbox, type RunningSandbox} from '../../src/sandbox/server.js'
import type {SandboxOptions} from '../../src/sandbox/state.js'

export const TEST_API_KEY = 'test-momento-api-key-0123456789'

/**
 * Start an in-process sandbox on a free port with test-friendly timing. Close it in afterAll.
 *
 * `failureDetail` is pinned to `detailed` unless the options say otherwise: suites written before
 * the `opaque` default decode DLQ reasons from the status and body in ERROR_MESSAGE. Tests of the
 * failure modes pass `failureDetail` explicitly.
 *
 * SQS long polls wait in real time unless `longPollScale` says otherwise: files whose commands only
 * scan the DLQ pass `longPollScale: TEST_LONG_POLL_SCALE` (the two empty 1-second polls that end every
 * `dlq list` or export scan then take 100 ms). Not a default: a `dlq redrive` run ends on its first
 * empty receive, so it counts a redriven event that fails again as "came back" (exit 3) only when the
 * return reaches the DLQ within that last poll. A 50 ms poll can end before the sandbox's pipeline has
 * dead-lettered the return (it does under load): the run ends with exit 0 and the next run publishes
 * the event again (seen once in test/reliability/secrets.test.ts). Files that assert `cameBack` or
 * exit 3 from a real redrive keep real polls; contract tests keep AWS's real waits.
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({port: 0, apiKey: TEST_API_KEY, timeScale: 0.001, failureDetail: 'detailed', ...options})
}

/** The long-poll scale for test sandboxes whose commands only scan the DLQ (see startTestSandbox). */
export const TEST_LONG_POLL_SCALE = 0.05

/** Options for any @aws-sdk v3 client pointed at a sandbox: throwaway credentials, fast failure. */
export function clientConfig(sandbox: {endpoint: string}, region = 'us-east-1') {
  return {
    endpoint: sandbox.endpoint,
    region,
    credentials: {accessKeyId: 'test', secretAccessKey: 'test'},
    maxAttempts: 1,
  }
}

/** Unique-enough resource names so suites can run in parallel (LocalStack R09). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`
}
