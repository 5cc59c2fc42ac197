/**
 * bin/run.js reads a command's id from argv itself, to decide whether the commands bundle serves it
 * (src/cli/commands-fast.ts): that reading must be oclif's (@oclif/core's normalizeArgv with topics
 * separated by spaces), or a command line would run a different command, or miss oclif's
 * command_not_found hook, on the fast path. Compared on thousands of command lines drawn from the
 * words of the real command ids, arguments and flags.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'

import {Config} from '@oclif/core'
import {normalizeArgv} from '@oclif/core/help'
import {beforeAll, describe, expect, it} from 'vitest'

import {BIN, ROOT} from '../helpers/cli.js'
import {prng} from '../helpers/prng.js'

const {spacedCommandId} = createRequire(import.meta.url)(BIN) as {
  spacedCommandId(argv: readonly string[], ids: readonly string[], withArgs: readonly string[]): string
}

interface Lists {
  commands: string[]
  withArgs: string[]
  inkCommands: string[]
}

/** The commands bundle's header: the ids it serves, those that take arguments, those that can draw with Ink. */
function bundleLists(): Lists {
  const line = readFileSync(join(ROOT, 'dist', 'commands-fast.cjs'), 'utf8').split('\n', 1)[0] as string
  return JSON.parse(line.slice(line.indexOf('{'))) as Lists
}

describe("the commands bundle reads a command's id as oclif does", () => {
  let config: Config
  let lists: Lists
  beforeAll(async () => {
    config = await Config.load(ROOT)
    lists = bundleLists()
  })

  const oclifId = (argv: string[]) => normalizeArgv(config, [...argv])[0] ?? ''

  it('serves every command but a single put and the plugins, and knows which take arguments', () => {
    const all = config.commands.map((c) => c.id)
    const left = all.filter((id) => !lists.commands.includes(id)).sort()
    expect(left).toEqual(
      [
        ...['autocomplete', 'autocomplete:create', 'autocomplete:script', 'help'],
        // A single put has its own bundle; `put --file` is served here.
        ...['put:cacheDelete', 'put:cacheSet', 'put:topicPublish'],
      ].sort(),
    )
    for (const id of lists.commands) {
      const command = config.findCommand(id)
      const takesArgs = command?.strict === false || Object.keys(command?.args ?? {}).length > 0
      expect(lists.withArgs.includes(id), id).toBe(takesArgs)
    }
  })

  it('loads Ink first, on a terminal, for exactly the commands whose code can reach it (the live views)', () => {
    // The demo's terminal view is a `dlq watch` child process: the demo itself never loads Ink.
    expect([...lists.inkCommands].sort()).toEqual(['deploy', 'destroy', 'dlq:watch', 'top', 'trace'].sort())
  })

  it('agrees with oclif on 3,000 command lines wherever either names a command the bundle serves', () => {
    const ids = config.commands.map((c) => c.id.split(':'))
    const words = [...new Set(ids.flat())]
    const others = ['extra', 'x', 'orders', 'a=b', '--json', '--sandbox', '-h', '--stack', 'nope']
    const pool = [...words, ...others]
    const rand = prng(20261206)
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T
    let served = 0
    for (let i = 0; i < 3000; i++) {
      // Half the lines start with a real command's words (whole or cut short), half with any word.
      const start = rand() < 0.5 ? pick(ids).slice(0, 1 + Math.floor(rand() * 3)) : [pick(pool)]
      const argv = [...start, ...Array.from({length: Math.floor(rand() * 3)}, () => pick(pool))]
      const ours = spacedCommandId(argv, lists.commands, lists.withArgs)
      const theirs = oclifId(argv)
      if (lists.commands.includes(ours) || lists.commands.includes(theirs)) {
        served++
        expect(ours, argv.join(' ')).toBe(theirs)
      }
    }
    // Many lines name a served command: the comparison is not vacuous.
    expect(served).toBeGreaterThan(400)
  })

  it('reads the lines that matter as oclif does', () => {
    for (const argv of [
      ['whoami', 'extra'],
      ['config', 'set', 'cache', 'orders'],
      ['sandbox', 'cache', 'create', 'c1', '--sandbox'],
      ['sandbox', '--port', '0'],
      ['dlq', 'redrive', '--all'],
      ['trace', 'abc'],
      ['dlq', 'watch'],
    ]) {
      expect(spacedCommandId(argv, lists.commands, lists.withArgs), argv.join(' ')).toBe(oclifId(argv))
    }
  })
})
