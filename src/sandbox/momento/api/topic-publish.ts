/** Topic publish: `POST /topics/{cache}/{topic}` with the message as the body. */
import type {RawRequest, RawResponse} from '../../protocol/rest.js'
import type {Cache, MomentoState, TopicMessage} from '../state.js'
import {momentoError, utf8OrUndefined} from '../wire.js'

/**
 * Topic message limit in bytes of the body Momento receives: "4 KB" on Momento's limits page, which
 * earlier read "4KiB per published message", so 4096 (docs/reference/aws-facts.md#momento-limits). The
 * sandbox answers 400 above it. Through the stack the body is the `"<message>"` template's output, two bytes
 * longer than the message; the CLI (core/momento-events.ts, same limit) counts those bytes before sending.
 */
export const MAX_TOPIC_MESSAGE_BYTES = 4096

/**
 * Content types a topic publish may carry as text. Momento documents `text/plain` (and
 * `application/octet-stream` for binary); its own `curl -d` example sends
 * `application/x-www-form-urlencoded`, so that is accepted as text too (the body is the message, not
 * decoded). `application/json` is what API destinations send unless a `Content-Type` header parameter
 * overrides it (docs/reference/aws-facts.md#content-type); how Momento treats it is UNCONFIRMED: the sandbox
 * accepts it as text.
 */
const TEXT_TYPES = new Set(['text/plain', 'application/json', 'application/x-www-form-urlencoded'])
const BINARY_TYPES = new Set(['application/octet-stream'])

export function publish(request: RawRequest, momento: MomentoState, cache: Cache, topicName: string): RawResponse {
  const contentType = (String(request.headers['content-type'] ?? '').split(';')[0] ?? '').trim().toLowerCase()
  const binary = BINARY_TYPES.has(contentType)
  if (!binary && !TEXT_TYPES.has(contentType)) {
    return momentoError(
      400,
      'Bad Request',
      'Content-Type must be text/plain or application/octet-stream (application/json and application/x-www-form-urlencoded are read as text).',
    )
  }
  if (request.body.length > MAX_TOPIC_MESSAGE_BYTES) {
    return momentoError(
      400,
      'Bad Request',
      `The message is ${request.body.length} bytes; topic messages may be at most ${MAX_TOPIC_MESSAGE_BYTES} bytes.`,
    )
  }
  let value: TopicMessage['value']
  if (binary) {
    value = {binary: Buffer.from(request.body)}
  } else {
    const text = utf8OrUndefined(request.body)
    if (text === undefined) return momentoError(400, 'Bad Request', 'A text message must be valid UTF-8.')
    value = {text}
  }
  momento.publish(cache.name, topicName, value)
  return {status: 204}
}
