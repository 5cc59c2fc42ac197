import {Flags} from '@oclif/core'

import {locateDlq} from '../adapters/aws/dlq.js'
import {createDlqQueue} from '../adapters/aws/sqs.js'
import {createEventsPort, rulesMatchingEvent, sampleEventFor, type BusRuleMatch} from '../adapters/aws/eventbridge.js'
import {createMomentoHttpClient} from '../adapters/momento/http.js'
import {readSandboxInfo} from '../adapters/sandbox-info.js'
import type {ConfigValues} from '../core/config.js'
import {ConfigError, ExitCode, UsageError} from '../core/errors.js'
import {parseDuration} from '../core/dlq-filter.js'
import type {EventJourney} from '../core/event-journey.js'
import type {MomentoEvent} from '../core/momento-events.js'
import {putEvent, type PutResult} from '../services/put-event.js'
import {prepareWait, type PreparedWait, type WaitReport} from '../services/put-wait.js'
import type {CliContext} from './context.js'
import {diagnosingDecoderFor} from './diagnose.js'
import {dlqQueueFlags, resolveStack} from './dlq-flags.js'
import {printPutResult} from './put-output.js'
import {preparePutTrace, putTraceFlag, runPutTrace} from './put-trace.js'
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

/** What `put … --wait --json` prints: the put result plus the outcome (and with --trace, the journey). */
export type PutWaitResult = PutResult & WaitReport & {trace?: EventJourney | undefined}

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
): Promise<{prepared: PreparedWait; timeoutMs: number}> {
  const timeoutMs = parseTimeout(flags.timeout ?? '30s')
  const {ctx} = command
  const endpoint = ctx.momento.endpoint
  let apiKey = ctx.momento.apiKey
  if (!apiKey && ctx.usingSandbox)
    apiKey = (await readSandboxInfo(ctx.sandboxUrl, {timeoutMs: ctx.momento.callTimeoutMs, onFailure: 'undefined'}))
      ?.apiKey
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
    const located = await locateDlq(ctx.aws, {queueUrl: flags['queue-url'], stack}, {sandboxUrl: ctx.sandboxUrl})
    dlq = createDlqQueue(ctx.aws, located.queueUrl, {sandboxUrl: ctx.sandboxUrl})
  } catch (error) {
    if (flags['queue-url']) throw error
    command.logToStderr(
      `Can't find the dead-letter queue (${(error as Error).message.split('\n')[0]}); waiting for delivery only. Pass --queue-url to watch it.`,
    )
  }
  const prepared = await prepareWait(event, {
    momento: createMomentoHttpClient(endpoint, apiKey, {callTimeoutMs: ctx.momento.callTimeoutMs}),
    dlq,
    decoder: diagnosingDecoderFor(ctx, apiKey),
  })
  return {prepared, timeoutMs}
}

/** Wait, print the outcome on stderr, set the exit code (0 delivered, 1 dead-lettered, 8 timed out). */
export async function finishPutWait(
  command: WaitCommand & {jsonEnabled(): boolean},
  put: PutResult,
  wait: {prepared: PreparedWait; timeoutMs: number},
): Promise<PutWaitResult> {
  if (!command.jsonEnabled() && command.ctx.output.interactive) {
    command.logToStderr(`Waiting up to ${Math.round(wait.timeoutMs / 1000)}s for delivery…`)
  }
  const report = await wait.prepared.wait(put.eventId, wait.timeoutMs)
  if (!command.jsonEnabled()) {
    const secs = (report.waitedMs / 1000).toFixed(1)
    if (report.outcome === 'delivered') command.logToStderr(`Delivered to Momento in ${secs}s.`)
    else if (report.outcome === 'dead-lettered') {
      const d = report.deadLetter
      command.logToStderr(`Dead-lettered after ${secs}s: ${d?.reason ?? 'unknown'} — ${d?.explanation ?? ''}`)
      if (d?.fix) command.logToStderr(`Fix: ${d.fix}`)
    } else {
      command.logToStderr(
        `Not delivered and not dead-lettered within ${Math.round(wait.timeoutMs / 1000)}s (EventBridge may still be retrying).`,
      )
    }
    for (const note of report.notes) command.logToStderr(`Note: ${note}`)
  }
  if (report.outcome === 'dead-lettered') process.exitCode = ExitCode.Failed
  if (report.outcome === 'timed-out') process.exitCode = ExitCode.TimedOutWaiting
  return {...put, ...report}
}

/**
 * Publish one validated event, as every single-event `put` does: with `--wait`, set up the reader
 * and the DLQ first, then publish, print the summary, and wait for the outcome.
 */
export async function publishOne(
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
  // --wait opens its Momento subscription and finds the DLQ (and --trace the logs) before anything is published.
  const wait = flags.wait ? await preparePutWait(command, flags, event) : undefined
  const tracing = wait && flags.trace ? await preparePutTrace(command, flags) : undefined
  const publishedAtMs = Date.now()
  let result: PutResult
  try {
    result = await putEvent(createEventsPort(command.ctx.aws, command.ctx), event, defaults)
  } catch (error) {
    wait?.prepared.close()
    throw error
  }
  if (!command.jsonEnabled()) printPutResult(command, result)
  if (!wait) return result
  const unmatched = await noRuleMatches(command, event, defaults)
  if (unmatched) {
    wait.prepared.close()
    return reportUnmatched(command, result, unmatched, defaults)
  }
  const waited = await finishPutWait(command, result, wait)
  const traced = tracing
    ? {...waited, trace: await runPutTrace(command, tracing, result.eventId, publishedAtMs, waited)}
    : waited
  // Notes that name a command carry this run's context in JSON too (stderr has it through logToStderr).
  return {...traced, notes: traced.notes.map((note) => command.ctx.suggest.text(note))}
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
    const sample = sampleEventFor({
      source: defaults.source,
      detailType: event.detailType,
      detail: event.detail,
      region: ctx.target.region,
    })
    const found = await rulesMatchingEvent(ctx.aws, defaults.bus, sample, {sandboxUrl: ctx.sandboxUrl})
    return found.matching.length === 0 ? found : undefined
  } catch (error) {
    ctx.verbose(`Couldn't list the rules on bus ${defaults.bus} (${(error as Error).message.split('\n')[0]}).`)
    return undefined
  }
}

/** "No rule on bus X matches": exit 1 at once, with where the rules are and how to point there. */
function reportUnmatched(
  command: WaitCommand & {jsonEnabled(): boolean},
  put: PutResult,
  found: BusRuleMatch,
  defaults: {bus: string; source: string},
): PutWaitResult {
  const what = `detail type ${put.detailType} from source ${defaults.source}`
  const notes = [
    found.disabled.length > 0
      ? `The rules on bus ${found.bus} that match it are disabled (${found.disabled.join(', ')}).`
      : found.rules === 0
        ? `Bus ${found.bus} has no rules at all.`
        : `None of the ${found.rules} rules on bus ${found.bus} matches ${what}.`,
    'Publish to the bus the stack’s rules listen on (`momento-eb status` shows it) with --bus or ' +
      '`momento-eb config set bus NAME`, or deploy the rules on this bus with ' +
      `\`momento-eb deploy --bus ${found.bus}\`.`,
  ]
  if (!command.jsonEnabled()) {
    command.logToStderr(
      `No rule on bus ${found.bus} matches this event (${what}): EventBridge accepted it and delivered it nowhere.`,
    )
    for (const note of notes) command.logToStderr(`Note: ${note}`)
  }
  process.exitCode = ExitCode.Failed
  const shown = notes.map((note) => command.ctx.suggest.text(note))
  return {...put, outcome: 'unmatched', waitedMs: 0, deadLetter: undefined, notes: shown}
}
