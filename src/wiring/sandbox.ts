/** What the CLI reads from a running sandbox (its info route). */
import {readSandboxInfo} from '../adapters/sandbox-info.js'

/**
 * The running sandbox's Momento key, or undefined when its info route can't be read. `timeoutMs`
 * bounds the read (default: the adapter's SANDBOX_INFO_TIMEOUT_MS).
 */
export async function sandboxApiKey(
  sandboxUrl: string,
  options: {timeoutMs?: number | undefined} = {},
): Promise<string | undefined> {
  return (await readSandboxInfo(sandboxUrl, {...options, onFailure: 'undefined'}))?.apiKey
}
