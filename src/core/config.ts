/**
 * User defaults (`momento-eb config set|get|unset|list`) and the one precedence rule every command
 * follows: flag > environment variable > saved config > built-in default.
 */

import {UsageError} from './errors.js'

export interface ConfigKey {
  /** Name used on the command line (`momento-eb config set cache orders`). */
  readonly name: string
  readonly description: string
  /** The tool's environment variable for the same setting. */
  readonly env: string
  /** Returns an error message when the value can't be used. */
  readonly validate: (value: string) => string | undefined
}

const nonEmpty = (value: string): string | undefined => (value.trim() === '' ? 'The value is empty.' : undefined)
const name = (value: string): string | undefined =>
  /^[A-Za-z0-9._-]{1,255}$/.test(value) ? undefined : 'Use 1–255 letters, digits, ".", "_" or "-".'

/** Every setting the config file may hold. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  {name: 'cache', description: 'Momento cache for put commands', env: 'MOMENTO_EB_CACHE', validate: name},
  {
    name: 'bus',
    description: 'event bus put publishes to, deploy puts the rules on, whoami and status check',
    env: 'MOMENTO_EB_BUS',
    validate: name,
  },
  {
    name: 'source',
    description: 'Source of published events',
    env: 'MOMENTO_EB_SOURCE',
    validate: (v) =>
      nonEmpty(v) ?? (v.startsWith('aws.') ? 'Sources starting with "aws." are reserved by AWS.' : undefined),
  },
  {
    name: 'stack',
    description: 'CloudFormation stack name',
    env: 'MOMENTO_EB_STACK',
    validate: (v) => (stackNameProblem(v) ? 'Use a letter, then letters, digits or "-" (128 at most).' : undefined),
  },
  {
    name: 'region',
    description: 'AWS region',
    env: 'AWS_REGION',
    validate: (v) => (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v) ? undefined : 'Use an AWS region name such as us-east-1.'),
  },
]

export type ConfigValues = Partial<Record<string, string>>

/** The key named `key`, or undefined. */
export function findConfigKey(key: string): ConfigKey | undefined {
  return CONFIG_KEYS.find((k) => k.name === key)
}

export type Origin = 'flag' | 'env' | 'config' | 'default'

/** Resolve one setting by precedence, saying where the value came from. */
export function resolveSetting(
  key: string,
  sources: {
    flag?: string | undefined
    env: Readonly<Record<string, string | undefined>>
    config: ConfigValues
    fallback?: string
  },
): {value: string; origin: Origin} | undefined {
  if (sources.flag !== undefined && sources.flag !== '') return {value: sources.flag, origin: 'flag'}
  const envName = findConfigKey(key)?.env
  const fromEnv = envName ? sources.env[envName] : undefined
  if (fromEnv !== undefined && fromEnv !== '') return {value: fromEnv, origin: 'env'}
  const fromConfig = sources.config[key]
  if (fromConfig !== undefined && fromConfig !== '') return {value: fromConfig, origin: 'config'}
  if (sources.fallback !== undefined) return {value: sources.fallback, origin: 'default'}
  return undefined
}

/** The bus PutEvents uses without EventBusName, and ours by default. */
export const DEFAULT_BUS = 'default'

const BUS_ORIGIN: Record<Origin, string> = {
  flag: 'the flag',
  env: 'MOMENTO_EB_BUS',
  config: 'the saved `bus` setting',
  default: 'the default',
}

/**
 * The event bus by the one precedence every command follows: flag > MOMENTO_EB_BUS > saved `bus` >
 * `default`, with where it came from (for messages: "bus orders (MOMENTO_EB_BUS)").
 */
export function resolveBus(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  config: ConfigValues,
): {value: string; origin: Origin; from: string} {
  // An empty flag is a mistake to report (an invalid bus name), not "unset".
  if (flag !== undefined) return {value: flag, origin: 'flag', from: BUS_ORIGIN.flag}
  const resolved = resolveSetting('bus', {flag, env, config, fallback: DEFAULT_BUS}) ?? {
    value: DEFAULT_BUS,
    origin: 'default' as const,
  }
  return {...resolved, from: BUS_ORIGIN[resolved.origin]}
}

/** The stack name Momento's launch button uses, and ours by default. */
export const DEFAULT_STACK = 'momento-api'

/**
 * CloudFormation's rule for a stack name (the StackName constraint of CreateStack / CreateChangeSet):
 * a letter, then letters, digits and hyphens, 128 characters at most.
 */
const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]*$/
export const MAX_STACK_NAME_LENGTH = 128

/** Why `name` can't be a CloudFormation stack name, or undefined when it can. */
export function stackNameProblem(name: string): string | undefined {
  if (name.length > MAX_STACK_NAME_LENGTH) {
    return `it is ${name.length} characters long; CloudFormation allows at most ${MAX_STACK_NAME_LENGTH}.`
  }
  if (!STACK_NAME.test(name)) {
    return 'a stack name starts with a letter and holds only letters, digits and hyphens (-).'
  }
  return undefined
}

const STACK_ORIGIN: Record<Origin, string> = {
  flag: '--stack',
  env: 'MOMENTO_EB_STACK',
  config: 'the saved `stack` setting',
  default: 'the default',
}

/**
 * The stack name by precedence: --stack > MOMENTO_EB_STACK > saved `stack` > momento-api. Throws
 * UsageError (exit 2) when it isn't a valid CloudFormation stack name, naming where it came from,
 * before any AWS call.
 */
export function resolveStack(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  config: ConfigValues,
): string {
  const resolved = resolveSetting('stack', {flag, env, config, fallback: DEFAULT_STACK}) ?? {
    value: DEFAULT_STACK,
    origin: 'default' as const,
  }
  const problem = stackNameProblem(resolved.value)
  if (problem) {
    const fix =
      resolved.origin === 'env'
        ? 'Fix or unset MOMENTO_EB_STACK.'
        : resolved.origin === 'config'
          ? 'Fix it with `momento-eb config set stack NAME`, or pass --stack.'
          : 'Pass --stack with a name such as momento-api.'
    throw new UsageError(
      `${JSON.stringify(resolved.value)} (${STACK_ORIGIN[resolved.origin]}) isn't a valid stack name: ${problem}`,
      {code: 'EB_BAD_STACK_NAME', hints: [fix, 'Stack names match [a-zA-Z][-a-zA-Z0-9]* (at most 128 characters).']},
    )
  }
  return resolved.value
}
