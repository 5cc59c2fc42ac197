import type {IncomingHttpHeaders} from 'node:http'

import type {SandboxState} from '../state.js'

/** A request as REST-style sandbox routes (Momento, `/_sandbox/`) see it: body already read. */
export interface RawRequest {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** Aborted when the client goes away or the sandbox closes (long polls must stop). */
  readonly signal: AbortSignal
}

export interface RawResponse {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

/** Returns a response when the route is its own, `undefined` to let the next route try. */
export type RestHandler = (
  request: RawRequest,
  state: SandboxState,
) => Promise<RawResponse | undefined> | RawResponse | undefined

/** A JSON response with the given status. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): RawResponse {
  return {status, headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(value)}
}
