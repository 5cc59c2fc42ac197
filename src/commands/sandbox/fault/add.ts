import {Args} from '@oclif/core'

import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {RemoteError, UsageError} from '../../../core/errors.js'
import {FaultSpecError, parseFaultSpec} from '../../../sandbox/momento/faults.js'

export default class SandboxFaultAdd extends BaseCommand<typeof SandboxFaultAdd> {
  static override summary = "Make the running sandbox's Momento fail: an error status, latency, for a cache"
  static override description =
    'Takes the grammar of `momento-eb sandbox --fault`: 500, 429:retry-after=2, latency=6000, 503@orders:p=0.5. ' +
    'Events then fail as they would against a failing Momento (retried, then dead-lettered). Undo with ' +
    '`momento-eb sandbox fault clear`. The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = [
    '<%= config.bin %> sandbox fault add 500@orders',
    '<%= config.bin %> sandbox fault add latency=6000',
    '<%= config.bin %> sandbox fault add 503@orders:p=0.5',
  ]
  static override args = {
    spec: Args.string({description: 'Fault rule, as for `sandbox --fault`.', required: true}),
  }

  public async run(): Promise<{id: string; spec: string}> {
    const {spec} = this.args
    // The same parser as `sandbox --fault`: a bad rule is refused here, with its reason, before any call.
    try {
      parseFaultSpec(spec)
    } catch (error) {
      if (!(error instanceof FaultSpecError)) throw error
      throw new UsageError(error.message, {
        hints: ['Examples: 500, 429:retry-after=2, latency=6000, 503@orders:p=0.5 (`sandbox fault add --help`).'],
      })
    }
    const answer = await sandboxAdmin(
      sandboxUrl(),
      'POST',
      '/_sandbox/momento/faults',
      {spec},
      this.flags['call-timeout'],
    )
    if (answer.status === 400) {
      throw new UsageError(`The sandbox refused the fault ${JSON.stringify(spec)}: ${answer.description ?? ''}`, {
        hints: ['See the grammar with `momento-eb sandbox fault add --help`.'],
      })
    }
    const id = (answer.body as {id?: unknown} | undefined)?.id
    if (answer.status !== 201 || typeof id !== 'string') {
      throw new RemoteError(`The sandbox answered ${answer.status} adding the fault.`, {
        hints: [answer.description ?? 'Check the sandbox output.'],
      })
    }
    if (!this.jsonEnabled()) {
      this.log(`Added fault ${id}: ${spec}. Undo with \`momento-eb sandbox fault clear\`.`)
    }
    return {id, spec}
  }
}
