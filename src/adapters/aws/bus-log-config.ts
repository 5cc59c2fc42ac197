/**
 * The event bus's log setting and where its logs go, over EventBridge and CloudWatch Logs:
 *
 * - `get`/`set`: DescribeEventBus / UpdateEventBus. Whether UpdateEventBus keeps the settings a
 *   request omits is not documented, and for the key it says the opposite ("If you do not specify a
 *   customer managed key identifier, EventBridge uses an AWS owned key", UpdateEventBus API
 *   reference): built for the worst case (omitted means cleared), `set` reads the bus first and sends
 *   its Description, KmsKeyIdentifier and DeadLetterConfig back unchanged. The
 *   default bus takes a LogConfig only this way: a stack cannot declare a bus it does not own.
 * - `inspect`: the log group (exists, retention) and the deliveries from the bus's delivery sources
 *   to it, for `status`. Missing permissions or a failing call give `null`s, not an error: status
 *   reports what it could read.
 */
import type {
  DescribeDeliveriesCommandOutput,
  DescribeDeliveryDestinationsCommandOutput,
  DescribeDeliverySourcesCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs'

import type {BusLogConfig} from '../../core/bus-log-settings.js'
import type {AwsClients} from './clients.js'
import type {CallOptions} from './errors.js'
import {getBusLogConfig, setBusLogConfig} from './eventbridge.js'
import {sdk} from './sdk.js'

export interface BusLogDeliveryView {
  /** The log group exists (null: couldn't tell). */
  readonly logGroupExists: boolean | null
  readonly retentionDays: number | null
  /** Log types (ERROR_LOGS, …) delivered from the bus to the log group (null: couldn't tell). */
  readonly deliveredLogTypes: string[] | null
}

export interface BusLogPort {
  get(bus: string): Promise<BusLogConfig | undefined>
  set(bus: string, config: BusLogConfig): Promise<void>
  inspect(busArn: string, logGroupName: string | undefined): Promise<BusLogDeliveryView>
}

const MAX_PAGES = 10

export function createBusLogPort(clients: AwsClients, options: CallOptions = {}): BusLogPort {
  return {
    get: (bus) => getBusLogConfig(clients, bus, options),
    set: (bus, config) => setBusLogConfig(clients, bus, config, options),
    async inspect(busArn, logGroupName) {
      let logGroupExists: boolean | null = null
      let retentionDays: number | null = null
      let deliveredLogTypes: string[] | null = null
      if (logGroupName !== undefined) {
        try {
          const out = await clients.logs.send(
            new sdk.cloudWatchLogs.DescribeLogGroupsCommand({logGroupNamePrefix: logGroupName, limit: 50}),
          )
          const group = out.logGroups?.find((g) => g.logGroupName === logGroupName)
          logGroupExists = group !== undefined
          retentionDays = group?.retentionInDays ?? null
        } catch {
          // Unknown: status says so.
        }
      }
      try {
        const sources = new Map<string, string>()
        let token: string | undefined
        for (let page = 0; page < MAX_PAGES; page++) {
          const out: DescribeDeliverySourcesCommandOutput = await clients.logs.send(
            new sdk.cloudWatchLogs.DescribeDeliverySourcesCommand({nextToken: token}),
          )
          for (const s of out.deliverySources ?? [])
            if (s.name && s.resourceArns?.includes(busArn)) sources.set(s.name, s.logType ?? '')
          token = out.nextToken
          if (!token) break
        }
        const destinations = new Map<string, string>()
        token = undefined
        for (let page = 0; page < MAX_PAGES; page++) {
          const out: DescribeDeliveryDestinationsCommandOutput = await clients.logs.send(
            new sdk.cloudWatchLogs.DescribeDeliveryDestinationsCommand({nextToken: token}),
          )
          for (const d of out.deliveryDestinations ?? [])
            if (d.arn) destinations.set(d.arn, d.deliveryDestinationConfiguration?.destinationResourceArn ?? '')
          token = out.nextToken
          if (!token) break
        }
        const types = new Set<string>()
        if (sources.size > 0) {
          token = undefined
          for (let page = 0; page < MAX_PAGES; page++) {
            const out: DescribeDeliveriesCommandOutput = await clients.logs.send(
              new sdk.cloudWatchLogs.DescribeDeliveriesCommand({
                nextToken: token,
                deliverySourceNames: [...sources.keys()].slice(0, 50),
              }),
            )
            for (const d of out.deliveries ?? []) {
              const target = destinations.get(d.deliveryDestinationArn ?? '') ?? ''
              const group = /:log-group:([^:]+)(?::\*)?$/.exec(target)?.[1]
              if (group !== undefined && (logGroupName === undefined || group === logGroupName))
                types.add(sources.get(d.deliverySourceName ?? '') ?? '')
            }
            token = out.nextToken
            if (!token) break
          }
        }
        deliveredLogTypes = [...types].filter((t) => t !== '').sort()
      } catch {
        // Unknown (e.g. no logs:Describe* permission): status says so.
      }
      return {logGroupExists, retentionDays, deliveredLogTypes}
    },
  }
}
