/**
 * The ports of `put --file`: the input (a file, or stdin spooled to a private temp file), PutEvents
 * spread over worker threads for large batches, and the progress record that `--resume` reads.
 */
import {availableParallelism, homedir} from 'node:os'

import {createThreadedEventsPort, type ClosableEventsPort} from '../adapters/aws/events-threads.js'
import {ProgressWriter, progressPath, readProgress} from '../adapters/put-progress-file.js'
import {stateDirFrom} from '../core/journal.js'
import type {EventsPort} from '../core/put-entries.js'
import type {PutFilePorts, PutProgressStore} from '../services/put-file.js'
import type {WiringContext} from './context.js'
import {eventsPort} from './put.js'

export {MAX_STDIN_BYTES, openPutInput, type PutInput} from '../adapters/put-input.js'

/** Batches at least this long use worker threads for PutEvents (start-up costs ~0.1 s per thread). */
const THREADED_BATCH = 2000

/**
 * The port to publish `count` events with: `direct` itself, or for large batches one that spreads the
 * SDK's per-call work over worker threads (one per core, at most 4). Close it with {@link closeEventsPort}.
 */
export function publishPort(
  ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>,
  direct: EventsPort,
  count: number,
): EventsPort {
  const threads = Math.min(4, availableParallelism())
  return count >= THREADED_BATCH && threads > 1 ? createThreadedEventsPort(ctx.aws, threads, ctx) : direct
}

/** Release a port from {@link publishPort} (its worker threads, if any). */
export async function closeEventsPort(port: EventsPort): Promise<void> {
  if ('close' in port) await (port as ClosableEventsPort).close()
}

/** The progress records of `put --file`: one file per input file in the state directory (adapters/put-progress-file.ts). */
export function progressStore(env: NodeJS.ProcessEnv = process.env): PutProgressStore {
  return {
    pathFor: (identity) => progressPath(stateDirFrom(env, homedir()), identity),
    read: readProgress,
    writer: (path) => new ProgressWriter(path),
  }
}

/** The ports services/put-file.ts runs with. */
export function putFilePorts(ctx: Pick<WiringContext, 'aws' | 'sandboxUrl'>): PutFilePorts {
  return {
    events: () => eventsPort(ctx),
    publishPort: (direct, count) => publishPort(ctx, direct, count),
    closePublishPort: closeEventsPort,
    progress: progressStore(),
  }
}
