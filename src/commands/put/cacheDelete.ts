import {Flags} from '@oclif/core'

import {createEventsPort} from '../../adapters/aws/events.js'
import {BaseCommand} from '../../cli/base-command.js'
import {printPutResult} from '../../cli/put-output.js'
import {finishPutWait, preparePutWait, putWaitFlags} from '../../cli/put-wait.js'
import {putFlags, requireCache, resolvePutDefaults} from '../../cli/put-support.js'
import {validateDetail} from '../../core/momento-events.js'
import {invalidEventError, putEvent, type PutResult} from '../../services/put-event.js'

export default class PutCacheDelete extends BaseCommand<typeof PutCacheDelete> {
  static override summary = 'Publish a cacheDelete event: remove an item from a Momento cache'
  static override examples = [
    '<%= config.bin %> put cacheDelete --cache orders --key order-1',
    '<%= config.bin %> put cacheDelete --cache orders --key-base64 AAEC --json',
  ]
  static override flags = {
    ...putFlags,
    key: Flags.string({summary: 'Item key (text).', exclusive: ['key-base64']}),
    'key-base64': Flags.string({summary: 'Item key as base64 bytes (sent as unpadded base64url).', exclusive: ['key']}),
    ...putWaitFlags,
  }

  public async run(): Promise<PutResult> {
    const defaults = resolvePutDefaults(this.flags, process.env, this.savedConfig)
    const cacheName = requireCache(defaults)
    const validation = validateDetail('cacheDelete', {
      cacheName,
      key: this.flags.key,
      key_base64: this.flags['key-base64'],
    })
    if (!validation.ok) throw invalidEventError('The cacheDelete event', validation.issues)
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
