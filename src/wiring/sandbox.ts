/** The sandbox as the CLI sees it: the credentials it accepts, and what its info route says. */
import {readSandboxInfo} from '../adapters/sandbox-info.js'

/** Throwaway credentials the sandbox accepts. */
export const SANDBOX_CREDENTIALS = {accessKeyId: 'test', secretAccessKey: 'test'} as const

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
