// Bundles the single-`put` fast path (src/cli/put-fast.ts, built to dist/cli/put-fast.js) with
// everything it imports into one CommonJS file, dist/put-fast.cjs, and saves V8's code cache for it
// (dist/put-fast.cjs.cache): see bin/run.js for why and how it uses them.
//
// The bundle's first line is a header: `//momento-eb-put-fast {"id":…,"commands":[…]}`, with the
// commands src/cli/put-fast.ts serves (bin/run.js reads the list from here) and an id new with every
// build. The cache file starts with the same line, then V8's data: bin/run.js uses a cache only with the
// bundle whose header it repeats (V8 checks just the source's length, and runs the cached code of
// another source of the same length).
import {randomUUID} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {build} from 'esbuild'

import {FAST_COMMANDS} from '../dist/cli/put-fast.js'
import {startSandbox} from '../dist/sandbox/server.js'

// bin/run.js loads the bundle; the cache must be made from the very source it compiles.
const {bundle, bundleCache, HEADER, loadBundle, root} = createRequire(import.meta.url)('../bin/run.js')
const header = `${HEADER}${JSON.stringify({id: randomUUID(), commands: FAST_COMMANDS})}\n`

// sdk.ts loads each client package lazily through createRequire(import.meta.url); in the bundle the
// same lazy require() must name the packages literally so esbuild includes them (still lazily run).
const sdkPlugin = {
  name: 'bundled-sdk-require',
  setup(b) {
    b.onLoad({filter: /adapters[\\/]aws[\\/]sdk\.js$/}, async (args) => {
      const text = await readFile(args.path, 'utf8')
      const line = 'const require = createRequire(import.meta.url);'
      if (!text.includes(line)) throw new Error(`${args.path}: expected "${line}"`)
      return {contents: text.replace(line, ''), loader: 'js'}
    })
  },
}

await build({
  entryPoints: ['dist/cli/put-fast.js'],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: {js: header.trimEnd()},
  // import() becomes require(): a script compiled from a code cache on Node 20 has no dynamic-import
  // callback, and every import() left in the bundle (oclif's plugin loader, the SDK's IMDS client)
  // is of a file or built-in module that require() loads as well.
  supported: {'dynamic-import': false},
  // oclif requires TypeScript only to run .ts commands in development; a put needs only EventBridge
  // (and SQS for --wait's DLQ lookup, which then loads from node_modules as usual).
  external: ['typescript', '@aws-sdk/client-cloudformation', '@aws-sdk/client-sqs', '@aws-sdk/client-sts'],
  plugins: [sdkPlugin],
})

// V8's cache holds the functions compiled so far, so first run one real put (against an in-process
// sandbox, output discarded): the cache then covers flag parsing, the SDK's request path and the output
// too, not only the bundle's top level.
const {exports, script, header: written} = loadBundle(undefined)
if (written !== header) throw new Error(`${bundle}: expected the header ${header.trim()}, found ${written.trim()}`)
await warmUp(exports.runFast)
await writeFile(bundleCache, Buffer.concat([Buffer.from(header), script.createCachedData()]))

async function warmUp(runFast) {
  const sandbox = await startSandbox({port: 0})
  const configDir = await mkdtemp(join(tmpdir(), 'momento-eb-build-'))
  const saved = {env: {...process.env}, out: process.stdout.write, err: process.stderr.write}
  Object.assign(process.env, {
    MOMENTO_EB_SANDBOX_URL: sandbox.endpoint,
    MOMENTO_EB_CONFIG_DIR: configDir,
    AWS_ACCESS_KEY_ID: 'build',
    AWS_SECRET_ACCESS_KEY: 'build',
    AWS_REGION: 'us-east-1',
  })
  let output = ''
  process.stdout.write = process.stderr.write = (chunk) => ((output += chunk), true)
  try {
    await runFast(
      ['put', 'cacheSet', '--sandbox', '--cache', 'warm-up', '--key', 'k', '--ttl', '60', '--message', 'm'],
      root,
    )
  } finally {
    process.stdout.write = saved.out
    process.stderr.write = saved.err
    process.env = saved.env
    await sandbox.close()
    await rm(configDir, {recursive: true, force: true})
  }
  if (process.exitCode) throw new Error(`The warm-up put failed (exit ${process.exitCode}): ${output}`)
}
