/**
 * The CloudWatch Logs data the sandbox keeps per region: log groups with their streams and events,
 * and the vended-log delivery objects (delivery sources, destinations, deliveries) that connect an
 * event bus to a log group. Field names follow the API shapes (Logs_20140328) so handlers can return
 * them with little mapping.
 *
 * Memory is bounded: a log group keeps at most MAX_EVENTS_PER_GROUP events and MAX_BYTES_PER_GROUP
 * bytes of messages; past either, its oldest events are evicted (AWS keeps everything until the
 * retention expires; a sandbox cannot). Retention is applied when events are read, not by a timer.
 */
import type {SandboxState} from '../state.js'

/** Events one log group keeps before the oldest are evicted. */
export const MAX_EVENTS_PER_GROUP = 1_000_000
/** Message bytes one log group keeps before the oldest events are evicted (256 MiB). */
export const MAX_BYTES_PER_GROUP = 256 * 1024 * 1024

/** One stored log event. `seq` orders events that share a timestamp (ingestion order). */
export interface StoredEvent {
  readonly timestamp: number
  readonly ingestionTime: number
  readonly message: string
  readonly seq: number
}

export interface LogStream {
  readonly name: string
  readonly creationTime: number
  /** Events in timestamp order (then ingestion order). `base` events were evicted before index 0. */
  events: StoredEvent[]
  base: number
  lastIngestionTime?: number
  storedBytes: number
}

export interface LogGroup {
  readonly name: string
  readonly creationTime: number
  retentionInDays?: number
  streams: Map<string, LogStream>
  eventCount: number
  storedBytes: number
}

export interface DeliverySource {
  name: string
  arn: string
  resourceArns: string[]
  service: string
  logType: string
  tags?: Record<string, string>
}

export interface DeliveryDestination {
  name: string
  arn: string
  deliveryDestinationType: 'CWL' | 'S3' | 'FH' | 'XRAY'
  outputFormat: string
  deliveryDestinationConfiguration: {destinationResourceArn: string}
  tags?: Record<string, string>
}

export interface Delivery {
  id: string
  arn: string
  deliverySourceName: string
  deliveryDestinationArn: string
  deliveryDestinationType: string
  tags?: Record<string, string>
}

/** All CloudWatch Logs state of one account and region. */
export interface LogsStore {
  readonly groups: Map<string, LogGroup>
  readonly sources: Map<string, DeliverySource>
  readonly destinations: Map<string, DeliveryDestination>
  readonly deliveries: Map<string, Delivery>
  /** Next ingestion sequence number (shared by all groups of the region). */
  seq: number
}

const STORES = new WeakMap<SandboxState, Map<string, LogsStore>>()

/** The Logs store of `region` in a sandbox, created on first use (kept beside SandboxState). */
export function logsStoreOf(state: SandboxState, region: string): LogsStore {
  let regions = STORES.get(state)
  if (!regions) STORES.set(state, (regions = new Map()))
  let store = regions.get(region)
  if (!store) {
    store = {groups: new Map(), sources: new Map(), destinations: new Map(), deliveries: new Map(), seq: 0}
    regions.set(region, store)
  }
  return store
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>` (without the `:*` DescribeLogGroups' `arn` has). */
export function logGroupArn(region: string, accountId: string, name: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${name}`
}

/** The log group name of a log-group ARN (with or without `:*`), or undefined. */
export function logGroupNameOfArn(arn: string): string | undefined {
  const match = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:([^:]+)(?::\*)?$/.exec(arn)
  return match?.[1]
}

/** Bytes AWS counts for one event: the UTF-8 message plus 26 bytes. */
export function eventSize(message: string): number {
  return Buffer.byteLength(message, 'utf8') + 26
}

/**
 * Add events (already validated, in timestamp order) to a stream, evicting the group's oldest
 * events past the caps.
 */
export function appendEvents(
  store: LogsStore,
  group: LogGroup,
  stream: LogStream,
  events: readonly {timestamp: number; message: string}[],
  now: number,
  caps: {readonly events: number; readonly bytes: number} = {events: MAX_EVENTS_PER_GROUP, bytes: MAX_BYTES_PER_GROUP},
): void {
  for (const e of events) {
    const stored: StoredEvent = {timestamp: e.timestamp, ingestionTime: now, message: e.message, seq: store.seq++}
    const list = stream.events
    const last = list[list.length - 1]
    if (!last || last.timestamp <= stored.timestamp) list.push(stored)
    else list.splice(upperBound(list, stored.timestamp), 0, stored)
    const size = eventSize(e.message)
    stream.storedBytes += size
    group.storedBytes += size
    group.eventCount++
  }
  stream.lastIngestionTime = now
  while (group.eventCount > caps.events || group.storedBytes > caps.bytes) {
    if (!evictOldest(group)) break
  }
}

/** First index whose timestamp is greater than `timestamp`. */
export function upperBound(list: readonly StoredEvent[], timestamp: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as StoredEvent).timestamp <= timestamp) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index whose timestamp is at least `timestamp`. */
export function lowerBound(list: readonly StoredEvent[], timestamp: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as StoredEvent).timestamp < timestamp) lo = mid + 1
    else hi = mid
  }
  return lo
}

function evictOldest(group: LogGroup): boolean {
  let oldest: LogStream | undefined
  for (const stream of group.streams.values()) {
    const first = stream.events[0]
    if (first && (!oldest || first.timestamp < (oldest.events[0] as StoredEvent).timestamp)) oldest = stream
  }
  if (!oldest) return false
  // Evict in chunks: shifting one element at a time from a million-entry array is quadratic.
  const count = Math.max(1, Math.min(oldest.events.length, Math.ceil(group.eventCount / 100)))
  const removed = oldest.events.splice(0, count)
  oldest.base += removed.length
  for (const e of removed) {
    const size = eventSize(e.message)
    oldest.storedBytes -= size
    group.storedBytes -= size
  }
  group.eventCount -= removed.length
  return true
}

/** The earliest timestamp still visible under the group's retention (0 when it keeps everything). */
export function retentionCutoff(group: LogGroup, now: number): number {
  return group.retentionInDays === undefined ? 0 : now - group.retentionInDays * 86_400_000
}
