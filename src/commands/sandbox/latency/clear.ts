import {BaseCommand} from '../../../cli/base-command.js'
import {latencyCall, latencyLines, type LatencyAnswer} from './show.js'

export default class SandboxLatencyClear extends BaseCommand<typeof SandboxLatencyClear> {
  static override summary = "Remove the running sandbox's added AWS latency: calls answer at localhost speed"
  static override description = 'The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = ['<%= config.bin %> sandbox latency clear']

  public async run(): Promise<LatencyAnswer> {
    const {answer} = await latencyCall('DELETE', undefined, this.flags['call-timeout'])
    const result = answer as LatencyAnswer
    if (!this.jsonEnabled()) for (const line of latencyLines(result.latency)) this.log(line)
    return result
  }
}
