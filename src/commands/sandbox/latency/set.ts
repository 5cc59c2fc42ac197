import {Args} from '@oclif/core'

import {BaseCommand} from '../../../cli/base-command.js'
import {UsageError} from '../../../core/errors.js'
import {LATENCY_HELP, LatencySpecError, parseLatencySpec} from '../../../sandbox/latency.js'
import {latencyCall, latencyLines, type LatencyAnswer} from './show.js'

export default class SandboxLatencySet extends BaseCommand<typeof SandboxLatencySet> {
  static override summary = 'Set the latency the running sandbox adds to the AWS APIs (replaces what was set)'
  static override description =
    "Takes the grammar of `momento-eb sandbox --latency`: aws (the sandbox's typical figures), off, or " +
    '<service>=<ms>[~<jitter ms>] items separated by commas, e.g. sqs=15~5,events=20. Services: sqs, events, ' +
    'cloudformation, secretsmanager, sts, logs, monitoring (CloudWatch), sns. It applies to calls from then on. ' +
    'The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = [
    '<%= config.bin %> sandbox latency set aws',
    '<%= config.bin %> sandbox latency set sqs=15~5,events=20~5',
    '<%= config.bin %> sandbox latency set aws,cloudformation=200',
  ]
  static override args = {
    spec: Args.string({description: 'Latency spec, as for `sandbox --latency`.', required: true}),
  }

  public async run(): Promise<LatencyAnswer> {
    const {spec} = this.args
    // The same parser as `sandbox --latency`: a bad spec is refused here, before any call.
    try {
      parseLatencySpec(spec)
    } catch (error) {
      if (!(error instanceof LatencySpecError)) throw error
      throw new UsageError(error.message, {hints: [LATENCY_HELP]})
    }
    const reply = await latencyCall('PUT', {latency: spec}, this.flags['call-timeout'])
    if (reply.status === 400) {
      throw new UsageError(`The sandbox refused the latency ${JSON.stringify(spec)}: ${reply.description ?? ''}`, {
        hints: [LATENCY_HELP],
      })
    }
    const answer = reply.answer as LatencyAnswer
    if (!this.jsonEnabled()) for (const line of latencyLines(answer.latency)) this.log(line)
    return answer
  }
}
