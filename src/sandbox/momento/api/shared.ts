/** Answers and path decoding the Momento API routes and the inspection routes share. */
import type {RawResponse} from '../../protocol/rest.js'
import {MomentoRequestError, momentoError} from '../wire.js'

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new MomentoRequestError(400, 'Bad Request', 'Malformed percent-encoding in the URL path.')
  }
}

export function methodNotAllowed(method: string, allow: string): RawResponse {
  return momentoError(405, 'Method Not Allowed', `${method} is not supported here; use ${allow}.`, {allow})
}

export function cacheNotFound(): RawResponse {
  return momentoError(404, 'Not Found', 'Cache not found')
}
