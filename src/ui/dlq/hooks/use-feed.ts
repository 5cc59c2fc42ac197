import {useEffect} from 'react'

import type {DlqWatchUpdate} from '../../../services/dlq-watch.js'
import type {WatchEvent} from '../state.js'

/** One update of the live feed: the type `DlqWatchFeed.updates` yields, declared once (in the service). */
export type FeedUpdate = DlqWatchUpdate

/** Anything that yields feed updates until the signal aborts. */
export interface FeedSource {
  updates(signal: AbortSignal): AsyncIterable<FeedUpdate>
  /**
   * The records the user is reading (the selected one, open or not): a feed that keeps a bounded
   * window must not drop them from it. Called whenever the selection changes.
   */
  hold?(messageIds: readonly string[]): void
}

/**
 * Adapt the feed's AsyncIterable into reducer events for as long as the component is mounted. A
 * failure that ends the feed goes to `onFatal` (the root exits with it). Each good update carries the
 * time of its read (`now()`), so the view can tell how stale its data is.
 */
export function useFeed(
  source: FeedSource,
  dispatch: (event: WatchEvent) => void,
  onFatal: (error: Error) => void,
  now: () => number = Date.now,
): void {
  useEffect(() => {
    const controller = new AbortController()
    void (async () => {
      try {
        for await (const update of source.updates(controller.signal)) {
          if (controller.signal.aborted) return
          dispatch({
            type: 'feed',
            added: update.added,
            gone: update.gone,
            depth: update.depth,
            arrivalsPerSecond: update.arrivalsPerSecond,
            goneTotal: update.goneTotal,
            loaded: update.loaded,
            ...(update.evicted ? {evicted: update.evicted} : {}),
            ...(update.stats ? {stats: update.stats} : {}),
            ...(update.error ? {} : {readAt: now()}),
          })
          if (update.error) dispatch({type: 'feedError', message: update.error.message, at: now()})
        }
      } catch (error) {
        if (!controller.signal.aborted) onFatal(error instanceof Error ? error : new Error(String(error)))
      }
    })()
    return () => controller.abort()
  }, [source, dispatch, onFatal, now])
}
