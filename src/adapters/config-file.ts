import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import type {ConfigValues} from '../core/config.js'
import {ConfigError} from '../core/errors.js'

/** The config file inside a config directory (oclif's, which honours XDG_CONFIG_HOME and MOMENTO_EB_CONFIG_DIR). */
export function configFilePath(configDir: string): string {
  return join(configDir, 'config.json')
}

/** Read saved defaults; a missing file is an empty config. Throws ConfigError when the file is unreadable. */
export async function loadConfig(path: string): Promise<ConfigValues> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new ConfigError(`Can't read the config file ${path}.`, {
      cause: error,
      hints: ['Check its permissions, or remove it and set the values again with `momento-eb config set`.'],
    })
  }
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object')
    const values: ConfigValues = {}
    for (const [key, v] of Object.entries(value)) if (typeof v === 'string') values[key] = v
    return values
  } catch (error) {
    throw new ConfigError(`The config file ${path} isn't a JSON object of settings.`, {
      cause: error,
      hints: [`Fix or remove ${path}, then use \`momento-eb config set KEY VALUE\`.`],
    })
  }
}

/** Save defaults atomically (write a temp file, then rename), readable by the user only. */
export async function saveConfig(path: string, values: ConfigValues): Promise<void> {
  await mkdir(dirname(path), {recursive: true, mode: 0o700})
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, `${JSON.stringify(values, null, 2)}\n`, {mode: 0o600})
  await rename(temp, path)
}
