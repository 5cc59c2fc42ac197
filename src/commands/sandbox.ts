import {isIP} from 'node:net'

import {Flags} from '@oclif/core'

import {LocalCommand} from '../cli/base-command.js'
import {DEFAULT_SANDBOX_URL} from '../cli/flags.js'
import {MomentoEbError, UsageError} from '../core/errors.js'
import {formatLatency, parseLatencySpec, type LatencySettings} from '../sandbox/latency.js'
import {parseFaultSpec, parseRateLimitSpec, type FaultRule, type RateLimit} from '../sandbox/momento/faults.js'
import {failureDetailFlag} from '../cli/sandbox-flags.js'
import {canonicalHost} from '../sandbox/protocol/guard.js'
import {startSandbox, type RunningSandbox} from '../sandbox/server.js'

/** The one JSON line `sandbox --json` prints when it is ready. */
export interface SandboxReady {
  endpoint: string
  region: string
  accountId: string
  apiKey: string
  port: number
  host: string
}

/** How long a stop may take before the process exits anyway. */
const CLOSE_GRACE_MS = 5_000

export default class Sandbox extends LocalCommand<typeof Sandbox> {
  static override summary = 'Run the local sandbox (EventBridge, SQS, Secrets Manager, STS, Momento HTTP API)'
  static override description = `Runs in the foreground until Ctrl-C or SIGTERM, then stops and exits 0. State is in memory only.

When ready it prints the endpoint, region, account id and the Momento API key it accepts, and the
environment exports that point the AWS SDK and momento-eb at it. With --json it prints exactly one JSON
line instead: {"endpoint","region","accountId","apiKey","port","host"}.

An HTTP error from an API destination's endpoint is dead-lettered with ERROR_CODE UNKNOWN and a generic
ERROR_MESSAGE (no status, no body), the worst case of what AWS may write; --failure-detail detailed puts
the status and response body in ERROR_MESSAGE instead. GET or PUT /_sandbox/pipeline/failure-detail reads
or changes it while the sandbox runs; /_sandbox/deliveries (\`momento-eb sandbox deliveries\`) always shows the real answer.

--latency adds per-call latency with jitter to the AWS APIs (not to Momento's, see --fault latency=…):
--latency aws takes the sandbox's assumption of typical in-region figures (SQS 15~5 ms, EventBridge 20~5 ms,
CloudFormation 60~20 ms, others 20~5 ms); --latency sqs=15~5,events=20 sets them per service (ms, ~ jitter).
GET or PUT /_sandbox/latency (\`momento-eb sandbox latency\`) reads or changes it while the sandbox runs.
A queue allows --sqs-max-in-flight received, undeleted messages (default 120,000, AWS's standard-queue
quota); past it a short-poll ReceiveMessage answers OverLimit and a long poll ends empty.

The sandbox accepts any AWS credentials. It binds 127.0.0.1 unless --host says otherwise; --port 0 takes
a free port. A port already in use exits 1.

It answers only requests whose Host is localhost, 127.0.0.0/8, [::1] or the --host it is bound to (plus
any IP address of this machine when bound to 0.0.0.0 or ::), and names added with --allow-host. It
refuses requests from web browsers (an Origin or cross-site Sec-Fetch-* header) with 403, so a web page
can't reach it. GET /_sandbox/info returns the Momento key only with ?include=apiKey.

A key passed with --api-key is visible to other local users in the process list; prefer
MOMENTO_EB_SANDBOX_API_KEY.`
  static override examples = [
    '<%= config.bin %> sandbox',
    '<%= config.bin %> sandbox --port 0 --json',
    '<%= config.bin %> sandbox --cache orders --cache audit',
    '<%= config.bin %> sandbox --fault 503@orders:p=0.5 --momento-rate-limit 10:burst=20',
    '<%= config.bin %> sandbox --failure-detail detailed',
    '<%= config.bin %> sandbox --latency aws',
    '<%= config.bin %> sandbox --latency sqs=15~5,events=20~5,cloudformation=60',
  ]
  // The sandbox stops cleanly on SIGINT and SIGTERM and exits 0 (see waitForStopSignal).
  static override exitOnInterrupt = false
  static override flags = {
    port: Flags.integer({
      summary: 'Port to listen on (0 takes a free port).',
      env: 'MOMENTO_EB_SANDBOX_PORT',
      default: 4566,
      min: 0,
      max: 65_535,
    }),
    host: Flags.string({
      summary: 'Address to bind. Anything but loopback exposes a server that accepts any credentials.',
      env: 'MOMENTO_EB_SANDBOX_HOST',
      default: '127.0.0.1',
    }),
    'allow-host': Flags.string({
      summary: 'Also accept this Host name, e.g. a name other machines use for this one (repeatable).',
      multiple: true,
    }),
    cache: Flags.string({
      summary: 'Momento cache to create at start (repeatable).',
      multiple: true,
    }),
    'api-key': Flags.string({
      summary: 'Momento API key the sandbox accepts (default: a random key). Visible in ps; prefer the env var.',
      env: 'MOMENTO_EB_SANDBOX_API_KEY',
    }),
    fault: Flags.custom<FaultRule>({
      summary: 'Momento fault rule, e.g. 500, 429:retry-after=2, latency=6000, 503@orders:p=0.5 (repeatable).',
      multiple: true,
      parse: async (input) => parseFaultSpec(input),
    })(),
    'momento-rate-limit': Flags.custom<RateLimit>({
      summary:
        "Throttle the sandbox's Momento (429 beyond it): <perSecond>[/global|/cache][:burst=<n>], e.g. 10:burst=20.",
      description: 'Formerly --rate-limit, still accepted.',
      aliases: ['rate-limit'],
      parse: async (input) => parseRateLimitSpec(input),
    })(),
    'failure-detail': failureDetailFlag(),
    latency: Flags.custom<LatencySettings>({
      summary:
        'Added latency of the AWS APIs: aws (typical figures), off, or <service>=<ms>[~<jitter>],… e.g. sqs=15~5,events=20.',
      env: 'MOMENTO_EB_SANDBOX_LATENCY',
      parse: async (input) => parseLatencySpec(input),
    })(),
    'sqs-max-in-flight': Flags.integer({
      summary: 'In-flight messages a queue allows before ReceiveMessage answers OverLimit (AWS: 120,000).',
      default: 120_000,
      min: 1,
    }),
    'time-scale': Flags.custom<number>({
      summary: 'Multiplier for simulated waits (retry backoff, Retry-After); 1 is AWS-like.',
      env: 'MOMENTO_EB_SANDBOX_TIME_SCALE',
      parse: async (input) => {
        const value = Number(input)
        if (!Number.isFinite(value) || value <= 0) throw new Error(`Expected a number above 0, got "${input}".`)
        return value
      },
    })(),
  }

  public async run(): Promise<void> {
    const {flags} = this
    if (flags['api-key'] !== undefined && flags['api-key'].trim() === '') {
      throw new UsageError('The Momento API key is empty.', {
        hints: ['Pass a non-empty --api-key, or leave it out for a random key.'],
      })
    }
    if (flags.host.trim() === '') {
      throw new UsageError('The --host to bind is empty: that would listen on every interface.', {
        hints: [
          'Leave --host out to bind 127.0.0.1 (this machine only).',
          'To listen on every interface on purpose, pass --host 0.0.0.0.',
        ],
      })
    }
    for (const name of flags['allow-host'] ?? []) {
      const hasPort = /:\d*$/.test(name) && isIP(name) !== 6 && !name.endsWith(']')
      if (canonicalHost(name) === undefined || hasPort) {
        throw new UsageError(`--allow-host ${JSON.stringify(name)} is not a host name or address.`, {
          hints: [
            'Pass a name or address without scheme or port, e.g. --allow-host devbox.lan or --allow-host 10.0.0.5.',
          ],
        })
      }
    }
    const sandbox = await this.listen()
    // Listen for the stop signal before saying it is ready: a supervisor (or a test) may send SIGTERM the
    // moment it reads the ready line, and a signal with no handler yet would kill it uncleanly.
    const stopped = waitForStopSignal()
    const ready: SandboxReady = {
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      accountId: sandbox.accountId,
      apiKey: sandbox.apiKey,
      port: sandbox.port,
      host: sandbox.host,
    }
    // The key is printed here on purpose: it is the sandbox's own throwaway key, and the point of this output.
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(ready)}\n`)
    else process.stdout.write(humanReady(ready, [...new Set(flags.cache ?? [])], flags.latency))
    if (!isLoopback(sandbox.host)) {
      process.stderr.write(
        `Warning: listening on ${sandbox.host}: other machines can reach a server that accepts any credentials.\n` +
          'It answers only Host names that are loopback, its own address, or given with --allow-host.\n',
      )
    }
    if (!this.jsonEnabled()) process.stderr.write('Press Ctrl-C to stop.\n')

    const signal = await stopped
    if (!this.jsonEnabled()) process.stderr.write(`\n${signal}: stopping the sandbox…\n`)
    const closed = await closeWithin(sandbox, CLOSE_GRACE_MS)
    if (!this.jsonEnabled()) process.stderr.write('Sandbox stopped.\n')
    // Connections that didn't finish within the grace period would keep the process alive.
    if (!closed) process.exit(0)
  }

  private async listen(): Promise<RunningSandbox> {
    const {flags} = this
    const momento: {faults?: FaultRule[]; rateLimit?: RateLimit} = {}
    if (flags.fault && flags.fault.length > 0) momento.faults = flags.fault
    if (flags['momento-rate-limit']) momento.rateLimit = flags['momento-rate-limit']
    try {
      return await startSandbox({
        port: flags.port,
        host: flags.host.trim(),
        allowHosts: flags['allow-host'] ?? [],
        caches: flags.cache ?? [],
        momento,
        ...(flags['api-key'] ? {apiKey: flags['api-key'].trim()} : {}),
        ...(flags['time-scale'] === undefined ? {} : {timeScale: flags['time-scale']}),
        failureDetail: flags['failure-detail'],
        ...(flags.latency === undefined ? {} : {latency: flags.latency}),
        sqsMaxInFlight: flags['sqs-max-in-flight'],
        log: (line) => process.stderr.write(`sandbox: ${this.redactor.redact(line)}\n`),
      })
    } catch (error) {
      throw listenError(error, flags.host, flags.port)
    }
  }
}

/** Translate a failed `listen()` into a clear error (exit 1). */
export function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as {code?: unknown} | null)?.code
  const where = `${host}:${port}`
  if (code === 'EADDRINUSE') {
    return new MomentoEbError(`Can't start the sandbox: ${where} is already in use.`, {
      cause: error,
      code: 'EB_PORT_IN_USE',
      hints: [
        `Another sandbox may be running: check with \`curl http://${where}/_sandbox/info\`.`,
        'Pick another port with --port, or --port 0 for a free one.',
      ],
    })
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new MomentoEbError(`Can't start the sandbox on ${where}.`, {
      cause: error,
      code: 'EB_SANDBOX_LISTEN',
      hints: ['Use a local address with --host (default 127.0.0.1) and a port above 1023 with --port.'],
    })
  }
  return error
}

function humanReady(ready: SandboxReady, caches: readonly string[], latency?: LatencySettings): string {
  const exports = [
    `AWS_ENDPOINT_URL=${ready.endpoint}`,
    `AWS_REGION=${ready.region}`,
    'AWS_ACCESS_KEY_ID=test',
    'AWS_SECRET_ACCESS_KEY=test',
    `MOMENTO_HTTP_ENDPOINT=${ready.endpoint}`,
    `MOMENTO_API_KEY=${ready.apiKey}`,
    `MOMENTO_EB_SANDBOX_URL=${ready.endpoint}`,
  ]
  return [
    `Sandbox listening on ${ready.endpoint}`,
    `  region     ${ready.region}`,
    `  account    ${ready.accountId}`,
    `  API key    ${ready.apiKey}`,
    `  caches     ${caches.length > 0 ? caches.join(', ') : 'none yet (an event for a missing cache is dead-lettered)'}`,
    ...latencyLines(latency),
    '  state      in memory only: gone when this process stops',
    '',
    'Add a Momento cache while it runs (or start it with --cache NAME):',
    // Another port than the default: the commands find it through MOMENTO_EB_SANDBOX_URL (exported above).
    ...shellLines(
      [
        ...(ready.endpoint === DEFAULT_SANDBOX_URL ? [] : [`MOMENTO_EB_SANDBOX_URL=${ready.endpoint}`]),
        'momento-eb sandbox cache create orders',
      ],
      '  ',
    ),
    '  (`momento-eb sandbox cache list` and `… cache delete NAME` too)',
    '',
    'Use it from another shell:',
    ...shellLines(['export', ...exports], '  '),
    'or pass --sandbox to momento-eb commands.',
    '',
  ].join('\n')
}

/** The banner's latency line(s), wrapped at commas within 80 columns; none when no latency is added. */
function latencyLines(latency: LatencySettings | undefined): string[] {
  const spec = latency ? formatLatency(latency) : 'off'
  if (spec === 'off') return []
  const lines: string[] = []
  let line = '  latency    ms added to each AWS call: '
  for (const [i, item] of spec.split(',').entries()) {
    const piece = i === 0 ? item : `,${item}`
    if (line.length + piece.length > 79 && i > 0) {
      lines.push(`${line},`)
      line = `             ${item}`
    } else {
      line += piece
    }
  }
  lines.push(line)
  lines.push('             (change it while it runs: `momento-eb sandbox latency set|clear`)')
  return lines
}

/**
 * Words of a shell command as lines that fit 80 columns, each but the last ending in ` \` (so the
 * whole pastes as one command), continuation lines indented two more than the first.
 */
export function shellLines(words: readonly string[], indent: string, width = 80): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of words) {
    const prefix = lines.length === 0 ? indent : `${indent}  `
    const candidate = line === '' ? `${prefix}${word}` : `${line} ${word}`
    if (line !== '' && candidate.length + 2 > width) {
      lines.push(`${line} \\`)
      line = `${indent}  ${word}`
    } else {
      line = candidate
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

/** Resolve with the first SIGINT or SIGTERM. A second signal while stopping exits 130 at once. */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      const force = () => process.exit(130)
      process.once('SIGINT', force)
      process.once('SIGTERM', force)
      resolve(signal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}

/** Close the sandbox; false when it took longer than `ms`. */
async function closeWithin(sandbox: RunningSandbox, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
    timer.unref()
  })
  const closed = await Promise.race([sandbox.close().then(() => true), timeout])
  if (timer) clearTimeout(timer)
  return closed
}
