// Bundles the two start-up fast paths (bin/run.js, FAST_PATHS) into one CommonJS file each and saves
// V8's code cache for each next to it (`<bundle>.cache`): see bin/run.js for why and how it uses them.
// - dist/put-fast.cjs: a single put (src/cli/put-fast.ts, built to dist/cli/put-fast.js);
// - dist/commands-fast.cjs: every other command (src/cli/commands-fast.ts).
//
// A bundle's first line is a header: `//momento-eb-<name> {"id":…,"commands":[…]}`, with the commands
// its module serves (FAST_COMMANDS; bin/run.js reads the list from here) and an id new with every
// build. The cache file starts with the same line, then V8's data: bin/run.js uses a cache only with the
// bundle whose header it repeats (V8 checks just the source's length, and runs the cached code of
// another source of the same length).
import {randomUUID} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {build} from 'esbuild'

import {commandsWithArgs, FAST_COMMANDS as COMMANDS_FAST} from '../dist/cli/commands-fast.js'
import {FAST_COMMANDS as PUT_FAST} from '../dist/cli/put-fast.js'
import {startSandbox} from '../dist/sandbox/server.js'

// bin/run.js loads the bundles; a cache must be made from the very source it compiles.
const {FAST_PATHS, INK_GLOBAL, loadBundle, root} = createRequire(import.meta.url)('../bin/run.js')
const dist = join(root, 'dist')

// sdk.ts loads each client package lazily through createRequire(import.meta.url); in a bundle the
// same lazy require() must name the packages literally so esbuild includes them (still lazily run).
// The only other import.meta.url (the worker threads' script, next to port-pool.js) becomes that
// module's own file URL in dist/, computed from where the bundle is (dist/): the workers load dist's
// modules as usual.
const importMetaPlugin = {
  name: 'bundled-import-meta',
  setup(b) {
    b.onLoad({filter: /[\\/]dist[\\/].*\.js$/}, async (args) => {
      const text = await readFile(args.path, 'utf8')
      if (!text.includes('import.meta')) return undefined
      if (/adapters[\\/]aws[\\/]sdk\.js$/.test(args.path)) {
        const line = 'const require = createRequire(import.meta.url);'
        if (!text.includes(line)) throw new Error(`${args.path}: expected "${line}"`)
        return {contents: text.replace(line, ''), loader: 'js'}
      }
      const own = JSON.stringify(relative(dist, args.path).split('\\').join('/'))
      const url = `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${own})).href`
      return {contents: text.replaceAll('import.meta.url', url), loader: 'js'}
    })
  },
}

/**
 * The commands bundle's stand-in for `ink`: a module that hands out the Ink module bin/run.js puts
 * under Symbol.for(INK_GLOBAL) before it runs a command that draws with it (`inkCommands` in the
 * header). Ink has top-level await, so neither a require() nor this bundle can load it; bin/run.js
 * loads it with a real import(): Ink's own ES-module bundle (makeInkBundle below), or node_modules'
 * Ink when that is missing. React stays external (a require() from node_modules) in both bundles, so
 * Ink and the views share its one copy.
 */
const preloadedInkPlugin = {
  name: 'preloaded-ink',
  setup(b) {
    b.onResolve({filter: /^ink$/}, () => ({path: 'ink', namespace: 'preloaded-ink'}))
    b.onLoad({filter: /.*/, namespace: 'preloaded-ink'}, () => ({
      loader: 'js',
      contents: `const ink = globalThis[Symbol.for(${JSON.stringify(INK_GLOBAL)})]
if (ink === undefined) throw new Error('momento-eb: Ink was not loaded before a view that draws with it (bin/run.js loads it for the header\\'s inkCommands on a terminal). MOMENTO_EB_NO_FAST_PATH=1 runs the command through oclif.')
module.exports = ink`,
    }))
  },
}

/** What each bundle serves, leaves out, and runs once before its cache is saved. */
const BUNDLES = [
  {
    path: FAST_PATHS.put,
    header: {commands: PUT_FAST},
    // oclif requires TypeScript only to run .ts commands in development; a put needs only EventBridge
    // (and SQS for --wait's DLQ lookup, which then loads from node_modules as usual).
    external: ['typescript', '@aws-sdk/client-cloudformation', '@aws-sdk/client-sqs', '@aws-sdk/client-sts'],
    warmUp: (exports) =>
      exports.runFast(
        ['put', 'cacheSet', '--sandbox', '--cache', 'warm-up', '--key', 'k', '--ttl', '60', '--message', 'm'],
        root,
      ),
  },
  {
    path: FAST_PATHS.commands,
    header: {commands: COMMANDS_FAST, withArgs: await commandsWithArgs()},
    // The commands whose code can reach Ink (anything they import, statically or not): on a terminal,
    // bin/run.js loads Ink before it runs one of them (see preloadedInkPlugin).
    listInkCommands: true,
    // Ink is the stand-in above; React comes from node_modules, the one copy Ink uses too.
    external: ['typescript', 'react', 'react/*'],
    plugins: [preloadedInkPlugin],
    warmUp: async (exports) => {
      await exports.runFast('whoami', ['--sandbox', '--json'], root)
      if (process.exitCode) throw new Error(`The commands warm-up's whoami failed (exit ${process.exitCode})`)
      // No stack on the warm-up sandbox: exit 1, after a real DescribeStacks round trip.
      await exports.runFast('status', ['--sandbox', '--json'], root)
      if (process.exitCode !== 1) throw new Error(`The commands warm-up's status ended ${process.exitCode ?? 0}, not 1`)
      process.exitCode = undefined
    },
  },
]

for (const spec of BUNDLES) await makeBundle(spec)
await makeInkBundle()

/**
 * Ink and what it imports (about 530 files) as one ES module, dist/ink-fast.mjs: bin/run.js imports it
 * for a command that draws with Ink on a terminal (loading Ink from node_modules took about 0.6 s of CPU,
 * this file about 0.2 s). An ES module, as Ink has top-level await; so no V8 code cache (Node 20 has
 * none for ES modules). React is left out: the bundle's require() (from dist/, made with createRequire)
 * loads node_modules' copy, the same the commands bundle's views use. Ink's React Devtools module
 * (imported only when DEV=true, and needing react-devtools-core, which momento-eb doesn't install) is
 * left out too: its import fails as it does through node_modules, with Ink's own warning.
 */
async function makeInkBundle() {
  await build({
    stdin: {contents: "export * from 'ink'", resolveDir: root, loader: 'js'},
    outfile: FAST_PATHS.ink.bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    external: ['react', 'react/*'],
    banner: {
      js: "import {createRequire as __momentoEbRequire} from 'node:module';const require=__momentoEbRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'ink-devtools-left-out',
        setup(b) {
          b.onResolve({filter: /^\.\/devtools\.js$/}, () => ({path: './devtools.js', external: true}))
        },
      },
    ],
  })
}

async function makeBundle({path, header: lists, external, plugins = [], warmUp, listInkCommands}) {
  const options = {
    entryPoints: [relative(root, path.compiled)],
    outfile: path.bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // import() becomes require(): a script compiled from a code cache on Node 20 has no dynamic-import
    // callback, and every import() left in the bundle (oclif's plugin loader, the SDK's IMDS client)
    // is of a file or built-in module that require() loads as well.
    supported: {'dynamic-import': false},
    external,
    plugins: [importMetaPlugin, ...plugins],
  }
  // The first build only reads the module graph (no output): which commands can reach Ink.
  const ink = listInkCommands
    ? inkCommands((await build({...options, write: false, metafile: true})).metafile, lists.commands)
    : undefined
  const header = `${path.header}${JSON.stringify({id: randomUUID(), ...lists, ...(ink ? {inkCommands: ink} : {})})}\n`
  await build({...options, banner: {js: header.trimEnd()}})
  // V8's cache holds the functions compiled so far, so first run real commands (against an in-process
  // sandbox, output discarded): the cache then covers flag parsing, the SDK's request path and the
  // output too, not only the bundle's top level.
  const {exports, script, header: written} = loadBundle(undefined, path)
  if (written !== header)
    throw new Error(`${path.bundle}: expected the header ${header.trim()}, found ${written.trim()}`)
  await inWarmUpWorld(path.name, () => warmUp(exports))
  await writeFile(path.bundleCache, Buffer.concat([Buffer.from(header), script.createCachedData()]))
}

async function inWarmUpWorld(name, run) {
  const sandbox = await startSandbox({port: 0})
  const configDir = await mkdtemp(join(tmpdir(), 'momento-eb-build-'))
  const saved = {env: {...process.env}, out: process.stdout.write, err: process.stderr.write}
  Object.assign(process.env, {
    MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
    MOMENTO_EB_CONFIG_DIR: configDir,
    MOMENTO_EB_STATE_DIR: join(configDir, 'state'),
    AWS_ACCESS_KEY_ID: 'build',
    AWS_SECRET_ACCESS_KEY: 'build',
    AWS_REGION: 'us-east-1',
  })
  let output = ''
  process.stdout.write = process.stderr.write = (chunk) => ((output += chunk), true)
  try {
    await run()
  } finally {
    process.stdout.write = saved.out
    process.stderr.write = saved.err
    process.env = saved.env
    await sandbox.close()
    await rm(configDir, {recursive: true, force: true})
  }
  if (process.exitCode) throw new Error(`The ${name} warm-up failed (exit ${process.exitCode}): ${output}`)
}

/**
 * Of `ids` (oclif ids), those whose command module can reach Ink through any import, static or
 * dynamic (esbuild's metafile: every input with what it imports; Ink is preloadedInkPlugin's module).
 * A command module is dist/commands/<words>.js, or <words>/index.js for a topic's own command.
 */
function inkCommands(metafile, ids) {
  const reachesInk = new Map()
  const visit = (input) => {
    if (input === 'preloaded-ink:ink') return true
    if (reachesInk.has(input)) return reachesInk.get(input)
    reachesInk.set(input, false)
    const found = (metafile.inputs[input]?.imports ?? []).some((edge) => !edge.external && visit(edge.path))
    reachesInk.set(input, found)
    return found
  }
  return ids.filter((id) => {
    const words = id.split(':').join('/')
    const file = [`dist/commands/${words}.js`, `dist/commands/${words}/index.js`].find((f) => f in metafile.inputs)
    if (file === undefined) throw new Error(`bundle-fast: no module for the command ${id} in the bundle`)
    return visit(file)
  })
}
