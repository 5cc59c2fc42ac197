import type {PutResult} from '../services/put-event.js'

/** One-line summary of a published event: the EventId on stdout (data), the description on stderr. */
export function printPutResult(command: {log(line: string): void; logToStderr(line: string): void}, result: PutResult) {
  const detail = result.detail as unknown as Record<string, unknown>
  const target =
    result.detailType === 'topicPublish'
      ? `topic ${String(detail['topicName'])} in cache ${String(detail['cacheName'])}`
      : `key ${String(detail['key'] ?? `(base64) ${String(detail['key_base64'])}`)} in cache ${String(detail['cacheName'])}`
  const ttl = result.detailType === 'cacheSet' ? `, ttl ${String(detail['ttl'])}s` : ''
  command.log(result.eventId)
  command.logToStderr(`Sent ${result.detailType} for ${target}${ttl} to bus ${result.bus}.`)
}
