import {jsonResponse, type RestHandler} from '../protocol/rest.js'
import type {DeliveryFilter} from './delivery-log.js'
import {FAILURE_DETAILS, type FailureDetail} from './failures.js'
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

const FAILURE_DETAIL_PATH = '/_sandbox/pipeline/failure-detail'

/**
 * Read or change the `failureDetail` option while the sandbox runs:
 *
 * - `GET /_sandbox/pipeline/failure-detail` → `{"failureDetail": "opaque"|"detailed"}`
 * - `PUT` with `{"failureDetail": "detailed"}` or the bare word (`curl -X PUT -d detailed`) → the
 *   new setting. It applies to failures from then on; messages already in a DLQ keep their text.
 */
export const failureDetailRoute: RestHandler = (request, state) => {
  const {pathname} = request.url
  if (pathname !== FAILURE_DETAIL_PATH && pathname !== `${FAILURE_DETAIL_PATH}/`) return undefined
  if (request.method === 'PUT') {
    const value = readFailureDetail(request.body.toString('utf8'))
    if (value === undefined) {
      return jsonResponse(400, {
        message: `Send {"failureDetail": "opaque"} or {"failureDetail": "detailed"} (or the bare word) to ${FAILURE_DETAIL_PATH}.`,
      })
    }
    state.options.failureDetail = value
  } else if (request.method !== 'GET') {
    return jsonResponse(405, {message: `Use GET or PUT on ${FAILURE_DETAIL_PATH}.`}, {allow: 'GET, PUT'})
  }
  return jsonResponse(200, {failureDetail: state.options.failureDetail})
}

function readFailureDetail(text: string): FailureDetail | undefined {
  let value: unknown = text.trim()
  try {
    const parsed: unknown = JSON.parse(text)
    value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['failureDetail'] : parsed
  } catch {
    // a bare word, not JSON
  }
  return FAILURE_DETAILS.find((mode) => mode === value)
}
