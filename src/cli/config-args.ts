import {Args} from '@oclif/core'

import {CONFIG_KEYS, findConfigKey} from '../core/config.js'
import {UsageError} from '../core/errors.js'

/** The KEY argument of `config` commands, checked against the known keys. */
export const configKeyArg = Args.string({
  name: 'key',
  required: true,
  description: `Setting name: ${CONFIG_KEYS.map((k) => k.name).join(', ')}.`,
  options: CONFIG_KEYS.map((k) => k.name),
})

/** Throw a UsageError naming the valid keys when `key` isn't one. */
export function requireConfigKey(key: string) {
  const found = findConfigKey(key)
  if (!found) {
    throw new UsageError(`Unknown setting "${key}".`, {
      hints: [`Use one of: ${CONFIG_KEYS.map((k) => k.name).join(', ')}.`],
    })
  }
  return found
}
