import {jsonResponse, type RestHandler} from '../protocol/rest.js'
import type {DeliveryFilter} from './delivery-log.js'
import {pipelineOf} from './pipeline.js'

const PATH = '/_sandbox/deliveries'

/**
 * Inspection route of the delivery pipeline.
 *
 * - `GET /_sandbox/deliveries` → `{counters, deliveries}`: lifetime counters and the last 10,000
 *   invocation attempts, oldest first. Optional filters: `rule` (ARN or name), `target` (id, ARN or
 *   destination name), `event` (event id), `outcome` (`delivered`, `retrying`, `dead-lettered`,
 *   `dropped`, `aborted`), `limit` (keep the newest n).
 * - `DELETE /_sandbox/deliveries` forgets the attempts (counters stay).
 *
 * Authorization header values are logged as `REDACTED` and connection secrets are scrubbed.
 */
export const deliveryInspection: RestHandler = (request, state) => {
  if (request.url.pathname !== PATH && request.url.pathname !== `${PATH}/`) return undefined
  const pipeline = pipelineOf(state)
  if (request.method === 'DELETE') {
    pipeline.log.clear()
    return {status: 204}
  }
  if (request.method !== 'GET') {
    return jsonResponse(405, {message: `Use GET or DELETE on ${PATH}.`}, {allow: 'GET, DELETE'})
  }
  const params = request.url.searchParams
  const filter: DeliveryFilter = {}
  for (const key of ['rule', 'target', 'event', 'outcome'] as const) {
    const value = params.get(key)
    if (value) filter[key] = value
  }
  const limit = params.get('limit')
  if (limit !== null) {
    if (!/^\d+$/.test(limit)) return jsonResponse(400, {message: 'limit must be a non-negative integer.'})
    filter.limit = Number(limit)
  }
  return jsonResponse(200, {counters: pipeline.log.counters, deliveries: pipeline.log.list(filter)})
}
