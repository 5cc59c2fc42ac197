import {LocalCommand} from '../cli/base-command.js'
import {ENVIRONMENT, type EnvVarRow} from '../cli/help-topics.js'

export default class Environment extends LocalCommand<typeof Environment> {
  static override summary = 'List the environment variables momento-eb reads'
  static override description =
    'Precedence: a flag beats its environment variable, which beats the AWS shared config and profile. ' +
    '--endpoint-url has no variable of its own, so the SDK’s AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL.'
  static override examples = ['<%= config.bin %> environment', '<%= config.bin %> environment --json']

  public async run(): Promise<{environment: readonly EnvVarRow[]}> {
    if (!this.jsonEnabled()) {
      for (const row of ENVIRONMENT) this.log(`${row.name}\n    ${row.description}`)
    }
    return {environment: ENVIRONMENT}
  }
}
