import {putOne, putWaitFlags, SinglePutCommand} from '../../cli/put-wait.js'
import {keyFlags, putFlags, requireCache, resolvePutDefaults} from '../../cli/put-support.js'
import {validateDetail} from '../../core/momento-events.js'
import {invalidEventError, type PutResult} from '../../services/put-event.js'
import type {PutWaitResult} from '../../services/put-one.js'

export default class PutCacheDelete extends SinglePutCommand<typeof PutCacheDelete> {
  static override summary = 'Publish a cacheDelete event: remove an item from a Momento cache'
  static override examples = [
    '<%= config.bin %> put cacheDelete --cache orders --key order-1',
    '<%= config.bin %> put cacheDelete --cache orders --key-base64 AAEC --json',
  ]
  static override flags = {
    ...putFlags,
    ...keyFlags,
    ...putWaitFlags,
  }

  public async run(): Promise<PutResult | PutWaitResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const cacheName = requireCache(defaults)
    const validation = validateDetail('cacheDelete', {
      cacheName,
      key: this.flags.key,
      key_base64: this.flags['key-base64'],
    })
    if (!validation.ok) throw invalidEventError('The cacheDelete event', validation.issues)
    return putOne(this.commandHost(), this.flags, validation.event, defaults)
  }
}
