/**
 * The start-up fast path for a single `put cacheSet | cacheDelete | topicPublish`.
 *
 * A single put is a cold process, so loading code is most of its time: oclif's `execute` reads the
 * manifest, then imports @oclif/core, the command and the SDK from hundreds of files. The build
 * bundles this module, those three commands and what they import (oclif and the EventBridge client
 * included) into one CommonJS file, `dist/put-fast.cjs`, and `bin/run.js` runs it for these three
 * commands. It runs the very same command classes through oclif's own `Command.run` (parsing,
 * errors, `--json`, exit codes), so the behaviour is the normal path's; only the loading differs.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {flush, handle, Plugin, type Command, type Interfaces} from '@oclif/core'

import PutCacheDelete from '../commands/put/cacheDelete.js'
import PutCacheSet from '../commands/put/cacheSet.js'
import PutTopicPublish from '../commands/put/topicPublish.js'

/** A concrete command class (oclif's `Command` itself is abstract). */
type CommandClass = typeof Command & (new (...args: ConstructorParameters<typeof Command>) => Command)

const commands: Record<string, CommandClass> = {
  cacheSet: PutCacheSet,
  cacheDelete: PutCacheDelete,
  topicPublish: PutTopicPublish,
}

/**
 * The `put` commands the fast path serves: the one list. The build (scripts/bundle-put.js) writes it
 * into the bundle's first line, where `bin/run.js` reads it before deciding how to run a command.
 */
export const FAST_COMMANDS: readonly string[] = Object.keys(commands)

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

/** Run `put <type> …` (argv as after `momento-eb`) with the CLI rooted at `root` (the package directory). */
export async function runFast(argv: readonly string[], root: string): Promise<void> {
  const type = argv[1] as string
  const Cmd = commands[type] as CommandClass
  // What oclif's manifest loader would set, so messages name the command as the normal path does.
  Cmd.id = `put:${type}`
  try {
    await Cmd.run(argv.slice(2), await loadOptions(root))
    flush()
  } catch (error) {
    // Only an explicit this.exit(n) gets here (BaseCommand renders every other error itself).
    await handle(error as Error)
  }
}
