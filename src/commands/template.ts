import {Flags} from '@oclif/core'

import {LocalCommand} from '../cli/base-command.js'
import {buildStackTemplate} from '../core/stack-template.js'
import {renderStackTemplate} from '../core/stack-template-text.js'

export default class Template extends LocalCommand<typeof Template> {
  static override summary = 'Print the CloudFormation template `deploy` uses'
  static override description =
    'The template as YAML (default) or JSON, ready for `aws cloudformation deploy --capabilities CAPABILITY_IAM` or ' +
    'review. With --json the template object is printed as JSON (the same as --format json).'
  static override examples = [
    '<%= config.bin %> template > momento-eb.yaml',
    '<%= config.bin %> template --format json | jq .Outputs',
  ]
  static override flags = {
    format: Flags.string({summary: 'Output format.', options: ['yaml', 'json'], default: 'yaml'}),
  }

  public async run(): Promise<Record<string, unknown>> {
    if (!this.jsonEnabled()) process.stdout.write(renderStackTemplate(this.flags.format as 'yaml' | 'json'))
    return buildStackTemplate()
  }
}
