/**
 * The start-up fast path for every command that isn't a `put` (src/cli/put-fast.ts).
 *
 * A command is a cold process, and loading code was most of a short one's time: about 0.3 s of CPU
 * through oclif's `execute` (the manifest, @oclif/core, the command and the SDK from hundreds of
 * files). The build bundles this module, these commands and what they import into one CommonJS file,
 * `dist/commands-fast.cjs`, with V8's code cache. It runs the very same command classes through
 * oclif's own `Command.run`, so the behaviour is the normal path's; only the loading differs.
 *
 * Ink is never in the bundle: it has top-level await, so a require() can't load it. The views that
 * draw with it (deploy's and destroy's progress, trace's timeline, `dlq watch`, `top`) import it
 * dynamically, and only on a terminal (the demo's terminal view is a `dlq watch` child process). So on a terminal bin/run.js uses the
 * bundle only for the commands whose code can't reach Ink (the build reads that from the module
 * graph); without one, for every command here.
 */
import ConfigGet from '../commands/config/get.js'
import ConfigList from '../commands/config/list.js'
import ConfigSet from '../commands/config/set.js'
import ConfigUnset from '../commands/config/unset.js'
import Demo from '../commands/demo.js'
import Deploy from '../commands/deploy.js'
import Destroy from '../commands/destroy.js'
import DlqExport from '../commands/dlq/export.js'
import DlqList from '../commands/dlq/list.js'
import DlqPurge from '../commands/dlq/purge.js'
import DlqRedrive from '../commands/dlq/redrive.js'
import DlqWatch from '../commands/dlq/watch.js'
import Environment from '../commands/environment.js'
import ExitCodes from '../commands/exit-codes.js'
import Sandbox from '../commands/sandbox.js'
import SandboxCacheCreate from '../commands/sandbox/cache/create.js'
import SandboxCacheDelete from '../commands/sandbox/cache/delete.js'
import SandboxCacheItems from '../commands/sandbox/cache/items.js'
import SandboxCacheList from '../commands/sandbox/cache/list.js'
import SandboxDeliveries from '../commands/sandbox/deliveries.js'
import SandboxFaultAdd from '../commands/sandbox/fault/add.js'
import SandboxFaultClear from '../commands/sandbox/fault/clear.js'
import SandboxFaultList from '../commands/sandbox/fault/list.js'
import SandboxLatencyClear from '../commands/sandbox/latency/clear.js'
import SandboxLatencySet from '../commands/sandbox/latency/set.js'
import SandboxLatencyShow from '../commands/sandbox/latency/show.js'
import Status from '../commands/status.js'
import Template from '../commands/template.js'
import Top from '../commands/top.js'
import Trace from '../commands/trace.js'
import Version from '../commands/version.js'
import Whoami from '../commands/whoami.js'
import {type CommandClass, runCommandClass} from './fast-run.js'

const commands: Record<string, CommandClass> = {
  'config:get': ConfigGet,
  'config:list': ConfigList,
  'config:set': ConfigSet,
  'config:unset': ConfigUnset,
  demo: Demo,
  deploy: Deploy,
  destroy: Destroy,
  'dlq:export': DlqExport,
  'dlq:list': DlqList,
  'dlq:purge': DlqPurge,
  'dlq:redrive': DlqRedrive,
  'dlq:watch': DlqWatch,
  environment: Environment,
  'exit-codes': ExitCodes,
  sandbox: Sandbox,
  'sandbox:cache:create': SandboxCacheCreate,
  'sandbox:cache:delete': SandboxCacheDelete,
  'sandbox:cache:items': SandboxCacheItems,
  'sandbox:cache:list': SandboxCacheList,
  'sandbox:deliveries': SandboxDeliveries,
  'sandbox:fault:add': SandboxFaultAdd,
  'sandbox:fault:clear': SandboxFaultClear,
  'sandbox:fault:list': SandboxFaultList,
  'sandbox:latency:clear': SandboxLatencyClear,
  'sandbox:latency:set': SandboxLatencySet,
  'sandbox:latency:show': SandboxLatencyShow,
  status: Status,
  template: Template,
  top: Top,
  trace: Trace,
  version: Version,
  whoami: Whoami,
}

/**
 * The commands this fast path serves (oclif ids): the one list. The build (scripts/bundle-fast.js)
 * writes it into the bundle's first line, where `bin/run.js` reads it before deciding how to run a
 * command.
 */
export const FAST_COMMANDS: readonly string[] = Object.keys(commands)

/** Those of FAST_COMMANDS that take positional arguments (bin/run.js reads a command's words as oclif does). */
export const WITH_ARGS: readonly string[] = FAST_COMMANDS.filter((id) => {
  const Cmd = commands[id] as CommandClass
  return Cmd.strict === false || Object.keys(Cmd.args ?? {}).length > 0
})

/** Run command `id` with `args` (argv after the command's words), the CLI rooted at `root`. */
export async function runFast(id: string, args: readonly string[], root: string): Promise<void> {
  await runCommandClass(commands[id] as CommandClass, id, args, root)
}
