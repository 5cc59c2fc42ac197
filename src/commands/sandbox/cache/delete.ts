import {Args} from '@oclif/core'

import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxCacheNotFound, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {RemoteError} from '../../../core/errors.js'

export default class SandboxCacheDelete extends BaseCommand<typeof SandboxCacheDelete> {
  static override summary = 'Delete a Momento cache, and its items, from the running sandbox'
  static override description =
    'Events for the cache then dead-letter as cache-not-found, as with a cache that was never created. ' +
    'The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566); its state is throwaway, so ' +
    'this does not ask first.'
  static override examples = ['<%= config.bin %> sandbox cache delete orders']
  static override args = {
    name: Args.string({description: 'Cache name.', required: true}),
  }

  public async run(): Promise<{name: string; deleted: true}> {
    const name = this.args.name
    const answer = await sandboxAdmin(
      sandboxUrl(),
      'DELETE',
      `/_sandbox/momento/caches/${encodeURIComponent(name)}`,
      undefined,
      this.flags['call-timeout'],
    )
    if (answer.status === 404) throw sandboxCacheNotFound(name)
    if (answer.status !== 204) {
      throw new RemoteError(`The sandbox answered ${answer.status} deleting cache ${name}.`, {
        hints: [answer.description ?? 'Check the sandbox output.'],
      })
    }
    if (!this.jsonEnabled()) this.log(`Deleted cache ${name} (and its items) from the sandbox.`)
    return {name, deleted: true}
  }
}
