/** The root help describes each topic by what the topic does, not by one of its commands (issue 13). */
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/cli.js'

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
