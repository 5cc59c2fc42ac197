import {Flags} from '@oclif/core'

import {createEventsPort} from '../../adapters/aws/events.js'
import {BaseCommand} from '../../cli/base-command.js'
import {printPutResult} from '../../cli/put-output.js'
import {finishPutWait, preparePutWait, putWaitFlags} from '../../cli/put-wait.js'
import {messageFlags, putFlags, readMessage, requireCache, resolvePutDefaults} from '../../cli/put-support.js'
import {validateDetail} from '../../core/momento-events.js'
import {invalidEventError, putEvent, type PutResult} from '../../services/put-event.js'

export default class PutTopicPublish extends BaseCommand<typeof PutTopicPublish> {
  static override summary = 'Publish a topicPublish event: send a message to a Momento topic'
  static override description =
    'Topic messages are limited to 4 KiB (Momento’s hard limit); longer ones are refused here.'
  static override examples = [
    '<%= config.bin %> put topicPublish --cache orders --topic shipped --message order-1',
    'cat note.txt | <%= config.bin %> put topicPublish --cache orders --topic notes --json',
  ]
  static override flags = {
    ...putFlags,
    topic: Flags.string({summary: 'Momento topic name.'}),
    ...messageFlags,
    ...putWaitFlags,
  }

  public async run(): Promise<PutResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const cacheName = requireCache(defaults)
    const message = await readMessage(this.flags, process.stdin)
    const validation = validateDetail('topicPublish', {cacheName, topicName: this.flags.topic, message})
    if (!validation.ok) throw invalidEventError('The topicPublish event', validation.issues)
    const host = {
      ctx: this.ctx,
      redactor: this.redactor,
      savedConfig: this.savedConfig,
      logToStderr: (line: string) => this.logToStderr(line),
      jsonEnabled: () => this.jsonEnabled(),
    }
    // --wait opens its Momento subscription and finds the DLQ before anything is published.
    const wait = this.flags.wait ? await preparePutWait(host, this.flags, validation.event) : undefined
    let result: PutResult
    try {
      result = await putEvent(createEventsPort(this.ctx.aws, this.ctx), validation.event, defaults)
    } catch (error) {
      wait?.prepared.close()
      throw error
    }
    if (!this.jsonEnabled()) printPutResult(this, result)
    return wait ? finishPutWait(host, result, wait) : result
  }
}
