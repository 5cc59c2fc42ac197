import type {EventsPort} from '../../core/put-entries.js'
import type {AwsClients} from './clients.js'
import {createEventsPort} from './eventbridge.js'
import type {CallOptions} from './errors.js'
import {PortPool} from './port-pool.js'

/** An EventsPort that must be closed when the work is done. */
export interface ClosableEventsPort extends EventsPort {
  close(): Promise<void>
}

/**
 * PutEvents from `threads` worker threads (see port-pool.ts), for batches of thousands of events.
 * DescribeEventBus stays on the calling thread.
 */
export function createThreadedEventsPort(
  clients: AwsClients,
  threads: number,
  options: CallOptions = {},
): ClosableEventsPort {
  const local = createEventsPort(clients, options)
  const pool = new PortPool(clients, threads, {sandboxUrl: options.sandboxUrl})
  const threaded = pool.eventsPort()
  return {
    describeEventBus: (name) => local.describeEventBus(name),
    putEvents: (entries) => threaded.putEvents(entries),
    close: () => pool.close(),
  }
}
