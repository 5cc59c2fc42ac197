/**
 * A tiny client for the two Momento HTTP API reads `put --wait` needs
 * (docs/reference/aws-facts.md#momento-http-api): get an item, and long-poll a topic. The key travels in the
 * Authorization header only (never the URL, so it can't leak into logs), raw, without "Bearer"
 * (docs/reference/aws-facts.md#raw-authorization).
 */
import type {MomentoProbeFinding} from '../../core/dlq.js'
import {AuthError, MomentoEbError, UnreachableError} from '../../core/errors.js'

/** A GET answer: the item, a miss, a missing cache, or another refusal. */
export type MomentoGetResult =
  | {status: 'hit'; value: Buffer}
  | {status: 'miss'}
  | {status: 'cache-not-found'}
  | {status: 'error'; httpStatus: number; title: string}

/** One topic item as the subscribe long poll returns it. */
export interface TopicItem {
  sequence: number
  text: string | undefined
  binary: Buffer | undefined
}

/** A subscribe poll's answer: items, and where a discontinuity says to continue from. */
export interface TopicPoll {
  items: TopicItem[]
  resumeAt: number | undefined
}

/** The reads, against one endpoint with one key. */
export interface MomentoHttpClient {
  getItem(cache: string, key: {key?: string | undefined; keyBase64?: string | undefined}): Promise<MomentoGetResult>
  /** Long-poll `GET /topics/{cache}/{topic}?sequence_number=N`; resolves empty when the server's wait ends. */
  subscribe(cache: string, topic: string, sequenceNumber: number, signal?: AbortSignal): Promise<TopicPoll>
}

/** Momento's error title (or the start of the body), read from at most 4 KiB of the answer. */
async function errorTitle(res: Response): Promise<string> {
  return titleOf(await readBounded(res, 4096))
}

/** Longest one Momento read waits for its answer unless --call-timeout says otherwise. */
export const DEFAULT_MOMENTO_CALL_TIMEOUT_MS = 10_000
/**
 * How long Momento may hold a topic subscribe long poll open before answering empty. Momento does
 * not document it (the sandbox's is 5 s); UNCONFIRMED, so assume the worst case seen for long polls
 * of this kind: a poll is allowed this plus the call timeout before it counts as unanswered.
 */
export const SUBSCRIBE_SERVER_WAIT_MS = 60_000

/** Options of {@link createMomentoHttpClient}. */
export interface MomentoHttpOptions {
  /** Longest a read may take, in ms (default {@link DEFAULT_MOMENTO_CALL_TIMEOUT_MS}); subscribe adds the server's wait. */
  readonly callTimeoutMs?: number | undefined
  /** The server's subscribe wait to allow for (default {@link SUBSCRIBE_SERVER_WAIT_MS}; tests shorten it). */
  readonly subscribeServerWaitMs?: number | undefined
}

/** "10 s", "1.5 s", "250 ms". */
function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`
}

/** Build the client. `endpoint` is the API base URL (e.g. https://api.cache.cell-…momentohq.com). */
export function createMomentoHttpClient(
  endpoint: string,
  apiKey: string,
  options: MomentoHttpOptions = {},
): MomentoHttpClient {
  const base = endpoint.replace(/\/+$/, '')
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_MOMENTO_CALL_TIMEOUT_MS
  /**
   * One request, bounded by `limitMs` from start to the end of its body (fetch's own limits are five
   * minutes). The caller's `signal` still cancels it, as an AbortError the caller expects.
   */
  const call = async <T>(
    url: string,
    limitMs: number,
    read: (res: Response) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    const timeout = AbortSignal.timeout(limitMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    try {
      const res = await fetch(url, {headers: {authorization: apiKey}, signal: combined})
      return await read(res)
    } catch (error) {
      if (signal?.aborted) throw error
      if (timeout.aborted) {
        throw new UnreachableError(`No answer from the Momento endpoint ${base} within ${seconds(limitMs)}.`, {
          cause: error,
          hints: [
            'Check --momento-endpoint (or MOMENTO_HTTP_ENDPOINT) and your network.',
            'If it is only slow, raise the limit with --call-timeout (or MOMENTO_EB_CALL_TIMEOUT), e.g. --call-timeout 30s.',
          ],
        })
      }
      if (error instanceof MomentoEbError) throw error
      throw new UnreachableError(`Can't reach the Momento endpoint ${base}.`, {
        cause: error,
        hints: ['Check --momento-endpoint (or MOMENTO_HTTP_ENDPOINT) and your network.'],
      })
    }
  }
  const refuse = (status: number, title: string) =>
    new AuthError(`Momento refused the key in MOMENTO_API_KEY (${status} ${title}) at ${base}.`, {
      code: 'EB_MOMENTO_AUTH',
      hints: ["Check MOMENTO_API_KEY and that --momento-endpoint is the key's region."],
    })
  return {
    async getItem(cache, key) {
      const query = key.key !== undefined ? `key=${encodeURIComponent(key.key)}` : `key_base64=${key.keyBase64 ?? ''}`
      return call(`${base}/cache/${encodeURIComponent(cache)}?${query}`, callTimeoutMs, async (res) => {
        if (res.status === 200) return {status: 'hit', value: Buffer.from(await res.arrayBuffer())}
        const title = await errorTitle(res)
        if (res.status === 404) return /key not found/i.test(title) ? {status: 'miss'} : {status: 'cache-not-found'}
        if (res.status === 401 || res.status === 403) throw refuse(res.status, title)
        return {status: 'error', httpStatus: res.status, title}
      })
    },
    async subscribe(cache, topic, sequenceNumber, signal) {
      const url = `${base}/topics/${encodeURIComponent(cache)}/${encodeURIComponent(topic)}?sequence_number=${sequenceNumber}`
      const body = await call(
        url,
        (options.subscribeServerWaitMs ?? SUBSCRIBE_SERVER_WAIT_MS) + callTimeoutMs,
        async (res) => {
          if (res.status === 401 || res.status === 403) throw refuse(res.status, await errorTitle(res))
          if (res.status !== 200) {
            void res.body?.cancel().catch(() => {})
            return undefined
          }
          return (await res.json().catch(() => ({}))) as {items?: unknown[]}
        },
        signal,
      )
      if (body === undefined) return {items: [], resumeAt: undefined}
      const items: TopicItem[] = []
      let resumeAt: number | undefined
      for (const entry of body.items ?? []) {
        const e = entry as {
          item?: {topic_sequence_number?: number; value?: {text?: string; binary?: string}}
          discontinuity?: {new_topic_sequence?: number}
        }
        if (e.discontinuity?.new_topic_sequence !== undefined) resumeAt = e.discontinuity.new_topic_sequence
        if (e.item) {
          items.push({
            sequence: Number(e.item.topic_sequence_number ?? 0),
            text: e.item.value?.text,
            binary: e.item.value?.binary === undefined ? undefined : Buffer.from(e.item.value.binary, 'base64'),
          })
        }
      }
      return {items, resumeAt}
    },
  }
}

/**
 * Longest a probe waits for Momento: EventBridge's own API destination timeout
 * (docs/reference/aws-facts.md#eb-api-destination).
 */
export const PROBE_TIMEOUT_MS = 5000
/** The key a probe reads. Reading is harmless; a probe never writes (a hit or a miss both mean "cache exists"). */
const PROBE_ITEM_KEY = 'momento-eb-diagnose-probe'

/**
 * Probe one cache with a read (`GET /cache/{cache}?key=…`), bounded by {@link PROBE_TIMEOUT_MS}:
 * does the cache exist, is the key accepted, does the endpoint answer in time. Never writes, never
 * throws, and the finding never holds the key.
 */
export async function probeMomentoCache(
  endpoint: string,
  apiKey: string,
  cache: string,
  options: {timeoutMs?: number} = {},
): Promise<MomentoProbeFinding> {
  const base = endpoint.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS
  const at = `at ${base}`
  const finding = (
    outcome: MomentoProbeFinding['outcome'],
    detail: string,
    httpStatus?: number,
  ): MomentoProbeFinding => ({endpoint: base, cache, outcome, detail, ...(httpStatus ? {httpStatus} : {})})
  let res: Response
  try {
    res = await fetch(`${base}/cache/${encodeURIComponent(cache)}?key=${PROBE_ITEM_KEY}`, {
      headers: {authorization: apiKey},
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const name = (error as Error).name
    if (name === 'TimeoutError' || name === 'AbortError') {
      return finding('timeout', `no answer from Momento ${at} within ${timeoutMs / 1000} s`)
    }
    return finding('unreachable', `Momento ${at} cannot be reached (${describeFetchError(error)})`)
  }
  // The whole (bounded) body: Momento may put "Cache Not Found" in the title or the description.
  const body = s200(res) ? '' : await readBounded(res, 4096)
  const title = titleOf(body)
  const said = (status: number) => `${status}${title ? ` ${title}` : ''}`
  const s = res.status
  if (s === 200) return finding('ok', `cache ${cache} exists and the key is accepted ${at}`, s)
  if (s === 404) {
    // Momento's GET tells a miss ("Key Not Found") from a missing cache by the body
    // (docs/reference/aws-facts.md#momento-http-api).
    if (/key not found/i.test(body)) return finding('ok', `cache ${cache} exists and the key is accepted ${at}`, s)
    if (/cache not found/i.test(body)) return finding('cache-not-found', `no cache ${cache} ${at} (${said(s)})`, s)
    return finding('other-status', `Momento answers 404 ${at} without saying whether cache ${cache} exists`, s)
  }
  if (s === 401) return finding('key-invalid', `Momento rejects the key ${at} (${said(s)})`, s)
  if (s === 403) return finding('forbidden', `the key may not use cache ${cache} ${at} (${said(s)})`, s)
  if (s === 429) return finding('rate-limited', `Momento rate-limits the key ${at} (${said(s)})`, s)
  if (s >= 500) return finding('server-error', `Momento fails ${at} (${said(s)})`, s)
  return finding('other-status', `Momento answers ${said(s)} ${at}`, s)
}

function s200(res: Response): boolean {
  if (res.status !== 200) return false
  // The value itself is never needed: drop it unread.
  void res.body?.cancel().catch(() => {})
  return true
}

/** At most `max` bytes of a response body as text; the rest is never read. */
export async function readBounded(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < max) {
      const {done, value} = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } catch {
    // A body cut short still says what it said so far.
  } finally {
    void reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8')
}

function titleOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as {title?: unknown}
    return typeof parsed.title === 'string' ? parsed.title : body.slice(0, 200)
  } catch {
    return body.slice(0, 200)
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as {cause?: {code?: unknown; message?: unknown}}).cause
  if (cause && typeof cause.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}
