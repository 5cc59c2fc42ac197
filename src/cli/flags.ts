import {Flags} from '@oclif/core'

/** Where `--sandbox` points when MOMENTO_EB_SANDBOX_URL isn't set: `momento-eb sandbox`'s default. */
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4566'
/** Region `--sandbox` uses unless --region or AWS_REGION says otherwise. */
export const SANDBOX_REGION = 'us-east-1'
export {SANDBOX_CREDENTIALS} from '../wiring/sandbox.js'

const GLOBAL = 'GLOBAL'

/** Validate an endpoint URL flag value: http(s) only, kept as given minus a trailing slash. */
export async function parseEndpointUrl(input: string): Promise<string> {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new Error(`Expected an http:// or https:// URL, got "${input}".`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Expected an http:// or https:// URL, got "${input}".`)
  }
  return input.replace(/\/+$/, '')
}

/** Longest --call-timeout accepted: beyond an hour a "timeout" protects nothing. */
const MAX_CALL_TIMEOUT_MS = 3_600_000
const DURATION_UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000}

/**
 * Parse a --call-timeout value: a duration (`10s`, `1.5s`, `500ms`, `2m`) or a number of seconds,
 * into milliseconds. At least 100 ms, at most an hour.
 */
export async function parseCallTimeout(input: string): Promise<number> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(input)
  const ms = match ? Number(match[1]) * (DURATION_UNIT_MS[(match[2] ?? 's').toLowerCase()] ?? 1000) : Number.NaN
  if (!Number.isFinite(ms) || ms < 100 || ms > MAX_CALL_TIMEOUT_MS) {
    throw new Error(
      `Expected a duration from 100ms to 1h such as 10s, 1.5s, 500ms or 2m (or a number of seconds), got "${input}" ` +
        '(check MOMENTO_EB_CALL_TIMEOUT too).',
    )
  }
  return Math.round(ms)
}

const TTL_UNIT_SECONDS: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86_400}

/**
 * A --ttl value as seconds: a number of seconds as given (`300`), or a duration of one or more
 * parts (`90s`, `5m`, `1.5h`, `1h30m`, `1d`) converted to seconds. Anything else comes back as given,
 * for the TTL check to refuse with its own words (bounds and whole seconds are checked there).
 */
export function ttlFromFlag(input: string | undefined): string | number | undefined {
  if (input === undefined) return undefined
  const text = input.trim().toLowerCase()
  if (!/^(\d+(\.\d+)?\s*[smhd]\s*)+$/.test(text)) return input
  let seconds = 0
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)\s*([smhd])/g)) {
    seconds += Number(part[1]) * (TTL_UNIT_SECONDS[part[2] as string] ?? 1)
  }
  // 1.5m is 90 seconds exactly; keep float noise out of the whole-seconds check.
  return Math.abs(seconds - Math.round(seconds)) < 1e-9 ? Math.round(seconds) : seconds
}

/**
 * Flags every command accepts (help group GLOBAL). `--endpoint-url` has no `env` on purpose: when
 * it's absent the SDK applies AWS_ENDPOINT_URL_<SERVICE> and then AWS_ENDPOINT_URL itself, so a
 * service-specific variable beats the global one. `--no-color` has no `env` either: NO_COLOR means
 * "any non-empty value", which oclif's boolean env parsing doesn't follow; the context reads it.
 */
export const globalFlags = {
  region: Flags.string({
    summary: 'AWS region. Default: AWS_REGION, then the profile’s region.',
    env: 'AWS_REGION',
    helpGroup: GLOBAL,
  }),
  profile: Flags.string({
    summary: 'AWS shared-config profile (SSO, assume-role and static profiles all work).',
    env: 'AWS_PROFILE',
    helpGroup: GLOBAL,
  }),
  'endpoint-url': Flags.string({
    summary: 'Send every AWS call to this endpoint. Without it, AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL apply.',
    helpGroup: GLOBAL,
    exclusive: ['sandbox'],
    parse: parseEndpointUrl,
  }),
  'momento-endpoint': Flags.string({
    summary: 'Base URL of the Momento HTTP API.',
    env: 'MOMENTO_HTTP_ENDPOINT',
    helpGroup: GLOBAL,
    parse: parseEndpointUrl,
  }),
  'call-timeout': Flags.custom<number>({
    summary:
      'Longest one attempt of an AWS or Momento call may wait for an answer: 10s, 500ms, 2m. Default 10s (long polls add their wait).',
    env: 'MOMENTO_EB_CALL_TIMEOUT',
    helpGroup: GLOBAL,
    helpValue: 'DURATION',
    parse: parseCallTimeout,
  })(),
  sandbox: Flags.boolean({
    summary: `Use the local sandbox (MOMENTO_EB_SANDBOX_URL, default ${DEFAULT_SANDBOX_URL}) with throwaway credentials.`,
    helpGroup: GLOBAL,
  }),
  'no-color': Flags.boolean({
    summary: 'Disable colour (also off when NO_COLOR is set or stdout isn’t a terminal).',
    helpGroup: GLOBAL,
  }),
  verbose: Flags.boolean({
    summary: 'Print extra context (endpoint, region, profile) on stderr.',
    env: 'MOMENTO_EB_VERBOSE',
    helpGroup: GLOBAL,
  }),
}

/**
 * The global flags of commands that make no AWS call (template, exit-codes, environment, config,
 * version, the sandbox server): only output ones, so no --region or --profile is offered and then
 * silently ignored.
 */
export const localFlags = {
  'no-color': globalFlags['no-color'],
  verbose: globalFlags.verbose,
}

/** The parsed values of the global flags. */
export interface GlobalFlagValues {
  readonly region?: string | undefined
  readonly profile?: string | undefined
  readonly 'endpoint-url'?: string | undefined
  readonly 'momento-endpoint'?: string | undefined
  /** --call-timeout / MOMENTO_EB_CALL_TIMEOUT in milliseconds. */
  readonly 'call-timeout'?: number | undefined
  readonly sandbox?: boolean | undefined
  readonly 'no-color'?: boolean | undefined
  readonly verbose?: boolean | undefined
}
