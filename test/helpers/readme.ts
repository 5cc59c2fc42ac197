/**
 * The README's "Try it on the sandbox, step by step", as its tests read it: the code blocks of that
 * section, each line a command with the exit code its `# exit N` comment states (0 without one).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import {ROOT} from './cli.js'

export interface Step {
  /** The line as written. */
  readonly line: string
  /** The command without its comment, as typed into a shell. */
  readonly command: string
  /** Its arguments after `momento-eb`. */
  readonly args: string[]
  readonly exitCode: number
}

/** The walkthrough's code blocks: the one that starts the sandbox, then the steps. */
export function walkthroughBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Try it on the sandbox, step by step'))
  return [...section.slice(0, section.indexOf('\n## ', 5)).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string)
}

/** Split a command line as a POSIX shell would for the quoting the README uses ('…' and "…"). */
export function words(line: string): string[] {
  const out: string[] = []
  let current = ''
  let quote: string | undefined
  let started = false
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined
      else current += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      started = true
    } else if (ch === ' ') {
      if (started || current) out.push(current)
      current = ''
      started = false
    } else {
      current += ch
    }
  }
  if (started || current) out.push(current)
  return out
}

/** The commands of one block, in order. */
export function steps(block: string): Step[] {
  return block
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const hash = line.search(/\s#\s/)
      const command = (hash === -1 ? line : line.slice(0, hash)).trim()
      const comment = hash === -1 ? '' : line.slice(hash)
      const exit = /# exit (\d+)/.exec(comment)
      const args = words(command)
      expect(args[0], `README step "${line}" starts with momento-eb`).toBe('momento-eb')
      return {line, command, args: args.slice(1), exitCode: exit ? Number(exit[1]) : 0}
    })
}
