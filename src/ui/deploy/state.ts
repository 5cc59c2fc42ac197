/**
 * The deploy/destroy progress view's state: one row per resource, updated from stack events.
 * Pure, so the reducer is tested without Ink; also formats the plain one-line-per-event output.
 */
import type {StackEvent} from '../../core/stack-plan.js'

/** One resource row. */
export interface ResourceRow {
  readonly logicalId: string
  readonly resourceType: string
  readonly status: string
  readonly reason?: string | undefined
  readonly firstSeen: number
  readonly lastSeen: number
}

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

/** Apply one stack event. */
export function applyEvent(state: ProgressState, event: StackEvent): ProgressState {
  const at = event.timestamp.getTime()
  if (event.resourceType === 'AWS::CloudFormation::Stack') return {...state, stackStatus: event.status}
  const index = state.rows.findIndex((r) => r.logicalId === event.logicalId)
  const previous = index === -1 ? undefined : state.rows[index]
  const row: ResourceRow = {
    logicalId: event.logicalId,
    resourceType: event.resourceType,
    status: event.status,
    reason: event.reason,
    firstSeen: previous?.firstSeen ?? at,
    lastSeen: at,
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

/** One plain line per event, for terminals without a live view and for logs. */
export function formatEventLine(event: StackEvent): string {
  const time = event.timestamp.toISOString().slice(11, 19)
  const reason = event.reason ? `  ${event.reason}` : ''
  return `${time}  ${event.status.padEnd(20)} ${event.logicalId.padEnd(24)} ${event.resourceType}${reason}`
}
