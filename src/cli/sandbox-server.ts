/**
 * `momento-eb sandbox`: check the flags, start the server, print the ready line (JSON) or the banner,
 * and stop cleanly on SIGINT/SIGTERM. The command only declares the flags.
 */
import {isIP} from 'node:net'

import {MomentoEbError, UsageError} from '../core/errors.js'
import {DEFAULT_SANDBOX_URL} from './flags.js'
import {formatLatency, type LatencySettings} from '../sandbox/latency.js'
import type {FailureDetail} from '../sandbox/pipeline/failures.js'
import type {FaultRule, RateLimit} from '../sandbox/momento/faults.js'
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

/** The flags of `momento-eb sandbox`, as oclif parsed them. */
export interface SandboxServerFlags {
  port: number
  host: string
  'allow-host'?: string[] | undefined
  cache?: string[] | undefined
  'api-key'?: string | undefined
  fault?: FaultRule[] | undefined
  'momento-rate-limit'?: RateLimit | undefined
  'time-scale'?: number | undefined
  'failure-detail': FailureDetail
  latency?: LatencySettings | undefined
  'sqs-max-in-flight': number
}

/** What the run needs of the command: the output mode and the redactor for the server's log lines. */
export interface SandboxServerHost {
  json: boolean
  redact(text: string): string
}

/** How long a stop may take before the process exits anyway. */
const CLOSE_GRACE_MS = 5_000

export async function runSandboxServer(flags: SandboxServerFlags, host: SandboxServerHost): Promise<void> {
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
  const sandbox = await listen(flags, host)
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
  if (host.json) process.stdout.write(`${JSON.stringify(ready)}\n`)
  else process.stdout.write(humanReady(ready, [...new Set(flags.cache ?? [])], flags.latency))
  if (!isLoopback(sandbox.host)) {
    process.stderr.write(
      `Warning: listening on ${sandbox.host}: other machines can reach a server that accepts any credentials.\n` +
        'It answers only Host names that are loopback, its own address, or given with --allow-host.\n',
    )
  }
  if (!host.json) process.stderr.write('Press Ctrl-C to stop.\n')

  const signal = await stopped
  if (!host.json) process.stderr.write(`\n${signal}: stopping the sandbox…\n`)
  const closed = await closeWithin(sandbox, CLOSE_GRACE_MS)
  if (!host.json) process.stderr.write('Sandbox stopped.\n')
  // Connections that didn't finish within the grace period would keep the process alive.
  if (!closed) process.exit(0)
}

async function listen(flags: SandboxServerFlags, host: SandboxServerHost): Promise<RunningSandbox> {
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
      log: (line) => process.stderr.write(`sandbox: ${host.redact(line)}\n`),
    })
  } catch (error) {
    throw listenError(error, flags.host, flags.port)
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
