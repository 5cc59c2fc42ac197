import {Worker} from 'node:worker_threads'

import type {EventsPort, PutEntryResult} from '../../core/put-entries.js'
import type {AwsClients} from './clients.js'
import {translateAwsError} from './errors.js'
import type {WorkerRequest, WorkerResponse} from './events-worker.js'
import {createEventsPort} from './events.js'
import type {CallOptions} from './identity.js'

/** An EventsPort that must be closed when the work is done. */
export interface ClosableEventsPort extends EventsPort {
  close(): Promise<void>
}

/**
 * PutEvents from `threads` worker threads, each with its own client. Signing and serializing a
 * call costs the SDK about a millisecond of CPU, which caps one thread near 10 calls of 10 entries
 * per 10 ms; batches of thousands of events go faster with the calls spread over the cores.
 * DescribeEventBus stays on the calling thread.
 */
export function createThreadedEventsPort(
  clients: AwsClients,
  threads: number,
  options: CallOptions = {},
): ClosableEventsPort {
  const local = createEventsPort(clients, options)
  const workers = Array.from({length: threads}, () => {
    const worker = new Worker(new URL('./events-worker.js', import.meta.url), {workerData: {...clients.target}})
    return {worker, busy: 0}
  })
  const pending = new Map<number, {resolve: (value: PutEntryResult[]) => void; reject: (error: unknown) => void}>()
  let nextId = 1
  const failAll = (error: unknown): void => {
    for (const {reject} of pending.values()) reject(error)
    pending.clear()
  }
  for (const slot of workers) {
    slot.worker.on('message', (response: WorkerResponse) => {
      const call = pending.get(response.id)
      pending.delete(response.id)
      slot.busy--
      if (!call) return
      if (response.ok) {
        call.resolve(
          response.entries.map((e): PutEntryResult =>
            e.EventId
              ? {eventId: e.EventId}
              : {errorCode: e.ErrorCode ?? 'Unknown', errorMessage: e.ErrorMessage ?? 'No message.'},
          ),
        )
        return
      }
      call.reject(
        translateAwsError(Object.assign(new Error(response.error.message), response.error), {
          action: "Can't publish events (EventBridge PutEvents)",
          endpoint: clients.target.endpoint,
          region: clients.target.region,
          profile: clients.target.profile,
          sandboxUrl: options.sandboxUrl,
        }),
      )
    })
    slot.worker.on('error', failAll)
  }
  return {
    describeEventBus: (name) => local.describeEventBus(name),
    putEvents(entries) {
      // The least busy worker takes the call.
      const slot = workers.reduce((a, b) => (b.busy < a.busy ? b : a))
      slot.busy++
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, {resolve, reject})
        const request: WorkerRequest = {id, entries: entries.map((e) => ({...e}))}
        slot.worker.postMessage(request)
      })
    },
    async close() {
      await Promise.all(workers.map((slot) => slot.worker.terminate()))
    },
  }
}
