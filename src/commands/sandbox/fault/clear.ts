import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {RemoteError} from '../../../core/errors.js'

export default class SandboxFaultClear extends BaseCommand<typeof SandboxFaultClear> {
  static override summary = "Make the sandbox's Momento healthy again: remove every fault and the rate limit"
  static override description =
    'Events sent from now on are delivered; those already dead-lettered stay in the DLQ until you redrive them ' +
    '(`momento-eb dlq redrive --sandbox --all`). The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = ['<%= config.bin %> sandbox fault clear']

  public async run(): Promise<{cleared: true}> {
    const answer = await sandboxAdmin(
      sandboxUrl(),
      'DELETE',
      '/_sandbox/momento/faults',
      undefined,
      this.flags['call-timeout'],
    )
    if (answer.status !== 204) {
      throw new RemoteError(`The sandbox answered ${answer.status} clearing faults.`, {
        hints: [answer.description ?? 'Check the sandbox output.'],
      })
    }
    if (!this.jsonEnabled()) {
      this.log('Cleared every fault and the rate limit: Momento answers normally again.')
      this.logToStderr('Events already in the DLQ stay there: `momento-eb dlq redrive --sandbox --all`.')
    }
    return {cleared: true}
  }
}
