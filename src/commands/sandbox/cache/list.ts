import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {RemoteError} from '../../../core/errors.js'

/** One cache as `sandbox cache list --json` prints it. */
export interface SandboxCache {
  name: string
  itemCount: number
  createdAt: string
}

export default class SandboxCacheList extends BaseCommand<typeof SandboxCacheList> {
  static override summary = 'List the Momento caches in the running sandbox, with their item counts'
  static override description =
    'The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566). Add a cache with ' +
    '`momento-eb sandbox cache create NAME`.'
  static override examples = ['<%= config.bin %> sandbox cache list', '<%= config.bin %> sandbox cache list --json']

  public async run(): Promise<{caches: SandboxCache[]}> {
    const url = sandboxUrl()
    const answer = await sandboxAdmin(url, 'GET', '/_sandbox/momento/caches', undefined, this.flags['call-timeout'])
    const caches = (answer.body as {caches?: unknown} | undefined)?.caches
    if (answer.status !== 200 || !Array.isArray(caches)) {
      throw new RemoteError(`The sandbox at ${url} answered ${answer.status} listing caches.`, {
        hints: [answer.description ?? 'Check MOMENTO_EB_SANDBOX_URL: is a momento-eb sandbox listening there?'],
      })
    }
    const list = (caches as SandboxCache[]).map(({name, itemCount, createdAt}) => ({name, itemCount, createdAt}))
    if (!this.jsonEnabled()) {
      if (list.length === 0) {
        this.logToStderr('The sandbox has no caches. Add one: `momento-eb sandbox cache create orders`.')
      } else {
        const width = Math.max(4, ...list.map((c) => c.name.length))
        this.log(`${'NAME'.padEnd(width)}  ${'ITEMS'.padStart(6)}  CREATED`)
        for (const c of list) this.log(`${c.name.padEnd(width)}  ${String(c.itemCount).padStart(6)}  ${c.createdAt}`)
      }
    }
    return {caches: list}
  }
}
