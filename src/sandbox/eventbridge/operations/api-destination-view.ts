/** How API destinations appear in responses, and the endpoint check Create and Update share. */
import {validationError} from '../../protocol/errors.js'
import type {ApiDestination} from '../model.js'
import {defined} from './shared.js'

/**
 * AWS wants HTTPS; the sandbox also takes `http://` so destinations can point at the local Momento
 * emulator (docs/reference/aws-facts.md#eb-api-destination, #https-endpoints). Anything that is not an
 * absolute http(s) URL is refused.
 */
export function checkInvocationEndpoint(endpoint: string): void {
  let url: URL | undefined
  try {
    url = new URL(endpoint)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw validationError(`Parameter InvocationEndpoint is not valid: ${endpoint} is not an HTTPS URL.`)
  }
}

/** An API destination as Describe and List show it. */
export function apiDestinationView(d: ApiDestination): Record<string, unknown> {
  return defined({
    ApiDestinationArn: d.ApiDestinationArn,
    Name: d.Name,
    Description: d.Description,
    ApiDestinationState: d.ApiDestinationState,
    ConnectionArn: d.ConnectionArn,
    InvocationEndpoint: d.InvocationEndpoint,
    HttpMethod: d.HttpMethod,
    InvocationRateLimitPerSecond: d.InvocationRateLimitPerSecond,
    CreationTime: d.CreationTime,
    LastModifiedTime: d.LastModifiedTime,
  })
}
