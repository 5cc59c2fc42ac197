/**
 * `momento-eb environment` (and the README generated from the same table) lists every variable the
 * code reads: a new `env['X']`, `process.env.X` or flag `env: 'X'` fails here until it is documented.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ENVIRONMENT} from '../../src/cli/help-topics.js'

const SRC = join(import.meta.dirname, '../../src')

/** Read by the code but not the user's to set: why each is left out. */
const INTERNAL: Record<string, string> = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'set (not read) to keep the SDK’s Node version notice off stderr',
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

function variablesRead(): Map<string, string> {
  const found = new Map<string, string>()
  const patterns = [
    /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g,
    /\bprocess\.env\.([A-Z][A-Z0-9_]+)/g,
    /\benv: ['"]([A-Z][A-Z0-9_]+)['"]/g,
  ]
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) found.set(match[1] as string, file.slice(SRC.length + 1))
    }
  }
  return found
}

function documented(): Set<string> {
  const names = new Set<string>()
  for (const row of ENVIRONMENT) for (const name of row.name.split(/,\s*/)) names.add(name.trim())
  return names
}

describe('environment variables', () => {
  it('every variable the code reads is documented in `momento-eb environment`', () => {
    const docs = documented()
    const missing = [...variablesRead()]
      .filter(([name]) => !docs.has(name) && !(name in INTERNAL))
      .map(([name, file]) => `${name} (read in src/${file})`)
    expect(missing, 'add a row to ENVIRONMENT in src/cli/help-topics.ts').toEqual([])
  })

  it('finds the reads it is meant to find (the scan itself works)', () => {
    const read = variablesRead()
    for (const name of ['MOMENTO_API_KEY', 'MOMENTO_EB_STATE_DIR', 'NO_COLOR', 'MOMENTO_EB_SANDBOX_PORT']) {
      expect(read.has(name), name).toBe(true)
    }
  })
})
