/**
 * The three Momento detail types EventBridge carries (docs/reference/aws-facts.md#momento-detail-types): one
 * declarative schema per type, and the single validator that `put`, batch input, the DLQ decoder and
 * edit-then-redrive share.
 */

import {deliveredBodyBytes} from './stack-template.js'

/** Momento's maximum TTL for on-demand caches (docs/reference/aws-facts.md#momento-limits). */
export const MAX_TTL_SECONDS = 86_400
/**
 * Momento's hard limit on a topic message, in bytes of the body Momento receives
 * (docs/reference/aws-facts.md#momento-limits). The limits page says "4 KB"; its earlier version said "4KiB
 * per published message", so 4096.
 */
export const MAX_TOPIC_MESSAGE_BYTES = 4096
/**
 * Momento's item size limit: key plus value, as Momento receives them
 * (docs/reference/aws-facts.md#momento-limits). The page says "5 MB"; we take the smaller reading (5,000,000,
 * not 5 MiB) as the worst case. Through EventBridge an entry is at most 256 KiB (1 MB reported) anyway, so
 * this bites only with a --max-entry-bytes no bus accepts; it is checked so the two limits never disagree
 * silently.
 */
export const MAX_ITEM_BYTES = 5_000_000
/**
 * The longest cache key put accepts, in bytes (of the text's UTF-8, or of the key_base64 bytes).
 * Momento publishes no separate key limit (its limits page lists the item size only;
 * docs/reference/aws-facts.md#momento-limits "UNCONFIRMED"), so this is our own documented cap, chosen as the
 * worst case: a key travels in the query string of the API destination's URL (percent-encoded, up to 3 bytes
 * per byte), and request lines much above 8–16 KiB are refused by common HTTP front ends. 4 KiB keeps the URL
 * under 16 KiB in the worst case. The sandbox's Momento refuses longer keys with a 400.
 */
export const MAX_KEY_BYTES = 4096
/**
 * PutEvents' documented entry limit; configurable because a 1 MB limit is reported (UNCONFIRMED,
 * docs/reference/aws-facts.md#momento-limits, #eb-put-events).
 */
export const DEFAULT_MAX_ENTRY_BYTES = 262_144

export const DETAIL_TYPES = ['cacheSet', 'cacheDelete', 'topicPublish'] as const
export type DetailType = (typeof DETAIL_TYPES)[number]

export interface CacheSetDetail {
  cacheName: string
  key?: string
  key_base64?: string
  message: string
  /** Seconds; the field Momento's docs name. */
  ttl: number
  /**
   * The same value under the name the generator behind Momento's template maps
   * (docs/reference/aws-facts.md#ttl-field-name).
   */
  ttl_seconds: number
}

export interface CacheDeleteDetail {
  cacheName: string
  key?: string
  key_base64?: string
}

export interface TopicPublishDetail {
  cacheName: string
  topicName: string
  message: string
}

/** A validated event, ready to become a PutEvents entry. */
export type MomentoEvent =
  | {detailType: 'cacheSet'; detail: CacheSetDetail}
  | {detailType: 'cacheDelete'; detail: CacheDeleteDetail}
  | {detailType: 'topicPublish'; detail: TopicPublishDetail}

/** One reason an event is invalid: the field, what is wrong, and how to fix it. */
export interface ValidationIssue {
  field: string
  message: string
  hint: string
}

export type ValidationResult = {ok: true; event: MomentoEvent} | {ok: false; issues: ValidationIssue[]}

/**
 * Whether a string is well-formed Unicode (no unpaired surrogate, as a `\ud800` JSON escape makes).
 * Such text has no UTF-8 form: EventBridge refuses it (MalformedDetail) or it breaks on the way to
 * Momento. `String.prototype.isWellFormed` exists from Node 20 (ES2024; our lib setting is ES2023).
 */
export function isWellFormed(text: string): boolean {
  return (text as unknown as {isWellFormed(): boolean}).isWellFormed()
}

const bytes = (n: number) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`

function surrogateIssue(field: string, what: string): ValidationIssue {
  return {
    field,
    message: `The ${what} has an unpaired UTF-16 surrogate (e.g. a lone \\ud800 escape), which isn't valid Unicode.`,
    hint: `Fix the ${what}: surrogates must come in pairs (\\ud83d\\ude00), or use key_base64 for binary keys.`,
  }
}

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && (DETAIL_TYPES as readonly string[]).includes(value)
}

// Momento documents no character rules for cache and topic names; its CloudFormation resource type
// uses this pattern, so treat it as the plausible set (docs/reference/aws-facts.md#momento-limits,
// UNCONFIRMED for the service). The names also land in a URL path, where '/', '?', '#' or spaces would route
// the call elsewhere.
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,255}$/

function checkName(field: string, value: unknown, what: string, issues: ValidationIssue[]): string | undefined {
  if (value === undefined || value === null || value === '') {
    issues.push({field, message: `${what} is missing.`, hint: `Give the ${what} (field "${field}").`})
    return undefined
  }
  if (typeof value !== 'string') {
    issues.push({field, message: `${what} must be a string.`, hint: `Set "${field}" to the ${what} as text.`})
    return undefined
  }
  if (!NAME_PATTERN.test(value)) {
    issues.push({
      field,
      message: `${what} "${value}" isn't a plausible Momento name.`,
      hint: 'Use 1–255 letters, digits, ".", "_" or "-".',
    })
    return undefined
  }
  return value
}

/**
 * Decode standard or URL-safe base64, padded or not, to bytes; undefined when it isn't base64.
 * Node's decoder silently skips junk, so the text is checked against the alphabet first.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const trimmed = text.replace(/=+$/, '')
  if (!/^[A-Za-z0-9+/_-]*$/.test(trimmed) || trimmed.length % 4 === 1) return undefined
  if (/[+/]/.test(trimmed) && /[_-]/.test(trimmed)) return undefined
  return Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
}

/**
 * Unpadded base64url, the form Momento's docs show for `key_base64`
 * (docs/reference/aws-facts.md#momento-http-api).
 */
export function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64url')
}

function checkKey(detail: Record<string, unknown>, issues: ValidationIssue[]): {key?: string; key_base64?: string} {
  const present = (v: unknown): boolean => v !== undefined && v !== null && v !== ''
  const hasKey = present(detail['key'])
  const hasB64 = present(detail['key_base64'])
  if (hasKey && hasB64) {
    issues.push({
      field: 'key',
      message: 'Both key and key_base64 are set; Momento refuses the item.',
      hint: 'Keep exactly one: key for text keys, key_base64 for binary keys.',
    })
    return {}
  }
  if (!hasKey && !hasB64) {
    const emptyGiven = detail['key'] === '' || detail['key_base64'] === ''
    issues.push({
      field: 'key',
      message: emptyGiven ? 'The key is empty.' : 'No key is set.',
      hint: 'Give a non-empty key (--key) or key_base64 (--key-base64).',
    })
    return {}
  }
  if (hasKey) {
    if (typeof detail['key'] !== 'string') {
      issues.push({field: 'key', message: 'key must be a string.', hint: 'Quote the key, or use key_base64 for bytes.'})
      return {}
    }
    const key = detail['key']
    if (!isWellFormed(key)) {
      issues.push(surrogateIssue('key', 'key'))
      return {}
    }
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      issues.push(keyTooLong('key', Buffer.byteLength(key)))
      return {}
    }
    return {key}
  }
  const raw = detail['key_base64']
  const bytes = typeof raw === 'string' ? decodeBase64(raw) : undefined
  if (!bytes || bytes.length === 0) {
    issues.push({
      field: 'key_base64',
      message: `key_base64 ${JSON.stringify(raw)} isn't valid base64.`,
      hint: 'Encode the key bytes as base64url (e.g. `printf key | base64 | tr "+/" "-_" | tr -d =`).',
    })
    return {}
  }
  if (bytes.length > MAX_KEY_BYTES) {
    issues.push(keyTooLong('key_base64', bytes.length))
    return {}
  }
  return {key_base64: toBase64Url(bytes)}
}

function keyTooLong(field: string, size: number): ValidationIssue {
  return {
    field,
    message: `The key is ${bytes(size)}; momento-eb accepts keys of at most ${bytes(MAX_KEY_BYTES)}.`,
    hint: `Shorten the key to at most ${bytes(MAX_KEY_BYTES)} (hash long keys, e.g. with SHA-256).`,
  }
}

function checkTtl(detail: Record<string, unknown>, issues: ValidationIssue[]): number | undefined {
  const given = detail['ttl'] ?? detail['ttl_seconds']
  if (detail['ttl'] !== undefined && detail['ttl_seconds'] !== undefined && detail['ttl'] !== detail['ttl_seconds']) {
    issues.push({
      field: 'ttl',
      message: `ttl (${String(detail['ttl'])}) and ttl_seconds (${String(detail['ttl_seconds'])}) differ.`,
      hint: 'Give the TTL once, in "ttl".',
    })
    return undefined
  }
  if (given === undefined || given === null || given === '') {
    issues.push({field: 'ttl', message: 'The TTL is missing.', hint: `Give --ttl in seconds (1–${MAX_TTL_SECONDS}).`})
    return undefined
  }
  const value = typeof given === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(given) ? Number(given) : given
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({
      field: 'ttl',
      message: `TTL ${JSON.stringify(given)} isn't a number.`,
      hint: `Give whole seconds from 1 to ${MAX_TTL_SECONDS} (on the command line also a duration such as 90s, 5m or 1h30m).`,
    })
    return undefined
  }
  if (!Number.isInteger(value)) {
    issues.push({
      field: 'ttl',
      message: `TTL ${value} isn't a whole number of seconds.`,
      hint: `Round it to whole seconds (1–${MAX_TTL_SECONDS}).`,
    })
    return undefined
  }
  if (value < 1 || value > MAX_TTL_SECONDS) {
    issues.push({
      field: 'ttl',
      message: `TTL ${value} is outside 1–${MAX_TTL_SECONDS} seconds (Momento's maximum is 24 hours).`,
      hint: `Give a TTL from 1 to ${MAX_TTL_SECONDS}.`,
    })
    return undefined
  }
  return value
}

function checkMessage(field: string, value: unknown, issues: ValidationIssue[]): string | undefined {
  if (value === undefined || value === null) {
    issues.push({
      field,
      message: 'The message is missing.',
      hint: 'Give --message, --message-file, or pipe it on stdin.',
    })
    return undefined
  }
  if (typeof value !== 'string') {
    issues.push({field, message: 'The message must be a string.', hint: 'Send JSON values as their text form.'})
    return undefined
  }
  if (!isWellFormed(value)) {
    issues.push(surrogateIssue(field, 'message'))
    return undefined
  }
  return value
}

/**
 * Topic messages count against Momento's limit as the stack's topicPublish target delivers them:
 * its input template (stack-template.ts) wraps the message, so the largest message put accepts is
 * the limit minus what the template adds.
 */
function checkTopicMessageSize(message: string, issues: ValidationIssue[]): void {
  const delivered = deliveredBodyBytes('topicPublish', {message})
  if (delivered <= MAX_TOPIC_MESSAGE_BYTES) return
  const own = Buffer.byteLength(message)
  const largest = MAX_TOPIC_MESSAGE_BYTES - (delivered - own)
  issues.push({
    field: 'message',
    message:
      `The topic message is ${bytes(own)}; the stack delivers it as ${bytes(delivered)} (the topicPublish ` +
      `template adds ${bytes(delivered - own)}), ${bytes(delivered - MAX_TOPIC_MESSAGE_BYTES)} over Momento's ` +
      `topic message limit of ${bytes(MAX_TOPIC_MESSAGE_BYTES)}; the largest message that fits is ${bytes(largest)}.`,
    hint: `Shorten the message to at most ${bytes(largest)}, or store the payload in the cache and publish its key.`,
  })
}

/** The item Momento stores for a cacheSet is the key plus the value as the cacheSet target delivers it. */
function checkItemSize(key: {key?: string; key_base64?: string}, message: string, issues: ValidationIssue[]) {
  const keyBytes =
    key.key !== undefined
      ? Buffer.byteLength(key.key)
      : key.key_base64 !== undefined
        ? (decodeBase64(key.key_base64)?.length ?? 0)
        : 0
  const delivered = deliveredBodyBytes('cacheSet', {message})
  const item = keyBytes + delivered
  if (item <= MAX_ITEM_BYTES) return
  const largest = MAX_ITEM_BYTES - keyBytes - (delivered - Buffer.byteLength(message))
  issues.push({
    field: 'message',
    message:
      `The item is ${bytes(item)} as Momento would store it (key plus the value as the cacheSet template ` +
      `delivers it), ${bytes(item - MAX_ITEM_BYTES)} over Momento's item size limit of ${bytes(MAX_ITEM_BYTES)}; ` +
      `with this key the largest value that fits is ${bytes(Math.max(0, largest))}.`,
    hint: `Shorten the value to at most ${bytes(Math.max(0, largest))} with this key.`,
  })
}

/** Validate an untrusted detail object against the schema of `detailType`. */
export function validateDetail(detailType: unknown, detail: unknown): ValidationResult {
  const issues: ValidationIssue[] = []
  if (!isDetailType(detailType)) {
    const hint = `Use one of ${DETAIL_TYPES.join(', ')}.`
    return {
      ok: false,
      issues: [{field: 'detailType', message: `Unknown detail type ${JSON.stringify(detailType)}.`, hint}],
    }
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return {
      ok: false,
      issues: [{field: 'detail', message: 'detail must be a JSON object.', hint: 'Wrap the fields in {}.'}],
    }
  }
  const d = detail as Record<string, unknown>
  const cacheName = checkName('cacheName', d['cacheName'], 'cache name', issues)
  if (detailType === 'topicPublish') {
    const topicName = checkName('topicName', d['topicName'], 'topic name', issues)
    const message = checkMessage('message', d['message'], issues)
    if (message !== undefined) checkTopicMessageSize(message, issues)
    if (issues.length > 0 || cacheName === undefined || topicName === undefined || message === undefined) {
      return {ok: false, issues}
    }
    return {ok: true, event: {detailType, detail: {cacheName, topicName, message}}}
  }
  const key = checkKey(d, issues)
  if (detailType === 'cacheDelete') {
    if (issues.length > 0 || cacheName === undefined) return {ok: false, issues}
    return {ok: true, event: {detailType, detail: {cacheName, ...key}}}
  }
  const message = checkMessage('message', d['message'], issues)
  if (message !== undefined) checkItemSize(key, message, issues)
  const ttl = checkTtl(d, issues)
  if (issues.length > 0 || cacheName === undefined || message === undefined || ttl === undefined) {
    return {ok: false, issues}
  }
  return {ok: true, event: {detailType, detail: {cacheName, ...key, message, ttl, ttl_seconds: ttl}}}
}

/**
 * What a PutEvents entry for an event counts against the size limit
 * (docs/reference/aws-facts.md#eb-put-events).
 */
export function entrySize(entry: {Source: string; DetailType: string; Detail: string; Resources?: readonly string[]}) {
  let size = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail)
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource)
  return size
}
