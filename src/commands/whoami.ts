import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {resolveBus} from '../core/config.js'
import {callerIdentity, eventBus} from '../wiring/stack.js'

/** What `whoami --json` prints. */
export interface WhoamiResult {
  account: string
  arn: string
  region: string | null
  endpoint: string | null
  eventBus: {name: string; arn: string}
}

export default class Whoami extends BaseCommand<typeof Whoami> {
  static override summary = 'Show the AWS identity, region and endpoint in use, and check the event bus'
  static override description =
    'Calls STS GetCallerIdentity and EventBridge DescribeEventBus with the same settings every other command ' +
    'uses, so it answers "where would momento-eb send this, and as whom?". Exits 4 without a region or ' +
    'credentials, 5 when the endpoint is unreachable, and 1 when the event bus does not exist.'
  static override examples = [
    '<%= config.bin %> whoami',
    '<%= config.bin %> whoami --sandbox --json',
    '<%= config.bin %> whoami --profile prod --region eu-west-1 --bus orders',
  ]
  static override flags = {
    bus: Flags.string({
      summary: 'Event bus to check. Default: MOMENTO_EB_BUS, then `config set bus`, then default.',
      description: '--event-bus, the former name, is still accepted.',
      aliases: ['event-bus'],
      env: 'MOMENTO_EB_EVENT_BUS',
    }),
  }

  public async run(): Promise<WhoamiResult> {
    const {aws} = this.ctx
    // Identity first: it fails with the clearest message when region or credentials are missing.
    const identity = await callerIdentity(this.ctx)
    // The bus `put` publishes to: the same resolution as every command (flag, env, config, default).
    const busName = resolveBus(this.flags.bus, process.env, this.savedConfig)
    const bus = await eventBus(this.ctx, busName.value, busName.origin === 'flag' ? '--bus' : busName.from)
    const result: WhoamiResult = {
      account: identity.account,
      arn: identity.arn,
      region: bus.region ?? aws.target.region ?? null,
      endpoint: aws.endpointOf('eventbridge') ?? null,
      eventBus: {name: bus.name, arn: bus.arn},
    }
    if (!this.jsonEnabled()) {
      this.log(`account   ${result.account}`)
      this.log(`identity  ${result.arn}`)
      this.log(`region    ${result.region ?? '-'}`)
      this.log(`endpoint  ${result.endpoint ?? '-'}`)
      this.log(`event bus ${result.eventBus.arn}`)
    }
    return result
  }
}
