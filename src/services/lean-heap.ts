/**
 * A smaller heap for the long scans of a huge DLQ (`dlq redrive --all`, `dlq export`). They allocate
 * fast (every message is parsed, decoded, journaled and dropped a moment later) while what they keep is
 * small and flat, and V8 sizes the old generation from the allocation rate: with its default growing
 * factor (up to 4×) the main thread's heap reached 137 MB against 48 MB live on an export of 100,000
 * messages, and 145–220 MB against 40–60 MB on a redrive of 1,000,000 (measured: `npm run bench --
 * outage`). Capping the factor at 1.2 (`--heap-growing-percent=20`) held the same export at 73 MB of
 * heap and 137 MB resident instead of 203, for more frequent (each cheap: the live set is small) full
 * collections.
 *
 * The flag is process-wide (the AWS worker threads' heaps follow it too) and is read at each
 * collection, so setting it when the scan starts is enough (NODE_OPTIONS can't carry it).
 */
import {setFlagsFromString} from 'node:v8'

/** Heap growth factor 1 + this / 100 after each full collection. */
export const LEAN_HEAP_GROWING_PERCENT = 20

let applied = false

/** Make V8 grow this process's heaps by at most LEAN_HEAP_GROWING_PERCENT after each full collection. */
export function useLeanHeap(): void {
  if (applied) return
  applied = true
  setFlagsFromString(`--heap-growing-percent=${LEAN_HEAP_GROWING_PERCENT}`)
}
