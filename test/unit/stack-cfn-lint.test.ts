/**
 * Lints the stack template with cfn-lint, in both formats, when cfn-lint is on PATH.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {renderStackTemplate} from '../../src/core/stack-template-text.js'

const probe = spawnSync('cfn-lint', ['--version'], {encoding: 'utf8'})
const available = probe.status === 0
if (!available) console.warn('cfn-lint is not on PATH: skipping the template lint test (pip install cfn-lint).')

describe.skipIf(!available)('cfn-lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'momento-eb-cfn-lint-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it.each(['yaml', 'json'] as const)('finds no errors or warnings in the %s template', (format) => {
    const file = join(dir, `template.${format}`)
    writeFileSync(file, renderStackTemplate(format))
    const run = spawnSync('cfn-lint', ['--format', 'parseable', file], {encoding: 'utf8', timeout: 120_000})
    // Exit codes are a bit mask: 2 = error, 4 = warning, 8 = informational.
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0)
  })
})
