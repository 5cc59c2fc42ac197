/**
 * A worker thread that runs AWS port calls for the main thread (see port-pool.ts): EventBridge's
 * PutEvents and DescribeEventBus, and the dead-letter queue's receive, delete and visibility calls.
 * It builds its own SDK clients from the same target, so credentials and endpoints resolve as on
 * the main thread; the ports translate errors here, so what goes back is already a domain error.
 */
import {parentPort, workerData} from 'node:worker_threads'

import {createAwsClients} from './clients.js'
import {createDlqQueue} from './sqs.js'
import {createEventsPort} from './eventbridge.js'
import {errorToData, type PortRequest, type PortResponse, type PortWorkerData} from './port-messages.js'

if (parentPort) {
  const port = parentPort
  const data = workerData as PortWorkerData
  const clients = createAwsClients(data.target)
  const options = {sandboxUrl: data.sandboxUrl}
  const ports: Record<string, Record<string, unknown>> = {
    events: createEventsPort(clients, options) as unknown as Record<string, unknown>,
    ...(data.queueUrl
      ? {queue: createDlqQueue(clients, data.queueUrl, options) as unknown as Record<string, unknown>}
      : {}),
  }
  port.on('message', (request: PortRequest) => {
    const method = ports[request.port]?.[request.method]
    const call =
      typeof method === 'function'
        ? Promise.resolve().then(() => (method as (...args: unknown[]) => unknown)(...request.args))
        : Promise.reject(new Error(`No ${request.port}.${request.method} in the worker.`))
    call
      .then(
        (value): PortResponse => ({id: request.id, ok: true, value}),
        (error: unknown): PortResponse => ({id: request.id, ok: false, error: errorToData(error)}),
      )
      .then((response) => port.postMessage(response))
  })
}
