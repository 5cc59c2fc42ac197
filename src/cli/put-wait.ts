import {type Command, Flags} from '@oclif/core'

import type {ConfigValues} from '../core/config.js'
import {ConfigError, UsageError} from '../core/errors.js'
import {parseDuration} from '../core/dlq-filter.js'
import type {MomentoEvent} from '../core/momento-events.js'
import type {PutResult} from '../services/put-event.js'
import {exitCodeOfPut, publishOne, type PutWait, type PutWaitResult} from '../services/put-one.js'
import {prepareWait, type WaitReport} from '../services/put-wait.js'
import {openDlq} from '../wiring/dlq.js'
import {busRulesMatchingEvent, type BusRuleMatch, eventsPort, momentoReader} from '../wiring/put.js'
import {sandboxApiKey} from '../wiring/sandbox.js'
import {BaseCommand} from './base-command.js'
import type {CliContext} from './context.js'
import {diagnosingDecoderFor} from './diagnose.js'
import {dlqQueueFlags, resolveStack} from './dlq-flags.js'
import {printPutResult} from './put-output.js'
import {type PreparedPutTrace, preparePutTrace, putTraceFlag, runPutTrace} from './put-trace.js'
import type {Redactor} from './redact.js'

/** `--wait`, `--timeout` and where the DLQ is: added to `put cacheSet | cacheDelete | topicPublish`. */
export const putWaitFlags = {
  wait: Flags.boolean({
    summary:
      'Wait until Momento shows the event delivered (exit 0), a DLQ message carries it (exit 1), or --timeout (exit 8). ' +
      'When no rule on the bus matches the event, says so at once (exit 1).',
    description:
      "Watching the DLQ receives its messages about once a second (SQS can't read a queue without receiving), " +
      "so each poll raises every DLQ message's ApproximateReceiveCount by one; the wait's note says by how much.",
    helpGroup: 'WAIT',
  }),
  timeout: Flags.string({
    summary: 'How long --wait waits: a duration (30s, 2m) or seconds. Default 30s.',
    helpGroup: 'WAIT',
  }),
  ...putTraceFlag,
  ...dlqQueueFlags,
}

/** Parse --timeout: a duration or a number of seconds. */
export function parseTimeout(text: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) * 1000 : parseDuration(text)
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--timeout ${JSON.stringify(text)} isn't a duration.`, {hints: ['Use e.g. 30s, 2m or 45.']})
  }
  return ms
}

interface WaitCommand {
  ctx: CliContext
  redactor: Redactor
  savedConfig: ConfigValues
  logToStderr(line: string): void
}

/**
 * Everything `--wait` needs, set up BEFORE publishing: the Momento reader (MOMENTO_API_KEY and the
 * endpoint; with --sandbox the sandbox's own key), the DLQ (--queue-url, else the stack's; without
 * one only delivery or the timeout can end the wait), and for topics an open subscription.
 */
export async function preparePutWait(
  command: WaitCommand,
  flags: {timeout?: string | undefined; stack?: string | undefined; 'queue-url'?: string | undefined},
  event: MomentoEvent,
): Promise<PutWait> {
  const timeoutMs = parseTimeout(flags.timeout ?? '30s')
  const {ctx} = command
  const endpoint = ctx.momento.endpoint
  let apiKey = ctx.momento.apiKey
  if (!apiKey && ctx.usingSandbox) apiKey = await sandboxApiKey(ctx.sandboxUrl, {timeoutMs: ctx.momento.callTimeoutMs})
  command.redactor.add(apiKey)
  if (!endpoint || !apiKey) {
    throw new ConfigError('--wait reads the result back from Momento, which needs an endpoint and an API key.', {
      code: 'EB_WAIT_NEEDS_MOMENTO',
      hints: [
        endpoint
          ? 'Export MOMENTO_API_KEY (it is never printed).'
          : 'Pass --momento-endpoint or set MOMENTO_HTTP_ENDPOINT.',
        'Or drop --wait.',
      ],
    })
  }
  let dlq
  // An invalid stack name is a usage error (exit 2), not a queue that can't be found.
  const stack = flags['queue-url'] ? '' : resolveStack(flags.stack, process.env, command.savedConfig)
  try {
    dlq = (await openDlq(ctx, {queueUrl: flags['queue-url'], stack})).queue
  } catch (error) {
    if (flags['queue-url']) throw error
    command.logToStderr(
      `Can't find the dead-letter queue (${(error as Error).message.split('\n')[0]}); waiting for delivery only. Pass --queue-url to watch it.`,
    )
  }
  const prepared = await prepareWait(event, {
    momento: momentoReader(ctx.momento, endpoint, apiKey),
    dlq,
    decoder: diagnosingDecoderFor(ctx, apiKey),
  })
  return {prepared, timeoutMs}
}

/**
 * Publish one validated event with the ports the flags ask for (services/put-one.ts runs it): with
 * `--wait`, the reader and the DLQ; with `--trace`, the stack's bus logs.
 */
export async function putOne(
  command: WaitCommand & {jsonEnabled(): boolean; log(line: string): void},
  flags: {
    wait?: boolean | undefined
    trace?: boolean | undefined
    timeout?: string | undefined
    stack?: string | undefined
    'queue-url'?: string | undefined
  },
  event: MomentoEvent,
  defaults: {bus: string; source: string; maxEntryBytes: number},
): Promise<PutResult | PutWaitResult> {
  const {ctx} = command
  const json = command.jsonEnabled()
  return publishOne(
    {
      events: eventsPort(ctx),
      prepareWait: flags.wait ? () => preparePutWait(command, flags, event) : undefined,
      trace: flags.trace
        ? {
            prepare: () => preparePutTrace(command, flags),
            run: (prepared: PreparedPutTrace, eventId: string, publishedAtMs: number, report: WaitReport) =>
              runPutTrace(command, prepared, eventId, publishedAtMs, report),
          }
        : undefined,
      noRuleMatches: (e, d) => noRuleMatches(command, e, d),
    },
    event,
    defaults,
    {
      printPut: (result) => {
        if (!json) printPutResult(command, result)
      },
      tell: (line) => {
        if (!json) command.logToStderr(line)
      },
      waiting: (timeoutMs) => {
        if (!json && ctx.output.interactive)
          command.logToStderr(`Waiting up to ${Math.round(timeoutMs / 1000)}s for delivery…`)
      },
      suggest: (text) => ctx.suggest.text(text),
    },
  )
}

/**
 * The rules of the bus the event went to, when none of them matches it (undefined when one may, or
 * when the rules can't be listed: then the wait says what it finds, as before).
 */
async function noRuleMatches(
  command: WaitCommand,
  event: MomentoEvent,
  defaults: {bus: string; source: string},
): Promise<BusRuleMatch | undefined> {
  const {ctx} = command
  try {
    const found = await busRulesMatchingEvent(ctx, defaults.bus, {
      source: defaults.source,
      detailType: event.detailType,
      detail: event.detail,
      region: ctx.target.region,
    })
    return found.matching.length === 0 ? found : undefined
  } catch (error) {
    ctx.verbose(`Couldn't list the rules on bus ${defaults.bus} (${(error as Error).message.split('\n')[0]}).`)
    return undefined
  }
}

/** The three single-event puts (`put cacheSet | cacheDelete | topicPublish`): their exit code comes from the result. */
export abstract class SinglePutCommand<T extends typeof Command> extends BaseCommand<T> {
  protected override exitCodeFor(result: PutResult | PutWaitResult): number | undefined {
    return exitCodeOfPut(result)
  }
}
