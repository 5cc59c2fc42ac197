/**
 * `--logs` / `--no-logs` and `--log-group` for the DLQ readers (`dlq list | watch | redrive | export`):
 * join each page of DLQ messages with the event bus's log records of their events, so the decoder
 * takes the HTTP status and Momento's answer from the log (`evidence: bus-log`).
 *
 * The log group is `--log-group`, else the stack's `BusLogGroupName` output (deploy --logs). With
 * neither (no logging deployed, or --queue-url without --log-group) nothing is looked up. A lookup that
 * fails (the group is gone, access denied, a timeout) is reported once and the decode goes on without
 * logs: it never fails the command.
 */
import {Flags} from '@oclif/core'

import {UsageError} from '../core/errors.js'
import {OUTPUT} from '../core/stack-template-names.js'
import {busLogDecoder, type BusLogJoinStatus} from '../services/dlq-bus-logs.js'
import type {BatchDecoder} from '../services/dlq-diagnose.js'
import {pacedLookup} from '../wiring/bus-logs.js'
import type {LocatedQueue} from '../wiring/dlq.js'
import type {CliContext} from './context.js'

export const busLogFlags = {
  logs: Flags.boolean({
    summary:
      "Read the event bus's log (one CloudWatch Logs query per page of messages) for the HTTP status and Momento's " +
      "answer of each failure. Default: on when the stack delivers the bus's logs (BusLogGroupName output) or " +
      '--log-group is given; --no-logs skips it.',
    allowNo: true,
    default: true,
    helpGroup: 'LOGS',
  }),
  'log-group': Flags.string({
    summary: "CloudWatch Logs log group holding the event bus's logs (default: the stack's BusLogGroupName output).",
    helpGroup: 'LOGS',
    parse: async (input) => {
      checkLogGroupName(input)
      return input
    },
  }),
}

/**
 * Log group names are 1–512 characters of a-z, A-Z, 0-9, `_`, `-`, `/`, `.` and `#` (CloudWatch Logs
 * API reference, CreateLogGroup and FilterLogEvents `logGroupName`). Anything else would come back
 * from AWS as InvalidParameterException after the queue was read: a usage error now (exit 2).
 */
export function checkLogGroupName(name: string): void {
  if (name.trim() === '') {
    throw new UsageError('--log-group is empty, so there is no log to read.', {
      hints: ["Name the log group (see the stack's BusLogGroupName output), or leave --log-group out."],
    })
  }
  if (name.length > 512 || !/^[-._/#A-Za-z0-9]+$/.test(name)) {
    throw new UsageError(
      `--log-group ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} isn't a log group name.`,
      {
        hints: [
          'Log group names are 1-512 characters of letters, digits and _ - / . #, e.g. /aws/vendedlogs/events/momento-eb.',
        ],
      },
    )
  }
}

/** After a failed lookup, pages go without logs for this long before the next try. */
export const LOOKUP_RETRY_AFTER_MS = 60_000

/** The decoder with the log join, and what it did (undefined status: no lookup was set up). */
export interface BusLogChoice {
  decode: BatchDecoder
  logGroup: string | undefined
  status(): BusLogJoinStatus | undefined
}

/** What `--json` shows about the join. */
export interface BusLogSummary {
  logGroup: string
  lookups: number
  decided: number
  /** Why the log couldn't be read (the decode went on without it). */
  failure?: string | undefined
}

/** Exit 2 before any AWS call when the log flags contradict each other. */
export function checkBusLogFlags(flags: {logs?: boolean | undefined; 'log-group'?: string | undefined}): void {
  logGroupOf(flags, undefined)
}

/** The log group the flags and the located queue point at, if any. */
export function logGroupOf(
  flags: {logs?: boolean | undefined; 'log-group'?: string | undefined},
  located: Pick<LocatedQueue, 'outputs'> | undefined,
): string | undefined {
  if (flags.logs === false) {
    if (flags['log-group'] !== undefined) {
      throw new UsageError('--no-logs and --log-group contradict each other.', {
        hints: ['Drop --no-logs to read that log group, or drop --log-group to skip the log.'],
      })
    }
    return undefined
  }
  const explicit = flags['log-group']?.trim()
  if (explicit) return explicit
  return located?.outputs?.[OUTPUT.logGroupName] || undefined
}

/**
 * Wrap `inner` with the log join when a log group is known. `warn` is told once when a lookup fails
 * (commands print it on stderr, or keep it for `--json`).
 */
export function withBusLogs(
  ctx: CliContext,
  flags: {logs?: boolean | undefined; 'log-group'?: string | undefined},
  located: Pick<LocatedQueue, 'outputs' | 'source'> | undefined,
  inner: BatchDecoder,
  warn?: (message: string) => void,
): BusLogChoice {
  const logGroup = logGroupOf(flags, located)
  if (!logGroup) {
    if (flags.logs !== false) {
      ctx.verbose(
        located?.source === 'flag'
          ? "No --log-group with --queue-url: the event bus's log isn't read."
          : "The stack has no BusLogGroupName output (deploy --logs): the event bus's log isn't read.",
      )
    }
    return {decode: inner, logGroup: undefined, status: () => undefined}
  }
  ctx.verbose(`Event-bus log: ${logGroup} (one FilterLogEvents lookup per page of messages)`)
  const decoder = busLogDecoder(inner, pacedLookup(ctx, logGroup), {
    retryAfterMs: LOOKUP_RETRY_AFTER_MS,
    onFailure: (message) =>
      warn?.(
        `The event bus's log couldn't be read, so reasons come from the DLQ messages alone: ${message} ` +
          '(--no-logs skips the log).',
      ),
  })
  return {decode: decoder, logGroup, status: () => decoder.busLogs()}
}

/** The summary for `--json`, when a log group was used. */
export function busLogSummary(choice: BusLogChoice): BusLogSummary | undefined {
  const status = choice.status()
  if (!choice.logGroup || !status) return undefined
  return {
    logGroup: choice.logGroup,
    lookups: status.lookups,
    decided: status.decided,
    ...(status.failure ? {failure: status.failure} : {}),
  }
}
