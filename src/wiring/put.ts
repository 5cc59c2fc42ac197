/**
 * The ports of a single `put` (cacheSet, cacheDelete, topicPublish) and its `--wait`: PutEvents, the
 * bus's rules, the Momento reader. The put fast path bundles this module: keep what only `put --file`
 * needs (worker threads, the progress record) in put-file.ts.
 */
import {type BusRuleMatch, createEventsPort, rulesMatchingEvent, sampleEventFor} from '../adapters/aws/eventbridge.js'
import {createMomentoHttpClient} from '../adapters/momento/http.js'
import type {EventsPort} from '../core/put-entries.js'
import type {MomentoTarget, WiringContext} from './context.js'

export type {BusRuleMatch} from '../adapters/aws/eventbridge.js'

/** PutEvents and DescribeEventBus on the calling thread. */
export function eventsPort(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>): EventsPort {
  return createEventsPort(ctx.aws, ctx)
}

/** The Momento HTTP API that `put --wait` reads the result back from. */
export function momentoReader(momento: Pick<MomentoTarget, 'callTimeoutMs'>, endpoint: string, apiKey: string) {
  return createMomentoHttpClient(endpoint, apiKey, {callTimeoutMs: momento.callTimeoutMs})
}

/** The rules on `bus` and whether they match the event `put` publishes (ListRules, TestEventPattern). */
export function busRulesMatchingEvent(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>,
  bus: string,
  entry: {source: string; detailType: string; detail: unknown; region: string | undefined},
): Promise<BusRuleMatch> {
  const sample = sampleEventFor(entry)
  return rulesMatchingEvent(ctx.aws, bus, sample, {sandboxUrl: ctx.sandboxUrl})
}
