/**
 * What the composition root needs from one command run. `cli/context.ts`'s CliContext satisfies it;
 * wiring functions take this shape (not the CliContext) so wiring never imports the oclif edge.
 */
import type {AwsClients} from '../adapters/aws/clients.js'

export type {AwsClients, AwsTarget} from '../adapters/aws/clients.js'

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
  /** The URL `--sandbox` uses, for messages and hints. */
  readonly sandboxUrl: string
  readonly usingSandbox: boolean
  readonly momento: MomentoTarget
  /** Write a context line to stderr when --verbose is on. */
  verbose(line: string): void
}
