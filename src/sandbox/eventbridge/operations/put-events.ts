/**
 * PutEvents (docs/reference/aws-facts.md#eb-put-events): validate up to ten entries one by one, answer with
 * index-aligned results, and hand the accepted events to the delivery pipeline, which routes them after the
 * response is on its way.
 */
import {randomUUID} from 'node:crypto'
import {performance} from 'node:perf_hooks'

import type {RequestContext} from '../../protocol/context.js'
import {validationError} from '../../protocol/errors.js'
import {pipelineOf, type IngestedEvent} from '../../pipeline/pipeline.js'

const MAX_ENTRIES = 10
const MAX_DETAIL_TYPE_LENGTH = 128
/** `Time`, when given, counts this many bytes towards the request size (EB-UG eb-putevent-size). */
const TIME_BYTES = 14

/** One entry's result, as the API returns it. */
export type PutEventsResultEntry = {EventId: string} | {ErrorCode: string; ErrorMessage: string}

/** The PutEvents response shape. */
export interface PutEventsOutput {
  FailedEntryCount: number
  Entries: PutEventsResultEntry[]
}

/**
 * The PutEvents operation.
 *
 * @throws ServiceError `ValidationException` when there are no entries, more than ten, or their
 *   total size is over `maxPutEventsBytes`; every other problem fails only its entry.
 */
export function putEvents(input: Record<string, unknown>, ctx: RequestContext): PutEventsOutput {
  const entries = input['Entries']
  if (!Array.isArray(entries)) {
    throw validationError(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    )
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`
    throw validationError(
      `1 validation error detected: Value '[${entries.map(describeEntry).join(', ')}]' at 'entries' ` +
        `failed to satisfy constraint: Member must have length ${bound}`,
    )
  }
  if (requestSize(entries) > ctx.state.options.maxPutEventsBytes) {
    throw validationError('Total size of the entries in the request is over the limit.')
  }

  const {state} = ctx
  const nowMs = state.now()
  const ingestedAt = performance.now()
  const ingestionTime = new Date(nowMs).toISOString()
  const results: PutEventsResultEntry[] = []
  // Accepted events by `region|bus`, so each bus's rules are looked up once per request.
  const byBus = new Map<string, {region: string; bus: string; events: IngestedEvent[]}>()
  let failed = 0
  for (const raw of entries) {
    const entry = isRecord(raw) ? raw : {}
    const checked = checkEntry(entry, nowMs)
    if ('ErrorCode' in checked) {
      failed++
      results.push(checked)
      // Event-bus logs record the refusal (EVENT_INGEST_FAILURE) under an id the caller never sees.
      const {region, bus} = busOf(entry['EventBusName'], ctx)
      const envelope = {source: entry['Source'], 'detail-type': entry['DetailType'], detail: entry['Detail']}
      pipelineOf(state).rejected(
        region,
        bus,
        {id: randomUUID(), event: envelope, json: JSON.stringify(envelope), ingestedAtMs: nowMs},
        {code: checked.ErrorCode, message: checked.ErrorMessage},
      )
      continue
    }
    const {region, bus} = busOf(entry['EventBusName'], ctx)
    const id = state.newId()
    const event: Record<string, unknown> = {
      version: '0',
      id,
      'detail-type': entry['DetailType'],
      source: entry['Source'],
      account: ctx.accountId,
      time: checked.time,
      region,
      resources: checked.resources,
      detail: checked.detail,
    }
    const key = `${region}|${bus}`
    let group = byBus.get(key)
    if (!group) {
      group = {region, bus, events: []}
      byBus.set(key, group)
    }
    group.events.push({event, json: JSON.stringify(event), id, ingestionTime, ingestedAt, ingestionTimeMs: nowMs})
    results.push({EventId: id})
  }
  const pipeline = pipelineOf(state)
  for (const group of byBus.values()) pipeline.ingest(group.region, group.bus, group.events)
  return {FailedEntryCount: failed, Entries: results}
}

type EntryError = {ErrorCode: string; ErrorMessage: string}

function invalid(parameter: string, reason: string): EntryError {
  return {ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`}
}

/** Validate one entry: the event's `time`, `resources` and parsed `detail`, or the entry's error. */
function checkEntry(
  entry: Record<string, unknown>,
  nowMs: number,
): EntryError | {time: string; resources: string[]; detail: Record<string, unknown>} {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    const value = entry[field]
    if (typeof value !== 'string' || value === '') return invalid(field, `${field} is a required argument.`)
  }
  const source = entry['Source'] as string
  const detailType = entry['DetailType'] as string
  // `aws.` sources belong to AWS services; customers are not authorized to impersonate them.
  if (source.startsWith('aws.')) {
    return {ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.'}
  }
  if (detailType.length > MAX_DETAIL_TYPE_LENGTH) {
    return invalid('DetailType', `DetailType must be at most ${MAX_DETAIL_TYPE_LENGTH} characters long.`)
  }
  const detailText = entry['Detail'] as string
  let detail: unknown
  try {
    detail = JSON.parse(detailText)
  } catch {
    detail = undefined
  }
  if (!isRecord(detail)) return {ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.'}
  // An unpaired surrogate (raw, or a lone `\ud800` escape) has no UTF-8 form, so the Detail isn't
  // valid JSON text as RFC 8259 §8.1 requires. AWS's handling is undocumented; the worst case for a
  // client is acceptance and a silent drop later, so refuse the entry here, as PutEvents refuses
  // malformed detail (PutEventsResultEntry ErrorCode MalformedDetail,
  // docs/reference/aws-facts.md#eb-put-events).
  if (!isWellFormed(detailText) || (detailText.includes('\\u') && !wellFormedDeep(detail))) {
    return {ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.'}
  }

  const resources = entry['Resources'] ?? []
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    return invalid('Resources', 'Resources must be a list of strings.')
  }
  const timeMs = entry['Time'] === undefined || entry['Time'] === null ? nowMs : parseTime(entry['Time'])
  if (timeMs === undefined) return invalid('Time', 'Time must be epoch seconds or an ISO 8601 timestamp.')
  return {time: rfc3339Seconds(timeMs), resources: resources as string[], detail}
}

/** `Time` as the JSON protocol sends it (epoch seconds) or as an ISO string; milliseconds, or undefined. */
function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : undefined
  if (typeof value !== 'string') return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

/** The event's `time`: RFC 3339 in UTC, whole seconds (`2024-05-01T12:00:00Z`). */
function rfc3339Seconds(ms: number): string {
  const date = new Date(Math.floor(ms / 1000) * 1000)
  if (Number.isNaN(date.getTime())) return new Date(0).toISOString().replace('.000Z', 'Z')
  return date.toISOString().replace('.000Z', 'Z')
}

/** Size of the request by the documented formula: Time 14 bytes, then UTF-8 bytes of the strings. */
function requestSize(entries: readonly unknown[]): number {
  let size = 0
  for (const raw of entries) {
    if (!isRecord(raw)) continue
    if (raw['Time'] !== undefined && raw['Time'] !== null) size += TIME_BYTES
    for (const field of ['Source', 'DetailType', 'Detail']) {
      const value = raw[field]
      if (typeof value === 'string') size += Buffer.byteLength(value)
    }
    const resources = raw['Resources']
    if (Array.isArray(resources)) for (const r of resources) if (typeof r === 'string') size += Buffer.byteLength(r)
  }
  return size
}

/** The bus an entry addresses: a name or an event-bus ARN (whose region wins); `default` when absent. */
function busOf(value: unknown, ctx: RequestContext): {region: string; bus: string} {
  if (typeof value !== 'string' || value === '') return {region: ctx.region, bus: 'default'}
  const arn = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/.exec(value)
  if (!arn) return {region: ctx.region, bus: value}
  // Another account's bus cannot be reached from the sandbox's single account: route nowhere.
  if (arn[2] !== ctx.accountId) return {region: ctx.region, bus: `\0${value}`}
  return {region: arn[1] as string, bus: arn[3] as string}
}

/** An entry as AWS's validation message shows it (a Java-style `toString`). */
function describeEntry(raw: unknown): string {
  const entry = isRecord(raw) ? raw : {}
  const field = (name: string): string => {
    const value = entry[name]
    if (value === undefined || value === null) return 'null'
    return Array.isArray(value) ? `[${value.join(', ')}]` : String(value)
  }
  return (
    `PutEventsRequestEntry(time=${field('Time')}, source=${field('Source')}, resources=${field('Resources')}, ` +
    `detailType=${field('DetailType')}, detail=${field('Detail')}, eventBusName=${field('EventBusName')}, ` +
    `traceHeader=${field('TraceHeader')})`
  )
}

function isWellFormed(text: string): boolean {
  return (text as unknown as {isWellFormed(): boolean}).isWellFormed()
}

/** Whether every string in a parsed JSON value, object keys included, is well-formed Unicode. */
function wellFormedDeep(value: unknown): boolean {
  if (typeof value === 'string') return isWellFormed(value)
  if (Array.isArray(value)) return value.every(wellFormedDeep)
  if (isRecord(value)) return Object.entries(value).every(([k, v]) => isWellFormed(k) && wellFormedDeep(v))
  return true
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
