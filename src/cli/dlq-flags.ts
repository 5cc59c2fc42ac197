import {Flags} from '@oclif/core'

import {createDlqQueue, type LocatedQueue, locateDlq, queueNameOf} from '../adapters/aws/dlq.js'
import {type ConfigValues, DEFAULT_STACK, resolveStack} from '../core/config.js'
import {DLQ_REASONS, type DlqQueuePort} from '../core/dlq.js'
import {type DlqFilter, parseReasons, parseSince} from '../core/dlq-filter.js'
import type {CliContext} from './context.js'

/** The stack `--stack` defaults to when nothing else names one. */
export {DEFAULT_STACK, resolveStack}

/** Where the dead-letter queue is: `--queue-url` wins over `--stack`. Every `dlq` command (and `put --wait`) takes these. */
export const dlqQueueFlags = {
  stack: Flags.string({
    summary: `Stack whose dead-letter queue to use. Default: MOMENTO_EB_STACK, then \`config set stack\`, then "${DEFAULT_STACK}".`,
    helpGroup: 'QUEUE',
  }),
  'queue-url': Flags.string({
    summary: 'Dead-letter queue URL (skips the stack lookup).',
    helpGroup: 'QUEUE',
  }),
}

/** Filters shared by `dlq list | export | redrive | watch`. */
export const dlqFilterFlags = {
  reason: Flags.string({
    summary: `Only messages with this reason (repeat or comma-separate): ${DLQ_REASONS.join(', ')}.`,
    multiple: true,
    helpGroup: 'FILTER',
  }),
  'detail-type': Flags.string({
    summary: 'Only events of this detail type (cacheSet, cacheDelete, topicPublish); repeatable.',
    multiple: true,
    helpGroup: 'FILTER',
  }),
  cache: Flags.string({summary: 'Only events for this cache; repeatable.', multiple: true, helpGroup: 'FILTER'}),
  since: Flags.string({
    summary: 'Only messages dead-lettered since then: a duration (15m, 2h, 1d) or an ISO time.',
    helpGroup: 'FILTER',
  }),
}

/** `--limit`: how many matching messages to read at most. */
export const dlqLimitFlag = (defaultLimit: number | undefined) => ({
  limit: Flags.integer({
    summary:
      defaultLimit === undefined
        ? 'Read at most this many matching messages (default: all).'
        : 'Read at most this many matching messages.',
    min: 1,
    ...(defaultLimit === undefined ? {} : {default: defaultLimit}),
  }),
})

/** Build the filter from the parsed filter flags. Throws UsageError for a bad --reason or --since. */
export function filterFromFlags(
  flags: {
    reason?: string[] | undefined
    'detail-type'?: string[] | undefined
    cache?: string[] | undefined
    since?: string | undefined
  },
  now = Date.now(),
): DlqFilter {
  const split = (values: string[] | undefined) => {
    const out = (values ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean)
    return out.length > 0 ? out : undefined
  }
  return {
    reasons: parseReasons(flags.reason),
    detailTypes: split(flags['detail-type']),
    caches: split(flags.cache),
    sinceMs: parseSince(flags.since, now),
  }
}

/** An opened dead-letter queue: the port, where it was found, and its name for messages. */
export interface OpenedDlq {
  queue: DlqQueuePort
  located: LocatedQueue
  name: string
}

/**
 * Find and open the DLQ from `--queue-url`, else the stack (--stack > MOMENTO_EB_STACK > saved > default).
 * Checks that the queue exists. Throws NotFoundError for an unknown stack or queue.
 */
export async function openDlqFromFlags(
  ctx: CliContext,
  flags: {stack?: string | undefined; 'queue-url'?: string | undefined},
  config: ConfigValues,
): Promise<OpenedDlq> {
  const stack = resolveStack(flags.stack, process.env, config)
  const options = {sandboxUrl: ctx.sandboxUrl}
  const located = await locateDlq(ctx.aws, {queueUrl: flags['queue-url'], stack}, options)
  ctx.verbose(
    `DLQ: ${located.queueUrl} (${located.source === 'flag' ? '--queue-url' : `stack ${stack}, ${located.source}`})`,
  )
  return {queue: createDlqQueue(ctx.aws, located.queueUrl, options), located, name: queueNameOf(located.queueUrl)}
}
