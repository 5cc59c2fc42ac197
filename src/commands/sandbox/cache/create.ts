import {Args} from '@oclif/core'

import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {ConflictError, RemoteError, UsageError} from '../../../core/errors.js'

export default class SandboxCacheCreate extends BaseCommand<typeof SandboxCacheCreate> {
  static override summary = 'Create a Momento cache in the running sandbox'
  static override description =
    'The sandbox starts with the caches given to `momento-eb sandbox --cache`; this adds one while it runs ' +
    '(events for a missing cache dead-letter as cache-not-found). The sandbox is at MOMENTO_EB_SANDBOX_URL ' +
    '(default http://127.0.0.1:4566). Against real Momento, create caches with the Momento CLI or console.'
  static override examples = [
    '<%= config.bin %> sandbox cache create orders',
    '<%= config.bin %> sandbox cache create inventory --json',
  ]
  static override args = {
    name: Args.string({description: 'Cache name.', required: true}),
  }

  public async run(): Promise<{name: string; endpoint: string}> {
    const name = this.args.name
    const url = sandboxUrl()
    const answer = await sandboxAdmin(url, 'POST', '/_sandbox/momento/caches', {name}, this.flags['call-timeout'])
    if (answer.status === 409) {
      throw new ConflictError(`Cache ${name} already exists in the sandbox.`, {
        code: 'EB_CACHE_EXISTS',
        hints: ['See them with `momento-eb sandbox cache list`.'],
      })
    }
    if (answer.status === 400) {
      throw new UsageError(`The sandbox refused the cache name ${JSON.stringify(name)}: ${answer.description ?? ''}`, {
        hints: ['Use a non-empty name without "/", at most 255 characters (e.g. orders).'],
      })
    }
    if (answer.status !== 201) {
      throw new RemoteError(`The sandbox answered ${answer.status} creating cache ${name}.`, {
        hints: [answer.description ?? 'Check the sandbox output.'],
      })
    }
    if (!this.jsonEnabled()) this.log(`Created cache ${name} in the sandbox at ${url}.`)
    return {name, endpoint: url}
  }
}
