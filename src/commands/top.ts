import {spawn} from 'node:child_process'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {withBusLogs} from '../cli/bus-logs.js'
import {decoderFromFlags} from '../cli/diagnose.js'
import {resolveStack} from '../core/config.js'
import {AuthError, ExitCode} from '../core/errors.js'
import {
  parseWindow,
  snapshotDegraded,
  summarizeSample,
  TOP_WINDOW_KEYS,
  type TopSnapshot,
  type TopTarget,
} from '../core/top-model.js'
import {peekDlq} from '../services/dlq-list.js'
import {DEFAULT_SAMPLE_LIMIT, TopService, type TopSources} from '../services/top.js'
import {untilExit} from '../ui/until-exit.js'
import {resolveTopTarget, topAdapters} from '../wiring/top.js'

export default class Top extends BaseCommand<typeof Top> {
  static override summary = 'A live dashboard: rates, failures, latency, the DLQ and alarms, per rule'
  static override description =
    'Per rule (cacheSet, cacheDelete, topicPublish), from CloudWatch (AWS/Events): invocations per minute, ' +
    'failures, retries, throttles and DLQ writes over the window, with sparklines, and the ingestion-to-invocation ' +
    "latency. The DLQ's depth (read from the queue itself) and its oldest message's age (CloudWatch's " +
    'ApproximateAgeOfOldestMessage; without CloudWatch, the oldest of the sample, shown as ≥). The state of ' +
    "the stack's alarms, and the top failure reasons of the DLQ's first N messages (--sample, a peek every " +
    '30 s: nothing is deleted, but each read raises their receive count; when the stack delivers the event ' +
    "bus's logs, the reasons come from them, as in `dlq list`).\n\n" +
    'Rates are per minute, averaged over the window (EventBridge sends its metrics once a minute, best ' +
    'effort, and sends no zeros); FAIL, RETRY, THROT and DLQ are totals over the window; LATENCY is the ' +
    "average IngestiontoInvocationStartLatency. Metrics that can't be read are shown as -, never as 0.\n\n" +
    'Cost per refresh: ONE CloudWatch GetMetricData call for all 27 series, one DescribeAlarms (only when the ' +
    'stack has alarms), one SQS GetQueueAttributes; plus the sample every 30 s (and with bus logs one CloudWatch ' +
    'Logs FilterLogEvents per sample). GetMetricData is billed per ' +
    'metric requested, so a view left open for a day at --interval 5 requests about 470,000 metrics: use a ' +
    'longer --interval for a view that stays open (the metrics change once a minute).\n\n' +
    'Permissions: cloudformation:DescribeStacks (and ListStackResources for a stack without rule outputs), ' +
    'cloudwatch:GetMetricData, cloudwatch:DescribeAlarms, sqs:GetQueueAttributes, sqs:ReceiveMessage, ' +
    'sqs:ChangeMessageVisibility (and logs:FilterLogEvents with bus logs).\n\n' +
    'On a terminal: a full-screen view. Keys: 1, 2, 3 pick the window (5 min, 1 hour, 24 hours), w cycles it, ' +
    'd leaves and opens `dlq watch` on the same queue, q or Ctrl-C quits (exit 0).\n\n' +
    'Otherwise (piped, CI, or --json): one snapshot as JSON, exit 0 when every source was read and 3 (partial) ' +
    'when one failed (CloudWatch unreachable or not allowed, the queue unreadable...): the snapshot then says ' +
    'which, and why, and the rest is still shown. With --follow: one snapshot per line (NDJSON) every ' +
    '--interval until Ctrl-C or SIGTERM (exit 0).'
  static override examples = [
    '<%= config.bin %> top',
    '<%= config.bin %> top --window 24h',
    '<%= config.bin %> top --json | jq ".rules[] | {detailType, failures}"',
    '<%= config.bin %> top --json --follow --interval 30',
  ]
  static override flags = {
    stack: Flags.string({
      summary: 'Stack to watch. Default: MOMENTO_EB_STACK, then `config set stack`, then momento-api.',
    }),
    interval: Flags.integer({summary: 'Seconds between refreshes.', default: 5, min: 1, max: 300}),
    window: Flags.string({
      summary: `Window of the rates and sparklines: ${TOP_WINDOW_KEYS.join(', ')}.`,
      default: '1h',
      options: [...TOP_WINDOW_KEYS],
    }),
    follow: Flags.boolean({summary: 'With --json or off a terminal: a snapshot per line every --interval.'}),
    sample: Flags.integer({
      summary: 'DLQ messages to peek at for the failure reasons (every 30 s); 0 turns it off.',
      default: DEFAULT_SAMPLE_LIMIT,
      min: 0,
      max: 500,
    }),
    ascii: Flags.boolean({
      summary: 'Draw sparklines with ASCII characters instead of blocks (automatic when the locale is not UTF-8).',
    }),
  }
  /** Leaving the dashboard or a --follow stream (q, Ctrl-C, SIGTERM) is success. */
  static override exitOnInterrupt = false

  /** A one-off snapshot that could not read everything is partly done (3). */
  protected override exitCodeFor(snapshot: TopSnapshot): number | undefined {
    return snapshotDegraded(snapshot) ? ExitCode.Partial : undefined
  }

  public async run(): Promise<TopSnapshot | void> {
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    try {
      const target = await this.resolveTarget()
      const service = new TopService({
        target,
        sources: this.sources(target),
        window: parseWindow(this.flags.window) ?? '1h',
        intervalMs: this.flags.interval * 1000,
        // --call-timeout bounds each attempt; the service bounds the whole call (retries included).
        callTimeoutMs: this.ctx.momento.callTimeoutMs + 2_000,
        sampleLimit: this.flags.sample,
      })
      if (this.ctx.output.interactive && !this.jsonEnabled()) {
        await this.dashboard(service, target, controller.signal)
        return
      }
      if (this.flags.follow) {
        await this.stream(service, controller)
        return
      }
      const snapshot = await service.refresh(controller.signal, {waitForSample: true})
      if (snapshotDegraded(snapshot)) {
        for (const line of problems(snapshot)) this.note(line)
      }
      // Off a terminal the snapshot is JSON even without --json.
      if (!this.jsonEnabled()) this.logJson(snapshot)
      return snapshot
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }

  /** The stack's outputs (BusLogGroupName: the DLQ sample joins the event bus's log, as `dlq list` does). */
  private stackOutputs: Record<string, string> | undefined

  /** The rules, bus, DLQ and alarms of the stack: its outputs first, its resources when they say nothing. */
  private async resolveTarget(): Promise<TopTarget> {
    const stack = resolveStack(this.flags.stack, process.env, this.savedConfig)
    const {target, outputs} = await resolveTopTarget(this.ctx, stack)
    this.stackOutputs = outputs
    return target
  }

  /** The AWS adapters as the service's sources; each failure says which source and why, in one line. */
  private sources(target: TopTarget): TopSources {
    const clients = this.ctx.aws
    const adapters = topAdapters(this.ctx, target)
    const queue = adapters.queue
    const redact = (text: string) => this.redactor.redact(text)
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
        const decoder = await decoderFromFlags(this.ctx, {diagnose: false}, this.redactor, 'momento-eb top', {
          region: clients.target.region,
        })
        // With the stack's event-bus log, the reasons come from it (one FilterLogEvents per sample): in
        // AWS's opaque DLQ text a 404, a 401 and a 500 look alike. A log that can't be read only loses that.
        const joined = withBusLogs(this.ctx, {}, {outputs: this.stackOutputs, source: 'stack-output'}, decoder.decode)
        // A peek: received with a short visibility timeout and released at once; nothing is deleted, but each
        // message's receive count goes up by one per sample (so at most once per 30 s).
        const peek = await peekDlq(queue, {
          limit,
          decoder: joined.decode,
          visibilityTimeoutSeconds: 30,
          // A 1 s long poll, as `dlq list`: SQS answers a short poll from a sample of its servers, which
          // can miss the messages of a small queue. It runs in the background, so the wait costs nothing.
          waitSeconds: 1,
          maxEmptyReceives: 2,
          maxScanned: limit,
        }).catch(explain('sqs:ReceiveMessage and sqs:ChangeMessageVisibility'))
        return summarizeSample(peek.records, limit, peek.truncated)
      },
    }
  }

  /** --follow off a terminal: NDJSON, one snapshot per refresh, until SIGINT/SIGTERM or a closed stdout. */
  private async stream(service: TopService, controller: AbortController): Promise<void> {
    const onStdoutError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') controller.abort()
    }
    process.stdout.on('error', onStdoutError)
    try {
      for await (const snapshot of service.snapshots(controller.signal)) {
        process.stdout.write(`${this.redactor.redact(JSON.stringify(snapshot))}\n`)
      }
    } finally {
      process.stdout.off('error', onStdoutError)
    }
  }

  /** On a terminal: the Ink dashboard; `d` ends it and runs `dlq watch` on the same queue. */
  private async dashboard(service: TopService, target: TopTarget, signal: AbortSignal): Promise<void> {
    // As `dlq watch`: React's production build unless NODE_ENV says otherwise.
    const nodeEnv = process.env['NODE_ENV']
    if (nodeEnv === undefined) process.env['NODE_ENV'] = 'production'
    const [{render}, {createElement}, {TopApp}, {createTheme}, {asciiFromEnv}] = await Promise.all([
      import('ink'),
      import('react'),
      import('../ui/top/TopApp.js'),
      import('../ui/theme.js'),
      import('../ui/top/lines.js'),
    ]).finally(() => {
      if (nodeEnv === undefined) delete process.env['NODE_ENV']
    })
    const ended: {how: 'quit' | 'dlq-watch'} = {how: 'quit'}
    const instance = render(
      createElement(TopApp, {
        feed: service,
        theme: createTheme(this.ctx.output.color),
        title: `${target.stack} · bus ${target.bus}`,
        ascii: this.flags.ascii || asciiFromEnv(process.env),
        onExit: (h) => (ended.how = h),
      }),
      {exitOnCtrlC: false, maxFps: 30},
    )
    await untilExit(instance, signal)
    if (ended.how === 'dlq-watch' && !signal.aborted) await this.openDlqWatch(target)
  }

  /**
   * Hand the terminal to `dlq watch` on the stack's queue, as a child process (as the demo does), with
   * the same AWS flags; its exit code becomes ours.
   */
  private async openDlqWatch(target: TopTarget): Promise<void> {
    if (!target.dlq) {
      this.logToStderr(`Stack ${target.stack} has no DLQ to watch.`)
      return
    }
    const args = ['dlq', 'watch', '--queue-url', target.dlq.queueUrl, ...this.awsFlagArgs()]
    this.logToStderr(`momento-eb ${args.join(' ')}`)
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
  private awsFlagArgs(): string[] {
    const f = this.flags
    const out: string[] = []
    if (f.sandbox) out.push('--sandbox')
    if (f.region) out.push('--region', f.region)
    if (f.profile) out.push('--profile', f.profile)
    if (f['endpoint-url']) out.push('--endpoint-url', f['endpoint-url'])
    if (f['call-timeout']) out.push('--call-timeout', `${f['call-timeout']}ms`)
    if (f['no-color']) out.push('--no-color')
    return out
  }
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
