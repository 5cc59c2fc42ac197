#!/usr/bin/env node
// The momento-eb command. This file is CommonJS (bin/package.json), which starts a few milliseconds
// sooner than an ES module: for a single `put` start-up is most of the wall time.
//
// A single `put cacheSet | cacheDelete | topicPublish` runs from dist/put-fast.cjs, one file that
// the build bundles from src/cli/put-fast.ts (the same command classes, run through oclif's own
// Command.run), compiled with the V8 code cache the build saved next to it. Loading it skips
// resolving and compiling hundreds of module files. Everything else, and any help request, goes
// through oclif's execute() as usual; so does everything when MOMENTO_EB_NO_FAST_PATH is set (to
// anything but 0 or an empty string), for debugging. See docs/architecture.md, "The put fast path".
'use strict'
const {closeSync, openSync, readFileSync, readSync, statSync} = require('node:fs')
const {dirname, join} = require('node:path')
const {Script} = require('node:vm')

const root = join(__dirname, '..')
const bundle = join(root, 'dist', 'put-fast.cjs')
const bundleCache = `${bundle}.cache`
/**
 * The bundle's first line, written by the build: `//momento-eb-put-fast {"id":…,"commands":[…]}`. The
 * commands are src/cli/put-fast.ts's list (the only one); the id is the build's, and the code cache
 * starts with the same header line, so a cache is only ever used with the bundle it was made from.
 */
const HEADER = '//momento-eb-put-fast '
/**
 * The name V8 gives the compiled bundle, in stack traces. Not its absolute path: V8 stores the name in
 * the code cache and, when it accepts the cache, keeps the stored name (Node 20), so a cache made at
 * the build's path would name that path in every stack trace of a moved checkout or an installed
 * package. A name relative to the package makes the cache the same wherever the package is.
 */
const SCRIPT_NAME = 'momento-eb/dist/put-fast.cjs'

/** The bundle's header (see HEADER), or undefined when there is no bundle or it has none. */
function bundleHeader() {
  let fd
  try {
    fd = openSync(bundle, 'r')
  } catch (error) {
    if (error.code === 'ENOENT') return undefined
    throw error
  }
  try {
    const head = Buffer.alloc(512)
    const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8')
    const line = text.slice(0, text.indexOf('\n'))
    return line.startsWith(HEADER) ? JSON.parse(line.slice(HEADER.length)) : undefined
  } finally {
    closeSync(fd)
  }
}

/** Whether the fast path is switched off (MOMENTO_EB_NO_FAST_PATH=1), to debug a put through oclif. */
function fastPathOff() {
  const value = process.env.MOMENTO_EB_NO_FAST_PATH
  return value !== undefined && value !== '' && value !== '0'
}

/** Whether argv (as after `momento-eb`) is a single put the bundle serves (its header lists the commands). */
function servesFast(argv) {
  if (argv[0] !== 'put' || fastPathOff()) return false
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return false
  const header = bundleHeader()
  return header !== undefined && header.commands.includes(argv[1])
}

/**
 * Compile and run the bundle as a CommonJS module. `cacheFile` is the code cache file's content: used
 * when its header line is the bundle's (else the bundle simply compiles; V8 itself rejects a cache made
 * by another Node.js build, but checks only the length of the source it was made for). Returns the
 * exports and the compiled script (the build saves the cache from it).
 */
function loadBundle(cacheFile) {
  const source = readFileSync(bundle, 'utf8')
  const header = source.slice(0, source.indexOf('\n') + 1)
  const cachedData =
    cacheFile && header.startsWith(HEADER) && cacheFile.subarray(0, header.length).toString('utf8') === header
      ? cacheFile.subarray(header.length)
      : undefined
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`
  const script = new Script(wrapper, {filename: SCRIPT_NAME, ...(cachedData ? {cachedData} : {})})
  const mod = {exports: {}}
  script.runInThisContext()(mod.exports, require('node:module').createRequire(bundle), mod, bundle, dirname(bundle))
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
 * Whether the bundle is there and current. In a source checkout (one with tsconfig.json) `npm run build`
 * makes the bundle last, so a bundle older than the compiled code means `tsc` ran alone since, and oclif
 * runs the put. An installed package is never recompiled (and npm does not keep file times).
 */
function bundleIsCurrent() {
  const bundled = statSync(bundle, {throwIfNoEntry: false})
  if (bundled === undefined) return false
  if (statSync(join(root, 'tsconfig.json'), {throwIfNoEntry: false}) === undefined) return true
  const compiled = statSync(join(root, 'dist', 'cli', 'put-fast.js'), {throwIfNoEntry: false})
  return compiled !== undefined && bundled.mtimeMs >= compiled.mtimeMs
}

/** The bundle's exports, loaded once (a process runs one command; the tests' in-process runner, many). */
let fast
function fastExports() {
  fast ??= loadBundle(readOptional(bundleCache)).exports
  return fast
}

async function main(argv) {
  if (servesFast(argv) && bundleIsCurrent()) {
    await fastExports().runFast(argv, root)
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

if (require.main === module) main(process.argv.slice(2))

// `main` is exported for the tests' in-process runner (test/helpers/cli.ts), which runs commands as this file does.
module.exports = {bundle, bundleCache, HEADER, loadBundle, main, root, SCRIPT_NAME}
