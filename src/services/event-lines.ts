import {isUtf8} from 'node:buffer'

import type {ValidationIssue} from '../core/momento-events.js'
import {type EntryDefaults, type LineResult, parseEventLine} from '../core/put-entries.js'
import type {NumberedEntry} from './publish-events.js'

/** Opens the input afresh; called once per pass (validation, then sending). Chunks are bytes (or text). */
export type OpenInput = () => AsyncIterable<Buffer | string>

export interface InvalidLine {
  line: number
  issues: ValidationIssue[]
}

export interface ValidationReport {
  /** Non-blank lines read. */
  lines: number
  valid: number
  /** Valid lines `skip` said were sent by an earlier run. */
  skipped: number
  invalidCount: number
  /** The first `maxReported` invalid lines, in order. */
  invalid: InvalidLine[]
  /** Event buses the valid lines address (at most `maxBuses`; more are not tracked). */
  buses: Set<string>
  /** The number of the last line (blank or not): what `--resume` progress is measured against. */
  lastLine: number
}

/**
 * The longest line read, for entries of at most `maxEntryBytes`. A line can be longer than its
 * entry (JSON escapes: `\u0041` is 6 bytes for 1; whitespace; fields we drop), so allow 6 times the
 * entry plus 64 KiB; anything longer is not NDJSON of events (a binary file, /dev/zero) and stops
 * the read before it is buffered.
 */
export function maxLineBytesFor(maxEntryBytes: number): number {
  return 6 * maxEntryBytes + 65_536
}

/** A line longer than the limit: reading stops here (its bytes are never held in memory). */
export class LineTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly offset: number,
    readonly maxBytes: number,
  ) {
    super(`line ${line} (at byte offset ${offset}) is longer than ${maxBytes.toLocaleString('en-US')} bytes`)
  }
}

/** One line as read: its number, the byte offset where it starts, and its text or why it has none. */
export type RawLine = {line: number; offset: number; text: string} | {line: number; offset: number; badUtf8At: number}

/** The byte index of the first byte of `bytes` that is not part of a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    if (i + need >= bytes.length) return i
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k] as number
      if ((c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

/**
 * The lines of an NDJSON input with their 1-based numbers and byte offsets, streamed from its
 * chunks. Bytes are decoded strictly: a line that isn't well-formed UTF-8 comes back with the
 * offset of its first bad byte instead of text (never with U+FFFD in its place). A UTF-8 byte
 * order mark at the very start is dropped; a CR before the LF is dropped. Throws LineTooLongError
 * as soon as a line passes `maxLineBytes`, so memory stays bounded by it whatever the input.
 */
export async function* readRawLines(
  chunks: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncIterable<RawLine> {
  let parts: Buffer[] = []
  let partBytes = 0
  let lineStart = 0
  let line = 0
  let position = 0
  const finish = (bytes: Buffer): RawLine => {
    line++
    let body = bytes
    let offset = lineStart
    if (line === 1 && body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
      body = body.subarray(3)
      offset += 3
    }
    if (body.length > 0 && body[body.length - 1] === 0x0d) body = body.subarray(0, body.length - 1)
    if (isUtf8(body)) return {line, offset, text: body.toString('utf8')}
    return {line, offset, badUtf8At: offset + firstInvalidUtf8(body)}
  }
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw
    let from = 0
    for (;;) {
      const newline = chunk.indexOf(10, from)
      if (newline === -1) break
      const piece = chunk.subarray(from, newline)
      if (partBytes + piece.length > maxLineBytes) throw new LineTooLongError(line + 1, lineStart, maxLineBytes)
      const bytes = parts.length === 0 ? piece : Buffer.concat([...parts, piece])
      yield finish(bytes)
      parts = []
      partBytes = 0
      position += newline + 1 - from
      lineStart = position
      from = newline + 1
    }
    if (from < chunk.length) {
      const rest = chunk.subarray(from)
      partBytes += rest.length
      position += rest.length
      if (partBytes > maxLineBytes) throw new LineTooLongError(line + 1, lineStart, maxLineBytes)
      // Copy: the stream may reuse its buffer for the next chunk.
      parts.push(Buffer.from(rest))
    }
  }
  if (partBytes > 0) yield finish(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts))
}

/** A line parsed and validated; `blank` for lines with only whitespace (skipped, but counted in numbering). */
type ParsedLine = {line: number; result: LineResult | 'blank'}

/** Every line parsed and validated, in order. */
async function* parsedLines(open: OpenInput, defaults: EntryDefaults): AsyncIterable<ParsedLine> {
  for await (const raw of readRawLines(open(), maxLineBytesFor(defaults.maxEntryBytes))) {
    if (!('text' in raw)) {
      const issue: ValidationIssue = {
        field: 'line',
        message: `The line isn't UTF-8 text: byte offset ${raw.badUtf8At} (in the file) starts an invalid sequence.`,
        hint: 'Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`); events carry text.',
      }
      yield {line: raw.line, result: {ok: false, issues: [issue]}}
      continue
    }
    if (raw.text.trim() === '') {
      yield {line: raw.line, result: 'blank'}
      continue
    }
    yield {line: raw.line, result: parseEventLine(raw.text, defaults)}
  }
}

export interface ValidateOptions {
  /** Invalid lines reported in full (all are counted). Default 100. */
  maxReported?: number
  /** Buses tracked. Default 20. */
  maxBuses?: number
  /** Stops the pass (it throws the signal's reason). */
  signal?: AbortSignal
  /** Lines an earlier run already sent (`--resume`): counted in `skipped`. */
  skip?: (line: number) => boolean
}

/** First pass: validate every line without keeping the entries (memory stays flat). */
export async function validateLines(
  open: OpenInput,
  defaults: EntryDefaults,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const {maxReported = 100, maxBuses = 20, signal, skip} = options
  const report: ValidationReport = {
    lines: 0,
    valid: 0,
    skipped: 0,
    invalidCount: 0,
    invalid: [],
    buses: new Set(),
    lastLine: 0,
  }
  for await (const {line, result} of parsedLines(open, defaults)) {
    signal?.throwIfAborted()
    report.lastLine = line
    if (result === 'blank') continue
    report.lines++
    if (result.ok) {
      report.valid++
      if (skip?.(line)) report.skipped++
      if (report.buses.size < maxBuses) report.buses.add(result.entry.EventBusName)
    } else {
      report.invalidCount++
      if (report.invalid.length < maxReported) report.invalid.push({line, issues: result.issues})
    }
  }
  return report
}

/**
 * Second pass: the valid entries, streamed, with their line numbers. Invalid lines are skipped, and
 * so is every line `skip` says was already accepted (`--resume`).
 */
export async function* validEntries(
  open: OpenInput,
  defaults: EntryDefaults,
  skip: (line: number) => boolean = () => false,
): AsyncIterable<NumberedEntry> {
  for await (const {line, result} of parsedLines(open, defaults)) {
    if (result !== 'blank' && result.ok && !skip(line)) yield {line, entry: result.entry}
  }
}
