/**
 * PutEvents entries for Momento events: building them from validated events, reading them from
 * NDJSON lines (either `{detailType, detail}` or the PutEvents entry shape), and the port the
 * publishing service talks to.
 */
import {entrySize, type MomentoEvent, type ValidationIssue, validateDetail} from './momento-events.js'

/** One PutEvents request entry, as the API names its fields. */
export interface PutEntry {
  Source: string
  DetailType: string
  Detail: string
  EventBusName: string
  Resources?: string[]
}

/** What PutEvents said about one entry: an EventId, or an error code and message. */
export type PutEntryResult = {eventId: string} | {errorCode: string; errorMessage: string}

/** The EventBridge calls publishing needs; adapters implement it over the SDK, tests with fakes. */
export interface EventsPort {
  /** One PutEvents call. Results are index-aligned with `entries`. Throws on whole-request failure. */
  putEvents(entries: readonly PutEntry[]): Promise<PutEntryResult[]>
  /** DescribeEventBus; throws NotFoundError when the bus doesn't exist. Returns the bus ARN. */
  describeEventBus(name: string): Promise<string>
}

export interface EntryDefaults {
  source: string
  bus: string
  maxEntryBytes: number
}

/** Turn a validated event into a PutEvents entry. */
export function toPutEntry(event: MomentoEvent, defaults: Pick<EntryDefaults, 'source' | 'bus'>): PutEntry {
  return {
    Source: defaults.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    EventBusName: defaults.bus,
  }
}

/** Check an entry against the PutEvents size limit; returns an issue when it's over. */
export function checkEntrySize(entry: PutEntry, maxEntryBytes: number): ValidationIssue | undefined {
  const size = entrySize(entry)
  if (size <= maxEntryBytes) return undefined
  return {
    field: 'entry',
    message: `The event is ${size} bytes; PutEvents takes at most ${maxEntryBytes} bytes per request.`,
    hint: 'Store large values another way, or raise --max-entry-bytes if your bus allows more.',
  }
}

export type LineResult = {ok: true; entry: PutEntry} | {ok: false; issues: ValidationIssue[]}

/**
 * Parse and validate one NDJSON line: `{"detailType", "detail"}` (our shape) or
 * `{"DetailType", "Detail", "Source", "EventBusName"}` (the PutEvents entry shape, Detail as text or object).
 */
export function parseEventLine(line: string, defaults: EntryDefaults): LineResult {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      issues: [{field: 'line', message: `Malformed JSON: ${why}.`, hint: 'Write one JSON object per line.'}],
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      issues: [{field: 'line', message: 'The line is not a JSON object.', hint: 'Write one JSON object per line.'}],
    }
  }
  const record = value as Record<string, unknown>
  const entryShape = 'DetailType' in record || 'Detail' in record
  const detailType = entryShape ? record['DetailType'] : record['detailType']
  let detail = entryShape ? record['Detail'] : record['detail']
  if (typeof detail === 'string') {
    try {
      detail = JSON.parse(detail)
    } catch {
      return {
        ok: false,
        issues: [
          {field: 'Detail', message: 'Detail is not valid JSON.', hint: 'Detail must be a JSON object (or its text).'},
        ],
      }
    }
  }
  const result = validateDetail(detailType, detail)
  if (!result.ok) return result
  const source = entryShape && typeof record['Source'] === 'string' ? record['Source'] : defaults.source
  const bus = entryShape && typeof record['EventBusName'] === 'string' ? record['EventBusName'] : defaults.bus
  const entry = toPutEntry(result.event, {source, bus})
  if (entryShape && Array.isArray(record['Resources'])) {
    entry.Resources = record['Resources'].filter((r): r is string => typeof r === 'string')
  }
  const sizeIssue = checkEntrySize(entry, defaults.maxEntryBytes)
  return sizeIssue ? {ok: false, issues: [sizeIssue]} : {ok: true, entry}
}

/** PutEvents per-entry error codes worth retrying (aws-semantics D.1). */
export const RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set(['ThrottlingException', 'InternalFailure'])

/** Most entries one PutEvents call takes. */
export const MAX_ENTRIES_PER_CALL = 10

/**
 * Pack entries into PutEvents calls by count (10) and total size (`maxBytes`), keeping order.
 * Pure: takes a list, returns groups of indices.
 */
export function packEntries(sizes: readonly number[], maxBytes: number, maxCount = MAX_ENTRIES_PER_CALL): number[][] {
  const groups: number[][] = []
  let current: number[] = []
  let bytes = 0
  sizes.forEach((size, index) => {
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      groups.push(current)
      current = []
      bytes = 0
    }
    current.push(index)
    bytes += size
  })
  if (current.length > 0) groups.push(current)
  return groups
}
