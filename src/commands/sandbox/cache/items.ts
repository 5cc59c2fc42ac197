import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxCacheNotFound, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {NotFoundError, RemoteError} from '../../../core/errors.js'

/** One item as `sandbox cache items --json` prints it (value as text, or base64 when it isn't UTF-8). */
export interface SandboxItem {
  key: string | null
  keyBase64: string
  value?: string
  valueBase64?: string
  size: number
  ttlRemainingSeconds: number
  expiresAt: string
}

export default class SandboxCacheItems extends BaseCommand<typeof SandboxCacheItems> {
  static override summary = 'Show the items in a sandbox cache (what the integration delivered)'
  static override description =
    'Lists the live items of a cache in the running sandbox, with each value and its remaining TTL; --key ' +
    'shows one. The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = [
    '<%= config.bin %> sandbox cache items orders',
    '<%= config.bin %> sandbox cache items orders --key order-1 --json',
  ]
  static override args = {
    name: Args.string({description: 'Cache name.', required: true}),
  }
  static override flags = {
    key: Flags.string({summary: 'Show only the item with this key (text).'}),
  }

  public async run(): Promise<{cache: string; items: SandboxItem[]}> {
    const {name} = this.args
    const url = sandboxUrl()
    const answer = await sandboxAdmin(
      url,
      'GET',
      `/_sandbox/momento/caches/${encodeURIComponent(name)}/items`,
      undefined,
      this.flags['call-timeout'],
    )
    if (answer.status === 404) throw sandboxCacheNotFound(name)
    const all = (answer.body as {items?: unknown} | undefined)?.items
    if (answer.status !== 200 || !Array.isArray(all)) {
      throw new RemoteError(`The sandbox at ${url} answered ${answer.status} listing the items of ${name}.`, {
        hints: [answer.description ?? 'Check MOMENTO_EB_SANDBOX_URL: is a momento-eb sandbox listening there?'],
      })
    }
    const key = this.flags.key
    const items = (all as SandboxItem[]).filter((item) => key === undefined || item.key === key)
    if (key !== undefined && items.length === 0) {
      throw new NotFoundError(`Cache ${name} has no item with key ${JSON.stringify(key)} (or it expired).`, {
        code: 'EB_ITEM_NOT_FOUND',
        hints: [`See every item with \`momento-eb sandbox cache items ${name}\`.`],
      })
    }
    if (!this.jsonEnabled()) {
      if (items.length === 0) this.logToStderr(`Cache ${name} is empty.`)
      for (const item of items) {
        const shownKey = item.key ?? `(base64) ${item.keyBase64}`
        const value = item.value ?? `(base64) ${item.valueBase64 ?? ''}`
        this.log(`${shownKey}  ttl ${item.ttlRemainingSeconds}s  ${JSON.stringify(value)}`)
      }
    }
    return {cache: name, items}
  }
}
