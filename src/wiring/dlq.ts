/**
 * The dead-letter queue: found from `--queue-url` or the stack's outputs, and opened as a port; and the
 * diagnosing decoder's probes. `put --wait` uses this module too, so it stays free of what only the DLQ
 * commands need (worker threads, the journal, $EDITOR: dlq-actions.ts), which the put fast path's
 * bundle would otherwise carry.
 */
import {type LocatedQueue, locateDlq} from '../adapters/aws/dlq.js'
import {apiDestinationEndpoint} from '../adapters/aws/eventbridge.js'
import {createDlqQueue, queueNameOf} from '../adapters/aws/sqs.js'
import {probeMomentoCache} from '../adapters/momento/http.js'
import type {DlqQueuePort} from '../core/dlq.js'
import type {DiagnosisPorts} from '../services/dlq-diagnose.js'
import type {WiringContext} from './context.js'

export type {LocatedQueue} from '../adapters/aws/dlq.js'

/** An opened dead-letter queue: the port, where it was found, and its name for messages. */
export interface OpenedDlq {
  queue: DlqQueuePort
  located: LocatedQueue
  name: string
}

/**
 * Find the DLQ (`queueUrl` when given, else the stack's) and open its port. Checks that the queue
 * exists; throws NotFoundError for an unknown stack or queue. `located` runs once it is found (before
 * the port is built), for the caller's verbose line.
 */
export async function openDlq(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>,
  where: {queueUrl?: string | undefined; stack: string},
  located?: (located: LocatedQueue) => void,
): Promise<OpenedDlq> {
  const options = {sandboxUrl: ctx.sandboxUrl}
  const found = await locateDlq(ctx.aws, where, options)
  located?.(found)
  return {queue: createDlqQueue(ctx.aws, found.queueUrl, options), located: found, name: queueNameOf(found.queueUrl)}
}

/**
 * What the diagnosing decoder probes with (services/dlq-diagnose.ts): the endpoint each failed
 * event's API destination calls (DescribeApiDestination), and a read-only Momento probe with `apiKey`.
 */
export function momentoProbePorts(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl' | 'usingSandbox'>,
  apiKey: string,
): DiagnosisPorts {
  const callOptions = {sandboxUrl: ctx.usingSandbox ? ctx.sandboxUrl : undefined}
  return {
    endpointOfTarget: (arn) => apiDestinationEndpoint(ctx.aws, arn, callOptions),
    probe: (endpoint, cache) => probeMomentoCache(endpoint, apiKey, cache),
  }
}
