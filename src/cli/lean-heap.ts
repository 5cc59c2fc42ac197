/**
 * A smaller heap for the long scans of a huge DLQ (`dlq redrive --all`, `dlq export`), set by those
 * commands' edge, not by the services: it changes the whole process, which a service run inside a
 * test, the demo or `dlq watch` has no business doing. The scans allocate
 * fast (every message is parsed, decoded, journaled and dropped a moment later) while what they keep is
 * small and flat, and V8 sizes the old generation from the allocation rate: with its default growing
 * factor (up to 4×) the main thread's heap reached 137 MB against 48 MB live on an export of 100,000
 * messages, and 145–220 MB against 40–60 MB on a redrive of 1,000,000 (measured: `npm run bench --
 * outage`). Capping the factor at 1.2 (`--heap-growing-percent=20`) held the same export at 73 MB of
 * heap and 137 MB resident instead of 203, for more frequent (each cheap: the live set is small) full
 * collections.
 *
 * The young generation is the other half: under fast allocation V8 doubles it up to 2 × 16 MB, committed
 * for the rest of the run, and `--max-semi-space-size` only counts at start-up (NODE_OPTIONS can't carry
 * it either). `--semi-space-growth-factor=1`, which V8 reads each time it would grow the young
 * generation, keeps it at the size it has when the scan starts (a few MB): scavenges are more frequent
 * and each is cheap (what survives a batch's round trip is little).
 *
 * Both flags are process-wide (the AWS worker threads' heaps follow them too) and read as the heap
 * works, so setting them when the scan starts is enough.
 */
import {setFlagsFromString} from 'node:v8'

/** Heap growth factor 1 + this / 100 after each full collection. */
export const LEAN_HEAP_GROWING_PERCENT = 20

let applied = false

/**
 * Make V8 grow this process's heaps by at most LEAN_HEAP_GROWING_PERCENT after each full collection,
 * and stop growing its young generations.
 */
export function useLeanHeap(): void {
  if (applied) return
  applied = true
  setFlagsFromString(`--heap-growing-percent=${LEAN_HEAP_GROWING_PERCENT}`)
  setFlagsFromString('--semi-space-growth-factor=1')
}
