import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ENVIRONMENT, EXIT_CODES} from '../../src/cli/help-topics.js'
import {ExitCode} from '../../src/core/errors.js'
import {ROOT} from '../helpers/cli.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const configuration = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8')

describe('documentation stays in step with the code', () => {
  it('the exit-code table covers every ExitCode, in order', () => {
    expect(EXIT_CODES.map((row) => row.code)).toEqual(Object.values(ExitCode))
  })

  it.each(EXIT_CODES.map((row) => [row.code, row.name] as const))('README documents exit code %i (%s)', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'))
  })

  it.each(ENVIRONMENT.flatMap((row) => row.name.split(', ')))('docs/configuration.md documents %s', (name) => {
    expect(configuration).toContain(name)
  })

  it('README keeps the Contributing section naming npm test', () => {
    expect(readme).toMatch(/^## Contributing\n[\s\S]*npm test/m)
  })

  it('README stays an entry point (about 10 KB) and links every page of the manual that exists', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12_000)
    for (const [, link] of readme.matchAll(/\]\((docs\/[^)#]+)\)/g)) {
      expect(existsSync(join(ROOT, link as string)), link).toBe(true)
    }
  })
})
