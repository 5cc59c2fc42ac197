import {startSandbox, type RunningSandbox} from '../../src/sandbox/server.js'
import type {SandboxOptions} from '../../src/sandbox/state.js'

export const TEST_API_KEY = 'test-momento-api-key-0123456789'

/**
 * Start an in-process sandbox on a free port with test-friendly timing. Close it in afterAll.
 *
 * `failureDetail` is pinned to `detailed` unless the options say otherwise: suites written before
 * the `opaque` default decode DLQ reasons from the status and body in ERROR_MESSAGE. Tests of the
 * failure modes pass `failureDetail` explicitly.
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({port: 0, apiKey: TEST_API_KEY, timeScale: 0.001, failureDetail: 'detailed', ...options})
}

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
