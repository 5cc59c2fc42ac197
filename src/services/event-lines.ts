import {createInterface} from 'node:readline'
import type {Readable} from 'node:stream'

import type {ValidationIssue} from '../core/momento-events.js'
import {type EntryDefaults, parseEventLine} from '../core/put-entries.js'
import type {NumberedEntry} from './publish-events.js'

/** Opens the input afresh; called once per pass (validation, then sending). */
export type OpenInput = () => Readable

export interface InvalidLine {
  line: number
  issues: ValidationIssue[]
}

export interface ValidationReport {
  /** Non-blank lines read. */
  lines: number
  valid: number
  invalidCount: number
  /** The first `maxReported` invalid lines, in order. */
  invalid: InvalidLine[]
  /** Event buses the valid lines address (at most `maxBuses`; more are not tracked). */
  buses: Set<string>
}

/** Non-blank lines of an NDJSON input with their 1-based line numbers, streamed. */
export async function* readLines(open: OpenInput): AsyncIterable<{line: number; text: string}> {
  const lines = createInterface({input: open(), crlfDelay: Infinity})
  let line = 0
  for await (const text of lines) {
    line++
    if (text.trim() !== '') yield {line, text}
  }
}

/** First pass: validate every line without keeping the entries (memory stays flat). */
export async function validateLines(
  open: OpenInput,
  defaults: EntryDefaults,
  maxReported = 100,
  maxBuses = 20,
): Promise<ValidationReport> {
  const report: ValidationReport = {lines: 0, valid: 0, invalidCount: 0, invalid: [], buses: new Set()}
  for await (const {line, text} of readLines(open)) {
    report.lines++
    const result = parseEventLine(text, defaults)
    if (result.ok) {
      report.valid++
      if (report.buses.size < maxBuses) report.buses.add(result.entry.EventBusName)
    } else {
      report.invalidCount++
      if (report.invalid.length < maxReported) report.invalid.push({line, issues: result.issues})
    }
  }
  return report
}

/** Second pass: the valid entries, streamed, with their line numbers. Invalid lines are skipped. */
export async function* validEntries(open: OpenInput, defaults: EntryDefaults): AsyncIterable<NumberedEntry> {
  for await (const {line, text} of readLines(open)) {
    const result = parseEventLine(text, defaults)
    if (result.ok) yield {line, entry: result.entry}
  }
}
