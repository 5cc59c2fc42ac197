import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {sandboxAdmin, sandboxUrl} from '../../cli/sandbox-admin.js'
import {RemoteError} from '../../core/errors.js'
import type {DeliveryCounters, DeliveryRecord} from '../../sandbox/pipeline/delivery-log.js'

/** The outcomes the sandbox's delivery log records (`/_sandbox/deliveries?outcome=`). */
const OUTCOMES = ['delivered', 'dead-lettered', 'retrying', 'dropped', 'aborted'] as const

/** The width the text lines fit in. */
const WIDTH = 80

export default class SandboxDeliveries extends BaseCommand<typeof SandboxDeliveries> {
  static override summary = "Show the running sandbox's recent deliveries to Momento, newest last"
  static override description =
    'One line per attempt of an API destination (or other target): when, what became of the event ' +
    '(delivered, retrying, dead-lettered, dropped, aborted), which attempt, the request and the status ' +
    'Momento answered, or the error when there was no answer. --json prints the attempts as the sandbox ' +
    'records them (request headers and body included, secrets redacted) with its lifetime counters. ' +
    'The sandbox is at MOMENTO_EB_SANDBOX_URL (default http://127.0.0.1:4566).'
  static override examples = [
    '<%= config.bin %> sandbox deliveries',
    '<%= config.bin %> sandbox deliveries --outcome dead-lettered --limit 5',
    '<%= config.bin %> sandbox deliveries --json',
  ]
  static override flags = {
    limit: Flags.integer({summary: 'Show at most this many attempts (the newest).', default: 20, min: 1}),
    outcome: Flags.option({summary: 'Show only attempts with this outcome.', options: OUTCOMES})(),
  }

  public async run(): Promise<{counters: DeliveryCounters; deliveries: DeliveryRecord[]}> {
    const url = sandboxUrl()
    const query = new URLSearchParams({limit: String(this.flags.limit)})
    if (this.flags.outcome !== undefined) query.set('outcome', this.flags.outcome)
    const answer = await sandboxAdmin(
      url,
      'GET',
      `/_sandbox/deliveries?${query.toString()}`,
      undefined,
      this.flags['call-timeout'],
    )
    const body = answer.body as {counters?: unknown; deliveries?: unknown} | undefined
    if (answer.status !== 200 || !Array.isArray(body?.deliveries)) {
      throw new RemoteError(`The sandbox at ${url} answered ${answer.status} listing deliveries.`, {
        hints: [answer.description ?? 'Check MOMENTO_EB_SANDBOX_URL: is a momento-eb sandbox listening there?'],
      })
    }
    const deliveries = body.deliveries as DeliveryRecord[]
    const counters = body.counters as DeliveryCounters
    if (!this.jsonEnabled()) {
      if (deliveries.length === 0) {
        const which = this.flags.outcome === undefined ? 'no deliveries' : `no ${this.flags.outcome} deliveries`
        this.logToStderr(
          `The sandbox has recorded ${which} yet. Send an event: \`momento-eb put cacheSet --sandbox --file event.json\`.`,
        )
      }
      for (const record of deliveries) this.log(deliveryLine(record))
    }
    return {counters, deliveries}
  }
}

/**
 * `10:42:07.123Z  dead-lettered  #2  PUT /cache/orders?key=o-1&ttl_seconds=600  404`: the time (UTC),
 * the outcome, the attempt, the request, and the status or the error; the request is cut to fit 80 columns.
 */
export function deliveryLine(record: DeliveryRecord): string {
  const time = record.time.slice(11)
  const head = `${time.padEnd(13)}  ${record.outcome.padEnd(13)}  ${`#${record.attempt}`.padEnd(3)}`
  const result = cut(resultOf(record), 28)
  const request = record.request === undefined ? '-' : `${record.request.method} ${pathOf(record.request.url)}`
  const room = WIDTH - head.length - result.length - 4
  return `${head}  ${cut(request, Math.max(room, 8)).padEnd(Math.max(room, 8))}  ${result}`.trimEnd()
}

function resultOf(record: DeliveryRecord): string {
  if (record.response !== undefined) return String(record.response.status)
  if (record.error !== undefined) return record.error.detail ?? record.error.code
  return '-'
}

/** The path and query of a request URL (the host is always the sandbox's Momento). */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.pathname}${parsed.search}`
  } catch {
    return url
  }
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`
}
