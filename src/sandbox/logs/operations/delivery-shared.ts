/**
 * The vended-log delivery objects (CloudWatch Logs API: PutDeliverySource, PutDeliveryDestination,
 * CreateDelivery, their Get/Describe/Delete): a delivery source names the resource that logs (here an
 * event bus) and a log type, a delivery destination names where logs go (here a log group), and a
 * delivery pairs one source with one destination. The bus-log writer (bus-log-writer.ts) follows
 * them to find where an event bus's records go.
 *
 * Sources accept only the event-bus log types (ERROR_LOGS, INFO_LOGS, TRACE_LOGS): the sandbox
 * emulates no other vended-log source. Destinations accept only log groups (deliveryDestinationType
 * CWL). Put* on an existing name overwrites it, as AWS documents.
 */
import type {RequestContext} from '../../protocol/context.js'
import {ServiceError} from '../../protocol/errors.js'

/** The log types an event bus can be a delivery source for (EventBridge user guide, event bus logs). */
export const EVENT_BUS_LOG_TYPES = ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS'] as const

export const arnBase = (ctx: RequestContext) => `arn:aws:logs:${ctx.region}:${ctx.accountId}`

export function notFound(what: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `${what} does not exist.`)
}

export function conflict(message: string): ServiceError {
  return new ServiceError('ConflictException', message)
}

export const tagsOf = (input: Record<string, unknown>) =>
  input['tags'] && typeof input['tags'] === 'object' ? {tags: {...(input['tags'] as Record<string, string>)}} : {}
