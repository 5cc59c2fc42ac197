/**
 * Routes for benchmarks, not AWS APIs: filling a queue with a million messages through
 * SendMessageBatch takes minutes on a small machine, and a process's resident memory only drops
 * after V8 collects garbage.
 *
 * - `POST /_sandbox/sqs/seed` (benchmarks only) stores `count` messages in a queue, as SendMessage
 *   would: `{"queue": "<name or URL>", "region"?: "us-east-1", "count": 1000000,
 *   "messages": [{"MessageBody": "…{{i}}…", "MessageAttributes"?: {…}}]}`. Message k is
 *   `messages[k % messages.length]` with every `{{i}}` in its body replaced by `first + k` (`first`
 *   defaults to 0), so bodies can be unique. Each template is validated as SendMessage validates its
 *   input. It works in slices of 10,000, yielding between them, and answers `{"seeded", "ms"}`.
 * - `GET /_sandbox/memory`: the process's `memoryUsage()` (rss, heapTotal, heapUsed, external) in bytes.
 * - `POST /_sandbox/memory/gc`: a full garbage collection, then `memoryUsage()`; only when the sandbox
 *   runs under `node --expose-gc` (409 otherwise).
 */
import {jsonResponse, type RawResponse, type RestHandler} from './protocol/rest.js'
import {ServiceError} from './protocol/errors.js'
import {validateMessage, type ValidatedMessage} from './sqs/operations/message-input.js'

const SEED_PATH = '/_sandbox/sqs/seed'
const MEMORY_PATH = '/_sandbox/memory'
/** Messages one seed call may store: well past an outage, short of exhausting a 4 GiB heap by mistake. */
const MAX_SEED = 5_000_000
const SLICE = 10_000

// Not async itself: every Momento call passes this route, and an async function's promise per call costs.
export const seedRoute: RestHandler = (request, state) =>
  request.url.pathname === SEED_PATH ? seed(request, state) : undefined

const seed: RestHandler = async (request, state) => {
  if (request.method !== 'POST') return jsonResponse(405, {message: `Use POST on ${SEED_PATH}.`}, {allow: 'POST'})
  const refuse = (message: string): RawResponse => jsonResponse(400, {message, description: message})
  let input: Record<string, unknown>
  try {
    input = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
  } catch {
    return refuse('Send a JSON object: {"queue", "count", "messages": [{"MessageBody", "MessageAttributes"}]}.')
  }
  const {queue: queueRef, count, messages, first = 0, region = state.defaultRegion} = input ?? {}
  if (typeof queueRef !== 'string' || queueRef === '') return refuse('"queue" must name the queue (name or URL).')
  if (typeof region !== 'string') return refuse('"region" must be a region name.')
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_SEED) {
    return refuse(`"count" must be a whole number from 1 to ${MAX_SEED}.`)
  }
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0) {
    return refuse('"first" must be a whole number of at least 0.')
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    return refuse('"messages" must be a non-empty list of {"MessageBody", "MessageAttributes"} templates.')
  }
  const queue = state.region(region).sqs.get(queueRef.slice(queueRef.lastIndexOf('/') + 1))
  if (!queue) return jsonResponse(404, {message: `No queue ${queueRef} in ${region}.`})
  let templates: {parts: string[]; message: ValidatedMessage}[]
  try {
    templates = messages.map((raw: unknown) => {
      const message = validateMessage((raw ?? {}) as Record<string, unknown>, queue)
      return {parts: message.body.split('{{i}}'), message}
    })
  } catch (error) {
    if (error instanceof ServiceError) return refuse(`A message template is invalid: ${error.message}`)
    throw error
  }
  const started = performance.now()
  for (let k = 0; k < count; k++) {
    if (k > 0 && k % SLICE === 0) {
      // Let other requests in between slices; stop when the client or the sandbox goes away.
      await new Promise((resolve) => setImmediate(resolve))
      if (request.signal.aborted) return jsonResponse(499, {seeded: k})
    }
    const {parts, message} = templates[k % templates.length] as (typeof templates)[number]
    queue.sendAt(
      {
        body: parts.length === 1 ? message.body : parts.join(String(first + k)),
        ...(message.wireAttributes ? {wireAttributes: message.wireAttributes} : {}),
        senderId: state.accountId,
      },
      state.now(),
      state.newId(),
    )
  }
  return jsonResponse(200, {seeded: count, ms: Math.round(performance.now() - started)})
}

export const memoryRoute: RestHandler = (request) => {
  const {pathname} = request.url
  if (pathname === MEMORY_PATH) {
    if (request.method !== 'GET') return jsonResponse(405, {message: `Use GET on ${MEMORY_PATH}.`}, {allow: 'GET'})
    return jsonResponse(200, usage())
  }
  if (pathname !== `${MEMORY_PATH}/gc`) return undefined
  if (request.method !== 'POST') return jsonResponse(405, {message: `Use POST on ${MEMORY_PATH}/gc.`}, {allow: 'POST'})
  const gc = (globalThis as {gc?: () => void}).gc
  if (!gc) {
    return jsonResponse(409, {
      message: 'Garbage collection on request needs the sandbox to run under node --expose-gc.',
    })
  }
  gc()
  return jsonResponse(200, usage())
}

function usage(): Record<string, number> {
  const {rss, heapTotal, heapUsed, external, arrayBuffers} = process.memoryUsage()
  return {rss, heapTotal, heapUsed, external, arrayBuffers}
}
