import {createReadStream} from 'node:fs'
import {isUtf8} from 'node:buffer'

import {Flags} from '@oclif/core'

import {type ConfigValues, resolveSetting} from '../core/config.js'
import {UsageError} from '../core/errors.js'
import {checkBus, checkSource} from '../core/put-entries.js'
import {DEFAULT_MAX_ENTRY_BYTES, MAX_ITEM_BYTES, MAX_TOPIC_MESSAGE_BYTES} from '../core/momento-events.js'

/** Flags every `put` command shares. */
export const putFlags = {
  cache: Flags.string({
    summary: 'Momento cache. Default: MOMENTO_EB_CACHE, then `config set cache`.',
    helpGroup: 'EVENT',
  }),
  bus: Flags.string({summary: 'Event bus. Default: MOMENTO_EB_BUS, then `config set bus`, then default.'}),
  source: Flags.string({
    summary: 'Source of the event. Default: MOMENTO_EB_SOURCE, then `config set source`, then "momento-eb".',
  }),
  'max-entry-bytes': Flags.integer({
    summary: `Largest PutEvents request in bytes (default ${DEFAULT_MAX_ENTRY_BYTES}; raise it only if your bus accepts more).`,
    env: 'MOMENTO_EB_MAX_ENTRY_BYTES',
    min: 1,
    default: DEFAULT_MAX_ENTRY_BYTES,
  }),
}

export interface PutDefaults {
  cache: string | undefined
  bus: string
  source: string
  maxEntryBytes: number
}

/** Resolve cache, bus and source by precedence: flag > env var > saved config > built-in default. */
export function resolvePutDefaults(
  flags: {cache?: string | undefined; bus?: string | undefined; source?: string | undefined; 'max-entry-bytes': number},
  env: NodeJS.ProcessEnv,
  config: ConfigValues,
): PutDefaults {
  const setting = (key: string, flag: string | undefined, fallback?: string) =>
    resolveSetting(key, {flag, env, config, ...(fallback === undefined ? {} : {fallback})})?.value
  const defaults = {
    cache: setting('cache', flags.cache),
    bus: setting('bus', flags.bus, 'default') ?? 'default',
    source: setting('source', flags.source, 'momento-eb') ?? 'momento-eb',
    maxEntryBytes: flags['max-entry-bytes'],
  }
  // Checked once, up front: PutEvents would fail every entry with them, after part of a file was sent.
  const issue = checkSource(defaults.source, 'The source') ?? checkBus(defaults.bus, 'The bus')
  if (issue) throw new UsageError(`${issue.message} Nothing was sent.`, {code: 'EB_INVALID_INPUT', hints: [issue.hint]})
  return defaults
}

/** The cache, or a usage error naming every way to give it. */
export function requireCache(defaults: PutDefaults): string {
  if (defaults.cache) return defaults.cache
  throw new UsageError('No cache given, so nothing was sent.', {
    code: 'EB_NO_CACHE',
    hints: ['Pass --cache NAME, set MOMENTO_EB_CACHE, or save a default with `momento-eb config set cache NAME`.'],
  })
}

/** Key flags of cacheSet and cacheDelete: one of them, as text or as base64 bytes. */
export const keyFlags = {
  key: Flags.string({summary: 'Item key (text).', exclusive: ['key-base64']}),
  'key-base64': Flags.string({summary: 'Item key as base64 bytes (sent as unpadded base64url).', exclusive: ['key']}),
}

/** Message flags of cacheSet and topicPublish. */
export const messageFlags = {
  message: Flags.string({summary: 'The value (cacheSet) or message (topicPublish).', exclusive: ['message-file']}),
  'message-file': Flags.string({
    summary: 'Read the value or message from this file (UTF-8 text).',
    exclusive: ['message'],
  }),
}

/** The largest message a put can carry, and what that limit is, for the bounded read. */
export interface MessageLimit {
  bytes: number
  what: string
}

/** The largest valid cacheSet value: it must fit one PutEvents entry and Momento's item size. */
export function cacheSetMessageLimit(maxEntryBytes: number): MessageLimit {
  return maxEntryBytes <= MAX_ITEM_BYTES
    ? {bytes: maxEntryBytes, what: 'the PutEvents entry limit (--max-entry-bytes)'}
    : {bytes: MAX_ITEM_BYTES, what: "Momento's item size limit"}
}

/** The largest valid topic message: Momento's topic message limit. */
export const TOPIC_MESSAGE_LIMIT: MessageLimit = {
  bytes: MAX_TOPIC_MESSAGE_BYTES,
  what: "Momento's topic message limit",
}

const fmt = (n: number) => n.toLocaleString('en-US')

function tooLarge(source: string, limit: MessageLimit): UsageError {
  return new UsageError(
    `${source} is larger than ${fmt(limit.bytes)} bytes, ${limit.what}, so nothing was sent (read stopped there).`,
    {code: 'EB_INVALID_INPUT', hints: [`Give a message of at most ${fmt(limit.bytes)} bytes.`]},
  )
}

/**
 * Read at most `max` bytes of a file or stream, in chunks; undefined when there is more. Never holds
 * more than `max` + one chunk, whatever the source (/dev/zero, an endless pipe).
 */
async function readBounded(chunks: AsyncIterable<Buffer | string>, max: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = []
  let total = 0
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    total += buffer.length
    if (total > max) return undefined
    parts.push(Buffer.from(buffer))
  }
  return Buffer.concat(parts)
}

/**
 * The message from --message, --message-file, or piped stdin (one trailing newline dropped, as
 * `echo` adds it). Undefined when none was given; the validator then reports it as missing. Reads at
 * most the largest valid message (`limit`) plus the newline, then refuses: exit 2 with the limit.
 */
export async function readMessage(
  flags: {message?: string | undefined; 'message-file'?: string | undefined},
  stdin: NodeJS.ReadStream,
  limit: MessageLimit,
): Promise<string | undefined> {
  if (flags.message !== undefined) return flags.message
  // Room for a trailing CRLF, which is dropped from stdin before the limit is checked.
  const max = limit.bytes + 2
  if (flags['message-file'] !== undefined) {
    const path = flags['message-file']
    let bytes: Buffer | undefined
    try {
      const stream = createReadStream(path, {highWaterMark: Math.min(max + 1, 1 << 16)})
      try {
        bytes = await readBounded(stream, max)
      } finally {
        stream.destroy()
      }
    } catch (error) {
      throw new UsageError(`Can't read the message file ${path}: ${(error as Error).message}`, {
        hints: ['Check the path and its permissions.'],
      })
    }
    if (bytes === undefined || bytes.length > limit.bytes) throw tooLarge(`The message file ${path}`, limit)
    if (!isUtf8(bytes))
      throw new UsageError(`The message file ${path} isn't UTF-8 text.`, {hints: ['Events carry text.']})
    return bytes.toString('utf8')
  }
  if (stdin.isTTY) return undefined
  const bytes = await readBounded(stdin, max)
  if (bytes === undefined) {
    stdin.destroy()
    throw tooLarge('The message on stdin', limit)
  }
  if (bytes.length === 0) return undefined
  if (!isUtf8(bytes)) throw new UsageError("The message on stdin isn't UTF-8 text.", {hints: ['Events carry text.']})
  const text = bytes.toString('utf8').replace(/\r?\n$/, '')
  if (Buffer.byteLength(text) > limit.bytes) throw tooLarge('The message on stdin', limit)
  return text
}
