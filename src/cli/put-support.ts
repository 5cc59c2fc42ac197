import {readFile} from 'node:fs/promises'
import {isUtf8} from 'node:buffer'

import {Flags} from '@oclif/core'

import {type ConfigValues, resolveSetting} from '../core/config.js'
import {UsageError} from '../core/errors.js'
import {DEFAULT_MAX_ENTRY_BYTES} from '../core/momento-events.js'

/** Flags every `put` command shares. */
export const putFlags = {
  cache: Flags.string({
    summary: 'Momento cache. Default: MOMENTO_EB_CACHE, then `config set cache`.',
    helpGroup: 'EVENT',
  }),
  bus: Flags.string({summary: 'Event bus. Default: MOMENTO_EB_BUS, then `config set bus`, then "default".'}),
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
  return {
    cache: setting('cache', flags.cache),
    bus: setting('bus', flags.bus, 'default') ?? 'default',
    source: setting('source', flags.source, 'momento-eb') ?? 'momento-eb',
    maxEntryBytes: flags['max-entry-bytes'],
  }
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

/**
 * The message from --message, --message-file, or piped stdin (one trailing newline dropped, as
 * `echo` adds it). Undefined when none was given; the validator then reports it as missing.
 */
export async function readMessage(
  flags: {message?: string | undefined; 'message-file'?: string | undefined},
  stdin: NodeJS.ReadStream,
): Promise<string | undefined> {
  if (flags.message !== undefined) return flags.message
  if (flags['message-file'] !== undefined) {
    const path = flags['message-file']
    let bytes: Buffer
    try {
      bytes = await readFile(path)
    } catch (error) {
      throw new UsageError(`Can't read the message file ${path}: ${(error as Error).message}`, {
        hints: ['Check the path and its permissions.'],
      })
    }
    if (!isUtf8(bytes))
      throw new UsageError(`The message file ${path} isn't UTF-8 text.`, {hints: ['Events carry text.']})
    return bytes.toString('utf8')
  }
  if (stdin.isTTY) return undefined
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
  const bytes = Buffer.concat(chunks)
  if (bytes.length === 0) return undefined
  if (!isUtf8(bytes)) throw new UsageError("The message on stdin isn't UTF-8 text.", {hints: ['Events carry text.']})
  return bytes.toString('utf8').replace(/\r?\n$/, '')
}
