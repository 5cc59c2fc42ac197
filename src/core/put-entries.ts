/**
 * PutEvents entries for Momento events: building them from validated events, reading them from
 * NDJSON lines (either `{detailType, detail}` or the PutEvents entry shape), and the port the
 * publishing service talks to.
 */
import {entrySize, isWellFormed, type MomentoEvent, type ValidationIssue, validateDetail} from './momento-events.js'

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
 * Object keys whose duplicates change what is sent. JSON.parse keeps the last of duplicate keys, so
 * `{"detailType":"cacheSet",…,"detailType":"cacheDelete"}` would silently turn a set into a delete;
 * such a line is refused instead (RFC 8259 §4: names "SHOULD be unique", behaviour otherwise unpredictable).
 */
const SIGNIFICANT_KEYS = [
  'detailType',
  'detail-type',
  'detail',
  'DetailType',
  'Detail',
  'Source',
  'EventBusName',
  'Resources',
  'cacheName',
  'topicName',
  'key',
  'key_base64',
  'message',
  'ttl',
  'ttl_seconds',
] as const
const SIGNIFICANT: ReadonlySet<string> = new Set(SIGNIFICANT_KEYS)

/** How many object keys a parsed JSON value holds, all levels. */
function keyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + keyCount(item), 0)
  let n = 0
  for (const key in value) n += 1 + keyCount((value as Record<string, unknown>)[key])
  return n
}

/**
 * The first significant key that appears twice in one object of `text` (valid JSON, parsed to
 * `parsed`), or undefined. Fast path: without a backslash no string can hold a quote, so every
 * `"` followed by `:` ends a key; when there are as many as the parsed value has keys, no key was
 * repeated. Otherwise (or with escapes) the text is walked.
 */
export function duplicateKey(text: string, parsed: unknown): string | undefined {
  if (!text.includes('\\') && (text.match(/"\s*:/g)?.length ?? 0) === keyCount(parsed)) return undefined
  // A minimal walk of valid JSON: a stack of the keys seen per open object (null for arrays).
  const stack: Array<Set<string> | null> = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      let j = i + 1
      let escaped = false
      while (j < text.length) {
        const d = text.charCodeAt(j)
        if (d === 0x5c /* \\ */) {
          escaped = true
          j += 2
          continue
        }
        if (d === 0x22) break
        j++
      }
      const top = stack[stack.length - 1]
      if (expectKey && top) {
        const raw = text.slice(i, j + 1)
        const name = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1)
        if (top.has(name) && SIGNIFICANT.has(name)) return name
        top.add(name)
        expectKey = false
      }
      i = j
    } else if (c === 0x7b /* { */) {
      stack.push(new Set())
      expectKey = true
    } else if (c === 0x5b /* [ */) {
      stack.push(null)
      expectKey = false
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop()
      expectKey = false
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null
    }
  }
  return undefined
}

function duplicateIssue(name: string, where: string): ValidationIssue {
  return {
    field: name,
    message: `"${name}" appears twice in ${where}; JSON keeps only the last, so the event would not be the one written.`,
    hint: `Give "${name}" once.`,
  }
}

/**
 * EventBusName as the PutEvents model constrains it (NonPartnerEventBusNameOrArn: 1–1600 characters,
 * a name or an event-bus ARN). The pattern is as we read the botocore model; where it is stricter
 * than AWS, a valid bus is refused here with a clear message rather than sent half-way through a file.
 */
const BUS_PATTERN = /^(arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/
const MAX_BUS_LENGTH = 1600

/** Check the Source of an entry (a flag, a setting or a line) before anything is sent. */
export function checkSource(value: unknown, field = 'Source'): ValidationIssue | undefined {
  if (typeof value !== 'string' || value === '') {
    return {field, message: `${field} must be a non-empty string.`, hint: 'Give the source as text, e.g. "orders".'}
  }
  if (!isWellFormed(value)) {
    return {field, message: `${field} has an unpaired surrogate (invalid Unicode).`, hint: 'Fix the \\uD8xx escapes.'}
  }
  // Customer events may not use an `aws.` source (docs/reference/aws-facts.md#eb-put-events): PutEvents fails
  // the entry.
  if (value.startsWith('aws.')) {
    return {
      field,
      message: `${field} "${value}" starts with "aws.", which only AWS services may use.`,
      hint: 'Choose a source of your own, e.g. "momento-eb" or your application name.',
    }
  }
  return undefined
}

/** Check an EventBusName (name or ARN). */
export function checkBus(value: unknown, field = 'EventBusName'): ValidationIssue | undefined {
  if (typeof value !== 'string' || value === '') {
    return {field, message: `${field} must be a non-empty string.`, hint: 'Give the bus name or ARN as text.'}
  }
  if (value.length > MAX_BUS_LENGTH || !BUS_PATTERN.test(value)) {
    return {
      field,
      message: `${field} ${JSON.stringify(value.slice(0, 100))} isn't an event bus name or ARN.`,
      hint: `Use letters, digits, ".", "-", "_" or "/" (at most ${MAX_BUS_LENGTH} characters), or an event-bus ARN.`,
    }
  }
  return undefined
}

function checkResources(value: unknown): ValidationIssue | undefined {
  if (Array.isArray(value) && value.every((r): r is string => typeof r === 'string' && r !== '' && isWellFormed(r))) {
    return undefined
  }
  return {
    field: 'Resources',
    message: 'Resources must be a list of non-empty strings.',
    hint: 'Give Resources as ["arn:…", …], or leave it out.',
  }
}

/**
 * Parse and validate one NDJSON line: `{"detailType", "detail"}` (our shape) or
 * `{"DetailType", "Detail", "Source", "EventBusName", "Resources"}` (the PutEvents entry shape,
 * Detail as text or object). Everything PutEvents would refuse per entry is refused here, so a file
 * is never sent half-way to a bad line.
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
  const duplicate = duplicateKey(line, value)
  if (duplicate !== undefined) return {ok: false, issues: [duplicateIssue(duplicate, 'the line')]}
  const record = value as Record<string, unknown>
  const entryShape = 'DetailType' in record || 'Detail' in record
  const ownShape = 'detailType' in record || 'detail' in record
  if (entryShape && ownShape) {
    return {
      ok: false,
      issues: [
        {
          field: 'line',
          message: 'The line mixes both shapes (detailType/detail and DetailType/Detail).',
          hint: 'Use {"detailType", "detail"} or the PutEvents entry shape {"DetailType", "Detail", …}, not both.',
        },
      ],
    }
  }
  const detailType = entryShape ? record['DetailType'] : record['detailType']
  let detail = entryShape ? record['Detail'] : record['detail']
  if (typeof detail === 'string') {
    try {
      const text = detail
      detail = JSON.parse(text)
      const inner = duplicateKey(text, detail)
      if (inner !== undefined) return {ok: false, issues: [duplicateIssue(inner, 'Detail')]}
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
  const issues: ValidationIssue[] = []
  let source = defaults.source
  let bus = defaults.bus
  if (entryShape && record['Source'] !== undefined) {
    const issue = checkSource(record['Source'])
    if (issue) issues.push(issue)
    else source = record['Source'] as string
  }
  if (entryShape && record['EventBusName'] !== undefined) {
    const issue = checkBus(record['EventBusName'])
    if (issue) issues.push(issue)
    else bus = record['EventBusName'] as string
  }
  if (entryShape && record['Resources'] !== undefined) {
    const issue = checkResources(record['Resources'])
    if (issue) issues.push(issue)
  }
  if (issues.length > 0) return {ok: false, issues}
  const entry = toPutEntry(result.event, {source, bus})
  if (entryShape && record['Resources'] !== undefined) entry.Resources = record['Resources'] as string[]
  const sizeIssue = checkEntrySize(entry, defaults.maxEntryBytes)
  return sizeIssue ? {ok: false, issues: [sizeIssue]} : {ok: true, entry}
}

/** PutEvents per-entry error codes worth retrying (docs/reference/aws-facts.md#eb-put-events). */
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
