import {LocalCommand} from '../../cli/base-command.js'
import {configKeyArg, requireConfigKey} from '../../cli/config-args.js'
import {resolveSetting} from '../../core/config.js'

export default class ConfigGet extends LocalCommand<typeof ConfigGet> {
  static override summary = 'Show the value a setting resolves to, and where it comes from'
  static override examples = ['<%= config.bin %> config get cache', '<%= config.bin %> config get bus --json']
  static override args = {key: configKeyArg}

  public async run(): Promise<{key: string; value: string | null; origin: string | null}> {
    const key = requireConfigKey(this.args.key)
    const resolved = resolveSetting(key.name, {env: process.env, config: this.savedConfig})
    if (!this.jsonEnabled() && resolved) this.log(resolved.value)
    return {key: key.name, value: resolved?.value ?? null, origin: resolved?.origin ?? null}
  }
}
