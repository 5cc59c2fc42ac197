import {LocalCommand} from '../../cli/base-command.js'
import {CONFIG_KEYS, DEFAULT_STACK, resolveSetting} from '../../core/config.js'
import {savedConfigPath} from '../../wiring/config.js'

interface SettingRow {
  key: string
  value: string | null
  origin: string | null
  /** When nothing sets the key and it has no built-in value: what happens instead. */
  unset?: string
  env: string
  description: string
}

/**
 * What applies when nothing sets a key: a value, or (value null) what happens instead. Kept here, as
 * the commands apply them (put: bus default, source momento-eb; every stack command: momento-api).
 */
const BUILT_IN: Readonly<Record<string, {value: string | null; note: string}>> = {
  cache: {value: null, note: 'none: put needs --cache'},
  bus: {value: 'default', note: 'built-in default'},
  source: {value: 'momento-eb', note: 'built-in default'},
  stack: {value: DEFAULT_STACK, note: 'built-in default'},
  region: {value: null, note: "the AWS profile's region"},
}

export default class ConfigList extends LocalCommand<typeof ConfigList> {
  static override summary = 'List every setting with its value and where the value comes from'
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --json']

  public async run(): Promise<{file: string; settings: SettingRow[]}> {
    const settings = CONFIG_KEYS.map((key): SettingRow => {
      const resolved = resolveSetting(key.name, {env: process.env, config: this.savedConfig})
      const builtIn = BUILT_IN[key.name]
      return {
        key: key.name,
        value: resolved?.value ?? builtIn?.value ?? null,
        origin: resolved?.origin ?? (builtIn?.value ? 'default' : null),
        ...(resolved === undefined && builtIn?.value === null ? {unset: builtIn.note} : {}),
        env: key.env,
        description: key.description,
      }
    })
    const file = savedConfigPath(this.config.configDir)
    if (!this.jsonEnabled()) {
      for (const s of settings) {
        this.log(
          this.ctx.output.interactive
            ? `${s.key.padEnd(8)} ${(s.value ?? '-').padEnd(24)} (${s.origin ?? s.unset ?? 'not set'}; env ${s.env})`
            : `${s.key}\t${s.value ?? ''}\t${s.origin ?? ''}`,
        )
      }
      if (this.ctx.output.interactive) this.logToStderr(`Config file: ${file}`)
    }
    return {file, settings}
  }
}
