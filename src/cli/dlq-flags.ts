import {Flags} from '@oclif/core'

import {type ConfigValues, DEFAULT_STACK, resolveStack} from '../core/config.js'
import {DLQ_REASONS} from '../core/dlq.js'
import {type DlqFilter, parseReasons, parseSince} from '../core/dlq-filter.js'
import {UsageError} from '../core/errors.js'
import type {CliContext} from './context.js'
import {suggestValue} from './suggest.js'
import {openDlq, type OpenedDlq} from '../wiring/dlq.js'

/** The stack `--stack` defaults to when nothing else names one. */
export {DEFAULT_STACK, resolveStack}

/** Where the dead-letter queue is: `--queue-url` wins over `--stack`. Every `dlq` command (and `put --wait`) takes these. */
export const dlqQueueFlags = {
  stack: Flags.string({
    summary: `Stack whose dead-letter queue to use. Default: MOMENTO_EB_STACK, then \`config set stack\`, then ${DEFAULT_STACK}.`,
    helpGroup: 'QUEUE',
  }),
  'queue-url': Flags.string({
    summary: 'Dead-letter queue URL (skips the stack lookup).',
    helpGroup: 'QUEUE',
    parse: async (input) => {
      checkQueueUrl(input)
      return input
    },
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

/** The detail types the integration routes (its three rules); nothing else can reach the DLQ. */
const DETAIL_TYPES = ['cacheSet', 'cacheDelete', 'topicPublish'] as const

/**
 * Build the filter from the parsed filter flags. Throws UsageError (exit 2) for an empty value, an
 * unknown --reason or --detail-type (with a "did you mean" when one is close) or a bad --since: a
 * filter that can match nothing is a typo, not an empty result.
 */
export function filterFromFlags(
  flags: {
    reason?: string[] | undefined
    'detail-type'?: string[] | undefined
    cache?: string[] | undefined
    since?: string | undefined
  },
  now = Date.now(),
): DlqFilter {
  const reasons = filterValues('reason', flags.reason, DLQ_REASONS)
  if (flags.since !== undefined && flags.since.trim() === '') throw emptyValue('since', 'every message')
  return {
    reasons: parseReasons(reasons),
    detailTypes: filterValues('detail-type', flags['detail-type'], DETAIL_TYPES),
    caches: filterValues('cache', flags.cache),
    sinceMs: parseSince(flags.since, now),
  }
}

/**
 * The values of a repeatable, comma-separated filter flag; undefined when it isn't given. An empty
 * value, or one not in `known`, is a UsageError.
 */
function filterValues(
  flag: 'reason' | 'detail-type' | 'cache',
  values: readonly string[] | undefined,
  known?: readonly string[],
): string[] | undefined {
  if (values === undefined || values.length === 0) return undefined
  const out: string[] = []
  for (const value of values) {
    const items = value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
    if (items.length === 0) throw emptyValue(flag, flag === 'cache' ? 'every cache' : `every ${flag}`)
    for (const item of items) {
      if (known && !known.includes(item)) throw unknownValue(flag, item, known)
      out.push(item)
    }
  }
  return out
}

function emptyValue(flag: string, everything: string): UsageError {
  return new UsageError(`--${flag} is empty, so it would match nothing.`, {
    hints: [`Give --${flag} a value, or leave it out to include ${everything}.`],
  })
}

function unknownValue(flag: string, value: string, known: readonly string[]): UsageError {
  const what = flag === 'reason' ? 'reason' : 'detail type'
  const guess = suggestValue(value, known)
  return new UsageError(`Unknown ${what} ${JSON.stringify(value)} for --${flag}.`, {
    hints: [...(guess ? [`Did you mean ${guess}?`] : []), `Use one of: ${known.join(', ')}.`],
  })
}

export type {OpenedDlq} from '../wiring/dlq.js'

/**
 * Find and open the DLQ from `--queue-url`, else the stack (--stack > MOMENTO_EB_STACK > saved > default).
 * Checks that the queue exists. Throws NotFoundError for an unknown stack or queue.
 */
export async function openDlqFromFlags(
  ctx: CliContext,
  flags: {stack?: string | undefined; 'queue-url'?: string | undefined},
  config: ConfigValues,
): Promise<OpenedDlq> {
  const queueUrl = flags['queue-url']
  if (queueUrl !== undefined) checkQueueUrl(queueUrl)
  // With --queue-url no stack is looked up, so a stack name from the environment doesn't matter.
  const stack = queueUrl ? '' : resolveStack(flags.stack, process.env, config)
  return openDlq(ctx, {queueUrl, stack}, (located) =>
    ctx.verbose(
      `DLQ: ${located.queueUrl} (${located.source === 'flag' ? '--queue-url' : `stack ${stack}, ${located.source}`})`,
    ),
  )
}

/**
 * `--queue-url` must be an http(s) URL with a host and a path: `new URL` alone takes `htp:/x` (a URL
 * of an unknown scheme), which would then be looked up as queue "x". Throws UsageError (exit 2).
 */
export function checkQueueUrl(queueUrl: string): void {
  let url: URL | undefined
  try {
    url = new URL(queueUrl)
  } catch {
    url = undefined
  }
  const ok = url !== undefined && /^https?:$/.test(url.protocol) && url.hostname !== '' && url.pathname.length > 1
  if (ok) return
  throw new UsageError(`--queue-url ${JSON.stringify(queueUrl)} isn't a queue URL.`, {
    code: 'EB_BAD_URL',
    hints: [
      'Give the full http:// or https:// URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/momento-dlq.',
      'Or leave it out, and pass --stack NAME to find the queue from the deployed stack.',
    ],
  })
}
