/**
 * What the composition root needs from one command run. `cli/context.ts`'s CliContext satisfies it;
 * wiring functions take this shape (not the CliContext) so wiring never imports the oclif edge.
 */
import {createAwsClients, DEFAULT_CALL_TIMEOUT_MS, type AwsClients, type AwsTarget} from '../adapters/aws/clients.js'

export type {AwsClients, AwsTarget} from '../adapters/aws/clients.js'
export {DEFAULT_CALL_TIMEOUT_MS} from '../adapters/aws/clients.js'

/** Where the Momento HTTP API is and the key to use. The key comes from MOMENTO_API_KEY only. */
export interface MomentoTarget {
  readonly endpoint: string | undefined
  readonly apiKey: string | undefined
  /** Longest one Momento HTTP call may wait (--call-timeout), in ms; long polls add their wait. */
  readonly callTimeoutMs: number
}

export interface WiringContext {
  /** The AWS clients, built on first access. */
  readonly aws: AwsClients
  /** The URL `--sandbox` uses (MOMENTO_EB_SANDBOX_URL or the default), for messages and hints. */
  readonly sandboxUrl: string
  /** True with `--sandbox`. */
  readonly usingSandbox: boolean
  readonly momento: MomentoTarget
  /** Write a context line to stderr when --verbose is on. */
  verbose(line: string): void
}

/**
 * The run's AWS clients for `target`, built on first access (with a --verbose line saying where they
 * point) and released by `destroy()`.
 */
export function lazyAwsClients(
  target: AwsTarget,
  verbose: (line: string) => void,
): {readonly clients: AwsClients; destroy(): void} {
  let clients: AwsClients | undefined
  return {
    get clients() {
      if (!clients) {
        clients = createAwsClients(target)
        verbose(
          `AWS: region ${target.region ?? '(from profile)'}, profile ${target.profile ?? '(default chain)'}, ` +
            `endpoint ${target.endpoint ?? '(SDK default or AWS_ENDPOINT_URL*)'}, ` +
            `call timeout ${(target.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS) / 1000} s per attempt`,
        )
      }
      return clients
    },
    destroy() {
      clients?.destroy()
      clients = undefined
    },
  }
}
