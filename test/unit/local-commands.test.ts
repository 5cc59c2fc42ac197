import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, {flags: Record<string, unknown>}>
}

const AWS_FLAGS = ['region', 'profile', 'endpoint-url', 'momento-endpoint', 'call-timeout', 'sandbox']
/** Commands that make no AWS call: the AWS global flags would be offered, then silently ignored. */
const LOCAL = [
  'template',
  'exit-codes',
  'environment',
  'config:get',
  'config:list',
  'config:set',
  'config:unset',
  'sandbox',
  'version',
]

describe('global flags', () => {
  it.each(LOCAL)('%s offers no AWS flag, but --json, --no-color and --verbose', (id) => {
    const flags = Object.keys(manifest.commands[id]?.flags ?? {})
    expect(flags.length, `${id} is in the manifest`).toBeGreaterThan(0)
    for (const flag of AWS_FLAGS) expect(flags, id).not.toContain(flag)
    for (const flag of ['json', 'no-color', 'verbose']) expect(flags, id).toContain(flag)
  })

  it('commands that call AWS keep them', () => {
    for (const id of ['deploy', 'status', 'whoami', 'dlq:list']) {
      for (const flag of AWS_FLAGS) expect(Object.keys(manifest.commands[id]?.flags ?? {}), id).toContain(flag)
    }
  })
})
