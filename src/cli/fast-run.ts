/**
 * Running one known command class without oclif's `execute`: what the start-up fast paths share
 * (src/cli/put-fast.ts and src/cli/commands-fast.ts, each bundled into one file by the build; see
 * bin/run.js and docs/architecture.md, "The start-up fast paths").
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {flush, handle, Plugin, type Command, type Interfaces} from '@oclif/core'

/** A concrete command class (oclif's `Command` itself is abstract). */
export type CommandClass = typeof Command & (new (...args: ConstructorParameters<typeof Command>) => Command)

/**
 * What oclif's Config.load needs to run one known command, and no more: package.json without its
 * plugins (help, autocomplete, did-you-mean: for the command line as a whole) and a root plugin that
 * skips the manifest of every command (reading and sorting it is a tenth of a put's start-up).
 */
async function loadOptions(root: string): Promise<Interfaces.LoadOptions> {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Interfaces.PJSON
  const oclif = {...pjson.oclif, plugins: []}
  const {commands: _commands, ...withoutCommands} = oclif
  const rootPlugin = new Plugin({root, isRoot: true, ignoreManifest: true, pjson: {...pjson, oclif: withoutCommands}})
  await rootPlugin.load()
  return {root, pjson: {...pjson, oclif}, plugins: new Map([[pjson.name, rootPlugin]]), userPlugins: false}
}

/**
 * Run command `id` (oclif's id, `dlq:redrive`) from its class with `args` (argv after the command's
 * words), the CLI rooted at `root` (the package directory), through oclif's own `Command.run`.
 */
export async function runCommandClass(
  Cmd: CommandClass,
  id: string,
  args: readonly string[],
  root: string,
): Promise<void> {
  // What oclif's manifest loader would set, so messages name the command as the normal path does.
  Cmd.id = id
  try {
    await Cmd.run([...args], await loadOptions(root))
    flush()
  } catch (error) {
    // Only an explicit this.exit(n) gets here (BaseCommand renders every other error itself).
    await handle(error as Error)
  }
}
