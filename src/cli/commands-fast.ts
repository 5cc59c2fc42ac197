/**
 * The start-up fast path for every command but a single put (src/cli/put-fast.ts serves those), and for
 * `put --file`.
 *
 * A command is a cold process, and loading code was most of a short one's time: about 0.3 s of CPU
 * through oclif's `execute` (the manifest, @oclif/core, the command and the SDK from hundreds of
 * files). The build bundles this module, these commands and what they import into one CommonJS file,
 * `dist/commands-fast.cjs`, with V8's code cache. It runs the very same command classes through
 * oclif's own `Command.run`, so the behaviour is the normal path's; only the loading differs.
 *
 * Ink is never in the bundle: it has top-level await, so neither a require() nor a bundle can load it.
 * The views that draw with it (deploy's and destroy's progress, trace's timeline, `dlq watch`, `top`)
 * do so only on a terminal (the demo's terminal view is a `dlq watch` child process); there bin/run.js
 * loads Ink with a real import() before running one of those commands, and the bundle's `ink` hands
 * that module out (scripts/bundle-fast.js, preloadedInkPlugin).
 */
import {type CommandClass, runCommandClass} from './fast-run.js'

/**
 * Each command's module, loaded when it runs: the bundle then evaluates only what that command imports
 * (esbuild keeps a dynamically imported module lazy), as oclif's normal path does.
 */
const commands: Record<string, () => Promise<{default: CommandClass}>> = {
  'config:get': () => import('../commands/config/get.js'),
  'config:list': () => import('../commands/config/list.js'),
  'config:set': () => import('../commands/config/set.js'),
  'config:unset': () => import('../commands/config/unset.js'),
  demo: () => import('../commands/demo.js'),
  deploy: () => import('../commands/deploy.js'),
  destroy: () => import('../commands/destroy.js'),
  'dlq:export': () => import('../commands/dlq/export.js'),
  'dlq:list': () => import('../commands/dlq/list.js'),
  'dlq:purge': () => import('../commands/dlq/purge.js'),
  'dlq:redrive': () => import('../commands/dlq/redrive.js'),
  'dlq:watch': () => import('../commands/dlq/watch.js'),
  environment: () => import('../commands/environment.js'),
  // `put --file`; a single `put cacheSet | cacheDelete | topicPublish` has its own bundle (put-fast.ts).
  put: () => import('../commands/put/index.js'),
  'exit-codes': () => import('../commands/exit-codes.js'),
  sandbox: () => import('../commands/sandbox.js'),
  'sandbox:cache:create': () => import('../commands/sandbox/cache/create.js'),
  'sandbox:cache:delete': () => import('../commands/sandbox/cache/delete.js'),
  'sandbox:cache:items': () => import('../commands/sandbox/cache/items.js'),
  'sandbox:cache:list': () => import('../commands/sandbox/cache/list.js'),
  'sandbox:deliveries': () => import('../commands/sandbox/deliveries.js'),
  'sandbox:fault:add': () => import('../commands/sandbox/fault/add.js'),
  'sandbox:fault:clear': () => import('../commands/sandbox/fault/clear.js'),
  'sandbox:fault:list': () => import('../commands/sandbox/fault/list.js'),
  'sandbox:latency:clear': () => import('../commands/sandbox/latency/clear.js'),
  'sandbox:latency:set': () => import('../commands/sandbox/latency/set.js'),
  'sandbox:latency:show': () => import('../commands/sandbox/latency/show.js'),
  status: () => import('../commands/status.js'),
  template: () => import('../commands/template.js'),
  top: () => import('../commands/top.js'),
  trace: () => import('../commands/trace.js'),
  version: () => import('../commands/version.js'),
  whoami: () => import('../commands/whoami.js'),
}

/**
 * The commands this fast path serves (oclif ids): the one list. The build (scripts/bundle-fast.js)
 * writes it into the bundle's first line, where `bin/run.js` reads it before deciding how to run a
 * command.
 */
export const FAST_COMMANDS: readonly string[] = Object.keys(commands)

/**
 * Those of FAST_COMMANDS that take positional arguments (bin/run.js reads a command's words as oclif
 * does). For the build, which writes them into the bundle's header: it loads every command.
 */
export async function commandsWithArgs(): Promise<string[]> {
  const found: string[] = []
  for (const id of FAST_COMMANDS) {
    const Cmd = (await (commands[id] as () => Promise<{default: CommandClass}>)()).default
    if (Cmd.strict === false || Object.keys(Cmd.args ?? {}).length > 0) found.push(id)
  }
  return found
}

/** Run command `id` with `args` (argv after the command's words), the CLI rooted at `root`. */
export async function runFast(id: string, args: readonly string[], root: string): Promise<void> {
  const Cmd = (await (commands[id] as () => Promise<{default: CommandClass}>)()).default
  await runCommandClass(Cmd, id, args, root)
}
