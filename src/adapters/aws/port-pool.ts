/**
 * AWS port calls spread over worker threads. Signing, serializing and parsing cost the SDK about a
 * millisecond of CPU per call, which caps one thread near a thousand calls a second; a batch of
 * thousands of events (`put --file`) or a redrive with no rate cap goes faster with the calls spread
 * over the cores. Each worker (port-worker.ts) has its own clients; a call goes to the least busy.
 */
import {Worker} from 'node:worker_threads'

import type {DlqQueuePort} from '../../core/dlq.js'
import type {EventsPort} from '../../core/put-entries.js'
import type {AwsClients} from './clients.js'
import type {CallOptions} from './errors.js'
import {
  errorFromData,
  type PortName,
  type PortRequest,
  type PortResponse,
  type PortWorkerData,
} from './port-messages.js'

/**
 * A worker's heap. What a worker keeps is small (its SDK clients, ~25 MB), but it allocates fast (each
 * call's request and parsed response are garbage a moment later), and with V8's default young generation
 * (up to 48 MB on 64-bit) each worker's heap grew to 50–65 MB of mostly garbage. A small young generation
 * is collected more often (cheap: what survives is little) and keeps each worker near its live size.
 */
const WORKER_LIMITS = {maxYoungGenerationSizeMb: 8}

export class PortPool {
  private readonly slots: Array<{worker: Worker; busy: number}>
  private readonly pending = new Map<number, {resolve: (value: unknown) => void; reject: (error: unknown) => void}>()
  private nextId = 1
  /** Why a worker died, if one did: every call from then on fails with it instead of waiting forever. */
  private broken: Error | undefined
  private closing = false

  constructor(clients: AwsClients, threads: number, options: CallOptions & {queueUrl?: string | undefined} = {}) {
    const workerData: PortWorkerData = {
      target: {...clients.target},
      sandboxUrl: options.sandboxUrl,
      queueUrl: options.queueUrl,
    }
    this.slots = Array.from({length: Math.max(1, threads)}, () => {
      const worker = new Worker(new URL('./port-worker.js', import.meta.url), {
        workerData,
        resourceLimits: WORKER_LIMITS,
      })
      const slot = {worker, busy: 0}
      slot.worker.on('message', (response: PortResponse) => {
        slot.busy--
        const call = this.pending.get(response.id)
        this.pending.delete(response.id)
        if (!call) return
        if (response.ok) call.resolve(response.value)
        else call.reject(errorFromData(response.error))
      })
      slot.worker.on('error', (error) => this.fail(error))
      slot.worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`An AWS worker thread stopped (exit ${code}).`))
      })
      return slot
    })
  }

  /** Call `port.method(...args)` on the least busy worker. */
  call<T>(port: PortName, method: string, args: unknown[]): Promise<T> {
    if (this.broken) return Promise.reject(this.broken)
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a))
    slot.busy++
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {resolve: resolve as (value: unknown) => void, reject})
      const request: PortRequest = {id, port, method, args}
      slot.worker.postMessage(request)
    })
  }

  /** An EventsPort whose calls run on the workers. */
  eventsPort(): EventsPort {
    return {
      putEvents: (entries) => this.call('events', 'putEvents', [entries.map((e) => ({...e}))]),
      describeEventBus: (name) => this.call('events', 'describeEventBus', [name]),
    }
  }

  /** A DlqQueuePort (of the queue the pool was started with) whose calls run on the workers. */
  queuePort(queueUrl: string): DlqQueuePort {
    return {
      queueUrl,
      receive: (options) => this.call('queue', 'receive', [options]),
      changeVisibility: (handles, seconds) => this.call('queue', 'changeVisibility', [handles, seconds]),
      delete: (handles) => this.call('queue', 'delete', [handles]),
      purge: () => this.call('queue', 'purge', []),
      depth: () => this.call('queue', 'depth', []),
    }
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()))
  }

  private fail(error: Error): void {
    this.broken ??= error
    for (const {reject} of this.pending.values()) reject(error)
    this.pending.clear()
  }
}
