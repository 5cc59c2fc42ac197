/**
 * The deploy/destroy progress view's state: one row per resource, updated from stack events.
 * Pure, so the reducer is tested without Ink; also formats the plain one-line-per-event output.
 */
import type {StackEvent} from '../../core/stack-plan.js'

/** One resource row: a logical id, whatever physical resources it went through. */
export interface ResourceRow {
  readonly logicalId: string
  readonly resourceType: string
  /** The status of the physical resource the stack keeps (not of a replaced copy). */
  readonly status: string
  readonly reason?: string | undefined
  /** The physical id of the resource the stack keeps, once an event named one. */
  readonly physicalId?: string | undefined
  /** True once this operation replaced the resource (CloudFormation's reason, or a new physical id). */
  readonly replaced?: boolean | undefined
  /** The physical id this one replaced, when the events named it. */
  readonly replacedId?: string | undefined
  /**
   * The physical resource the stack no longer keeps, and its latest status: the old copy of a
   * replaced resource being cleaned up, or (after a rollback) the new copy being removed.
   */
  readonly retired?: {readonly physicalId: string | undefined; readonly status: string; readonly why: RetiredWhy}
  readonly firstSeen: number
  readonly lastSeen: number
}

/** Why a physical resource was retired: replaced by a new one, or its replacement rolled back. */
export type RetiredWhy = 'replaced' | 'rolled back'

/** The whole view. */
export interface ProgressState {
  readonly title: string
  readonly startedAt: number
  /** The stack's own latest status. */
  readonly stackStatus: string | undefined
  /** Resources in the order they first appeared. */
  readonly rows: readonly ResourceRow[]
  /** The first failure with a reason: what the user needs to read. */
  readonly failure?: {readonly logicalId: string; readonly resourceType: string; readonly reason: string} | undefined
  readonly done: boolean
}

/** The state before any event. */
export function initialProgress(title: string, startedAt: number): ProgressState {
  return {title, startedAt, stackStatus: undefined, rows: [], done: false}
}

/** CloudFormation's reason on the first event of a replacement (worst case: reworded; then the physical ids tell). */
const REPLACING = /requires the creation of a new physical resource/i

/**
 * Whether `event` is about a physical resource the row no longer keeps: a DELETE of the old copy of a
 * replaced resource (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS), or of the new copy once an update that
 * replaced it rolled back (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, the old copy being back).
 * Either way the logical resource stays; without this the row would read DELETE_COMPLETE as if it
 * were gone. Undefined for anything else (including a resource the update removes).
 */
export function retiredBy(
  state: ProgressState,
  event: StackEvent,
): {physicalId: string | undefined; why: RetiredWhy; keeps: string | undefined} | undefined {
  if (!event.status.startsWith('DELETE_')) return undefined
  const row = state.rows.find((r) => r.logicalId === event.logicalId)
  if (!row) return undefined
  const id = event.physicalId || undefined
  // A later event about a copy already retired (DELETE_IN_PROGRESS, then DELETE_COMPLETE).
  const {retired} = row
  if (retired && (id ? id === retired.physicalId : retired.status !== 'DELETE_COMPLETE')) {
    return {physicalId: retired.physicalId, why: retired.why, keeps: row.physicalId}
  }
  // The resource itself going (removed from the template, or the stack deleted).
  if (row.status.startsWith('DELETE_')) return undefined
  const cleanup = state.stackStatus?.endsWith('_CLEANUP_IN_PROGRESS') ?? false
  const rollback = state.stackStatus?.startsWith('UPDATE_ROLLBACK') ?? false
  const replaced = row.replaced === true
  // The update failed after the replacement: the new copy goes, the old one is the resource again.
  // (A delete without a physical id, worst case, is taken to be that new copy.)
  if (rollback && cleanup && replaced && (!id || id === row.physicalId)) {
    return {physicalId: row.physicalId, why: 'rolled back', keeps: row.replacedId}
  }
  // A delete of another physical id than the one kept is never the resource going.
  if (id && row.physicalId && id !== row.physicalId) {
    return {physicalId: id, why: rollback ? 'rolled back' : 'replaced', keeps: row.physicalId}
  }
  if (!id && cleanup && replaced) return {physicalId: row.replacedId, why: 'replaced', keeps: row.physicalId}
  return undefined
}

/** Apply one stack event. */
export function applyEvent(state: ProgressState, event: StackEvent): ProgressState {
  const at = event.timestamp.getTime()
  if (event.resourceType === 'AWS::CloudFormation::Stack') return {...state, stackStatus: event.status}
  const index = state.rows.findIndex((r) => r.logicalId === event.logicalId)
  const previous = index === -1 ? undefined : state.rows[index]
  const retired = retiredBy(state, event)
  const physicalId = event.physicalId || undefined
  let row: ResourceRow
  if (previous && retired) {
    row = {
      ...previous,
      physicalId: retired.keeps,
      retired: {physicalId: retired.physicalId, status: event.status, why: retired.why},
      ...(event.status.endsWith('_FAILED') ? {reason: event.reason} : {}),
    }
  } else {
    const replacing = REPLACING.test(event.reason ?? '')
    const changedId =
      physicalId !== undefined && previous?.physicalId !== undefined && physicalId !== previous.physicalId
    row = {
      logicalId: event.logicalId,
      resourceType: event.resourceType,
      status: event.status,
      reason: event.reason,
      physicalId: physicalId ?? previous?.physicalId,
      replaced: replacing || changedId || previous?.replaced,
      replacedId: changedId
        ? previous?.physicalId
        : replacing
          ? (physicalId ?? previous?.physicalId)
          : previous?.replacedId,
      ...(previous?.retired ? {retired: previous.retired} : {}),
      firstSeen: previous?.firstSeen ?? at,
      lastSeen: at,
    }
  }
  const rows = index === -1 ? [...state.rows, row] : state.rows.map((r, i) => (i === index ? row : r))
  const isCause = event.status.endsWith('_FAILED') && event.reason && !/cancell?ed/i.test(event.reason)
  const failure =
    state.failure ??
    (isCause
      ? {logicalId: event.logicalId, resourceType: event.resourceType, reason: event.reason as string}
      : undefined)
  return {...state, rows, failure}
}

/** What a status means for its row: running, done, failed or rolled back. */
export function statusTone(status: string): 'running' | 'ok' | 'failed' | 'rolledBack' {
  if (status.endsWith('_FAILED')) return 'failed'
  if (status.endsWith('_IN_PROGRESS')) return 'running'
  if (status.startsWith('ROLLBACK') || status.startsWith('UPDATE_ROLLBACK') || status === 'DELETE_COMPLETE') {
    return status === 'DELETE_COMPLETE' ? 'ok' : 'rolledBack'
  }
  return 'ok'
}

/** `1:05`, `12:00`, `1:02:03`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** What happened to a row's retired copy, in a few words: `old copy deleted (replaced)`. */
export function retiredNote(retired: NonNullable<ResourceRow['retired']>): string {
  const copy = retired.why === 'replaced' ? 'old copy' : 'new copy'
  const what =
    retired.status === 'DELETE_COMPLETE'
      ? 'deleted'
      : retired.status === 'DELETE_IN_PROGRESS'
        ? 'being deleted'
        : retired.status === 'DELETE_SKIPPED'
          ? 'kept (DELETE_SKIPPED)'
          : retired.status
  const id = retired.physicalId ? ` ${retired.physicalId}` : ''
  return `${copy}${id} ${what} (${retired.why === 'replaced' ? 'replaced' : 'the update rolled back'})`
}

/**
 * One plain line per event, for terminals without a live view and for logs. With the state the event
 * was applied to, the delete of a replaced resource's old copy says so, instead of reading as the
 * resource going.
 */
export function formatEventLine(event: StackEvent, before?: ProgressState): string {
  const time = event.timestamp.toISOString().slice(11, 19)
  const retired = before && retiredBy(before, event)
  const note = retired
    ? `  ${retiredNote({physicalId: retired.physicalId, status: event.status, why: retired.why})}; ${event.logicalId} stays`
    : ''
  const reason = event.reason ? `  ${event.reason}` : ''
  return `${time}  ${event.status.padEnd(20)} ${event.logicalId.padEnd(24)} ${event.resourceType}${reason}${note}`
}

/** The plain event lines of one stack operation: `line(event)` formats it and remembers it. */
export function plainEventLines(): (event: StackEvent) => string {
  let state = initialProgress('', 0)
  return (event) => {
    const line = formatEventLine(event, state)
    state = applyEvent(state, event)
    return line
  }
}
