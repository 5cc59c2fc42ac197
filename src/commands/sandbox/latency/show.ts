import {BaseCommand} from '../../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../../cli/sandbox-admin.js'
import {RemoteError} from '../../../core/errors.js'
import type {LatencySettings} from '../../../sandbox/latency.js'

/** What `GET`/`PUT`/`DELETE /_sandbox/latency` answer. */
export interface LatencyAnswer {
  latency: LatencySettings
  spec: string
}

/** Call `/_sandbox/latency` and check the answer is the sandbox's. */
export async function latencyCall(
  method: 'GET' | 'PUT' | 'DELETE',
  body: unknown,
  timeoutMs: number | undefined,
): Promise<{status: number; answer?: LatencyAnswer; description?: string | undefined}> {
  const url = sandboxUrl()
  const reply = await sandboxAdmin(url, method, '/_sandbox/latency', body, timeoutMs)
  if (reply.status === 400) return {status: 400, description: reply.description}
  const answer = reply.body as Partial<LatencyAnswer> | undefined
  if (reply.status !== 200 || typeof answer?.spec !== 'string' || typeof answer.latency !== 'object') {
    throw new RemoteError(`The sandbox at ${url} answered ${reply.status} on /_sandbox/latency.`, {
      hints: [
        reply.description ??
          'Check MOMENTO_EB_SANDBOX_URL: is a momento-eb sandbox (a version with --latency) listening there?',
      ],
    })
  }
  return {status: 200, answer: answer as LatencyAnswer}
}

/** `sqs 15 ms ± 5` lines, or the word for none. */
export function latencyLines(settings: LatencySettings): string[] {
  const lines = Object.entries(settings).map(
    ([service, value]) => `${service.padEnd(15)} ${value.meanMs} ms${value.jitterMs ? ` ± ${value.jitterMs} ms` : ''}`,
  )
  return lines.length === 0 ? ['No added latency: AWS calls are answered at localhost speed.'] : lines
}

export default class SandboxLatencyShow extends BaseCommand<typeof SandboxLatencyShow> {
  static override summary = 'Show the latency the running sandbox adds to each AWS API'
  static override description =
    'One line per service with its mean and jitter (uniform in mean ± jitter). --json prints ' +
    '{"latency": {...}, "spec": "sqs=15~5,..."}. The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = ['<%= config.bin %> sandbox latency show', '<%= config.bin %> sandbox latency show --json']

  public async run(): Promise<LatencyAnswer> {
    const {answer} = await latencyCall('GET', undefined, this.flags['call-timeout'])
    const result = answer as LatencyAnswer
    if (!this.jsonEnabled()) for (const line of latencyLines(result.latency)) this.log(line)
    return result
  }
}
