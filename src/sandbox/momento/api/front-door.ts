/** Injected faults and the account rate limit, applied after auth and before the cache is looked up. */
import type {RawRequest, RawResponse} from '../../protocol/rest.js'
import type {MomentoOperation} from '../faults.js'
import type {MomentoState} from '../state.js'
import {momentoError, sleep} from '../wire.js'
import type {RouteInfo} from './service.js'

export async function applyFaults(
  request: RawRequest,
  momento: MomentoState,
  cache: string,
  operation: MomentoOperation,
  info: RouteInfo,
): Promise<RawResponse | undefined> {
  const fault = momento.faults.decide(cache, operation)
  if (fault) {
    info.fault = fault.fault.id
    if (fault.latencyMs !== undefined && !(await sleep(fault.latencyMs, request.signal))) {
      // The client left or the sandbox is closing: nobody reads this answer.
      return momentoError(503, 'Service Unavailable', 'The request was abandoned during injected latency.')
    }
    if (fault.status !== undefined) {
      const headers: Record<string, string> = {}
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds)
      const [title, description] = FAULT_TEXT[fault.status] ?? [`Injected ${fault.status}`, 'Injected fault.']
      return momentoError(fault.status, title, `${description} (sandbox fault ${fault.fault.id})`, headers)
    }
  }
  const token = momento.takeToken(cache)
  if (!token.ok) {
    return momentoError(429, 'Resources Exhausted', 'Request rate exceeded the limit for this account; retry later.', {
      'retry-after': String(token.retryAfterSeconds),
    })
  }
  return undefined
}

const FAULT_TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'The request was rejected.'],
  401: ['Unauthorized', 'The API key is not valid for this endpoint.'],
  403: ['Forbidden', 'The API key does not allow this operation.'],
  404: ['Not Found', 'Cache not found'],
  429: ['Resources Exhausted', 'Request rate exceeded the limit for this account; retry later.'],
  500: ['Internal Server Error', 'Momento failed to handle the request.'],
  502: ['Bad Gateway', 'Momento failed to handle the request.'],
  503: ['Service Unavailable', 'Momento is temporarily unavailable.'],
  504: ['Gateway Timeout', 'Momento did not answer in time.'],
}
