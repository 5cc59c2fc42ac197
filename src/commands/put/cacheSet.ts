import {Flags} from '@oclif/core'

import {ttlFromFlag} from '../../cli/flags.js'
import {
  keyFlags,
  messageFlags,
  putFlags,
  readMessage,
  requireCache,
  cacheSetMessageLimit,
  resolvePutDefaults,
} from '../../cli/put-support.js'
import {putOne, putWaitFlags, SinglePutCommand} from '../../cli/put-wait.js'
import {validateDetail} from '../../core/momento-events.js'
import {invalidEventError, type PutResult} from '../../services/put-event.js'
import type {PutWaitResult} from '../../services/put-one.js'

export default class PutCacheSet extends SinglePutCommand<typeof PutCacheSet> {
  static override summary = 'Publish a cacheSet event: store a value in a Momento cache'
  static override description =
    'Validates the event first (one non-empty key of at most 4,096 bytes, a TTL from 1 to 86400 seconds, a ' +
    'plausible cache name, well-formed Unicode, the PutEvents size limit) and checks that the bus exists, so ' +
    'mistakes never reach the dead-letter queue. The value comes from --message, --message-file or stdin; a file or ' +
    'stdin is read only up to the largest value that fits (--max-entry-bytes), then refused. The detail carries ' +
    'both `ttl` and `ttl_seconds`.'
  static override examples = [
    '<%= config.bin %> put cacheSet --cache orders --key order-1 --ttl 5m --message 42',
    'echo hello | <%= config.bin %> put cacheSet --cache orders --key greeting --ttl 60',
    '<%= config.bin %> put cacheSet --cache orders --key-base64 AAEC --ttl 600 --message-file v.json',
  ]
  static override flags = {
    ...putFlags,
    ...keyFlags,
    ttl: Flags.string({summary: 'Time to live: whole seconds (300) or a duration (90s, 5m, 1h30m), 1 s to 24 h.'}),
    ...messageFlags,
    ...putWaitFlags,
  }

  public async run(): Promise<PutResult | PutWaitResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const cacheName = requireCache(defaults)
    const message = await readMessage(this.flags, process.stdin, cacheSetMessageLimit(defaults.maxEntryBytes))
    const validation = validateDetail('cacheSet', {
      cacheName,
      key: this.flags.key,
      key_base64: this.flags['key-base64'],
      ttl: ttlFromFlag(this.flags.ttl),
      message,
    })
    if (!validation.ok) throw invalidEventError('The cacheSet event', validation.issues)
    return putOne(this.commandHost(), this.flags, validation.event, defaults)
  }
}
