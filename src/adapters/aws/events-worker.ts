/**
 * A worker thread that makes PutEvents calls for the main thread (see events-threads.ts). It builds
 * its own EventBridge client from the same target, so credentials resolve the same way.
 */
import {parentPort, workerData} from 'node:worker_threads'

import {createAwsClients, type AwsTarget} from './clients.js'
import {sdk} from './sdk.js'

/** What the main thread sends: a call id and the entries of one PutEvents call. */
export interface WorkerRequest {
  id: number
  entries: Array<{Source: string; DetailType: string; Detail: string; EventBusName: string; Resources?: string[]}>
}

/** What comes back: the per-entry results, or the whole call's error as plain data. */
export type WorkerResponse =
  | {id: number; ok: true; entries: Array<{EventId?: string; ErrorCode?: string; ErrorMessage?: string}>}
  | {id: number; ok: false; error: SerializedError}

export interface SerializedError {
  name: string
  message: string
  code?: string
  $metadata?: {requestId?: string; httpStatusCode?: number}
}

function serialize(error: unknown): SerializedError {
  const e = (typeof error === 'object' && error !== null ? error : {message: String(error)}) as Record<string, unknown>
  const metadata = e['$metadata'] as {requestId?: string; httpStatusCode?: number} | undefined
  return {
    name: typeof e['name'] === 'string' ? e['name'] : 'Error',
    message: typeof e['message'] === 'string' ? e['message'] : String(error),
    ...(typeof e['code'] === 'string' ? {code: e['code']} : {}),
    ...(metadata ? {$metadata: {requestId: metadata.requestId, httpStatusCode: metadata.httpStatusCode}} : {}),
  } as SerializedError
}

if (parentPort) {
  const port = parentPort
  const clients = createAwsClients(workerData as AwsTarget)
  port.on('message', (request: WorkerRequest) => {
    clients.eventBridge
      .send(new sdk.eventBridge.PutEventsCommand({Entries: request.entries}))
      .then(
        (out): WorkerResponse => ({
          id: request.id,
          ok: true,
          entries: (out.Entries ?? []).map((e) => ({
            ...(e.EventId ? {EventId: e.EventId} : {}),
            ...(e.ErrorCode ? {ErrorCode: e.ErrorCode} : {}),
            ...(e.ErrorMessage ? {ErrorMessage: e.ErrorMessage} : {}),
          })),
        }),
        (error: unknown): WorkerResponse => ({id: request.id, ok: false, error: serialize(error)}),
      )
      .then((response) => port.postMessage(response))
  })
}
