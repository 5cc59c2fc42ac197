/** The root help describes each topic by what the topic does, not by one of its commands (issue 13). */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT, runCliInProcess, show} from '../helpers/cli.js'

describe('root help', () => {
  it('describes the config, dlq and put topics as topics, each on one line at 80 columns', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'run.js'), '--help'], {
      cwd: ROOT,
      env: {...process.env, COLUMNS: '80', NO_COLOR: '1'},
      encoding: 'utf8',
    })
    const topics = out.slice(out.indexOf('TOPICS'), out.indexOf('COMMANDS'))
    expect(topics).toMatch(/^ {2}config +Saved defaults for cache, bus, source, stack and region$/m)
    expect(topics).toMatch(/^ {2}dlq +Read, watch, redrive, export and purge the dead-letter queue$/m)
    expect(topics).toMatch(/^ {2}put +Publish validated cacheSet, cacheDelete, topicPublish events$/m)
    expect(topics).not.toContain('NDJSON')
  })
})

describe('every command’s help at 80 columns (issue 13 review)', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {hidden?: boolean}>
  }
  const ids = Object.entries(manifest.commands)
    .filter(([, c]) => !c.hidden)
    .map(([id]) => id)

  it('lists every command', () => expect(ids.length).toBeGreaterThanOrEqual(30))

  // Off a terminal, help is laid out for 80 columns. Example lines are commands, kept whole so they
  // can be copied; everything else fits.
  // In the test process (runCliInProcess: stdout is a pipe-like stream with no columns, as a spawned
  // CLI's): 37 spawns cost about 37 s of CPU. The root help above runs in a process of its own.
  // This file must run in a worker of its own (the isolated project, hence test/e2e): oclif reads the
  // help width once, when @oclif/core loads, and in a worker shared with other files it had loaded
  // before bin/run.js could set it (help then wrapped at 80 and indented to 82).
  it.each(ids)('%s --help fits 80 columns and has an example', async (id) => {
    const result = await runCliInProcess([...id.split(':'), '--help'], {
      cwd: ROOT,
      env: {...process.env, NO_COLOR: '1', OCLIF_COLUMNS: ''},
    })
    expect(result.code, show(result)).toBe(0)
    const {stdout} = result
    const wide = stdout.split('\n').filter((line) => [...line].length > 80 && !line.startsWith('  $ '))
    expect(wide).toEqual([])
    expect(stdout).toMatch(/^EXAMPLES\n {2}.*momento-eb /m)
  })
})
