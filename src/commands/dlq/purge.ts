import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {dlqQueueFlags, openDlqFromFlags} from '../../cli/dlq-flags.js'
import {ask, cancelled} from '../../cli/prompt.js'
import {plural} from '../../core/text-width.js'

/** What `dlq purge --json` prints. */
export interface DlqPurgeResult {
  queueUrl: string
  /** Approximate messages deleted (visible + in flight + delayed, just before the purge). */
  purged: number
  purgedAt: string
}

export default class DlqPurge extends BaseCommand<typeof DlqPurge> {
  static override summary = 'Delete every message in the dead-letter queue (SQS PurgeQueue)'
  static override description =
    'Shows how many messages will be lost, then asks you to type the queue name. Without a terminal, --yes is ' +
    'required (exit 2 otherwise). SQS allows one purge per queue every 60 seconds and finishes it in the ' +
    'background. Keep a copy first with `momento-eb dlq export --file dlq.ndjson`.'
  static override examples = [
    '<%= config.bin %> dlq purge',
    '<%= config.bin %> dlq purge --yes --json',
    '<%= config.bin %> dlq export --file dlq.ndjson && <%= config.bin %> dlq purge --yes',
  ]
  static override confirmFlag = 'yes'
  static override flags = {
    ...dlqQueueFlags,
    yes: Flags.boolean({char: 'y', summary: 'Purge without asking.'}),
  }

  public async run(): Promise<DlqPurgeResult> {
    const asking = !this.requireConfirmation('dlq purge deletes every message.')
    const {queue, located, name} = await openDlqFromFlags(this.ctx, this.flags, this.savedConfig)
    const depth = await queue.depth()
    const count = depth.visible + depth.inFlight + depth.delayed
    if (asking) {
      const inFlight = depth.inFlight > 0 ? ` (${depth.inFlight} of them in flight)` : ''
      this.logToStderr(
        `This deletes about ${plural(count, 'message')}${inFlight} from ${name}; they can't be recovered.`,
      )
      this.logToStderr('Keep a copy first with `momento-eb dlq export --file dlq.ndjson`.')
      const answer = await ask(`Type the queue name (${name}) to purge it: `)
      if (answer !== name) throw cancelled(answer === '' ? 'no name typed' : "the name didn't match")
    }
    await queue.purge()
    const result: DlqPurgeResult = {queueUrl: located.queueUrl, purged: count, purgedAt: new Date().toISOString()}
    if (!this.jsonEnabled()) {
      this.logToStderr(
        `Purged ${name}: about ${plural(count, 'message')} deleted (SQS may take up to 60 seconds to finish).`,
      )
    }
    return result
  }
}
