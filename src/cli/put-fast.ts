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
import PutCacheDelete from '../commands/put/cacheDelete.js'
import PutCacheSet from '../commands/put/cacheSet.js'
import PutTopicPublish from '../commands/put/topicPublish.js'
import {type CommandClass, runCommandClass} from './fast-run.js'

const commands: Record<string, CommandClass> = {
  cacheSet: PutCacheSet,
  cacheDelete: PutCacheDelete,
  topicPublish: PutTopicPublish,
}

/**
 * The `put` commands the fast path serves: the one list. The build (scripts/bundle-fast.js) writes it
 * into the bundle's first line, where `bin/run.js` reads it before deciding how to run a command.
 */
export const FAST_COMMANDS: readonly string[] = Object.keys(commands)

/** Run `put <type> …` (argv as after `momento-eb`) with the CLI rooted at `root` (the package directory). */
export async function runFast(argv: readonly string[], root: string): Promise<void> {
  const type = argv[1] as string
  await runCommandClass(commands[type] as CommandClass, `put:${type}`, argv.slice(2), root)
}
