import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {RemoteError} from '../../../core/errors.js'
import type {ActiveFault, RateLimit} from '../../../sandbox/momento/faults.js'

export default class SandboxFaultList extends BaseCommand<typeof SandboxFaultList> {
  static override summary = "List the sandbox's Momento faults and rate limit, with how often each hit"
  static override description = 'The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = ['<%= config.bin %> sandbox fault list', '<%= config.bin %> sandbox fault list --json']

  public async run(): Promise<{faults: ActiveFault[]; rateLimit: RateLimit | null}> {
    const url = sandboxUrl()
    const answer = await sandboxAdmin(url, 'GET', '/_sandbox/momento/faults', undefined, this.flags['call-timeout'])
    const body = answer.body as {faults?: unknown; rateLimit?: unknown} | undefined
    if (answer.status !== 200 || !Array.isArray(body?.faults)) {
      throw new RemoteError(`The sandbox at ${url} answered ${answer.status} listing faults.`, {
        hints: [answer.description ?? 'Check MOMENTO_EB_SANDBOX_URL: is a momento-eb sandbox listening there?'],
      })
    }
    const faults = body.faults as ActiveFault[]
    const rateLimit = (body.rateLimit ?? null) as RateLimit | null
    if (!this.jsonEnabled()) {
      if (faults.length === 0 && rateLimit === null) this.logToStderr('Momento is healthy: no faults, no rate limit.')
      for (const f of faults) {
        const what = [
          f.status === undefined ? undefined : `status ${f.status}`,
          f.latencyMs === undefined ? undefined : `latency ${f.latencyMs} ms`,
          f.cache === undefined ? 'every cache' : `cache ${f.cache}`,
          f.probability === undefined ? undefined : `p=${f.probability}`,
          f.remaining === undefined ? undefined : `${f.remaining} left`,
        ].filter((part) => part !== undefined)
        this.log(`${f.id}  ${what.join(', ')}  (applied ${f.applied}×)`)
      }
      if (rateLimit !== null) this.log(`rate limit  ${JSON.stringify(rateLimit)}`)
    }
    return {faults, rateLimit}
  }
}
