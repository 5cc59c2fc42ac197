/**
 * Lints the stack template with cfn-lint, in both formats, when cfn-lint is on PATH.
 *
 * cfn-lint is Python and costs seconds to start: it runs once, on both templates (no separate
 * `--version` probe), and each format's test checks the lines about its own file.
 */
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {renderStackTemplate} from '../../src/core/stack-template-text.js'

const FORMATS = ['yaml', 'json'] as const

describe('cfn-lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'momento-eb-cfn-lint-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  const files = Object.fromEntries(FORMATS.map((format) => [format, join(dir, `template.${format}`)])) as Record<
    (typeof FORMATS)[number],
    string
  >

  let lint: SpawnSyncReturns<string> | undefined
  /** One cfn-lint run over both templates, the first time a test asks. */
  const lintAll = (): SpawnSyncReturns<string> => {
    if (!lint) {
      for (const format of FORMATS) writeFileSync(files[format], renderStackTemplate(format))
      lint = spawnSync('cfn-lint', ['--format', 'parseable', ...Object.values(files)], {
        encoding: 'utf8',
        timeout: 120_000,
      })
    }
    return lint
  }
  /** Not installed: no executable (ENOENT), or a pyenv shim with no cfn-lint behind it (127). */
  const missing = (run: SpawnSyncReturns<string>) =>
    (run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || run.status === 127

  it.for(FORMATS)('finds no errors or warnings in the %s template', (format, ctx) => {
    const run = lintAll()
    if (missing(run)) {
      console.warn('cfn-lint is not on PATH: skipping the template lint test (pip install cfn-lint).')
      ctx.skip()
    }
    // Parseable output is one `<file>:<line>:<column>:…` line per finding.
    const findings = run.stdout.split('\n').filter((line) => line.startsWith(`${files[format]}:`))
    expect(findings, `${run.stdout}${run.stderr}`).toEqual([])
    // Exit codes are a bit mask over both files: 2 = error, 4 = warning, 8 = informational.
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0)
  })
})
