/**
 * Turning a dead-lettered event back into a PutEvents entry (docs/reference/aws-facts.md#redrive-republish),
 * and the edit-then-redrive file format: what the operator sees in $EDITOR, how it is read back and
 * validated with the same schemas `put` uses, and the per-field difference shown before sending.
 */
import type {DlqRecord} from './dlq.js'
import {validateDetail, type ValidationIssue} from './momento-events.js'
import type {PutEntry} from './put-entries.js'

/**
 * The bus a rule lives on, from its ARN: `…:rule/<name>` is on `default`, `…:rule/<bus>/<name>` on
 * `<bus>` (docs/reference/aws-facts.md#dlq-attributes, #rule-arn-format). Undefined when the text is not a
 * rule ARN.
 */
export function busFromRuleArn(ruleArn: string | undefined): string | undefined {
  if (!ruleArn) return undefined
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:rule\/(.+)$/.exec(ruleArn)
  if (!match?.[1]) return undefined
  const parts = match[1].split('/')
  if (parts.length === 1) return 'default'
  return parts.slice(0, -1).join('/')
}

/** Why a record can't become an entry. */
export interface EntryProblem {
  messageId: string
  reason: 'not-redrivable' | 'no-bus'
  message: string
}

/** A PutEvents entry for one record, or why there is none. */
export type EntryResult = {ok: true; entry: PutEntry} | {ok: false; problem: EntryProblem}

/**
 * Build the PutEvents entry that re-publishes a dead-lettered event: its original Source, DetailType,
 * Detail and Resources, on the bus of the rule that failed (or `bus` when the operator names one).
 * `Time` is left out on purpose: the redriven event is a new event (new id) and EventBridge stamps it
 * now; the original time stays in the journal's old event id. `detail` replaces the original detail
 * (edit-then-redrive).
 */
export function toRedriveEntry(
  record: DlqRecord,
  options: {bus?: string | undefined; detail?: Record<string, unknown> | undefined} = {},
): EntryResult {
  const event = record.event
  if (!record.redrivable || !event) {
    return {
      ok: false,
      problem: {
        messageId: record.messageId,
        reason: 'not-redrivable',
        message: 'The body is not an EventBridge event (no detail-type and detail), so it cannot be published again.',
      },
    }
  }
  const bus = options.bus ?? record.bus ?? busFromRuleArn(record.ruleArn)
  if (!bus) {
    return {
      ok: false,
      problem: {
        messageId: record.messageId,
        reason: 'no-bus',
        message: 'The message has no RULE_ARN attribute, so the bus it failed on is unknown.',
      },
    }
  }
  const entry: PutEntry = {
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(options.detail ?? event.detail),
    EventBusName: bus,
  }
  if (event.resources.length > 0) entry.Resources = [...event.resources]
  return {ok: true, entry}
}

/** One event as it appears in the edit file. */
export interface EditItem {
  messageId: string
  detailType: string
  detail: Record<string, unknown>
}

/** The text written to the editor: a JSON array, one object per selected event, ids first. */
export function formatEditFile(records: readonly DlqRecord[]): string {
  const items: EditItem[] = []
  for (const record of records) {
    if (!record.event) continue
    items.push({messageId: record.messageId, detailType: record.event.detailType, detail: record.event.detail})
  }
  return `${JSON.stringify(items, null, 2)}\n`
}

/** One problem in an edited file, with the event it belongs to (undefined: the file as a whole). */
export interface EditIssue {
  messageId: string | undefined
  field: string
  message: string
  hint: string
}

export type EditResult =
  {ok: true; edits: Map<string, Record<string, unknown>>; removed: string[]} | {ok: false; issues: EditIssue[]}

/**
 * Read an edited file back: a JSON array (as written) or NDJSON, one `{messageId, detail}` object per
 * event. Every detail is validated against its detail type (which can't be changed: the failing rule
 * is for that type). An event left out of the file is not redriven. Unknown or repeated message ids
 * are errors, so a typo can't publish something nobody selected.
 */
export function parseEditFile(text: string, records: readonly DlqRecord[]): EditResult {
  const byId = new Map(records.filter((r) => r.event).map((r) => [r.messageId, r]))
  let items: unknown[]
  const trimmed = text.trim()
  try {
    items = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as unknown[])
      : trimmed
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as unknown)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      issues: [
        {
          messageId: undefined,
          field: 'file',
          message: `The edited file is not valid JSON: ${why}.`,
          hint: 'Keep it a JSON array (or one JSON object per line).',
        },
      ],
    }
  }
  const issues: EditIssue[] = []
  const edits = new Map<string, Record<string, unknown>>()
  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.push({
        messageId: undefined,
        field: 'file',
        message: 'Every element must be an object with messageId and detail.',
        hint: 'Edit the detail fields only.',
      })
      continue
    }
    const {messageId, detail, detailType} = item as Record<string, unknown>
    const record = typeof messageId === 'string' ? byId.get(messageId) : undefined
    if (!record?.event) {
      issues.push({
        messageId: typeof messageId === 'string' ? messageId : undefined,
        field: 'messageId',
        message: `Unknown message id ${JSON.stringify(messageId)}.`,
        hint: 'Keep the messageId of each event as it was; delete an event to leave it out.',
      })
      continue
    }
    if (edits.has(record.messageId)) {
      issues.push({
        messageId: record.messageId,
        field: 'messageId',
        message: 'The message appears twice.',
        hint: 'Keep one copy of each event.',
      })
      continue
    }
    if (detailType !== undefined && detailType !== record.event.detailType) {
      issues.push({
        messageId: record.messageId,
        field: 'detailType',
        message: `The detail type can't change (was ${record.event.detailType}).`,
        hint: 'Redrive goes back to the rule that failed, which matches one detail type.',
      })
      continue
    }
    const result = validateDetail(record.event.detailType, detail)
    if (!result.ok) {
      issues.push(...result.issues.map((issue: ValidationIssue) => ({messageId: record.messageId, ...issue})))
      continue
    }
    // Extra fields the operator kept stay (other rules may read them); the Momento fields are sent in
    // the form `put` sends them (both ttl names, base64url keys).
    edits.set(record.messageId, {...(detail as Record<string, unknown>), ...result.event.detail})
  }
  if (issues.length > 0) return {ok: false, issues}
  const removed = [...byId.keys()].filter((id) => !edits.has(id))
  return {ok: true, edits, removed}
}

/** One changed field of one event. */
export interface FieldChange {
  field: string
  before: unknown
  after: unknown
}

/** The top-level detail fields that differ (added, removed or changed), sorted by name. */
export function diffDetail(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  const changes: FieldChange[] = []
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes.push({field, before: before[field], after: after[field]})
    }
  }
  return changes
}

/** One changed field in words: `ttl: 60 → 600` (`(absent)` for a field added or removed). */
export function formatFieldChange(c: FieldChange): string {
  return `${c.field}: ${JSON.stringify(c.before) ?? '(absent)'} → ${JSON.stringify(c.after) ?? '(absent)'}`
}
