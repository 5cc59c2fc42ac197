import {configFilePath} from '../../adapters/config-file.js'
import {LocalCommand} from '../../cli/base-command.js'
import {CONFIG_KEYS, resolveSetting} from '../../core/config.js'

interface SettingRow {
  key: string
  value: string | null
  origin: string | null
  env: string
  description: string
}

export default class ConfigList extends LocalCommand<typeof ConfigList> {
  static override summary = 'List every setting with its value and where the value comes from'
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --json']

  public async run(): Promise<{file: string; settings: SettingRow[]}> {
    const settings = CONFIG_KEYS.map((key): SettingRow => {
      const resolved = resolveSetting(key.name, {env: process.env, config: this.savedConfig})
      return {
        key: key.name,
        value: resolved?.value ?? null,
        origin: resolved?.origin ?? null,
        env: key.env,
        description: key.description,
      }
    })
    const file = configFilePath(this.config.configDir)
    if (!this.jsonEnabled()) {
      for (const s of settings) {
        this.log(
          this.ctx.output.interactive
            ? `${s.key.padEnd(8)} ${(s.value ?? '-').padEnd(24)} ${s.origin ? `(${s.origin})` : ''}`
            : `${s.key}\t${s.value ?? ''}\t${s.origin ?? ''}`,
        )
      }
      if (this.ctx.output.interactive) this.logToStderr(`Config file: ${file}`)
    }
    return {file, settings}
  }
}
