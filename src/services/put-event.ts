import {RemoteError, UsageError} from '../core/errors.js'
import type {MomentoEvent, ValidationIssue} from '../core/momento-events.js'
import {checkEntrySize, type EventsPort, toPutEntry} from '../core/put-entries.js'

/** What `put cacheSet|cacheDelete|topicPublish --json` prints. */
export interface PutResult {
  eventId: string
  detailType: string
  bus: string
  source: string
  detail: MomentoEvent['detail']
}

/** Turn validation issues into the usage error every put command shows (exit 2, nothing sent). */
export function invalidEventError(what: string, issues: readonly ValidationIssue[]): UsageError {
  const lines = issues.map((i) => `  - ${i.message}`).join('\n')
  return new UsageError(`${what} isn't valid, so nothing was sent:\n${lines}`, {
    code: 'EB_INVALID_EVENT',
    hints: [...new Set(issues.map((i) => i.hint))].slice(0, 3),
  })
}

/**
 * Publish one validated event: check the bus exists first (PutEvents accepts unknown buses
 * silently, docs/reference/aws-facts.md#unknown-bus-accepted), then PutEvents. Throws NotFoundError for a
 * missing bus, UsageError for an oversized entry, RemoteError when EventBridge refuses the entry.
 */
export async function putEvent(
  port: EventsPort,
  event: MomentoEvent,
  options: {bus: string; source: string; maxEntryBytes: number},
): Promise<PutResult> {
  const entry = toPutEntry(event, options)
  const sizeIssue = checkEntrySize(entry, options.maxEntryBytes)
  if (sizeIssue) throw invalidEventError(`The ${event.detailType} event`, [sizeIssue])
  await port.describeEventBus(options.bus)
  const [result] = await port.putEvents([entry])
  if (!result || !('eventId' in result)) {
    const code = result?.errorCode ?? 'Unknown'
    throw new RemoteError(`EventBridge refused the ${event.detailType} event: ${code}: ${result?.errorMessage ?? ''}`, {
      code: 'EB_ENTRY_FAILED',
      hints:
        code === 'ThrottlingException' || code === 'InternalFailure'
          ? ['This is usually temporary: try again in a moment.']
          : ['Check the event against the message above; `momento-eb put --help` shows the fields.'],
    })
  }
  return {
    eventId: result.eventId,
    detailType: event.detailType,
    bus: options.bus,
    source: options.source,
    detail: event.detail,
  }
}
