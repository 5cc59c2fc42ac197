/**
 * The saved-config file behind `config set/unset/list` and BaseCommand's startup: the commands and the
 * edge name oclif's config directory, this module picks the file adapter that reads and writes it.
 */
import {configFilePath, loadConfig, saveConfig} from '../adapters/config-file.js'
import type {ConfigValues} from '../core/config.js'

/** The config file inside a config directory (oclif's, which honours XDG_CONFIG_HOME and MOMENTO_EB_CONFIG_DIR). */
export function savedConfigPath(configDir: string): string {
  return configFilePath(configDir)
}

/** The saved defaults of a config directory; a missing file is an empty config (ConfigError when unreadable). */
export function loadSavedConfig(configDir: string): Promise<ConfigValues> {
  return loadConfig(configFilePath(configDir))
}

/** Replace the saved defaults of a config directory. */
export function saveSavedConfig(configDir: string, values: ConfigValues): Promise<void> {
  return saveConfig(configFilePath(configDir), values)
}
