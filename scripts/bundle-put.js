// Bundles the single-`put` fast path (src/cli/put-fast.ts, built to dist/cli/put-fast.js) with
// everything it imports into one CommonJS file, dist/put-fast.cjs, and saves V8's code cache for it
// (dist/put-fast.cjs.cache): see bin/run.js for why and how it uses them.
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {build} from 'esbuild'

import {startSandbox} from '../dist/sandbox/server.js'

// bin/run.js loads the bundle; the cache must be made from the very source it compiles.
const {bundle, bundleCache, loadBundle, root} = createRequire(import.meta.url)('../bin/run.js')

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
const {exports, script} = loadBundle(undefined)
await warmUp(exports.runFast)
await writeFile(bundleCache, script.createCachedData())

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
