import {UsageError} from '../core/errors.js'
import {AWS_REGION_NAMES, REGION_NAME} from '../core/regions.js'
import {DEFAULT_SANDBOX_URL, SANDBOX_CREDENTIALS, SANDBOX_REGION, type GlobalFlagValues} from './flags.js'
import {resolveOutputMode, type OutputMode} from './output.js'
import type {Redactor} from './redact.js'
import {PLAIN_SUGGESTIONS, type SuggestionRenderer} from './suggest-context.js'
import {suggestValue} from './suggest.js'
import {
  type AwsTarget,
  DEFAULT_CALL_TIMEOUT_MS,
  lazyAwsClients,
  type MomentoTarget,
  type WiringContext,
} from '../wiring/context.js'

export type {MomentoTarget} from '../wiring/context.js'

/**
 * What one command run needs from the outside world, resolved once. The AWS clients (`aws`, built on
 * first access), `momento`, `sandboxUrl`, `usingSandbox` and `verbose` are the WiringContext that
 * src/wiring builds the ports from.
 */
export interface CliContext extends WiringContext {
  readonly output: OutputMode
  /** The AWS target the clients are built for (only what was set explicitly). */
  readonly target: AwsTarget
  /** Renders suggested commands with the context the user ran this one with (--sandbox, --stack…). */
  readonly suggest: SuggestionRenderer
  /** Release the clients. BaseCommand calls it when the run ends. */
  destroy(): void
}

export interface ContextInputs {
  readonly flags: GlobalFlagValues
  readonly json: boolean
  readonly env: NodeJS.ProcessEnv
  readonly stdout: {readonly isTTY?: boolean}
  readonly stdin: {readonly isTTY?: boolean}
  readonly stderr: {write(chunk: string): unknown}
  readonly redactor: Redactor
  /** How suggestions carry this run's context; none when absent. */
  readonly suggest?: SuggestionRenderer | undefined
}

/** `--region` (or AWS_REGION) that isn't a region name: exit 2, with the region it most likely meant. */
function checkRegionName(region: string | undefined, sandbox: boolean): void {
  if (region === undefined || REGION_NAME.test(region)) return
  const guess = suggestValue(region, AWS_REGION_NAMES)
  throw new UsageError(`"${region}" is not an AWS region name (from --region or AWS_REGION).`, {
    code: 'EB_BAD_REGION',
    hints: [
      ...(guess ? [`Did you mean ${guess}?`] : []),
      sandbox
        ? 'Pass a region name like us-east-1 or eu-west-1, or leave --region out for us-east-1.'
        : 'Pass a region name like us-east-1 or eu-west-1 (`aws ec2 describe-regions` lists yours).',
    ],
  })
}

/** The URL `--sandbox` points at. */
export function sandboxUrlFrom(env: NodeJS.ProcessEnv): string {
  const fromEnv = env['MOMENTO_EB_SANDBOX_URL']?.trim()
  return (fromEnv ? fromEnv : DEFAULT_SANDBOX_URL).replace(/\/+$/, '')
}

/**
 * Resolve the AWS target from the global flags. With `--sandbox`: the sandbox URL, throwaway
 * credentials, and us-east-1 unless a region was given. Otherwise only what was set, so the SDK's
 * default chain (env, profiles, SSO, AWS_ENDPOINT_URL[_<SERVICE>]) resolves the rest.
 */
export function resolveAwsTarget(flags: GlobalFlagValues, env: NodeJS.ProcessEnv): AwsTarget {
  const timeout = flags['call-timeout'] ? {callTimeoutMs: flags['call-timeout']} : {}
  if (flags.sandbox) {
    // The sandbox serves any region by name; a name that isn't one would be signed and sent anyway.
    checkRegionName(flags.region, true)
    return {
      endpoint: sandboxUrlFrom(env),
      region: flags.region ?? SANDBOX_REGION,
      credentials: {...SANDBOX_CREDENTIALS},
      ...timeout,
    }
  }
  // AWS: a name that isn't a region (us-east1) would otherwise fail as an unknown host, "unreachable".
  checkRegionName(flags.region, false)
  return {
    ...timeout,
    ...(flags.region ? {region: flags.region} : {}),
    ...(flags.profile ? {profile: flags.profile} : {}),
    ...(flags['endpoint-url'] ? {endpoint: flags['endpoint-url']} : {}),
  }
}

/** Build the context of one run: output mode now, AWS clients lazily. */
export function createCliContext(inputs: ContextInputs): CliContext {
  const {flags, env} = inputs
  const output = resolveOutputMode({
    stdoutIsTTY: inputs.stdout.isTTY,
    stdinIsTTY: inputs.stdin.isTTY,
    env,
    noColorFlag: flags['no-color'],
    json: inputs.json,
    verbose: flags.verbose,
  })
  const sandboxUrl = sandboxUrlFrom(env)
  const usingSandbox = flags.sandbox === true
  const target = resolveAwsTarget(flags, env)
  const apiKey = env['MOMENTO_API_KEY'] || undefined
  inputs.redactor.add(apiKey)
  const momento: MomentoTarget = {
    // An explicit endpoint (--momento-endpoint or MOMENTO_HTTP_ENDPOINT) wins, with --sandbox too.
    endpoint: flags['momento-endpoint'] ?? (usingSandbox ? sandboxUrl : undefined),
    apiKey,
    callTimeoutMs: flags['call-timeout'] ?? DEFAULT_CALL_TIMEOUT_MS,
  }
  const verbose = (line: string) => {
    if (output.verbose) inputs.stderr.write(`${inputs.redactor.redact(line)}\n`)
  }
  const aws = lazyAwsClients(target, verbose)
  if (usingSandbox && (output.interactive || output.verbose)) {
    inputs.stderr.write(`Using the sandbox at ${sandboxUrl} (region ${target.region ?? SANDBOX_REGION}).\n`)
    const explicit = flags['momento-endpoint']
    if (explicit && explicit.replace(/\/+$/, '') !== sandboxUrl) {
      inputs.stderr.write(`Momento calls go to ${explicit} (--momento-endpoint), not the sandbox's Momento.\n`)
    }
  }
  return {
    output,
    target,
    momento,
    usingSandbox,
    sandboxUrl,
    suggest: inputs.suggest ?? PLAIN_SUGGESTIONS,
    get aws() {
      return aws.clients
    },
    verbose,
    destroy() {
      aws.destroy()
    },
  }
}
