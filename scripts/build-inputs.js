// What a build is made from and what it made, as two hashes: `node scripts/build-inputs.js write` (the
// last step of `npm run build`) stores them in dist/.build-inputs; `node scripts/build-inputs.js check`
// exits 0 when dist/ was built from exactly the files here now and nobody changed what it made since
// (a test that edits dist/ to see a test fail, say), so `npm test` can skip a build that would change
// nothing. The inputs: the sources, bin/, the build scripts, the TypeScript config, package.json, the
// lock file and what npm installed (node_modules/.package-lock.json: oclif's version writes the
// manifest). The outputs: dist/ and oclif.manifest.json.
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const stamp = join(root, 'dist', '.build-inputs')

function filesUnder(dir) {
  const out = []
  const walk = (path) => {
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else out.push(relative(root, full))
    }
  }
  if (existsSync(join(root, dir))) walk(join(root, dir))
  return out
}

function hashOf(files) {
  const hash = createHash('sha256')
  hash.update(`node ${process.version}\n`)
  for (const file of [...files].sort()) {
    const path = join(root, file)
    hash.update(`${file}\0`)
    hash.update(existsSync(path) ? readFileSync(path) : '(missing)')
    hash.update('\0')
  }
  return hash.digest('hex')
}

/** The inputs' hash and the outputs' hash, on one line. */
function state() {
  const inputs = [
    ...filesUnder('src'),
    ...filesUnder('bin'),
    'scripts/build-inputs.js',
    'scripts/bundle-fast.js',
    'scripts/sort-manifest.js',
    'tsconfig.json',
    'package.json',
    'package-lock.json',
    'node_modules/.package-lock.json',
  ]
  const outputs = [...filesUnder('dist').filter((file) => file !== 'dist/.build-inputs'), 'oclif.manifest.json']
  return `${hashOf(inputs)} ${hashOf(outputs)}`
}

const mode = process.argv[2]
if (mode === 'write') {
  writeFileSync(stamp, `${state()}\n`)
} else if (mode === 'check') {
  const stored = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : ''
  process.exit(stored !== '' && stored === state() ? 0 : 1)
} else {
  console.error('usage: node scripts/build-inputs.js write|check')
  process.exit(2)
}
