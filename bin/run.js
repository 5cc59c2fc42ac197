#!/usr/bin/env node
// The momento-eb command. This file is CommonJS (bin/package.json), which starts a few milliseconds
// sooner than an ES module: for a single `put` start-up is most of the wall time.
//
// Short commands start from a bundle (see FAST_PATHS below): a single `put cacheSet | cacheDelete |
// topicPublish` from dist/put-fast.cjs, and every other command from dist/commands-fast.cjs (on a
// terminal, with Ink from dist/ink-fast.mjs for those that draw with it). The build bundles them from
// src/cli/put-fast.ts and src/cli/commands-fast.ts (the same command classes, run through oclif's own
// Command.run) and saves V8's code cache next to each. Loading one skips resolving and compiling
// hundreds of module files. Everything else, and any help request, goes through oclif's execute() as
// usual; so does everything when MOMENTO_EB_NO_FAST_PATH is set (to anything but 0 or an empty
// string), for debugging. See docs/architecture.md, "The start-up fast paths".
'use strict'
const {closeSync, openSync, readFileSync, readSync, statSync} = require('node:fs')
const {dirname, join} = require('node:path')
const {Script} = require('node:vm')

const root = join(__dirname, '..')

/**
 * The two start-up fast paths, each a bundle the build makes (scripts/bundle-fast.js) with V8's code
 * cache next to it:
 * - `put`: a single `put cacheSet | cacheDelete | topicPublish` (src/cli/put-fast.ts). Small (oclif and
 *   the EventBridge client), so a put starts in about a third of the CPU.
 * - `commands`: every other command (src/cli/commands-fast.ts). The live views (deploy's and destroy's
 *   progress, trace's timeline, `dlq watch`, `top`) draw with Ink on a terminal, and Ink has top-level
 *   await, which a require() (or a bundle) can't load: so on a terminal, before running one of the
 *   commands that can reach Ink (the header's `inkCommands`, which the build reads from the module
 *   graph), this file loads Ink with a real import() and hands it to the bundle (INK_GLOBAL). Ink
 *   comes from its own bundle, an ES module (`ink`: about a third of the CPU of loading it from
 *   node_modules' 530 files).
 *
 * Each bundle's first line is a header written by the build: `<header>{"id":…,"commands":[…]}`. The
 * commands are the module's FAST_COMMANDS (the only list); the id is the build's, and the code cache
 * starts with the same header line, so a cache is only ever used with the bundle it was made from.
 *
 * `scriptName` is the name V8 gives the compiled bundle, in stack traces. Not its absolute path: V8
 * stores the name in the code cache and, when it accepts the cache, keeps the stored name (Node 20),
 * so a cache made at the build's path would name that path in every stack trace of a moved checkout or
 * an installed package. A name relative to the package makes the cache the same wherever it is.
 */
const FAST_PATHS = {
  put: fastPath('put-fast', 'cli/put-fast.js'),
  commands: fastPath('commands-fast', 'cli/commands-fast.js'),
  /** Ink as one ES module (scripts/bundle-fast.js, makeInkBundle), for the commands bundle's views. */
  ink: {bundle: join(root, 'dist', 'ink-fast.mjs')},
}

function fastPath(name, compiled) {
  const file = join(root, 'dist', `${name}.cjs`)
  return {
    name,
    bundle: file,
    bundleCache: `${file}.cache`,
    header: `//momento-eb-${name} `,
    scriptName: `momento-eb/dist/${name}.cjs`,
    /** The compiled module the bundle is made from (see bundleIsCurrent). */
    compiled: join(root, 'dist', compiled),
    /** The bundle's exports, loaded once (a process runs one command; the tests' in-process runner, many). */
    loaded: undefined,
  }
}

/**
 * Where the commands bundle finds Ink (`globalThis[Symbol.for(INK_GLOBAL)]`): its `ink` is a stand-in
 * that hands out this object (scripts/bundle-fast.js).
 */
const INK_GLOBAL = 'momento-eb.ink'

/** The put bundle's names, as the build and the tests have used them. */
const bundle = FAST_PATHS.put.bundle
const bundleCache = FAST_PATHS.put.bundleCache
const HEADER = FAST_PATHS.put.header
const SCRIPT_NAME = FAST_PATHS.put.scriptName

/** A bundle's header (see FAST_PATHS), or undefined when there is no bundle or it has none. */
function bundleHeader(path) {
  let fd
  try {
    fd = openSync(path.bundle, 'r')
  } catch (error) {
    if (error.code === 'ENOENT') return undefined
    throw error
  }
  try {
    // The header is one line of a few hundred bytes (the commands bundle's lists about thirty ids).
    const head = Buffer.alloc(8192)
    const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8')
    const end = text.indexOf('\n')
    const line = end === -1 ? '' : text.slice(0, end)
    return line.startsWith(path.header) ? JSON.parse(line.slice(path.header.length)) : undefined
  } finally {
    closeSync(fd)
  }
}

/** Whether the fast path is switched off (MOMENTO_EB_NO_FAST_PATH=1), to debug a put through oclif. */
function fastPathOff() {
  const value = process.env.MOMENTO_EB_NO_FAST_PATH
  return value !== undefined && value !== '' && value !== '0'
}

/** Whether argv (as after `momento-eb`) is a single put the put bundle serves (its header lists the commands). */
function servesPut(argv) {
  if (argv[0] !== 'put' || fastPathOff()) return false
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return false
  const header = bundleHeader(FAST_PATHS.put)
  return header !== undefined && header.commands.includes(argv[1])
}

/** Whether any standard stream is a terminal (then a command may draw with Ink: see FAST_PATHS). */
function onTerminal() {
  return Boolean(process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY)
}

/**
 * The command argv names, its arguments and whether this run loads Ink first (a command that can draw
 * with it, on a terminal), when the commands bundle serves it and this run may use it; else undefined.
 */
function commandsBundleId(argv) {
  if (fastPathOff() || argv.length === 0) return undefined
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return undefined
  const header = bundleHeader(FAST_PATHS.commands)
  if (header === undefined || !Array.isArray(header.inkCommands)) return undefined
  const id = spacedCommandId(argv, header.commands, header.withArgs)
  if (!header.commands.includes(id)) return undefined
  return {id, args: argv.slice(id.split(':').length), ink: header.inkCommands.includes(id) && onTerminal()}
}

/**
 * The command id oclif reads from argv with topics separated by spaces (@oclif/core 4,
 * help/util.js collateSpacedCmdIDFromArgs), over `ids` (the bundle's) of which `withArgs` take
 * positional arguments. A word goes into the id while it continues a known id; past a whole command,
 * a further word ends it only if that command takes arguments: `whoami extra` is the id
 * `whoami:extra`, which no command has, and oclif's command_not_found hook answers it. The commands
 * the bundle leaves out change nothing here: none is a prefix of one it serves.
 */
function spacedCommandId(argv, ids, withArgs) {
  const usable = new Set(ids.flatMap((id) => id.split(':').map((_, i, parts) => parts.slice(0, i + 1).join(':'))))
  const words = []
  for (const arg of argv) {
    if (usable.has([...words, arg].join(':'))) words.push(arg)
    else if (arg.includes('=') || arg.startsWith('-') || withArgs.includes(words.join(':'))) break
    else words.push(arg)
  }
  return words.join(':')
}

/**
 * Compile and run a bundle (`path`: FAST_PATHS.put unless given) as a CommonJS module. `cacheFile` is
 * the code cache file's content: used when its header line is the bundle's (else the bundle simply
 * compiles; V8 itself rejects a cache made by another Node.js build, but checks only the length of the
 * source it was made for). Returns the exports and the compiled script (the build saves the cache from it).
 */
function loadBundle(cacheFile, path = FAST_PATHS.put) {
  const source = readFileSync(path.bundle, 'utf8')
  const header = source.slice(0, source.indexOf('\n') + 1)
  const cachedData =
    cacheFile && header.startsWith(path.header) && cacheFile.subarray(0, header.length).toString('utf8') === header
      ? cacheFile.subarray(header.length)
      : undefined
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`
  const script = new Script(wrapper, {filename: path.scriptName, ...(cachedData ? {cachedData} : {})})
  const mod = {exports: {}}
  script.runInThisContext()(
    mod.exports,
    require('node:module').createRequire(path.bundle),
    mod,
    path.bundle,
    dirname(path.bundle),
  )
  return {exports: mod.exports, script, header}
}

function readOptional(file) {
  try {
    return readFileSync(file)
  } catch (error) {
    if (error.code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Whether a bundle is there and current. In a source checkout (one with tsconfig.json) `npm run build`
 * makes the bundles last, so a bundle older than the compiled code means `tsc` ran alone since, and oclif
 * runs the command. An installed package is never recompiled (and npm does not keep file times).
 */
function bundleIsCurrent(path) {
  const bundled = statSync(path.bundle, {throwIfNoEntry: false})
  if (bundled === undefined) return false
  if (statSync(join(root, 'tsconfig.json'), {throwIfNoEntry: false}) === undefined) return true
  const compiled = statSync(path.compiled, {throwIfNoEntry: false})
  return compiled !== undefined && bundled.mtimeMs >= compiled.mtimeMs
}

/** Ink, for the commands bundle: from its own bundle when the build made one, else from node_modules. */
function loadInk() {
  if (statSync(FAST_PATHS.ink.bundle, {throwIfNoEntry: false}) === undefined) return import('ink')
  return import(require('node:url').pathToFileURL(FAST_PATHS.ink.bundle).href)
}

function fastExports(path) {
  path.loaded ??= loadBundle(readOptional(path.bundleCache), path).exports
  return path.loaded
}

async function main(argv) {
  if (servesPut(argv) && bundleIsCurrent(FAST_PATHS.put)) {
    await fastExports(FAST_PATHS.put).runFast(argv, root)
    return
  }
  const command = commandsBundleId(argv)
  if (command && bundleIsCurrent(FAST_PATHS.commands)) {
    if (command.ink) globalThis[Symbol.for(INK_GLOBAL)] ??= await loadInk()
    await fastExports(FAST_PATHS.commands).runFast(command.id, command.args, root)
    return
  }
  // help and autocomplete come from oclif plugins, which know no --json: answered here (see help-json.ts).
  if ((argv[0] === 'help' || argv[0] === 'autocomplete') && (await helpJson(argv))) return
  // oclif's help indents a flag's wrapped description two columns past the width it wrapped it to
  // (@oclif/core 4, help/formatter.js renderList): tell it the terminal is two columns narrower, so
  // help fits 80 columns. It reads the width once, when it loads; OCLIF_COLUMNS still wins.
  if (!process.env.OCLIF_COLUMNS) {
    const columns = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80
    globalThis.oclif = {...globalThis.oclif, columns: Math.max(40, columns - 2)}
  }
  const {execute} = await import('@oclif/core')
  await execute({args: argv, dir: root})
}

async function helpJson(argv) {
  const {helpOrAutocompleteJson} = await import(
    require('node:url').pathToFileURL(join(root, 'dist', 'cli', 'help-json.js')).href
  )
  return helpOrAutocompleteJson(argv, root)
}

if (require.main === module) {
  // React and Ink's renderer pick their build from NODE_ENV when they load: unset, the development
  // builds, which check every render and time every component (performance.measure). Measured on
  // `dlq watch` over 6,000 messages (a sweep, then 10 s of watching; /usr/bin/time, two each,
  // alternated): 4.4 and 4.9 s of CPU against 3.7 and 3.8 s. This is the one place that chooses: on
  // the fast path Ink (and React with it) loads before the command runs, and react/jsx-runtime loads
  // later still, so the setting stays for the whole process (the children it starts, such as
  // $EDITOR, inherit it). An operator's own NODE_ENV is kept. The tests' in-process runner calls
  // main() directly and keeps the test runner's.
  if (process.env.NODE_ENV === undefined) process.env.NODE_ENV = 'production'
  main(process.argv.slice(2))
}

// `main` is exported for the tests' in-process runner (test/helpers/cli.ts), which runs commands as this file does;
// `spacedCommandId` for test/unit/commands-fast-id.test.ts, which holds it to oclif's own reading.
module.exports = {
  bundle,
  bundleCache,
  FAST_PATHS,
  HEADER,
  INK_GLOBAL,
  loadBundle,
  main,
  root,
  SCRIPT_NAME,
  spacedCommandId,
}
