import {LocalCommand} from '../../cli/base-command.js'
import {configKeyArg, requireConfigKey} from '../../cli/config-args.js'
import {saveSavedConfig} from '../../wiring/config.js'

export default class ConfigUnset extends LocalCommand<typeof ConfigUnset> {
  static override summary = 'Forget a saved default'
  static override examples = ['<%= config.bin %> config unset cache']
  static override args = {key: configKeyArg}

  public async run(): Promise<{key: string; removed: boolean}> {
    const key = requireConfigKey(this.args.key)
    const removed = this.savedConfig[key.name] !== undefined
    const rest = Object.fromEntries(Object.entries(this.savedConfig).filter(([k]) => k !== key.name))
    if (removed) await saveSavedConfig(this.config.configDir, rest)
    if (!this.jsonEnabled()) this.logToStderr(removed ? `Removed ${key.name}.` : `${key.name} wasn't set.`)
    return {key: key.name, removed}
  }
}
