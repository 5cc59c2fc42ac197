/**
 * The oclif edge of `top`: the stack resolved and its adapters wired as the service's sources
 * (services/top.ts runs the refresh loop), then one of three outputs: the Ink dashboard on a
 * terminal (ui/top/dashboard.ts), NDJSON with --follow, or one JSON snapshot. SIGINT and SIGTERM
 * end any of them.
 */
import {spawn} from 'node:child_process'

import {resolveStack} from '../core/config.js'
import {AuthError} from '../core/errors.js'
import {parseWindow, snapshotDegraded, type TopSnapshot, type TopTarget} from '../core/top-model.js'
import {sampleDlq, TopService, type TopSources} from '../services/top.js'
import {runTopDashboard} from '../ui/top/dashboard.js'
import type {CommandHost} from './base-command.js'
import {withBusLogs} from './bus-logs.js'
import {decoderFromFlags} from './diagnose.js'
import type {GlobalFlagValues} from './flags.js'
import {resolveTopTarget, topAdapters} from '../wiring/top.js'

/** The flags `top` reads (and the global ones it passes on to `dlq watch`). */
export interface TopFlags extends GlobalFlagValues {
  stack?: string | undefined
  interval: number
  window: string
  follow: boolean
  sample: number
  ascii: boolean
}

/** What the command lends the run: where notes and the snapshot are printed. */
export interface TopCommandHooks {
  /** stderr, in --json mode too. */
  note(line: string): void
  /** The snapshot on stdout as indented JSON (redacted). */
  logJson(value: unknown): void
}

/** `top`: a dashboard, a --follow stream, or one snapshot (returned for --json and the exit code). */
export async function topFromFlags(
  host: CommandHost,
  flags: TopFlags,
  hooks: TopCommandHooks,
): Promise<TopSnapshot | void> {
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    // The stack's outputs (BusLogGroupName: the DLQ sample joins the event bus's log, as `dlq list` does).
    // Its rules, bus, DLQ and alarms: its outputs first, its resources when they say nothing.
    const stack = resolveStack(flags.stack, process.env, host.savedConfig)
    const {target, outputs} = await resolveTopTarget(host.ctx, stack)
    const service = new TopService({
      target,
      sources: topSources(host, target, outputs),
      window: parseWindow(flags.window) ?? '1h',
      intervalMs: flags.interval * 1000,
      // --call-timeout bounds each attempt; the service bounds the whole call (retries included).
      callTimeoutMs: host.ctx.momento.callTimeoutMs + 2_000,
      sampleLimit: flags.sample,
    })
    if (host.ctx.output.interactive && !host.jsonEnabled()) {
      await dashboard(host, flags, service, target, controller.signal)
      return
    }
    if (flags.follow) {
      await stream(host, service, controller)
      return
    }
    const snapshot = await service.refresh(controller.signal, {waitForSample: true})
    if (snapshotDegraded(snapshot)) {
      for (const line of problems(snapshot)) hooks.note(line)
    }
    // Off a terminal the snapshot is JSON even without --json.
    if (!host.jsonEnabled()) hooks.logJson(snapshot)
    return snapshot
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

/** The AWS adapters as the service's sources; each failure says which source and why, in one line. */
function topSources(
  host: CommandHost,
  target: TopTarget,
  stackOutputs: Record<string, string> | undefined,
): TopSources {
  const {ctx} = host
  const clients = ctx.aws
  const adapters = topAdapters(ctx, target)
  const queue = adapters.queue
  const redact = (text: string) => host.redactor.redact(text)
  // One line: the adapter's message, what the service itself said, and for a refusal the permission to add.
  const explain = (permission?: string) => (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    const cause = (error as {cause?: {name?: unknown; message?: unknown}}).cause
    const said =
      cause && typeof cause.message === 'string' && cause.message !== '' && !message.includes(cause.message)
        ? ` (${typeof cause.name === 'string' ? `${cause.name}: ` : ''}${cause.message})`
        : ''
    const allow = permission && error instanceof AuthError ? ` Allow ${permission} for this identity.` : ''
    throw new Error(redact(`${message}${said}${allow}`))
  }
  return {
    metrics: (specs, range) => adapters.metrics(specs, range).catch(explain('cloudwatch:GetMetricData')),
    alarms: (names) => adapters.alarms(names).catch(explain('cloudwatch:DescribeAlarms')),
    depth: async () => {
      if (!queue) throw new Error('no DLQ')
      const d = await queue.depth().catch(explain('sqs:GetQueueAttributes'))
      return {visible: d.visible, inFlight: d.inFlight, delayed: d.delayed ?? 0}
    },
    sample: async (limit) => {
      if (!queue) throw new Error('no DLQ')
      // The plain decoder (no Momento probe): a dashboard must not call Momento every 30 s.
      const decoder = await decoderFromFlags(ctx, {diagnose: false}, host.redactor, 'momento-eb top', {
        region: clients.target.region,
      })
      // With the stack's event-bus log, the reasons come from it (one FilterLogEvents per sample): in
      // AWS's opaque DLQ text a 404, a 401 and a 500 look alike. A log that can't be read only loses that.
      const joined = withBusLogs(ctx, {}, {outputs: stackOutputs, source: 'stack-output'}, decoder.decode)
      return sampleDlq(queue, limit, joined.decode).catch(explain('sqs:ReceiveMessage and sqs:ChangeMessageVisibility'))
    },
  }
}

/** --follow off a terminal: NDJSON, one snapshot per refresh, until SIGINT/SIGTERM or a closed stdout. */
async function stream(host: CommandHost, service: TopService, controller: AbortController): Promise<void> {
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') controller.abort()
  }
  process.stdout.on('error', onStdoutError)
  try {
    for await (const snapshot of service.snapshots(controller.signal)) {
      process.stdout.write(`${host.redactor.redact(JSON.stringify(snapshot))}\n`)
    }
  } finally {
    process.stdout.off('error', onStdoutError)
  }
}

/** On a terminal: the Ink dashboard; `d` ends it and runs `dlq watch` on the same queue. */
async function dashboard(
  host: CommandHost,
  flags: TopFlags,
  service: TopService,
  target: TopTarget,
  signal: AbortSignal,
): Promise<void> {
  const how = await runTopDashboard(
    service,
    {title: `${target.stack} · bus ${target.bus}`, color: host.ctx.output.color, ascii: flags.ascii},
    signal,
  )
  if (how === 'dlq-watch' && !signal.aborted) await openDlqWatch(host, flags, target)
}

/**
 * Hand the terminal to `dlq watch` on the stack's queue, as a child process (as the demo does), with
 * the same AWS flags; its exit code becomes ours.
 */
async function openDlqWatch(host: CommandHost, flags: TopFlags, target: TopTarget): Promise<void> {
  if (!target.dlq) {
    host.logToStderr(`Stack ${target.stack} has no DLQ to watch.`)
    return
  }
  const args = ['dlq', 'watch', '--queue-url', target.dlq.queueUrl, ...awsFlagArgs(flags)]
  host.logToStderr(`momento-eb ${args.join(' ')}`)
  const bin = process.argv[1] ?? 'momento-eb'
  // Ink leaves stdin reading: paused, every key goes to the child.
  if (process.stdin.isTTY) process.stdin.setRawMode(false)
  process.stdin.pause()
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {stdio: 'inherit', env: process.env})
    // Ctrl-C reaches the child too, which leaves its view with exit 0: it must not also stop this process.
    const ignore = () => {}
    process.on('SIGINT', ignore)
    const done = (value: number) => {
      process.off('SIGINT', ignore)
      resolve(value)
    }
    child.once('exit', (c) => done(c ?? 1))
    child.once('error', () => done(1))
  })
  if (code !== 0) process.exitCode = code
}

/** The global flags to pass on to a command run next. */
function awsFlagArgs(f: GlobalFlagValues): string[] {
  const out: string[] = []
  if (f.sandbox) out.push('--sandbox')
  if (f.region) out.push('--region', f.region)
  if (f.profile) out.push('--profile', f.profile)
  if (f['endpoint-url']) out.push('--endpoint-url', f['endpoint-url'])
  if (f['call-timeout']) out.push('--call-timeout', `${f['call-timeout']}ms`)
  if (f['no-color']) out.push('--no-color')
  return out
}

/** One line per source that failed or is stale, for stderr. */
function problems(s: TopSnapshot): string[] {
  const out: string[] = []
  if (s.metrics.status === 'error' || s.metrics.status === 'stale') {
    out.push(`Metrics unavailable: ${s.metrics.error ?? 'no answer'} Rates, sparklines and latency are left empty.`)
  }
  if (s.dlq && (s.dlq.depth.status === 'error' || s.dlq.depth.status === 'stale')) {
    out.push(`DLQ depth: ${s.dlq.depth.error ?? 'unavailable'}`)
  }
  if (s.alarms.status === 'error' || s.alarms.status === 'stale') out.push(`Alarms: ${s.alarms.error ?? 'unavailable'}`)
  if (s.failures.status === 'error' || s.failures.status === 'stale') {
    out.push(`DLQ sample: ${s.failures.error ?? 'unavailable'}`)
  }
  return out
}
