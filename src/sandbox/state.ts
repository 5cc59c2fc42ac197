import {randomUUID} from 'node:crypto'
import {setMaxListeners} from 'node:events'

import {createEventsStore, type EventsStore} from './eventbridge/model.js'
import {validateLatency, type LatencySettings} from './latency.js'
import {createMomentoState, type MomentoOptions, type MomentoState} from './momento/state.js'
import type {FailureDetail} from './pipeline/failures.js'
import {createSecretsStore, type SecretsStore} from './secretsmanager/model.js'
import {SqsStore} from './sqs/store.js'

/** Options of one sandbox instance. Everything has a default that suits `momento-eb sandbox`. */
export interface SandboxOptions {
  /** Account id in ARNs and queue URLs. Default `000000000000`. */
  accountId?: string
  /** Region used when a request carries no SigV4 scope. Default `us-east-1`. */
  region?: string
  /** The Momento API key the emulated Momento HTTP API accepts. Default: a random key. */
  apiKey?: string
  /** Momento caches that exist from the start. */
  caches?: readonly string[]
  /** Momento emulator settings: faults, rate limit, long-poll wait, random source (see `MomentoOptions`). */
  momento?: Omit<MomentoOptions, 'apiKey' | 'caches' | 'now'>
  /**
   * Multiplier for every simulated wait (EventBridge retry backoff, Retry-After). 1 is AWS-like
   * timing; tests use small values such as 0.001. The 5-second API destination timeout is real
   * time unless `apiDestinationTimeoutMs` says otherwise.
   */
  timeScale?: number
  /** Timeout of one API destination call in milliseconds. Default 5000, as on AWS. */
  apiDestinationTimeoutMs?: number
  /**
   * What the DLQ message of an endpoint's HTTP error answer says. `opaque` (default): a generic
   * `ERROR_CODE` and `ERROR_MESSAGE` with no status and no body, the worst case AWS's captured DLQ
   * messages suggest; `detailed`: the status and the response body. Timeouts and unreachable
   * endpoints get AWS's captured texts either way. Changeable at run time through
   * `PUT /_sandbox/pipeline/failure-detail`.
   */
  failureDetail?: FailureDetail
  /**
   * Added latency of the AWS APIs, per service (SigV4 signing name), e.g.
   * `{sqs: {meanMs: 15, jitterMs: 5}, events: {meanMs: 20, jitterMs: 5}}`: each request waits
   * `meanMs ± jitterMs` (uniform, never below 0) on a timer before it is handled. Not the Momento
   * HTTP API (its faults have their own latency) nor the `/_sandbox` routes. Default: none.
   * Changeable at run time through `PUT /_sandbox/latency`.
   */
  latency?: LatencySettings
  /**
   * In-flight messages (received, not yet deleted or visible again) a queue allows before
   * ReceiveMessage answers OverLimit. Default 120,000, the standard-queue quota AWS documents.
   */
  sqsMaxInFlight?: number
  /** PutEvents total entry size limit in bytes. Default 262144 (256 KiB). */
  maxPutEventsBytes?: number
  /**
   * Ceiling on any request body the server reads, in bytes. Default 16 MiB. Each kind of request has
   * its own, lower limit from the service's (protocol/limits.ts); this caps them all.
   */
  maxBodyBytes?: number
  /**
   * Bytes of unfinished request bodies the server holds at once, over all connections. Past it a
   * request is answered 503 and its connection closed. Default 256 MiB.
   */
  maxBufferedBodyBytes?: number
  /** Time a client has to send a whole request (headers and body), in ms. Default 30,000. */
  requestTimeoutMs?: number
  /**
   * Host names (or addresses) accepted in the Host header besides loopback and the bound address:
   * `momento-eb sandbox --allow-host`. Every other Host is refused (DNS rebinding, protocol/guard.ts).
   */
  allowHosts?: readonly string[]
  /** Clock, for deterministic tests. Default `Date.now`. */
  now?: () => number
  /** Id generator, for deterministic tests. Default `randomUUID`. */
  newId?: () => string
  /** Where the sandbox reports unexpected internal errors. Default: nowhere. */
  log?: (line: string) => void
}

/** Per account-and-region service stores. */
export interface RegionState {
  readonly events: EventsStore
  readonly sqs: SqsStore
  readonly secrets: SecretsStore
}

/** Everything one sandbox instance holds. In memory only: it is gone when the process ends. */
export interface SandboxState {
  readonly accountId: string
  readonly defaultRegion: string
  readonly options: Required<Omit<SandboxOptions, 'caches' | 'apiKey' | 'momento'>> & {
    apiKey: string
    caches: readonly string[]
  }
  readonly momento: MomentoState
  region(name: string): RegionState
  /** Regions that hold any state, for inspection. */
  regions(): ReadonlyMap<string, RegionState>
  now(): number
  newId(): string
  /** Aborted when the sandbox closes: background work (deliveries, long polls) must stop. */
  readonly closing: AbortSignal
  /** Keep track of background work so `close()` can wait for it to settle. */
  track(work: Promise<unknown>): void
  /** Abort background work and wait for it to settle. */
  shutdown(): Promise<void>
}

/** Build the state of a new sandbox. */
export function createSandboxState(options: SandboxOptions = {}): SandboxState {
  const resolved = {
    accountId: options.accountId ?? '000000000000',
    region: options.region ?? 'us-east-1',
    apiKey: options.apiKey ?? `sandbox-${randomUUID()}`,
    caches: options.caches ?? [],
    timeScale: options.timeScale ?? 1,
    apiDestinationTimeoutMs: options.apiDestinationTimeoutMs ?? 5000,
    failureDetail: options.failureDetail ?? ('opaque' as FailureDetail),
    latency: validateLatency(options.latency ?? {}, 'SandboxOptions.latency'),
    sqsMaxInFlight: options.sqsMaxInFlight ?? 120_000,
    maxPutEventsBytes: options.maxPutEventsBytes ?? 262_144,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
    maxBufferedBodyBytes: options.maxBufferedBodyBytes ?? 256 * 1024 * 1024,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    allowHosts: options.allowHosts ?? [],
    now: options.now ?? Date.now,
    newId: options.newId ?? randomUUID,
    log: options.log ?? (() => {}),
  }
  if (!Number.isInteger(resolved.sqsMaxInFlight) || resolved.sqsMaxInFlight < 1) {
    throw new RangeError(
      `SandboxOptions.sqsMaxInFlight must be a whole number of at least 1, not ${resolved.sqsMaxInFlight}.`,
    )
  }
  const regions = new Map<string, RegionState>()
  const aborter = new AbortController()
  // Every long poll and in-flight call listens for the sandbox closing: there is no leak to warn about.
  setMaxListeners(0, aborter.signal)
  const pending = new Set<Promise<unknown>>()
  return {
    accountId: resolved.accountId,
    defaultRegion: resolved.region,
    options: resolved,
    momento: createMomentoState({
      ...options.momento,
      apiKey: resolved.apiKey,
      caches: resolved.caches,
      now: resolved.now,
    }),
    region(name) {
      let state = regions.get(name)
      if (!state) {
        const now = Math.floor(resolved.now() / 1000)
        state = {
          events: createEventsStore(name, resolved.accountId, now),
          sqs: new SqsStore(resolved.now, resolved.newId, resolved.sqsMaxInFlight),
          secrets: createSecretsStore(),
        }
        regions.set(name, state)
      }
      return state
    },
    regions: () => regions,
    now: () => resolved.now(),
    newId: () => resolved.newId(),
    closing: aborter.signal,
    track(work) {
      const settled: Promise<unknown> = work.then(
        () => pending.delete(settled),
        (error: unknown) => {
          pending.delete(settled)
          resolved.log(`background task failed: ${String(error)}`)
        },
      )
      pending.add(settled)
    },
    async shutdown() {
      aborter.abort()
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}
