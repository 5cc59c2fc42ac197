/**
 * The one reader of the sandbox's own description (`GET <sandbox>/_sandbox/info?include=apiKey`):
 * its Momento key, region and account, so `--sandbox` commands need no key of their own. Callers
 * choose what a failed read is: `onFailure: 'throw'` (the "sandbox isn't running" UnreachableError,
 * with the failure as its cause) or `onFailure: 'undefined'` (the caller says what is missing).
 */
import {sandboxNotRunning} from '../core/errors.js'
import {readBounded} from './momento/http.js'

/** The sandbox's own description. */
export interface SandboxInfo {
  readonly apiKey: string
  readonly region: string
  readonly accountId: string
}

/** Longest a read of the sandbox's `/_sandbox/info` may take. */
export const SANDBOX_INFO_TIMEOUT_MS = 5000
/** Largest `/_sandbox/info` answer read: it is a few hundred bytes. */
const SANDBOX_INFO_MAX_BYTES = 64 * 1024

interface ReadOptions {
  /** Longest the read may take (default {@link SANDBOX_INFO_TIMEOUT_MS}). */
  readonly timeoutMs?: number | undefined
}

/**
 * Read the sandbox's key, region and account, bounded in time and size. A sandbox that doesn't
 * answer, answers with an error, too much, or without a key: with `onFailure: 'throw'` an
 * UnreachableError (EB_SANDBOX_NOT_RUNNING), with `onFailure: 'undefined'` undefined.
 */
export function readSandboxInfo(sandboxUrl: string, options: ReadOptions & {onFailure: 'throw'}): Promise<SandboxInfo>
export function readSandboxInfo(
  sandboxUrl: string,
  options: ReadOptions & {onFailure: 'undefined'},
): Promise<SandboxInfo | undefined>
export async function readSandboxInfo(
  sandboxUrl: string,
  options: ReadOptions & {onFailure: 'throw' | 'undefined'},
): Promise<SandboxInfo | undefined> {
  try {
    const body = await fetchSandboxInfo(sandboxUrl, options.timeoutMs ?? SANDBOX_INFO_TIMEOUT_MS)
    if (typeof body['apiKey'] !== 'string') throw new Error('no apiKey in the answer')
    return {
      apiKey: body['apiKey'],
      region: typeof body['region'] === 'string' ? body['region'] : 'us-east-1',
      accountId: typeof body['accountId'] === 'string' ? body['accountId'] : '',
    }
  } catch (error) {
    if (options.onFailure === 'undefined') return undefined
    throw sandboxNotRunning(sandboxUrl, {doing: "Can't read the sandbox's settings", cause: error})
  }
}

/**
 * The route's answer as parsed JSON, asking for the key by name (`?include=apiKey`); throws on any
 * failure. Node's fetch sends `sec-fetch-mode: cors` but no `Origin` or `Sec-Fetch-Site`, which the
 * sandbox accepts as "not a browser" (sandbox/protocol/guard.ts).
 */
async function fetchSandboxInfo(sandboxUrl: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const signal = AbortSignal.timeout(timeoutMs)
  const res = await fetch(`${sandboxUrl.replace(/\/+$/, '')}/_sandbox/info?include=apiKey`, {signal})
  if (!res.ok) {
    void res.body?.cancel().catch(() => {})
    throw new Error(`HTTP ${res.status}`)
  }
  const declared = Number(res.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > SANDBOX_INFO_MAX_BYTES) {
    void res.body?.cancel().catch(() => {})
    throw new Error(`the answer is ${declared} bytes, more than ${SANDBOX_INFO_MAX_BYTES}`)
  }
  const text = await readBounded(res, SANDBOX_INFO_MAX_BYTES + 1)
  if (Buffer.byteLength(text) > SANDBOX_INFO_MAX_BYTES)
    throw new Error(`the answer is more than ${SANDBOX_INFO_MAX_BYTES} bytes`)
  const parsed = JSON.parse(text) as unknown
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
  return parsed as Record<string, unknown>
}
