import {performance} from 'node:perf_hooks'

import type {RawRequest, RawResponse} from '../../protocol/rest.js'
import type {Cache, MomentoState, Topic} from '../state.js'
import {momentoError, presentValues, type QueryPair} from '../wire.js'
import {cacheNotFound} from './shared.js'

/**
 * Long-poll subscribe: answer as soon as messages with sequence >= `sequence_number` exist, else
 * after `subscribeWaitMs` with no items. Without `sequence_number` the poll waits for the next message.
 */
export async function subscribe(
  request: RawRequest,
  momento: MomentoState,
  cache: Cache,
  topicName: string,
  pairs: readonly QueryPair[],
): Promise<RawResponse> {
  const values = presentValues(pairs, 'sequence_number')
  const text = values[0]?.toString('utf8')
  if (values.length > 1 || (text !== undefined && !/^\d{1,15}$/.test(text))) {
    return momentoError(400, 'Bad Request', 'sequence_number must be one non-negative whole number.')
  }
  let topic = momento.topic(cache.name, topicName)
  const from = text === undefined ? topic.nextSequence : Number(text)
  const deadline = performance.now() + momento.options.subscribeWaitMs
  for (;;) {
    const items = itemsFrom(topic, from, momento.options.subscribeBatch)
    if (items.length > 0) return subscribeResponse(items)
    const left = deadline - performance.now()
    if (left <= 0 || request.signal.aborted) return subscribeResponse([])
    await waitForMessage(topic, left, request.signal)
    // The cache may have been deleted (and the topic with it) while we waited.
    if (momento.caches.get(cache.name) !== cache) return cacheNotFound()
    topic = momento.topic(cache.name, topicName)
  }
}

function itemsFrom(topic: Topic, from: number, batch: number): unknown[] {
  const items: unknown[] = []
  const oldest = topic.messages[0]
  // Messages before `from` were dropped from the bounded history: say so, as Momento's discontinuity does.
  if (oldest && from < oldest.sequence && oldest.sequence > 1) {
    items.push({discontinuity: {last_topic_sequence: Math.max(0, from - 1), new_topic_sequence: oldest.sequence}})
  }
  let count = 0
  for (const message of topic.messages) {
    if (count >= batch) break
    if (message.sequence < from) continue
    count++
    const value =
      'text' in message.value ? {text: message.value.text} : {binary: message.value.binary.toString('base64')}
    items.push({item: {topic_sequence_number: message.sequence, value}})
  }
  return count === 0 ? [] : items
}

function subscribeResponse(items: unknown[]): RawResponse {
  return {status: 200, headers: {'content-type': 'application/json'}, body: JSON.stringify({items})}
}

function waitForMessage(topic: Topic, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      topic.waiters.delete(done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
    topic.waiters.add(done)
  })
}
