import type {DlqReason, DlqRecord} from '../../core/dlq.js'

/**
 * The watch view's filter box: space-separated terms, all of which must match. `field:value`
 * matches one field (case-insensitive, `value` as a prefix for reason/type/code and as a substring
 * elsewhere); a bare word matches any of the shown fields as a substring.
 *
 * Fields: reason, cache, key, type (detail type), code (ERROR_CODE), status (HTTP status), bus,
 * rule, topic, id (message id). Examples: `reason:cache-not` `cache:orders status:404` `timeout`.
 */
export interface FilterTerm {
  readonly field: FilterField | undefined
  readonly value: string
}

/** The fields a filter term can name. */
export const FILTER_FIELDS = ['reason', 'cache', 'key', 'type', 'code', 'status', 'bus', 'rule', 'topic', 'id'] as const
export type FilterField = (typeof FILTER_FIELDS)[number]

/** A parsed filter: the terms, and the words that named no known field (shown as a warning). */
export interface ParsedFilter {
  readonly terms: readonly FilterTerm[]
  readonly unknownFields: readonly string[]
}

/** Parse the filter text. Never throws: an unknown `field:` is treated as a plain word and reported. */
export function parseFilter(text: string): ParsedFilter {
  const terms: FilterTerm[] = []
  const unknownFields: string[] = []
  for (const word of text.trim().split(/\s+/)) {
    if (word === '') continue
    const colon = word.indexOf(':')
    if (colon > 0) {
      const name = word.slice(0, colon).toLowerCase()
      const value = word.slice(colon + 1).toLowerCase()
      if ((FILTER_FIELDS as readonly string[]).includes(name)) {
        if (value !== '') terms.push({field: name as FilterField, value})
        continue
      }
      unknownFields.push(name)
    }
    terms.push({field: undefined, value: word.toLowerCase()})
  }
  return {terms, unknownFields}
}

function fieldValue(record: DlqRecord, field: FilterField): string | undefined {
  switch (field) {
    case 'reason':
      return record.reason
    case 'cache':
      return record.cache
    case 'key':
      return record.key ?? record.keyBase64
    case 'type':
      return record.detailType
    case 'code':
      return record.errorCode
    case 'status':
      return record.httpStatus === undefined ? undefined : String(record.httpStatus)
    case 'bus':
      return record.bus
    case 'rule':
      return record.ruleName ?? record.ruleArn
    case 'topic':
      return record.topic
    case 'id':
      return record.messageId
  }
}

const PREFIX_FIELDS: ReadonlySet<FilterField> = new Set(['reason', 'type', 'code', 'status'])
const ANY_FIELDS: readonly FilterField[] = ['reason', 'cache', 'key', 'type', 'code', 'status', 'topic', 'rule', 'id']

function termMatches(record: DlqRecord, term: FilterTerm): boolean {
  if (term.field) {
    const value = fieldValue(record, term.field)?.toLowerCase()
    if (value === undefined) return false
    return PREFIX_FIELDS.has(term.field) ? value.startsWith(term.value) : value.includes(term.value)
  }
  for (const field of ANY_FIELDS) {
    if (fieldValue(record, field)?.toLowerCase().includes(term.value)) return true
  }
  return record.errorMessage?.toLowerCase().includes(term.value) ?? false
}

/** A predicate for the parsed filter; an empty filter matches everything. */
export function recordMatcher(filter: ParsedFilter): (record: DlqRecord) => boolean {
  if (filter.terms.length === 0) return () => true
  return (record) => filter.terms.every((term) => termMatches(record, term))
}

/** One row of the grouped summary. */
export interface ReasonCount {
  readonly reason: DlqReason
  readonly count: number
}

/** Counts per reason, largest first (ties in reason order), for the summary strip. */
export function countByReason(records: readonly DlqRecord[]): ReasonCount[] {
  const counts = new Map<DlqReason, number>()
  for (const record of records) counts.set(record.reason, (counts.get(record.reason) ?? 0) + 1)
  return [...counts.entries()]
    .map(([reason, count]) => ({reason, count}))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
}
