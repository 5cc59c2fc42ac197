/**
 * Talking to a running sandbox's admin routes (`/_sandbox/...`): for `momento-eb sandbox cache …`.
 * The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566), the same place
 * `--sandbox` points every other command at.
 */
import {NotFoundError, RemoteError, sandboxNotRunning, UsageError} from '../core/errors.js'
import {sandboxUrlFrom} from './context.js'

/** What a sandbox admin route answered. */
export interface AdminAnswer {
  readonly status: number
  /** The JSON body, or undefined for an empty one (204). */
  readonly body: unknown
  /** The sandbox's own words for a refusal (`description` of its JSON error). */
  readonly description: string | undefined
}

/** The sandbox URL for this run. */
export function sandboxUrl(env: NodeJS.ProcessEnv = process.env): string {
  return sandboxUrlFrom(env)
}

/**
 * Call a sandbox admin route. A sandbox that doesn't answer is an UnreachableError (exit 5) saying
 * how to start one; a reply that isn't the sandbox's (another server on the port) is a RemoteError.
 */
export async function sandboxAdmin(
  url: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  timeoutMs = 5_000,
): Promise<AdminAnswer> {
  let response: Response
  try {
    response = await fetch(`${url}${path}`, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body === undefined ? {} : {body: JSON.stringify(body), headers: {'content-type': 'application/json'}}),
    })
  } catch (error) {
    if (error instanceof TypeError && /invalid url|failed to parse url/i.test(String(error.cause ?? error.message))) {
      throw new UsageError(`MOMENTO_EB_SANDBOX_URL "${url}" isn't a valid URL.`, {
        code: 'EB_BAD_URL',
        cause: error,
        hints: ['Set it to the URL `momento-eb sandbox` printed, e.g. http://127.0.0.1:4566.'],
      })
    }
    throw sandboxNotRunning(url, {cause: (error as {cause?: unknown}).cause ?? error})
  }
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown)
  } catch {
    throw new RemoteError(`${url} answered ${path} with something that isn't the sandbox's JSON.`, {
      hints: ['Check MOMENTO_EB_SANDBOX_URL: is a momento-eb sandbox listening there?'],
    })
  }
  const description =
    response.ok || typeof parsed !== 'object' || parsed === null
      ? undefined
      : String((parsed as {description?: unknown}).description ?? '') || undefined
  return {status: response.status, body: parsed, description}
}

/** The sandbox answered 404 for a cache: it has none of that name. */
export function sandboxCacheNotFound(name: string): NotFoundError {
  return new NotFoundError(`The sandbox has no cache ${name}.`, {
    code: 'EB_CACHE_NOT_FOUND',
    hints: ['See them with `momento-eb sandbox cache list`.'],
  })
}
