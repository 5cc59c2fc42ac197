import {Flags} from '@oclif/core'

import {putOne, putWaitFlags, SinglePutCommand} from '../../cli/put-wait.js'
import {
  messageFlags,
  putFlags,
  readMessage,
  requireCache,
  TOPIC_MESSAGE_LIMIT,
  resolvePutDefaults,
} from '../../cli/put-support.js'
import {validateDetail} from '../../core/momento-events.js'
import {invalidEventError, type PutResult} from '../../services/put-event.js'
import type {PutWaitResult} from '../../services/put-one.js'

export default class PutTopicPublish extends SinglePutCommand<typeof PutTopicPublish> {
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

  public async run(): Promise<PutResult | PutWaitResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const cacheName = requireCache(defaults)
    const message = await readMessage(this.flags, process.stdin, TOPIC_MESSAGE_LIMIT)
    const validation = validateDetail('topicPublish', {cacheName, topicName: this.flags.topic, message})
    if (!validation.ok) throw invalidEventError('The topicPublish event', validation.issues)
    return putOne(this.commandHost(), this.flags, validation.event, defaults)
  }
}
