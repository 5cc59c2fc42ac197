/** The ports of the DLQ commands that act on the queue: `dlq watch`'s actions and `dlq redrive`. */
import {availableParallelism, homedir} from 'node:os'

import {locateDlq} from '../adapters/aws/dlq.js'
import {createEventsPort, createRateDiscovery, describeRuleStatus} from '../adapters/aws/eventbridge.js'
import {PortPool} from '../adapters/aws/port-pool.js'
import {createDlqQueue} from '../adapters/aws/sqs.js'
import {editText} from '../adapters/editor.js'
import {openJournal, readPending} from '../adapters/journal-file.js'
import {writeNdjsonFile} from '../adapters/ndjson-file.js'
import type {DlqQueuePort} from '../core/dlq.js'
import {JOURNAL_FILE, memoryJournal, stateDirFrom} from '../core/journal.js'
import type {DlqRedrivePorts} from '../services/dlq-redrive.js'
import type {WiringContext} from './context.js'
import type {LocatedQueue} from './dlq.js'

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
 * An uncapped redrive of fewer messages than this stays on the main thread. Starting the worker
 * threads (each loads its own SDK clients) cost a redrive of 20 messages about 0.5 s more CPU than
 * the main thread alone (0.56–0.86 s against 0.13–0.18 s, measured on 2 cores) and made it no faster;
 * they pay off over thousands of messages (as `put --file`'s, from 2,000 lines).
 * MOMENTO_EB_REDRIVE_THREADS_FROM sets another depth (0: always).
 */
const THREADED_REDRIVE = 2000

/**
 * Whether an uncapped redrive should start worker threads: when it may move at least
 * THREADED_REDRIVE messages (the queue's approximate depth, visible, in flight and delayed, capped by
 * --limit). A depth that can't be read counts as large: then the threads cost a fraction of a second,
 * while a large queue on one thread would take several times as long.
 */
export async function worthThreads(queue: DlqQueuePort, limit: number | undefined): Promise<boolean> {
  // Unset, empty or not a count: the default (Number('') would read as 0, "always").
  const setting = process.env['MOMENTO_EB_REDRIVE_THREADS_FROM']?.trim()
  const configured = setting ? Number(setting) : NaN
  const from = Number.isInteger(configured) && configured >= 0 ? configured : THREADED_REDRIVE
  if (from === 0) return true
  if (limit !== undefined && limit < from) return false
  const depth = await queue.depth().catch(() => undefined)
  return depth === undefined || depth.visible + depth.inFlight + depth.delayed >= from
}

/**
 * Find the DLQ and build the ports of a redrive. `rate` 0 (no cap) outside a dry run or --edit spreads
 * the calls over worker threads when the queue is large enough (worthThreads). The journal is the state directory's; a dry run reads it and writes
 * nothing.
 */
export async function redriveAdapters(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl' | 'usingSandbox'>,
  where: {queueUrl?: string | undefined; stack: string},
  options: {rate: number | undefined; dryRun: boolean; edit: boolean; limit?: number | undefined},
): Promise<RedriveAdapters> {
  const {rate, dryRun} = options
  const sandboxUrl = ctx.usingSandbox ? ctx.sandboxUrl : undefined
  const located = await locateDlq(ctx.aws, where, {sandboxUrl})
  const queueUrl = located.queueUrl
  const direct = createDlqQueue(ctx.aws, queueUrl, {sandboxUrl})
  // With no rate cap the SDK's CPU per call is the limit: spread the calls over worker threads, when
  // there are enough messages to pay for starting them.
  const threads = Math.min(4, availableParallelism())
  const pool =
    rate === 0 && threads > 1 && !dryRun && !options.edit && (await worthThreads(direct, options.limit))
      ? new PortPool(ctx.aws, threads, {sandboxUrl, queueUrl})
      : undefined
  const queue = pool?.queuePort(queueUrl) ?? direct
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
