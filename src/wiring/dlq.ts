/**
 * The dead-letter queue: found from `--queue-url` or the stack's outputs, and opened as a port; and the
 * ports of the DLQ commands that act on it (`dlq watch`'s actions, `dlq redrive`).
 */
import {availableParallelism, homedir} from 'node:os'

import {type LocatedQueue, locateDlq} from '../adapters/aws/dlq.js'
import {
  apiDestinationEndpoint,
  createEventsPort,
  createRateDiscovery,
  describeRuleStatus,
} from '../adapters/aws/eventbridge.js'
import {PortPool} from '../adapters/aws/port-pool.js'
import {createDlqQueue, queueNameOf} from '../adapters/aws/sqs.js'
import {editText} from '../adapters/editor.js'
import {openJournal, readPending} from '../adapters/journal-file.js'
import {probeMomentoCache} from '../adapters/momento/http.js'
import {writeNdjsonFile} from '../adapters/ndjson-file.js'
import type {DlqQueuePort} from '../core/dlq.js'
import {JOURNAL_FILE, memoryJournal, stateDirFrom} from '../core/journal.js'
import type {DiagnosisPorts} from '../services/dlq-diagnose.js'
import type {DlqRedrivePorts} from '../services/dlq-redrive.js'
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

/** The adapters behind `dlq watch`'s actions: PutEvents, the rule checks, the journal, $EDITOR, NDJSON files. */
export function watchActionAdapters(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>, queue: DlqQueuePort) {
  return {
    events: createEventsPort(ctx.aws, {sandboxUrl: ctx.sandboxUrl}),
    describeRule: (ruleArn: string) => describeRuleStatus(ctx.aws, ruleArn, {sandboxUrl: ctx.sandboxUrl}),
    openJournal: (runId: string) =>
      openJournal({dir: stateDirFrom(process.env, homedir()), queue: queue.queueUrl, runId}),
    editText: (text: string, name: string) => editText(text, {env: process.env, name}),
    writeNdjson: writeNdjsonFile,
  }
}

/** The adapter ports of `dlq redrive` (all but the stop signals, which are the edge's), and where the DLQ is. */
export interface RedriveAdapters {
  ports: Omit<DlqRedrivePorts, 'interruptible'>
  located: LocatedQueue
  queueUrl: string
  /** Stop the worker threads, if any. */
  close(): Promise<void>
}

/**
 * Find the DLQ and build the ports of a redrive. `rate` 0 (no cap) outside a dry run or --edit spreads
 * the calls over worker threads. The journal is the state directory's; a dry run reads it and writes
 * nothing.
 */
export async function redriveAdapters(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl' | 'usingSandbox'>,
  where: {queueUrl?: string | undefined; stack: string},
  options: {rate: number | undefined; dryRun: boolean; edit: boolean},
): Promise<RedriveAdapters> {
  const {rate, dryRun} = options
  const sandboxUrl = ctx.usingSandbox ? ctx.sandboxUrl : undefined
  const located = await locateDlq(ctx.aws, where, {sandboxUrl})
  const queueUrl = located.queueUrl
  // With no rate cap the SDK's CPU per call is the limit: spread the calls over worker threads.
  const threads = Math.min(4, availableParallelism())
  const pool =
    rate === 0 && threads > 1 && !dryRun && !options.edit
      ? new PortPool(ctx.aws, threads, {sandboxUrl, queueUrl})
      : undefined
  const queue = pool?.queuePort(queueUrl) ?? createDlqQueue(ctx.aws, queueUrl, {sandboxUrl})
  const events = pool?.eventsPort() ?? createEventsPort(ctx.aws, {sandboxUrl})
  const stateDir = stateDirFrom(process.env, homedir())
  const journalPath = `${stateDir}/${JOURNAL_FILE}`
  return {
    located,
    queueUrl,
    close: async () => {
      await pool?.close()
    },
    ports: {
      queue,
      events,
      journalPath,
      openJournal: async (runId) =>
        dryRun
          ? memoryJournal(await readPending(journalPath, queueUrl))
          : openJournal({dir: stateDir, queue: queueUrl, runId}),
      discoverRate: createRateDiscovery(ctx.aws),
      // Per rule, on the main thread even with --rate 0: the service makes about one check per rule per round trip.
      describeRule: (ruleArn) => describeRuleStatus(ctx.aws, ruleArn, {sandboxUrl}),
      editText: (text, name) => editText(text, {env: process.env, name}),
    },
  }
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
