import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'

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

/**
 * The contract-suite switch (kinesalite's KINESIS_ENDPOINT idea): with MOMENTO_EB_CONTRACT_ENDPOINT
 * set, `startContractTarget` points the suites at that endpoint (another emulator such as moto, or
 * one AWS service endpoint) instead of starting an embedded sandbox. Region and credentials come
 * from MOMENTO_EB_CONTRACT_REGION (else AWS_REGION, else us-east-1) and AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (else the throwaway `test` keys emulators accept); the
 * account from MOMENTO_EB_CONTRACT_ACCOUNT, else STS GetCallerIdentity at the endpoint. Tests that
 * need the sandbox itself (its state, `/_sandbox/*` routes, the Momento emulator, a test clock) are
 * declared with `sandboxOnly`/`describeSandboxOnly` and skip with their reason in the test name.
 * See docs/sandbox.md, "Running the contract suites against another endpoint".
 */
export const CONTRACT_ENDPOINT: string | undefined = process.env['MOMENTO_EB_CONTRACT_ENDPOINT'] || undefined

/** True when the contract suites run against MOMENTO_EB_CONTRACT_ENDPOINT, not an embedded sandbox. */
export const EXTERNAL_ENDPOINT = CONTRACT_ENDPOINT !== undefined

/** The region contract suites use: MOMENTO_EB_CONTRACT_REGION, else AWS_REGION, else us-east-1 (the sandbox's). */
export const CONTRACT_REGION: string = EXTERNAL_ENDPOINT
  ? process.env['MOMENTO_EB_CONTRACT_REGION'] || process.env['AWS_REGION'] || 'us-east-1'
  : 'us-east-1'

/**
 * The account ARNs and queue URLs name: the sandbox's 000000000000, or MOMENTO_EB_CONTRACT_ACCOUNT
 * with the switch on (a constant, so suites can build ARNs before their target starts;
 * startContractTarget refuses to start without it and says the value STS reports).
 */
export const CONTRACT_ACCOUNT: string = EXTERNAL_ENDPOINT
  ? process.env['MOMENTO_EB_CONTRACT_ACCOUNT'] || ''
  : '000000000000'

function contractCredentials(): {accessKeyId: string; secretAccessKey: string; sessionToken?: string} {
  const accessKeyId = process.env['AWS_ACCESS_KEY_ID']
  const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY']
  if (!accessKeyId || !secretAccessKey) return {accessKeyId: 'test', secretAccessKey: 'test'}
  const sessionToken = process.env['AWS_SESSION_TOKEN']
  return {accessKeyId, secretAccessKey, ...(sessionToken ? {sessionToken} : {})}
}

/**
 * The target of a contract suite: an embedded sandbox started with `options`, or (with the switch
 * on) the external endpoint dressed as one. On the external target `state`, `server` and
 * `bufferedBodyBytes` throw, naming the fix (declare the test `sandboxOnly`); `apiKey` is
 * TEST_API_KEY (only a parameter value there: no Momento emulator answers it).
 */
export async function startContractTarget(options: SandboxOptions = {}): Promise<RunningSandbox> {
  if (CONTRACT_ENDPOINT === undefined) return startTestSandbox(options)
  const endpoint = CONTRACT_ENDPOINT.replace(/\/+$/, '')
  const url = new URL(endpoint)
  const region = CONTRACT_REGION
  if (CONTRACT_ACCOUNT === '') {
    throw new Error(
      `Set MOMENTO_EB_CONTRACT_ACCOUNT to the account id ${endpoint} uses (${await accountAt(endpoint, region)}).`,
    )
  }
  const accountId = CONTRACT_ACCOUNT
  const sandboxOnlyMember = (name: string): never => {
    throw new Error(
      `sandbox.${name} exists only in the embedded sandbox, not at MOMENTO_EB_CONTRACT_ENDPOINT=${endpoint}: declare this test with sandboxOnly(reason).`,
    )
  }
  return {
    endpoint,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    region,
    accountId,
    apiKey: TEST_API_KEY,
    get server(): never {
      return sandboxOnlyMember('server')
    },
    get state(): never {
      return sandboxOnlyMember('state')
    },
    bufferedBodyBytes: () => sandboxOnlyMember('bufferedBodyBytes()'),
    close: async () => {},
  }
}

/** What STS GetCallerIdentity at `endpoint` says the account is, for the message that asks for it. */
async function accountAt(endpoint: string, region: string): Promise<string> {
  const sts = new STSClient({endpoint, region, credentials: contractCredentials(), maxAttempts: 1})
  try {
    const {Account} = await sts.send(new GetCallerIdentityCommand({}))
    return Account ? `STS GetCallerIdentity there says ${Account}` : 'STS GetCallerIdentity there names none'
  } catch {
    // Not every endpoint answers STS (one AWS service's endpoint does not).
    return 'STS GetCallerIdentity does not answer there; `aws sts get-caller-identity` tells it'
  } finally {
    sts.destroy()
  }
}

/**
 * Skip the running test when the switch is on: it needs the embedded sandbox (its state, a
 * `/_sandbox/*` route, the Momento emulator, a test clock). `reason` says which; Vitest prints it
 * next to the skipped test. Call it first thing: `it('...', async (ctx) => { sandboxOnly(ctx, why) ...`.
 */
export function sandboxOnly(ctx: {skip: (condition: boolean, note?: string) => void}, reason: string): void {
  ctx.skip(EXTERNAL_ENDPOINT, `sandbox only: ${reason}`)
}

/**
 * The reason for tests that POST hand-made, unsigned requests (inputs an SDK would refuse to send):
 * AWS rejects unsigned calls and emulators like moto route them by the SigV4 credential scope.
 */
export const UNSIGNED_RAW_REQUEST = 'an unsigned raw request, which only the sandbox routes'

/**
 * Options for any @aws-sdk v3 client pointed at a sandbox: throwaway credentials, fast failure.
 * With the contract switch on, the region (unless a test names one) and credentials come from the
 * environment (see CONTRACT_ENDPOINT).
 */
export function clientConfig(sandbox: {endpoint: string}, region?: string) {
  return {
    endpoint: sandbox.endpoint,
    region: region ?? CONTRACT_REGION,
    credentials: EXTERNAL_ENDPOINT ? contractCredentials() : {accessKeyId: 'test', secretAccessKey: 'test'},
    maxAttempts: 1,
  }
}

/** Unique-enough resource names so suites can run in parallel (LocalStack R09). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`
}

/**
 * The error a call that must fail rejected with (its `name`, `message` and HTTP status), or a failure
 * of the test when it succeeded.
 */
export async function failure(promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number}}> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail')
}
