import {Flags} from '@oclif/core'

import {LocalCommand} from '../cli/base-command.js'
import {failureDetailFlag} from '../cli/sandbox-flags.js'
import {runSandboxServer} from '../cli/sandbox-server.js'
import {parseLatencySpec, type LatencySettings} from '../sandbox/latency.js'
import {parseFaultSpec, parseRateLimitSpec, type FaultRule, type RateLimit} from '../sandbox/momento/faults.js'

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
    await runSandboxServer(this.flags, {json: this.jsonEnabled(), redact: (text) => this.redactor.redact(text)})
  }
}
