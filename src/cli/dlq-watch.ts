/**
 * The oclif edge of `dlq watch`: open the DLQ and the decoder from the flags, then stream NDJSON on
 * stdout (off a terminal, or --json) or mount the terminal view (src/ui/dlq/watch-screen.ts) with the
 * actions of services/dlq-watch-run.ts over the adapters.
 */

import type {DlqQueuePort} from '../core/dlq.js'
import {isFiltering, type DlqFilter} from '../core/dlq-filter.js'
import {DlqWatchFeed} from '../services/dlq-watch.js'
import {filtered, startEarly, watchActions, watchLines} from '../services/dlq-watch-run.js'
import {watchInTerminal} from '../ui/dlq/watch-screen.js'
import {watchActionAdapters} from '../wiring/dlq-actions.js'
import type {LocatedQueue} from '../wiring/dlq.js'
import type {CommandHost} from './base-command.js'
import {checkBusLogFlags, withBusLogs} from './bus-logs.js'
import {createDlqTracer} from './dlq-trace.js'
import {decoderFromFlags} from './diagnose.js'
import {filterFromFlags, openDlqFromFlags} from './dlq-flags.js'

export interface WatchFlags {
  'queue-url'?: string | undefined
  stack?: string | undefined
  diagnose?: boolean | undefined
  logs?: boolean | undefined
  'log-group'?: string | undefined
  interval: number
  demo: boolean
  rate?: number | undefined
}

/** Watch until q, Ctrl-C or SIGTERM (the signal), or a closed stdout. */
export async function watchDlq(
  host: CommandHost,
  flags: WatchFlags & Parameters<typeof filterFromFlags>[0],
  signal: AbortSignal,
): Promise<void> {
  const {ctx, redactor} = host
  const filter = filterFromFlags(flags)
  checkBusLogFlags(flags)
  // The queue's lookup and the decoder's set-up (the sandbox's key) go out together: one round trip
  // less before the first poll. A failed lookup is reported first, as when they ran in turn.
  const opening = openDlqFromFlags(ctx, flags, host.savedConfig)
  // A watch runs for hours while causes get fixed: a cache is probed again after a minute.
  const decoding = decoderFromFlags(
    ctx,
    flags,
    redactor,
    'momento-eb dlq watch',
    {region: ctx.aws.target.region},
    {findingTtlMs: 60_000},
  )
  decoding.catch(() => undefined)
  const {queue, located, name} = await opening
  const decoder = await decoding
  if (signal.aborted) return
  // A watch runs for hours: a log that can't be read is tried again a minute later, and said once.
  const interactive = ctx.output.interactive && !host.jsonEnabled()
  let logWarning: string | undefined
  const logs = withBusLogs(ctx, flags, located, decoder.decode, (warning) => {
    // The full-screen view owns the terminal: say it when the view is gone.
    if (interactive) logWarning ??= warning
    else process.stderr.write(`${redactor.redact(warning)}\n`)
  })
  const feed = new DlqWatchFeed({port: queue, decode: logs.decode, intervalMs: flags.interval * 1000})
  if (!interactive) {
    ctx.verbose(`Watching ${located.queueUrl}: NDJSON on stdout until Ctrl-C.`)
    await streamLines(feed, filter, signal, host)
    return
  }
  // The first poll (the depth and a first sample) starts now, before the view's modules load.
  const early = startEarly((s) => filtered(feed.updates(s), filter), signal)
  try {
    await watchInTerminal({
      queueName: isFiltering(filter) ? `${name} (flags filter)` : name,
      feed,
      early,
      actions: watchActions(feed, actionPorts(host, flags, queue, located), {
        region: ctx.aws.target.region,
        rate: flags.rate,
      }),
      color: ctx.output.color,
      // Stale once a few sweeps (each the interval plus up to a second of reading) went by without a read.
      staleAfterMs: 3 * (flags.interval + 1) * 1000,
      quitLabel: flags.demo ? 'continue the demo' : undefined,
      signal,
    })
  } finally {
    early.stop()
    if (logWarning) process.stderr.write(`${redactor.redact(logWarning)}\n`)
  }
}

/** The adapters behind the view's actions. */
function actionPorts(host: CommandHost, flags: WatchFlags, queue: DlqQueuePort, located: LocatedQueue) {
  const {ctx} = host
  const adapters = watchActionAdapters(ctx, queue)
  return {
    queue,
    events: adapters.events,
    describeRule: adapters.describeRule,
    openJournal: adapters.openJournal,
    editText: async (text: string, name: string) => {
      try {
        return await adapters.editText(text, name)
      } finally {
        // A full-screen editor leaves the alternate screen when it quits: go back to it for the view.
        const {returnToAlternateScreen} = await import('../ui/alternate-screen.js')
        returnToAlternateScreen(process.stdout)
      }
    },
    writeNdjson: adapters.writeNdjson,
    trace: createDlqTracer(ctx, flags, host.savedConfig, located),
    redact: (text: string) => host.redactor.redact(text),
  }
}

/** Non-TTY: one NDJSON line per newly seen (matching) message, until the signal or a closed stdout. */
async function streamLines(feed: DlqWatchFeed, filter: DlqFilter, outer: AbortSignal, host: CommandHost) {
  const controller = new AbortController()
  const abort = () => controller.abort()
  outer.addEventListener('abort', abort, {once: true})
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') controller.abort()
  }
  process.stdout.on('error', onStdoutError)
  const redact = (text: string) => host.redactor.redact(text)
  try {
    const onError = (message: string) => process.stderr.write(`${redact(message)} (retrying)\n`)
    for await (const lines of watchLines(feed, filter, controller.signal, redact, onError)) {
      if (!process.stdout.write(`${lines.join('\n')}\n`)) await waitForDrain(controller.signal)
    }
  } finally {
    outer.removeEventListener('abort', abort)
    process.stdout.off('error', onStdoutError)
  }
}

function waitForDrain(signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = () => {
      process.stdout.off('drain', done)
      signal.removeEventListener('abort', done)
      resolvePromise()
    }
    process.stdout.once('drain', done)
    signal.addEventListener('abort', done, {once: true})
  })
}
