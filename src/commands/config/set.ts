import {Args} from '@oclif/core'

import {LocalCommand} from '../../cli/base-command.js'
import {configKeyArg, requireConfigKey} from '../../cli/config-args.js'
import {UsageError} from '../../core/errors.js'
import {savedConfigPath, saveSavedConfig} from '../../wiring/config.js'

export default class ConfigSet extends LocalCommand<typeof ConfigSet> {
  static override summary = 'Save a default (cache, bus, source, stack, region)'
  static override description =
    'Saved defaults apply when neither a flag nor an environment variable gives the value ' +
    '(precedence: flag > environment variable > saved config > built-in default).'
  static override examples = [
    '<%= config.bin %> config set cache orders',
    '<%= config.bin %> config set region eu-west-1',
  ]
  static override args = {key: configKeyArg, value: Args.string({required: true, description: 'Value to save.'})}

  public async run(): Promise<{key: string; value: string; file: string}> {
    const key = requireConfigKey(this.args.key)
    const problem = key.validate(this.args.value)
    if (problem) {
      throw new UsageError(`Can't save ${key.name}="${this.args.value}": ${problem}`, {
        hints: [
          `Run \`momento-eb config set ${key.name} VALUE\` with a valid value; \`momento-eb config list\` shows the keys.`,
        ],
      })
    }
    const file = savedConfigPath(this.config.configDir)
    await saveSavedConfig(this.config.configDir, {...this.savedConfig, [key.name]: this.args.value})
    if (!this.jsonEnabled()) this.logToStderr(`Saved ${key.name}=${this.args.value} in ${file}`)
    return {key: key.name, value: this.args.value, file}
  }
}
