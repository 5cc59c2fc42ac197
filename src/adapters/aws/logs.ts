/**
 * CloudWatch Logs, for the event bus's logs:
 *
 * - the records of a set of event ids (FilterLogEvents), in as few calls as the filter-pattern
 *   length allows (one call per page of DLQ messages, not one per message). Bounded: at most
 *   `maxPages` pages of at most 10,000 events each, and at most MAX_RECORDS_PER_EVENT records kept
 *   per event;
 * - where the bus's logs go (DescribeLogGroups, DescribeDeliverySources, DescribeDeliveryDestinations,
 *   DescribeDeliveries), for `status`. Missing permissions or a failing call give `null`s, not an
 *   error: status reports what it could read.
 */
import type {
  DescribeDeliveriesCommandOutput,
  DescribeDeliveryDestinationsCommandOutput,
  DescribeDeliverySourcesCommandOutput,
  FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs'

import {parseBusLogRecord, type BusLogRecord} from '../../core/bus-log.js'
import type {AwsClients} from './clients.js'
import {sendAndTranslate, type CallOptions} from './errors.js'
import {sdk} from './sdk.js'

/**
 * CloudWatch Logs caps a filter pattern at 1,024 characters. One id term is
 * `($.event_id = "<36-char uuid>")` plus ` || `, about 60 characters: 16 ids per call leaves room.
 */
export const MAX_FILTER_PATTERN_CHARS = 1024
/** More records than this for one event are dropped (a retried event at TRACE writes about 4 per attempt). */
export const MAX_RECORDS_PER_EVENT = 2000
/** Default page bound of one lookup. */
export const DEFAULT_MAX_PAGES = 20

/** Which records to fetch. */
export interface BusLogQuery {
  readonly logGroupName: string
  readonly eventIds: readonly string[]
  /** Epoch ms; records before it are not searched (an event's records start at its ingestion). */
  readonly startTimeMs?: number | undefined
  readonly endTimeMs?: number | undefined
  /** Upper bound on FilterLogEvents pages per chunk of ids (default DEFAULT_MAX_PAGES). */
  readonly maxPages?: number | undefined
}

/** Records per event id, each list in time order; ids with no record are absent. */
export type BusLogRecordsByEvent = Map<string, BusLogRecord[]>

/** The filter pattern that matches records of any of `ids` (JSON pattern, `||` of equalities). */
export function eventIdFilterPattern(ids: readonly string[]): string {
  return `{ ${ids.map((id) => `($.event_id = "${id.replace(/["\\]/g, '')}")`).join(' || ')} }`
}

/** Split `ids` into chunks whose filter pattern fits MAX_FILTER_PATTERN_CHARS. */
export function chunkEventIds(ids: readonly string[]): string[][] {
  const chunks: string[][] = []
  let current: string[] = []
  for (const id of new Set(ids)) {
    const next = [...current, id]
    if (current.length > 0 && eventIdFilterPattern(next).length > MAX_FILTER_PATTERN_CHARS) {
      chunks.push(current)
      current = [id]
    } else {
      current = next
    }
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

/**
 * The log records of `query.eventIds` in `query.logGroupName`. A missing log group throws the
 * translated not-found error; callers that treat "no logs" as "no evidence" catch it.
 */
export async function fetchBusLogRecords(
  clients: AwsClients,
  query: BusLogQuery,
  options: CallOptions = {},
): Promise<BusLogRecordsByEvent> {
  const out: BusLogRecordsByEvent = new Map()
  const wanted = new Set(query.eventIds)
  for (const chunk of chunkEventIds(query.eventIds)) {
    let nextToken: string | undefined
    for (let page = 0; page < (query.maxPages ?? DEFAULT_MAX_PAGES); page++) {
      const response: FilterLogEventsCommandOutput = await sendAndTranslate(
        clients,
        'logs',
        options,
        `Can't read the event bus's logs (log group ${query.logGroupName})`,
        () =>
          clients.logs.send(
            new sdk.cloudWatchLogs.FilterLogEventsCommand({
              logGroupName: query.logGroupName,
              filterPattern: eventIdFilterPattern(chunk),
              ...(query.startTimeMs === undefined ? {} : {startTime: Math.floor(query.startTimeMs)}),
              ...(query.endTimeMs === undefined ? {} : {endTime: Math.ceil(query.endTimeMs)}),
              ...(nextToken ? {nextToken} : {}),
            }),
          ),
      )
      for (const event of response.events ?? []) {
        const record = event.message === undefined ? undefined : parseBusLogRecord(event.message)
        if (!record || !wanted.has(record.event_id)) continue
        let list = out.get(record.event_id)
        if (!list) out.set(record.event_id, (list = []))
        if (list.length < MAX_RECORDS_PER_EVENT) list.push(record)
      }
      // FilterLogEvents may return an empty page with a token while it scans: follow it (bounded).
      if (!response.nextToken || response.nextToken === nextToken) break
      nextToken = response.nextToken
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.message_timestamp_ms - b.message_timestamp_ms)
  return out
}

/** Where the bus's logs go, for `status`. */
export interface BusLogDeliveryView {
  /** The log group exists (null: couldn't tell). */
  readonly logGroupExists: boolean | null
  readonly retentionDays: number | null
  /** Log types (ERROR_LOGS, …) delivered from the bus to the log group (null: couldn't tell). */
  readonly deliveredLogTypes: string[] | null
}

const MAX_DELIVERY_PAGES = 10

/**
 * The log group (exists, retention) and the log types delivered from the bus's delivery sources to
 * it. Never throws: what couldn't be read is `null`.
 */
export async function inspectBusLogDelivery(
  clients: AwsClients,
  busArn: string,
  logGroupName: string | undefined,
): Promise<BusLogDeliveryView> {
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
    for (let page = 0; page < MAX_DELIVERY_PAGES; page++) {
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
    for (let page = 0; page < MAX_DELIVERY_PAGES; page++) {
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
      for (let page = 0; page < MAX_DELIVERY_PAGES; page++) {
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
}
