import {LocalCommand} from '../cli/base-command.js'

/** What `version --json` prints. */
export interface VersionResult {
  name: string
  version: string
  node: string
  platform: string
  arch: string
}

export default class Version extends LocalCommand<typeof Version> {
  static override summary = 'Print the version of momento-eb (and of Node.js, the platform)'
  static override description =
    'The version first, then the package name, the Node.js version and the platform (what `--version` shows, ' +
    'easier to read by a script); --json gives them as fields, for bug reports.'
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json']

  public async run(): Promise<VersionResult> {
    const result: VersionResult = {
      name: this.config.name,
      version: this.config.version,
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
    }
    if (!this.jsonEnabled()) {
      this.log(`${result.version} (${result.name}, node ${result.node}, ${result.platform}-${result.arch})`)
    }
    return result
  }
}
