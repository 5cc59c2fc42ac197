/**
 * The mix of outcomes issue 11's acceptance asks for, on a sandbox in its default OPAQUE failure
 * mode (the DLQ text carries neither status nor body): one cacheSet event delivered, and one for each
 * failure — a missing cache (404, not retried), a wrong key (401, retried), Momento 500 until the
 * retries run out, and a call slower than the API destination's timeout. The failures come from the
 * sandbox's Momento fault rules (the same grammar as `momento-eb sandbox fault add`), each scoped to
 * its own cache, so one deployed stack shows all of them at once.
 */
import {EventBridgeClient, PutEventsCommand} from '@aws-sdk/client-eventbridge'

import type {RunningSandbox} from '../../src/sandbox/server.js'
import {inspect, until} from './integration.js'
import {clientConfig, startTestSandbox} from './sandbox.js'

/** The API destination timeout of the mix's sandbox (real ms), and the fault's latency beyond it. */
export const MIX_TIMEOUT_MS = 400
const SLOW_MS = 1_200

/** What each event of the mix is for. */
export type MixCase = 'delivered' | 'missing' | 'wrongKey' | 'serverError' | 'timeout'
export const MIX_CASES: readonly MixCase[] = ['delivered', 'missing', 'wrongKey', 'serverError', 'timeout']
/** The cache each case's event names. */
export const MIX_CACHE: Readonly<Record<MixCase, string>> = {
  delivered: 'orders',
  missing: 'missing',
  wrongKey: 'auth',
  serverError: 'broken',
  timeout: 'slow',
}

/** A sandbox in opaque mode with the caches and faults of the mix. */
export async function startMixSandbox(): Promise<RunningSandbox> {
  const sandbox = await startTestSandbox({
    caches: ['orders', 'auth', 'broken', 'slow'],
    failureDetail: 'opaque',
    apiDestinationTimeoutMs: MIX_TIMEOUT_MS,
  })
  // A wrong key: Momento answers 401 for every call on `auth` (as it does for a key it doesn't accept).
  for (const spec of ['401@auth', '500@broken', `latency=${SLOW_MS}@slow`]) {
    const res = await fetch(`${sandbox.endpoint}/_sandbox/momento/faults`, {method: 'POST', body: spec})
    if (res.status !== 201) throw new Error(`fault ${spec}: HTTP ${res.status} ${await res.text()}`)
  }
  return sandbox
}

/** Lifetime counters of the sandbox's pipeline (GET /_sandbox/deliveries). */
export interface DeliveryCounters {
  /** (rule, target) pairs handed an event: AWS's `Invocations`. */
  matchedEvents: number
  /** Attempts, retries included. */
  invocations: number
  delivered: number
  retries: number
  failedInvocations: number
  deadLettered: number
  failedToDlq: number
  dropped: number
}

/** One attempt in the sandbox's delivery log. */
export interface DeliveryAttempt {
  ruleArn: string
  eventId: string
  attempt: number
  outcome: string
  response?: {status: number}
}

export async function deliveries(
  sandbox: RunningSandbox,
): Promise<{counters: DeliveryCounters; deliveries: DeliveryAttempt[]}> {
  return inspect(sandbox, '/_sandbox/deliveries')
}

/**
 * Publish the mix (one PutEvents call, the SDK) and wait until every invocation ended. Returns the
 * event id of each case.
 */
export async function publishMix(sandbox: RunningSandbox, bus?: string): Promise<Record<MixCase, string>> {
  const before = (await deliveries(sandbox)).counters
  const eb = new EventBridgeClient(clientConfig(sandbox))
  try {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: MIX_CASES.map((c) => ({
          Source: 'observability.test',
          DetailType: 'cacheSet',
          EventBusName: bus,
          Detail: JSON.stringify({cacheName: MIX_CACHE[c], key: `k-${c}`, message: `v-${c}`, ttl: 600}),
        })),
      }),
    )
    if ((out.FailedEntryCount ?? 0) !== 0) throw new Error(`PutEvents refused entries: ${JSON.stringify(out)}`)
    const ids = Object.fromEntries(MIX_CASES.map((c, i) => [c, out.Entries?.[i]?.EventId as string]))
    await until(
      'the mix to end (1 delivered, 4 dead-lettered)',
      async () => {
        const c = (await deliveries(sandbox)).counters
        return c.delivered - before.delivered >= 1 && c.deadLettered - before.deadLettered >= 4 ? true : undefined
      },
      20_000,
    )
    return ids as Record<MixCase, string>
  } finally {
    eb.destroy()
  }
}
