#!/usr/bin/env node
// The momento-eb command. This file is CommonJS (bin/package.json), which starts a few milliseconds
// sooner than an ES module: for a single `put` start-up is most of the wall time.
//
// A single `put cacheSet | cacheDelete | topicPublish` runs from dist/put-fast.cjs, one file that
// the build bundles from src/cli/put-fast.ts (the same command classes, run through oclif's own
// Command.run), compiled with the V8 code cache the build saved next to it. Loading it skips
// resolving and compiling hundreds of module files. Everything else, and any help request, goes
// through oclif's execute() as usual.
'use strict'
const {readFileSync, statSync} = require('node:fs')
const {dirname, join} = require('node:path')
const {Script} = require('node:vm')

const root = join(__dirname, '..')
const bundle = join(root, 'dist', 'put-fast.cjs')
const bundleCache = `${bundle}.cache`
const fastCommands = new Set(['cacheSet', 'cacheDelete', 'topicPublish'])

/** Whether argv (as after `momento-eb`) is a single put the bundle serves. */
function servesFast(argv) {
  if (argv[0] !== 'put' || !fastCommands.has(argv[1])) return false
  return !argv.some((arg) => arg === '--help' || arg === '-h')
}

/**
 * Compile and run the bundle as a CommonJS module, with V8's code cache when given (V8 rejects a cache
 * made by another Node.js build or for other source, and then simply compiles). Returns its exports
 * and the compiled script (the build saves the cache from it).
 */
function loadBundle(cachedData) {
  const source = readFileSync(bundle, 'utf8')
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`
  const script = new Script(wrapper, {filename: bundle, ...(cachedData ? {cachedData} : {})})
  const mod = {exports: {}}
  script.runInThisContext()(mod.exports, require('node:module').createRequire(bundle), mod, bundle, dirname(bundle))
  return {exports: mod.exports, script}
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
module.exports = {bundle, bundleCache, loadBundle, main, root}
